"""The figures' stored facts, built ahead in the background after an import or an opening.

The first dashboard after a big import or an upgrade would otherwise derive and store
every timeline-fact block during its own read, and wait for it. Here the blocks are
built a few at a time, each batch one task on the window's queue: the queue runs one
task at a time, so an edit, a dashboard or the closing of the file asked for meanwhile
runs after the current batch rather than after the whole build, and never alongside it
(no second writer, nothing to deadlock on). A batch that finds its write refused (an
edit from another process since its snapshot, another writer, a file that cannot be
written) ends the build: the next read builds what is left, as it always did.

This module stays light (Qt only): the window imports it at start, and the storage
module it drives loads numpy, which waits for the first batch, on the worker.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.gui.common.open_database import OpenDatabase, is_server

if TYPE_CHECKING:
    from irdesk.storage.database import Database

# Blocks per task: an edit queued behind a batch waits for it. On the 1,000,000-incident
# file a block takes about 0.15-0.25 s to build and the plan before it a few
# milliseconds, so one block a task keeps that wait to a blink at little cost.
BATCH = 1
# After an opening, the list and the first screens read first: the build, and numpy's
# loading for it, waits until the window has settled.
OPENING_DELAY_MS = 3000
# How long "Figures prepared" stays before the label goes.
DONE_SHOWN_MS = 10_000


class _OneBatch(Exception):
    """Raised from the progress callback to end `build_missing` after a committed batch."""


def build_one_batch(db: Database, _report: Report) -> tuple[int, int]:
    """One batch of missing blocks built and stored: (stored, missing before it).
    (0, 0) when nothing is missing or the write was refused (the build gives way)."""
    from irdesk.storage.bulk import metric_facts

    told: list[tuple[int, int]] = []

    def after_batch(done: int, total: int) -> None:
        told.append((done, total))
        # The batch is committed by now: stopping here leaves nothing half-written.
        raise _OneBatch

    with contextlib.suppress(_OneBatch):
        metric_facts.build_missing(db, after_batch, batch=BATCH)
    return told[0] if told else (0, 0)


class FigurePreparation(QObject):
    """Builds the missing blocks of the open file, one batch per task, with its progress
    in a label of the status bar; a new start (another file, another import) or the
    window's closing ends a build in progress after its current batch."""

    def __init__(self, tasks: BackgroundTasks, database: OpenDatabase, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.tasks = tasks
        self.database = database
        self.opening_delay_ms = OPENING_DELAY_MS
        self.label = QLabel()
        self.label.setAccessibleName("Figures preparation")
        # Apart from the incident count beside it: one phrase, not "prepared 26 incidents".
        self.label.setContentsMargins(0, 0, 12, 0)
        bar.addPermanentWidget(self.label)
        self.label.hide()
        self._run = 0  # which build a batch's result belongs to; older ones are dropped
        self._stopped = False
        self._total = 0
        self._stored = 0
        self.running = False
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.label.hide)

    def after_opening(self) -> None:
        if self.opening_delay_ms == 0:
            self.start()  # queued behind the opening: no idle moment between the two
            return
        db = self.database.current()
        QTimer.singleShot(self.opening_delay_ms, self, lambda: self._start_if_current(db))

    def after_import(self) -> None:
        self.start()

    def _start_if_current(self, db: Database | None) -> None:
        if db is not None and db is self.database.current():
            self.start()

    def start(self) -> None:
        db = self.database.current()
        self._run += 1  # a build of another file, or of this one before the import, ends
        self.running = False
        self._hide_timer.stop()
        self.label.hide()  # what it said was about that build
        if self._stopped or db is None or not _writable(db):
            return
        self._total = self._stored = 0
        self.running = True
        self._queue(db, self._run)

    def stop(self) -> None:
        """No further batch: the one running finishes (the window waits for it)."""
        self._stopped = True
        self._run += 1
        self.running = False

    def _queue(self, db: Database, run: int) -> None:
        self.tasks.run(
            lambda report: build_one_batch(db, report),
            on_done=lambda result: self._batch_done(db, run, result),
            # Preparing is only ahead of time: a failed batch is left to the next read.
            on_expected_error=lambda _exc: self._finish(run),
        )

    def _batch_done(self, db: Database, run: int, result: tuple[int, int]) -> None:
        if run != self._run or db is not self.database.current():
            return
        stored, missing = result
        if stored == 0:
            self._finish(run)
            return
        self._stored += stored
        # Rows another import adds meanwhile can only raise the count.
        self._total = max(self._total, self._stored + missing - stored)
        self._hide_timer.stop()
        self.label.setText(f"Preparing figures… {self._stored} of {self._total} blocks")
        self.label.show()
        self._queue(db, run)

    def _finish(self, run: int) -> None:
        if run != self._run:
            return
        self.running = False
        # A build that gave way (a refused write, a failed batch) leaves blocks to the
        # next read: saying "prepared" then would claim what is not so.
        if self._stored and self._stored >= self._total:
            self.label.setText("Figures prepared")
            self.label.show()
            self._hide_timer.start(DONE_SHOWN_MS)
        else:
            self.label.hide()


def _writable(db: Database) -> bool:
    """A team database reads its own way; a file this user cannot write is not tried."""
    return not is_server(db.path) and os.access(db.path, os.W_OK)
