"""The import dialog's worker side: running the pipeline off the GUI thread.

Cancelling sets a flag that the pipeline's progress callback checks inside the
worker: the callback raises `ImportCancelled`, the pipeline rolls its transaction
back, and the outcome says so. Bad input and cancelling are outcomes, not crashes.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from irdesk.gui.common.background import Report
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
