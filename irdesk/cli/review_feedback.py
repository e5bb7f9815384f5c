"""`irdesk survey import`, `irdesk review-health` and `irdesk calibration`.

`survey import FILE.csv` stores a survey tool's export of answers on approved
reviews, every row or none; `review-health` prints the table Review › Review
Health… shows (groups under three answers withheld alike); `calibration` prints
teams side by side as Review › Calibration… does, with the sessions held over the
period, and `calibration record` records a session.
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
    parse_date,
    today,
)
from irdesk.storage.errors import DatabaseError
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands


def _period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="first_day", type=parse_date, required=True, metavar="DATE")
    parser.add_argument("--to", dest="last_day", type=parse_date, required=True, metavar="DATE")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--as-of",
        dest="as_of",
        type=parse_date,
        metavar="DATE",
        help="count overdue action items on this day instead of today",
    )


def add_review_feedback_parsers(commands: "Subcommands") -> None:
    survey = commands.add_parser(
        "survey", help="participant feedback on approved reviews", description=__doc__
    )
    actions = survey.add_subparsers(dest="survey_action", metavar="ACTION", required=True)
    imported = actions.add_parser(
        "import",
        help="store a survey tool's CSV export of answers (every row or none)",
        description="Columns by header: incident, useful (1-5), safe (1-5), hours, and "
        "optionally person (name or email; empty: anonymous), anonymous (yes/no), comment, "
        "date. An anonymous answer is stored without the person.",
    )
    imported.set_defaults(handler=cmd_survey_import)
    imported.add_argument("file", type=Path, metavar="FILE.csv")
    add_database_option(imported, dest="survey_db", help="the database")

    health = commands.add_parser(
        "review-health",
        help="effort, usefulness, safety and overdue actions per tier, team and quarter",
        description="What attendees said of the reviews approved in the period, per tier, "
        "team and quarter, beside the policy versions in force. A group with fewer than "
        "three answers shows no survey figures.",
    )
    health.set_defaults(handler=cmd_review_health)
    add_database_option(health, dest="health_db", help="database to read")
    _period(health)

    calibration = commands.add_parser(
        "calibration",
        help="teams side by side on how they apply the review standards",
        description="For the reviews approved in the period, per team: tier chosen against "
        "tier proposed, overrides and reasons, blame flags overridden at approval, time from "
        "resolution to approval, action-item quality, the spread of feedback-note dimensions "
        "(with --identity; locked notes are counted, never read), how contributing factors "
        "are tagged with the differences between teams flagged; and the sessions held.",
    )
    calibration.set_defaults(handler=cmd_calibration)
    add_database_option(calibration, dest="calibration_db", help="database to read")
    _period(calibration)
    calibration.add_argument(
        "--identity",
        type=Path,
        metavar="ID.p12",
        help="your identity: compares what the feedback notes you may read speak to "
        "(without it, notes are counted only)",
    )
    calibration.add_argument(
        "--passphrase-file", type=Path, metavar="FILE", help="the passphrase (first line)"
    )
    steps = calibration.add_subparsers(dest="calibration_action", metavar="ACTION")
    record = steps.add_parser("record", help="record a calibration session over the period")
    record.set_defaults(handler=cmd_calibration_record)
    add_database_option(record, dest="record_db", help="the database")
    record.add_argument("--held-on", type=parse_date, metavar="DATE", help="default: today")
    record.add_argument("--attendee", action="append", required=True, metavar="NAME")
    record.add_argument("--discussed", default="", metavar="TEXT")
    record.add_argument("--decisions", default="", metavar="TEXT")
    record.add_argument("--policy-version", type=int, metavar="N", help="the version it led to")


def _existing(own: Path | None, top: Path | None) -> Path:
    path = chosen_database(own, top)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    return path


def _span(args: argparse.Namespace) -> tuple[date, date]:
    if args.last_day < args.first_day:
        raise CommandFailed(f"--to ({args.last_day}) is before --from ({args.first_day})")
    return args.first_day, args.last_day


def print_table(header: list[str], lines: list[list[str]]) -> None:
    rows = [header, *lines]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        print("  ".join(t.ljust(w) for t, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def cmd_survey_import(args: argparse.Namespace) -> int:
    from irdesk.importers.problems import ImportProblem
    from irdesk.importers.survey_csv import read_survey
    from irdesk.storage.records.review_surveys import SurveyRefused, import_answers

    path = _existing(args.survey_db, args.db)
    with failures_reported(ImportProblem, kept="Nothing was changed."):
        lines = read_survey(args.file, today())
    with (
        opened_database(path, upgrade=True) as db,
        failures_reported(SurveyRefused, DatabaseError, kept="Nothing was changed."),
    ):
        stored = import_answers(db, args.file.name, lines, actor=current_actor())
    print(f"{args.file.name}: {stored} survey answers stored.")
    return 0


def cmd_review_health(args: argparse.Namespace) -> int:
    from irdesk.domain.review_health import COLUMNS, health_cells, health_json
    from irdesk.storage.reads.review_facts import read_review_health

    first, last = _span(args)
    as_of = args.as_of or today()
    with (
        opened_database(_existing(args.health_db, args.db), upgrade=False) as db,
        failures_reported(DatabaseError),
    ):
        health = read_review_health(db, first, last, as_of)
    if args.format == "json":
        out = health_json(health.rows, health.versions, first, last, as_of)
        json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not health.rows:
        print(f"No review was approved from {first} to {last}.")
        return 0
    print_table(
        [label for _, label in COLUMNS],
        [[health_cells(r)[k] for k, _ in COLUMNS] for r in health.rows],
    )
    print("\nPolicy versions:")
    for number, saved, note in health.versions:
        print(f"  v{number}  {saved:%Y-%m-%d}  {note or ''}".rstrip())
    return 0


def cmd_calibration(args: argparse.Namespace) -> int:
    from irdesk.domain.calibration import (
        MEASURES,
        NOTE_MEASURES,
        calibration_json,
        factor_names,
        note_cells,
        notes_reader_text,
        tagging_cells,
        tagging_flags,
        tagging_measures,
        team_cells,
    )
    from irdesk.storage.reads.review_facts import read_calibration

    first, last = _span(args)
    keyring = None
    if args.identity is not None:
        from irdesk.cli.packets import read_passphrase
        from irdesk.reports.signing.identity import IdentityError
        from irdesk.reports.signing.note_keys import unlock

        passphrase = read_passphrase(args.passphrase_file)
        with failures_reported(IdentityError):
            keyring = unlock(args.identity, passphrase)
    with (
        opened_database(_existing(args.calibration_db, args.db), upgrade=False) as db,
        failures_reported(DatabaseError),
    ):
        found = read_calibration(db, first, last, args.as_of or today(), keyring)
    if args.format == "json":
        out = calibration_json(
            found.teams,
            found.sessions,
            first,
            last,
            notes=found.notes,
            notes_reader=found.notes_reader,
            tagging=found.tagging,
        )
        json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not found.teams:
        print(f"No review was approved from {first} to {last}.")
    else:
        names = [t.team for t in found.teams]
        cells = [team_cells(t) for t in found.teams]
        print_table(["", *names], [[label, *(c[key] for c in cells)] for key, label in MEASURES])
        for team in found.teams:
            for o in team.overrides:
                print(
                    f"{team.team}: {o.label} {o.chosen.value}, proposed {o.proposed.value}: {o.reason}"
                )
            for b in team.blame_overrides:
                print(f"{team.team}: {b.label} approved over blame flags: {b.reason}")
        print("\nFeedback notes")
        unlocked = found.notes_reader is not None
        notes = [note_cells(n, unlocked) for n in found.notes]
        print_table(
            ["", *names], [[label, *(c[key] for c in notes)] for key, label in NOTE_MEASURES]
        )
        print(notes_reader_text(found.notes_reader, found.notes))
        print("\nContributing factors")
        factors = factor_names(found.tagging)
        tags = [tagging_cells(t, factors) for t in found.tagging]
        print_table(
            ["", *names],
            [[label, *(c[key] for c in tags)] for key, label in tagging_measures(found.tagging)],
        )
        for flag in tagging_flags(found.tagging) or ["No team tags differently from the others."]:
            print(f"  {flag}")
    for s in found.sessions:
        led = f"; led to policy v{s.policy_version}" if s.policy_version else ""
        print(f"\nSession {s.held_on} ({', '.join(s.attendees)}){led}")
        print(f"  discussed: {s.discussed or '—'}\n  decided: {s.decisions or '—'}")
    return 0


def cmd_calibration_record(args: argparse.Namespace) -> int:
    from irdesk.storage.records.calibration_sessions import (
        CalibrationRefused,
        SessionDraft,
        record_session,
    )

    first, last = _span(args)
    draft = SessionDraft(
        held_on=args.held_on or today(),
        period_from=first,
        period_to=last,
        attendees=tuple(args.attendee),
        discussed=args.discussed,
        decisions=args.decisions,
        policy_version=args.policy_version,
    )
    with (
        opened_database(_existing(args.record_db, args.db), upgrade=True) as db,
        failures_reported(CalibrationRefused, DatabaseError, kept="Nothing was changed."),
    ):
        saved = record_session(db, None, 0, draft, actor=current_actor())
    print(f"Calibration session {saved.id} recorded ({saved.held_on}).")
    return 0
