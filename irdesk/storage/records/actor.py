"""Who the audit log names for a change made on this machine, by the window or a command.

The person using irdesk, as they said once (`irdesk identity use ID.p12`, or the first
unlock of their notes in the window), tied to their identity's certificate when they
have one; only where nobody said so yet, the login name. Saved in the configuration
folder (`actor.json`, 0600), never in a database: it is this machine's user, not a
fact about the file.

Imports nothing but the standard library and storage.paths, so the window can name its
actor before the database libraries load.
"""

import getpass
import json
import os
from pathlib import Path

FILE_NAME = "actor.json"


def actor_file() -> Path:
    from irdesk.storage import paths

    return paths.config_dir() / FILE_NAME


def current_actor() -> str:
    """The person who said who they are on this machine, else the logged-in user."""
    try:
        saved = json.loads(actor_file().read_text(encoding="utf-8"))
        return identity_actor(str(saved["name"]), saved.get("certificate_fingerprint"))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # nobody said yet, or the file is unreadable: the login name
    try:
        return getpass.getuser() or "irdesk user"
    except (OSError, KeyError):  # no login name in this environment
        return "irdesk user"


def remember_actor(name: str, certificate_fingerprint: str | None) -> Path:
    """Who uses irdesk here from now on: written beside, then renamed over, 0600."""
    path = actor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"name": name, "certificate_fingerprint": certificate_fingerprint}, handle)
    partial.replace(path)
    return path


def actor_remembered() -> bool:
    return actor_file().exists()


def saved_actor() -> tuple[str, str | None] | None:
    """(name, certificate fingerprint) as the person last said, or None if they never did."""
    try:
        saved = json.loads(actor_file().read_text(encoding="utf-8"))
        fingerprint = saved.get("certificate_fingerprint")
        return str(saved["name"]), str(fingerprint) if fingerprint else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def login_full_name() -> str:
    """The name the system account gives its user (the GECOS field), else the login name.

    Only a suggestion for the person to confirm: a shared account's name is nobody's.
    """
    try:
        import pwd

        full = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError, OSError):  # not a POSIX system, or no such account
        full = ""
    if full:
        return full
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def identity_actor(name: str, certificate_fingerprint: str | None) -> str:
    """The person behind an identity, as the audit log names them.

    The certificate's fingerprint makes the entry point to one key, not to whoever
    typed a name: two people called the same are told apart.
    """
    if not certificate_fingerprint:
        return name
    return f"{name} [cert {certificate_fingerprint[:16]}]"
