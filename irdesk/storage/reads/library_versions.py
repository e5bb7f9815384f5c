"""The version of the database engine irdesk runs on, for the About box and bug reports."""

import sqlite3


def sqlite_version() -> str:
    """The SQLite library Python's sqlite3 is linked against (not the module's own version)."""
    return sqlite3.sqlite_version
