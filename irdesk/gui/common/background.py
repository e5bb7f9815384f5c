"""The one way the window runs slow work: off the GUI thread, results back on it.

Work runs on a pool owned by whoever creates `BackgroundTasks` (the window),
never on Qt's global pool, and one task at a time: SQLite work is serialised
anyway, and a single worker keeps results in the order they were asked for.

Work functions receive a `report(text)` callable for progress and must not
touch widgets; their result or exception travels back to the GUI thread as
a queued signal. Expected errors (the `expected` classes, e.g. a file that is
not an irdesk database) go to the caller's handler; anything else is a bug
and goes to `on_unexpected` (by default `sys.excepthook`, i.e. the crash dialog).
A task's `then` runs after its outcome, whichever it was: work that must follow
it whatever happened is queued there, and the helper is never idle in between.
"""

import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

T = TypeVar("T")
Report = Callable[[str], None]
Work = Callable[[Report], T]


def report_to_excepthook(exc: BaseException) -> None:
    sys.excepthook(type(exc), exc, exc.__traceback__)


@dataclass(frozen=True)
class _Callbacks:
    on_done: Callable[[Any], None]
    on_expected_error: Callable[[Exception], None] | None
    then: Callable[[], None] | None


class BackgroundTasks(QObject):
    """Queue of background work with its results delivered on the GUI thread."""

    busy_changed = Signal(bool)
    progress = Signal(str)
    finished = Signal(int, object)
    errored = Signal(int, object)
    idle = Signal()

    # Emitted from the worker thread; received (queued) on this object's thread.
    _succeeded = Signal(int, object)
    _failed = Signal(int, object)
    _reported = Signal(int, str)

    def __init__(
        self,
        *,
        expected: tuple[type[Exception], ...] = (),
        on_unexpected: Callable[[BaseException], None] = report_to_excepthook,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._expected = expected
        self._on_unexpected = on_unexpected
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending: dict[int, _Callbacks] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._succeeded.connect(self._deliver_result)
        self._failed.connect(self._deliver_error)
        self._reported.connect(self._deliver_progress)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def active_thread_count(self) -> int:
        return self._pool.activeThreadCount()

    def run(
        self,
        work: Work[T],
        *,
        on_done: Callable[[T], None],
        on_expected_error: Callable[[Exception], None] | None = None,
        description: str = "",
        then: Callable[[], None] | None = None,
    ) -> int:
        """Queue `work`; returns a task id that `finished`/`errored` carry.

        `then` is called on the GUI thread once `work`'s result or error has been
        delivered, whichever it was (unless the helper was shut down meanwhile).
        """
        if self._closed:
            raise RuntimeError("background tasks were shut down; no new work is accepted")
        task_id = next(self._ids)
        was_idle = not self._pending
        self._pending[task_id] = _Callbacks(on_done, on_expected_error, then)
        if was_idle:
            self.busy_changed.emit(True)
        if description:
            self.progress.emit(description)
        self._pool.start(lambda: self._execute(task_id, work))
        return task_id

    def shutdown(self) -> None:
        """Wait for queued and running work; later results are dropped, not delivered."""
        self._closed = True
        self._pool.waitForDone()
        self._pending.clear()

    def _execute(self, task_id: int, work: Work[Any]) -> None:
        # Runs on the worker thread: only signals may leave this function.
        try:
            result = work(lambda text: self._reported.emit(task_id, text))
        except Exception as exc:
            self._failed.emit(task_id, exc)
        else:
            self._succeeded.emit(task_id, result)

    @Slot(int, object)
    def _deliver_result(self, task_id: int, result: object) -> None:
        callbacks = self._pending.get(task_id)
        if callbacks is None or self._closed:
            return
        try:
            callbacks.on_done(result)
            self.finished.emit(task_id, result)
        finally:
            self._task_over(task_id)

    @Slot(int, object)
    def _deliver_error(self, task_id: int, exc: Exception) -> None:
        callbacks = self._pending.get(task_id)
        if callbacks is None or self._closed:
            return
        try:
            if callbacks.on_expected_error is not None and isinstance(exc, self._expected):
                callbacks.on_expected_error(exc)
            else:
                self._on_unexpected(exc)
            self.errored.emit(task_id, exc)
        finally:
            self._task_over(task_id)

    @Slot(int, str)
    def _deliver_progress(self, task_id: int, text: str) -> None:
        if task_id in self._pending and not self._closed:
            self.progress.emit(text)

    def _task_over(self, task_id: int) -> None:
        then = self._pending[task_id].then
        try:
            if then is not None:
                then()  # while this task still counts: no idle between it and what follows
        finally:
            del self._pending[task_id]
            if not self._pending:
                self.busy_changed.emit(False)
                self.idle.emit()
