"""The database file the window has open, held once and handed to every screen.

Screens ask `current()` when they start a piece of work and keep the Database
they got with that work, so a result that comes back after another file was
opened can be recognised (`db is not open_database.current()`) and dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from irdesk.storage.database import Database


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
