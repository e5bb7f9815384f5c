"""The database file the window has open, held once and handed to every screen.

Screens ask `current()` when they start a piece of work and keep the Database
they got with that work, so a result that comes back after another file was
opened can be recognised (`db is not open_database.current()`) and dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from irdesk.storage.addresses import is_server_address

if TYPE_CHECKING:
    from irdesk.storage.database import Database


def is_server(path: Path) -> bool:
    """Whether `path` is a team database's address rather than a file's path."""
    return is_server_address(path)


def shown_name(path: Path) -> str:
    """A database's name in a title or a message: a file's name, a server's address
    (as ServerLocation shows it: no password, socket folder or service entry)."""
    return str(path) if is_server(path) else path.name


class OpenDatabase(QObject):
    """None until the first file opens; `changed(db)` each time another one does."""

    changed = Signal(object)  # the Database now open

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database: Database | None = None

    def current(self) -> Database | None:
        return self._database

    def replace(self, database: Database) -> Database | None:
        """Make `database` the open one; returns the previous one, for the caller to close."""
        previous, self._database = self._database, database
        self.changed.emit(database)
        return previous
