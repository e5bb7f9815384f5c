"""Autosave for capture fields: what is typed reaches the database within a second.

A field reports each edit with `edited(key, value_getter, write)`. The first
unsaved edit starts a timer that is *not* restarted by later keystrokes, so
continuous typing still saves every SAVE_DELAY_MS. A save runs on the window's
background worker, one at a time per record, each carrying the revision it was
based on (storage.revisions): a record another window changed since is not
overwritten; `conflicted` says so and the tab asks what to do.

`flush()` takes the field's value at once (before an editor is pointed at
another record, before the window closes) and queues its save.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.refusals import Refused, refusing
from irdesk.storage.errors import EditConflict

if TYPE_CHECKING:
    from irdesk.storage.database import Database


SAVE_DELAY_MS = 400
RETRY_MS = 2000

# write(db, value, revision) -> the record's new revision; raises EditConflict.
Write = Callable[["Database", Any, int], int]
Key = Hashable


@dataclass(frozen=True)
class _Saved:
    revision: int


@dataclass(frozen=True)
class _Conflict:
    error: EditConflict


@dataclass
class _Pending:
    value: Any
    write: Write
    db: Database | None  # the file it was typed in, even if another one is opened meanwhile


class Autosaver(QObject):
    """Saves edited fields of records in the background.

    A record is a key such as ("finding", 12); its revision is tracked here. A field
    is a name within it ("text"); two fields of one record save one after the other,
    each on the revision the previous save left.
    """

    saved = Signal(object, str)  # record, field
    refused = Signal(object, str, str)  # record, field, why (the rules did not allow it)
    conflicted = Signal(object, object, object, object)  # record, field, EditConflict, value
    failed = Signal(object)  # the DatabaseError or OSError; the value stays queued

    def __init__(
        self,
        tasks: BackgroundTasks,
        database: Callable[[], Database | None],
        delay_ms: int = SAVE_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._database = database
        self._revisions: dict[Key, int] = {}
        self._editing: dict[tuple[Key, str], tuple[Callable[[], Any], Write, Database | None]] = {}
        self._queued: dict[tuple[Key, str], _Pending] = {}
        self._in_flight: set[Key] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self.retry_ms = RETRY_MS

    # ------------------------------------------------------------ revisions

    def revision(self, record: Key) -> int | None:
        return self._revisions.get(record)

    def note_revision(self, record: Key, revision: int) -> None:
        """A revision read from the database; revisions only grow, so an older read is ignored."""
        if self.is_saving(record):
            return  # our own save will tell us the newer one
        self._revisions[record] = max(revision, self._revisions.get(record, revision))

    def set_revision(self, record: Key, revision: int) -> None:
        """After a reload chosen by the user: the database's revision, whatever we had."""
        self._revisions[record] = revision

    def is_saving(self, record: Key) -> bool:
        """Typed but not yet saved, queued, or being written."""
        return (
            record in self._in_flight
            or any(r == record for r, _f in self._queued)
            or any(r == record for r, _f in self._editing)
        )

    def forget(self) -> None:
        """Another database: nothing known about its records (saves under way still finish)."""
        self.flush()
        saving = {r for r, _f in self._queued} | self._in_flight
        self._revisions = {r: v for r, v in self._revisions.items() if r in saving}

    @property
    def busy(self) -> bool:
        return bool(self._editing or self._queued or self._in_flight)

    # ---------------------------------------------------------------- edits

    def edited(self, record: Key, field: str, value: Callable[[], Any], write: Write) -> None:
        """Typing in a field: saved within SAVE_DELAY_MS of the first unsaved keystroke."""
        self._editing[(record, field)] = (value, write, self._database())
        if not self._timer.isActive():
            self._timer.start()

    def save_now(self, record: Key, field: str, value: Any, write: Write) -> None:
        """A choice (combo box, date, check box) rather than typing: save without waiting."""
        self.flush()
        self._queued[(record, field)] = _Pending(value, write, self._database())
        self._pump(record)

    def flush(self) -> None:
        """Take every edited field's value now and queue its save."""
        self._timer.stop()
        editing, self._editing = self._editing, {}
        for (record, field), (value, write, db) in editing.items():
            self._queued[(record, field)] = _Pending(value(), write, db)
        for record in {record for record, _field in editing}:
            self._pump(record)

    def keep_mine(self, record: Key, field: str, value: Any, write: Write, revision: int) -> None:
        """After a conflict: write `value` over the other window's change, knowingly."""
        self._revisions[record] = revision
        self.save_now(record, field, value, write)

    # ---------------------------------------------------------------- saving

    def _pump(self, record: Key) -> None:
        if record in self._in_flight:
            return
        field = next((f for r, f in self._queued if r == record), None)
        if field is None:
            return
        pending = self._queued.pop((record, field))
        db = pending.db
        if db is None:
            return
        revision = self._revisions.get(record, 0)
        self._in_flight.add(record)

        def save() -> _Saved | _Conflict:
            try:
                return _Saved(pending.write(db, pending.value, revision))
            except EditConflict as exc:
                return _Conflict(exc)

        def work(_report: object) -> _Saved | _Conflict | Refused:
            return refusing(save)

        try:
            self._tasks.run(
                work,
                on_done=lambda outcome: self._done(record, field, pending, outcome),
                on_expected_error=lambda exc: self._failed(record, field, pending, exc),
            )
        except RuntimeError:  # the window is closing: its work queue takes nothing new
            self._in_flight.discard(record)

    def _done(self, record: Key, field: str, pending: _Pending, outcome: object) -> None:
        # A save can finish after its window closed: the value is written, and nobody is
        # left to tell (the signals' object is gone).
        if not isValid(self):
            return
        self._in_flight.discard(record)
        if isinstance(outcome, _Saved):
            self._revisions[record] = outcome.revision
            self.saved.emit(record, field)
            self._pump(record)
        elif isinstance(outcome, _Conflict):
            # A newer value typed meanwhile would hit the same conflict; the user decides.
            newer = self._queued.pop((record, field), None)
            value = newer.value if newer is not None else pending.value
            self.conflicted.emit(record, field, outcome.error, value)
            self._pump(record)
        elif isinstance(outcome, Refused):
            self.refused.emit(record, field, outcome.message)
            self._pump(record)

    def _failed(self, record: Key, field: str, pending: _Pending, exc: Exception) -> None:
        # A locked, read-only or full file: keep the value (unless a newer one is already
        # waiting) and try again shortly; the user is told each time it still fails.
        self._in_flight.discard(record)
        self._queued.setdefault((record, field), pending)
        self.failed.emit(exc)
        QTimer.singleShot(self.retry_ms, self, lambda: self._pump(record))
