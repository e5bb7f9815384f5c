"""`irdesk runbooks`: runbooks per service, what became of their steps, and adherence.

`import FOLDER` reads a folder of Markdown checklists (importers.runbooks) and saves
them all or none; `steps INCIDENT` shows the runbook that applies and each step's
record; `record INCIDENT STEP` records a step followed (by a timeline event), skipped
or deviated from (justified with --reason); `adherence --from --to` counts per person,
team and incident, with only unjustified deviations against anyone.
"""

import argparse
import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
    parse_date,
)
from irdesk.storage.errors import DatabaseError, EditConflict, EditRefused
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.domain.runbooks import AdherenceRow
    from irdesk.storage.records.runbooks import StepRow

OUTCOMES = ("followed", "skipped", "deviated")


def add_runbooks_parser(commands: "Subcommands") -> None:
    runbooks = commands.add_parser(
        "runbooks",
        help="runbooks per service, their steps in each incident, and adherence",
        description="Import runbooks (Markdown checklists, one file per service), record "
        "what became of each step in an incident (followed by a timeline event, skipped, "
        "or deviated from, justified with a reason or not), and count adherence per "
        "person and team: only unjustified deviations count against anyone.",
    )
    add_database_option(runbooks, dest="runbooks_db", help="the database")
    actions = runbooks.add_subparsers(dest="runbooks_action", metavar="ACTION", required=True)

    imports = actions.add_parser(
        "import", help="read a folder of Markdown checklists, one runbook per file"
    )
    imports.set_defaults(handler=cmd_import)
    imports.add_argument("folder", type=Path, metavar="FOLDER")

    steps = actions.add_parser("steps", help="the runbook of an incident's service, step by step")
    steps.set_defaults(handler=cmd_steps)
    steps.add_argument("incident", metavar="INCIDENT", help="the incident as the list shows it")
    steps.add_argument("--format", choices=("table", "json"), default="table")

    record = actions.add_parser("record", help="record what became of one step")
    record.set_defaults(handler=cmd_record)
    record.add_argument("incident", metavar="INCIDENT")
    record.add_argument("step", type=int, metavar="STEP", help="the step's number (1, 2, …)")
    record.add_argument("outcome", choices=(*OUTCOMES, "none"), help="none clears the record")
    record.add_argument("--event", type=int, metavar="ID", help="the timeline event that did it")
    record.add_argument("--person", metavar="NAME", help="who (default: the event's actor)")
    record.add_argument(
        "--reason", metavar="TEXT", help="why a skip or deviation was right (marks it justified)"
    )
    record.add_argument("--format", choices=("table", "json"), default="table")

    adherence = actions.add_parser(
        "adherence", help="steps followed, skipped and deviated from, per person and team"
    )
    adherence.set_defaults(handler=cmd_adherence)
    adherence.add_argument("--from", dest="first_day", type=parse_date, required=True)
    adherence.add_argument("--to", dest="last_day", type=parse_date, required=True)
    adherence.add_argument("--format", choices=("table", "json"), default="table")


