"""Who the audit log names for changes made in the desktop application."""

import getpass


def current_actor() -> str:
    """The logged-in user; a fixed name where the environment has no login name."""
    try:
        return getpass.getuser() or "irdesk user"
    except (OSError, KeyError):  # no login name in this environment
        return "irdesk user"
