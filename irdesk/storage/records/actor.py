"""Who the audit log names for a change made on this machine, by the window or a command.

Imports nothing but the standard library, so the window can name its actor before the
database libraries load.
"""

import getpass


def current_actor() -> str:
    """The logged-in user; a fixed name where the environment has no login name."""
    try:
        return getpass.getuser() or "irdesk user"
    except (OSError, KeyError):  # no login name in this environment
        return "irdesk user"