def _path(args: argparse.Namespace) -> Path:
    path = chosen_database(args.runbooks_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    return path


def cmd_import(args: argparse.Namespace) -> int:
    from irdesk.importers.runbooks import RunbookProblem, read_folder
    from irdesk.storage.records.database_edits import save_runbooks

    with failures_reported(RunbookProblem, OSError, kept="Nothing was changed."):
        folder = read_folder(args.folder)
    path = chosen_database(args.runbooks_db, args.db)
    drafts = [(d.service, d.title, d.steps, d.source) for d in folder.runbooks]
    with (
        opened_database(path, create=True, upgrade=True) as database,
        failures_reported(EditRefused, DatabaseError, kept="Nothing was changed."),
    ):
        saved = save_runbooks(database, drafts, actor=current_actor())
    for item in saved:
        print(
            f"{item.service}: {item.title!r}, {item.steps} steps ({item.added} new, "
            f"{item.kept} kept, {item.retired} retired, {item.removed} removed)"
        )
    for warning in folder.warnings:
        print(f"warning: {warning}")
    return 0


def step_json(row: "StepRow") -> dict[str, object]:
    return {
        "step": row.position,
        "text": row.text,
        "outcome": row.outcome.value if row.outcome else None,
        "event_id": row.event_id,
        "person": row.person,
        "justified": row.justified,
        "reason": row.reason,
    }


def _print_steps(title: str, rows: "list[StepRow]") -> None:
    print(f"{title}:")
    for row in rows:
        outcome = row.outcome.value if row.outcome else "not recorded"
        extra = []
        if row.person:
            extra.append(row.person)
        if row.event_id is not None:
            extra.append(f"event {row.event_id}")
        if row.outcome and row.outcome.value != "followed":
            extra.append(f"justified: {row.reason}" if row.justified else "not justified")
        said = f" ({', '.join(extra)})" if extra else ""
        print(f"  {row.position}. {row.text}: {outcome}{said}")


def cmd_steps(args: argparse.Namespace) -> int:
    from irdesk.storage.records.database_edits import read_steps_named

    with (
        opened_database(_path(args), upgrade=False) as database,
        failures_reported(LookupError, DatabaseError),
    ):
        _incident_id, title, rows = read_steps_named(database, args.incident)
    if args.format == "json":
        body = {"incident": args.incident, "runbook": title, "steps": [step_json(r) for r in rows]}
        print(json.dumps(body, indent=2))
    elif title is None:
        print(f"{args.incident}: no runbook applies to its service")
    else:
        _print_steps(title, rows)
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from irdesk.domain.enums import RunbookOutcome
    from irdesk.storage.records.database_edits import read_incident_steps, record_step_named

    outcome = None if args.outcome == "none" else RunbookOutcome(args.outcome)
    if args.reason is not None and outcome in (None, RunbookOutcome.FOLLOWED):
        raise CommandFailed("--reason justifies a skipped or deviated step only")
    with (
        opened_database(_path(args), upgrade=True) as database,
        failures_reported(
            LookupError, EditRefused, EditConflict, DatabaseError, kept="Nothing was changed."
        ),
    ):
        incident_id, _row = record_step_named(
            database,
            args.incident,
            args.step,
            outcome=outcome,
            event_id=args.event,
            person=args.person,
            reason=args.reason,
            actor=current_actor(),
        )
        title, rows = read_incident_steps(database, incident_id)
    if args.format == "json":
        body = {"incident": args.incident, "runbook": title, "steps": [step_json(r) for r in rows]}
        print(json.dumps(body, indent=2))
    else:
        _print_steps(title or "", rows)
    return 0


def adherence_json(row: "AdherenceRow") -> dict[str, object]:
    return {
        "kind": row.kind,
        "name": row.name,
        "recorded": row.recorded,
        "followed": row.followed,
        "skipped": row.skipped,
        "deviated": row.deviated,
        "justified": row.justified,
        "unjustified": row.unjustified,
        "not_recorded": row.not_recorded,
        "adherence": row.adherence,
        "incident_ids": row.incident_ids,
    }


HEADERS = (
    "kind",
    "name",
    "followed",
    "skipped",
    "deviated",
    "justified",
    "unjustified",
    "not recorded",
    "adherence",
)


def cmd_adherence(args: argparse.Namespace) -> int:
    from irdesk.domain.runbooks import adherence
    from irdesk.storage.records.database_edits import read_step_facts

    if args.last_day < args.first_day:
        raise CommandFailed("--to is before --from")
    start = datetime.combine(args.first_day, time(), UTC)
    end = datetime.combine(args.last_day + timedelta(days=1), time(), UTC)
    with (
        opened_database(_path(args), upgrade=False) as database,
        failures_reported(DatabaseError),
    ):
        rows = adherence(read_step_facts(database, start, end))
    if args.format == "json":
        print(json.dumps([adherence_json(r) for r in rows], indent=2))
        return 0
    if not rows:
        print("No incident in the period has a runbook for its service.")
        return 0
    table = [HEADERS] + [
        (
            r.kind,
            r.name,
            str(r.followed),
            str(r.skipped),
            str(r.deviated),
            str(r.justified),
            str(r.unjustified),
            str(r.not_recorded),
            "—" if r.adherence is None else f"{r.adherence:.0%}",
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    for line in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
    return 0
