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


def identity_actor(name: str, certificate_fingerprint: str | None) -> str:
    """The person behind an unlocked identity, as the audit log names them.

    The certificate's fingerprint makes the entry point to one key, not to whoever
    typed a name: two people called the same are told apart.
    """
    if not certificate_fingerprint:
        return name
    return f"{name} [cert {certificate_fingerprint[:16]}]"
