"""The import dialog's worker side: running the pipeline off the GUI thread.

Cancelling sets a flag that the pipeline's progress callback checks inside the
worker: the callback raises `ImportCancelled`, the pipeline rolls its transaction
back, and the outcome says so. Bad input and cancelling are outcomes, not crashes.
`ImportRunner` runs one preview or import at a time on the window's background
tasks and drops what an older run reports.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.gui.importing.mappable_file import MappableFile, mappable_file
from irdesk.gui.importing.slack_links import IncidentChoice
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import ImportReport, Progress, run_import
from irdesk.importers.problems import ImportProblem
from irdesk.storage.database import Database
from irdesk.storage.reads import database_reads


class ImportCancelled(Exception):
    """Raised by the progress callback, inside the worker, once the user has cancelled."""


@dataclass(frozen=True)
class Outcome:
    """What a worker hands back: a report, the problem that stopped it, or a cancel."""

    report: ImportReport | None = None
    problem: ImportProblem | None = None
    cancelled: bool = False
    # The problem's file, when it is a table irdesk has no importer for: it can be mapped.
    mappable: MappableFile | None = None


def import_work(
    db: Database,
    paths: Sequence[Path],
    options: ImportOptions,
    *,
    dry_run: bool,
    cancel: threading.Event,
    report: Report,
    on_progress: Progress,
) -> Outcome:
    """Worker side: run the pipeline; bad input and cancelling are results, not crashes."""

    def progress(what: str, done: int, total: int) -> None:
        if cancel.is_set():
            raise ImportCancelled
        report(f"{what}…")
        on_progress(what, done, total)

    try:
        return Outcome(
            report=run_import(db, list(paths), options, dry_run=dry_run, progress=progress)
        )
    except ImportProblem as problem:
        return Outcome(problem=problem, mappable=mappable_file(paths, problem, options))
    except ImportCancelled:
        return Outcome(cancelled=True)


def incident_choices(db: Database) -> list[IncidentChoice]:
    """Worker side: the database's incidents, as the Slack links' completers offer them."""
    rows = database_reads.list_incidents(db)
    return [IncidentChoice(f"{row.source}:{row.external_id}", row.title) for row in rows]


class ImportRunner(QObject):
    """One preview (dry run) or import at a time; starting one cancels the one before."""

    progressed = Signal(str, int, int)  # what, done, total: of the current run only
    finished = Signal(bool, object)  # dry_run, the Outcome
    failed = Signal(bool, object)  # dry_run, the expected error (unreadable file, locked db)
    crashed = Signal(object)  # a bug: the crash dialog shows it; the run is over

    # Emitted on the worker thread, received (queued) here: (run, what, done, total).
    _progress = Signal(int, str, int, int)

    def __init__(self, tasks: BackgroundTasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._run = 0  # bumped by every start; late results of older runs drop
        self._task_id: int | None = None
        self._cancel = threading.Event()
        self._progress.connect(self._progressed)
        tasks.errored.connect(self._errored)

    @property
    def cancelled(self) -> bool:
        """Cancel was asked for the current run (it may have come too late to stop it)."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def start(
        self, db: Database, paths: Sequence[Path], options: ImportOptions, *, dry_run: bool
    ) -> None:
        self._cancel.set()  # an older preview still queued or running stops at its next step
        self._cancel = cancel = threading.Event()
        self._run += 1
        run = self._run
        paths = list(paths)

        def emit_progress(what: str, done: int, total: int) -> None:
            self._progress.emit(run, what, done, total)

        self._task_id = self._tasks.run(
            lambda report: import_work(
                db,
                paths,
                options,
                dry_run=dry_run,
                cancel=cancel,
                report=report,
                on_progress=emit_progress,
            ),
            on_done=lambda outcome: self._done(run, dry_run, outcome),
            on_expected_error=lambda exc: self._failed(run, dry_run, exc),
            description="Previewing import…" if dry_run else "Importing…",
        )

    @Slot(int, str, int, int)
    def _progressed(self, run: int, what: str, done: int, total: int) -> None:
        if run == self._run:
            self.progressed.emit(what, done, total)

    def _done(self, run: int, dry_run: bool, outcome: Outcome) -> None:
        if run != self._run:
            return  # a preview for options the user has since changed
        self._task_id = None
        self.finished.emit(dry_run, outcome)

    def _failed(self, run: int, dry_run: bool, exc: Exception) -> None:
        if run != self._run:
            return
        self._task_id = None
        self.failed.emit(dry_run, exc)

    @Slot(int, object)
    def _errored(self, task_id: int, exc: object) -> None:
        if task_id != self._task_id:
            return
        self._task_id = None
        self.crashed.emit(exc)
