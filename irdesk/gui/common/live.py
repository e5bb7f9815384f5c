"""Others' changes to the open team database, as they commit, for the screens to show.

On a PostgreSQL team database the server tells a listening connection of every audited
change (storage/notify); a socket notifier wakes the window when one arrives, so nothing
polls and nothing waits on the GUI thread. `changed` carries each one; a screen showing
the record reloads it, and keeps what its user is typing (the review tab's
`changed_elsewhere`). A window that reloads a whole list or a figure set instead follows
`settled`: the changes of a burst together (an import, a colleague's undo of twenty
edits), at most once a second, so a busy team does not keep it reading. A file is
written by one program at a time and has nobody to tell: on one, this stays quiet, as the
windows always were, and nothing is watched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QObject, QSocketNotifier, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

if TYPE_CHECKING:
    from irdesk.gui.common.open_database import OpenDatabase
    from irdesk.storage.database import Database
    from irdesk.storage.notify import Change, ChangeListener


class LiveChanges(QObject):
    """Listens on whichever database `database` has open, while it is a server's."""

    changed = Signal(object)  # a storage.notify.Change another connection committed
    # The Changes since the last `settled`, at most once every `interval_ms`.
    settled = Signal(list)
    unavailable = Signal(str)  # why others' changes will not show until the next opening

    def __init__(
        self, database: OpenDatabase, parent: QObject | None = None, *, interval_ms: int = 1000
    ) -> None:
        super().__init__(parent)
        self._listener: ChangeListener | None = None
        self._notifier: QSocketNotifier | None = None
        self.interval_ms = interval_ms
        self._pending: list[Change] = []
        self._since = QElapsedTimer()  # since the last `settled`; invalid before the first
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # A coarse timer may fire 5% early: "at most once a second" would not hold.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._settle)
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
        self.note(changes)

    def note(self, changes: list[Change]) -> None:
        """Hold `changes` for the next `settled`: now, if none was sent in the last
        interval, or when the interval is over (a burst is one reload, a second apart)."""
        if not changes:
            return
        self._pending.extend(changes)
        if self._timer.isActive():
            return
        waited = self._since.elapsed() if self._since.isValid() else self.interval_ms
        self._timer.start(max(0, self.interval_ms - waited))

    def _settle(self) -> None:
        changes, self._pending = self._pending, []
        if changes:
            self._since.restart()
            self.settled.emit(changes)

    def stop(self) -> None:
        """Stop listening (another database opens, or the window closes)."""
        self._timer.stop()
        self._pending = []
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None


class ChangedBar(QFrame):
    """The "Changed by others — Refresh (F5)" bar: shown instead of a reload that would lose
    what the user is typing; F5 or the button reloads when they are ready."""

    TEXT = "Changed by others"

    def __init__(self, reload: Callable[[], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._reload = reload
        self.label = QLabel(self.TEXT)
        self.button = QPushButton("&Refresh (F5)")
        self.button.clicked.connect(self.refresh)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F5), parent)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.refresh)
        self.hide()

    def refresh(self) -> None:
        self.hide()
        self._reload()


def typing_in(window: QWidget) -> bool:
    """Whether the field with the focus in `window` holds an edit not yet saved."""
    focus = window.focusWidget()
    if focus is None or not window.isAncestorOf(focus):
        return False
    if isinstance(focus, QLineEdit):
        return focus.isModified() and not focus.isReadOnly()
    if isinstance(focus, (QPlainTextEdit, QTextEdit)):
        return focus.document().isModified() and not focus.isReadOnly()
    return False


def follow_changes(
    window: QWidget | None,
    changes: list[Change],
    entities: frozenset[str],
    reload: Callable[[], None],
    concerns: Callable[[Change], bool] | None = None,
) -> bool:
    """Reload `window` when `changes` (one `settled` batch) touch what it shows, named by
    the audit log's entities and, when it can tell, by `concerns` (a note about another
    person, a review outside its period); show its ChangedBar instead while its user
    is typing.

    True when it reloaded. A closed or hidden window reads nothing: it reads afresh when
    shown.
    """
    if window is None or not window.isVisible():
        return False
    if not any(
        change.entity in entities and (concerns is None or concerns(change)) for change in changes
    ):
        return False
    bar = window.findChild(ChangedBar)
    if typing_in(window):
        if bar is None:
            bar = ChangedBar(reload, window)
            layout = window.layout()
            if isinstance(layout, QBoxLayout):
                layout.insertWidget(0, bar)
        # Who changed what, so the user can judge whether to refresh now.
        bar.label.setText(f"{ChangedBar.TEXT}: {changes[-1].sentence()}")
        bar.show()
        return False
    if bar is not None:
        bar.hide()
    reload()
    return True
