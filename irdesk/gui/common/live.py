"""Others' changes to the open team database, as they commit, for the screens to show.

On a PostgreSQL team database the server tells a listening connection of every audited
change (storage/notify); a socket notifier wakes the window when one arrives, so nothing
polls and nothing waits on the GUI thread. `changed` carries each one; a screen showing
the record reloads it, and keeps what its user is typing (the review tab's
`changed_elsewhere`). A file is written by one program at a time and has nobody to tell:
on one, this stays quiet, as the windows always were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, Signal

if TYPE_CHECKING:
    from irdesk.gui.common.open_database import OpenDatabase
    from irdesk.storage.database import Database
    from irdesk.storage.notify import ChangeListener


class LiveChanges(QObject):
    """Listens on whichever database `database` has open, while it is a server's."""

    changed = Signal(object)  # a storage.notify.Change another connection committed
    unavailable = Signal(str)  # why others' changes will not show until the next opening

    def __init__(self, database: OpenDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._listener: ChangeListener | None = None
        self._notifier: QSocketNotifier | None = None
        database.changed.connect(self.follow)
        current = database.current()
        if current is not None:
            self.follow(current)

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def follow(self, db: Database) -> None:
        """Listen to `db` instead of the database opened before it."""
        self.stop()
        # A file has nobody to hear from; its opening does not load the server's modules.
        if db.engine.dialect.name != "postgresql":
            return
        from irdesk.storage.notify import listen
        from irdesk.storage.server import ServerError

        try:
            self._listener = listen(db)
        except ServerError as exc:
            self.unavailable.emit(str(exc))
            return
        if self._listener is None:
            return
        self._notifier = QSocketNotifier(self._listener.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._arrived)

    def _arrived(self) -> None:
        from irdesk.storage.server import ServerError

        if self._listener is None:
            return
        try:
            changes = self._listener.changes()
        except ServerError as exc:
            self.stop()
            self.unavailable.emit(str(exc))
            return
        for change in changes:
            self.changed.emit(change)

    def stop(self) -> None:
        """Stop listening (another database opens, or the window closes)."""
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
