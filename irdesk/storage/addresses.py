"""Whether a database argument names a team server or a file.

A module of its own, importing nothing, so that the command line and the window can
tell the two apart before paying for the storage layer's imports.
"""

from pathlib import Path

# A team database's address, where a file's path goes (storage/server.ServerLocation).
SCHEMES = ("postgresql://", "postgres://")
# The same schemes as a Path folds them ("postgresql:/host/db"): a Path made from an
# address by mistake must still be told from a file.
_FOLDED = tuple(scheme.rstrip("/") for scheme in SCHEMES)


def is_server_address(text: str | Path) -> bool:
    """Whether `text` is a team database's address rather than a file's path."""
    return str(text).startswith(SCHEMES)


def looks_like_server_address(text: str | Path) -> bool:
    """`is_server_address`, also for an address a Path has folded."""
    return str(text).split("/", 1)[0].lower() in _FOLDED
