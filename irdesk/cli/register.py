"""`irdesk register`: the compliance register, its notices and its regulations' rules.

`irdesk register` prints the register as the Tools › Compliance Register… window shows
it, cell for cell (JSON adds the raw values); `register notice` records when notice
was given and by whom; `register rule` sets a regulation's notice rule. Each value
is checked here, naming the option at fault, before the database is opened; every
change is audited.
"""

import argparse
import json
import math
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
)
from irdesk.storage.errors import DatabaseError
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands


def add_register_parser(commands: "Subcommands") -> None:
    register = commands.add_parser(
        "register",
        help="the compliance register: regulatory notices and recovery against RTO",
        description="List the incidents with regulatory exposure: each regulation's notice "
        "deadline, when notice was given and by whom, the legal sign-off, the packets sent, "
        "and recovery against the service's RTO. Overdue and late notices are marked ⚠.",
    )
    register.set_defaults(handler=cmd_register)
    add_database_option(register, dest="register_db", help="database to read")
    register.add_argument("--format", choices=("table", "json"), default="table")
    register.add_argument(
        "--as-of",
        metavar="ISO-DATETIME",
        help="measure pending notices at this time instead of now (e.g. 2026-12-07T12:00Z)",
    )
    actions = register.add_subparsers(dest="register_action", metavar="ACTION")
    notice = actions.add_parser(
        "notice", help="record when notice was given for an incident, and by whom"
    )
    notice.set_defaults(handler=cmd_register_notice)
    notice.add_argument("incident", metavar="INCIDENT", help="its ID, SOURCE:ID or number")
    add_database_option(notice, dest="notice_db", help="the database")
    given = notice.add_mutually_exclusive_group(required=True)
    given.add_argument("--at", metavar="ISO-DATETIME", help="e.g. 2026-12-03T15:00+01:00")
    given.add_argument("--clear", action="store_true", help="no notice was given after all")
    notice.add_argument("--by", metavar="NAME", help="who gave notice (with --at)")
    rule = actions.add_parser("rule", help="set a regulation's notice rule")
    rule.set_defaults(handler=cmd_register_rule)
    rule.add_argument("regulation", metavar="REGULATION", help="e.g. GDPR (governs GDPR Art. 33)")
    add_database_option(rule, dest="rule_db", help="the database")
    rule.add_argument("--hours", required=True, metavar="H", help="due this long after detection")
    rule.add_argument("--notice", default="initial notice", help="what is due (initial notice)")


def _fail(option: str, message: str) -> CommandFailed:
    return CommandFailed(f"{option}: {message}\nNothing was changed.")


def _time(option: str, text: str, *, changing: bool = True) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        message = f"expected a date and time such as 2026-12-09T17:00+01:00, got {text!r}"
    else:
        if value.tzinfo is not None:
            return value
        message = f"{text!r} has no time zone; add one, e.g. +01:00 or Z"
    raise _fail(option, message) if changing else CommandFailed(f"{option}: {message}")


def _existing(own: Path | None, top: Path | None) -> Path:
    path = chosen_database(own, top)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    return path


def cmd_register(args: argparse.Namespace) -> int:
    from irdesk.domain.register import COLUMNS
    from irdesk.domain.utc import utc_now
    from irdesk.reports.register import register_cells, register_json
    from irdesk.storage.reads.register import read_register

    now = _time("--as-of", args.as_of, changing=False) if args.as_of else utc_now()
    with (
        opened_database(_existing(args.register_db, args.db), upgrade=False) as db,
        failures_reported(DatabaseError),
    ):
        rows = read_register(db, now)
    if args.format == "json":
        json.dump(register_json(rows, now), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not rows:
        print("No incident has regulatory exposure.")
        return 0
    lines = [[c.label for c in COLUMNS]]
    lines += [[register_cells(r)[c.key] for c in COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    for n, line in enumerate(lines):
        print("  ".join(t.ljust(w) for t, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    breached = sum(r.notice.breached for r in rows)
    print(
        f"\n{len(rows)} incidents; {breached} notices late or overdue (as of {now:%Y-%m-%d %H:%M %Z})."
    )
    return 0


def cmd_register_notice(args: argparse.Namespace) -> int:
    from irdesk.domain.register import utc_text
    from irdesk.storage.records.register import NoticeState, record_notice_named

    if args.clear:
        if args.by:
            raise _fail("--by", "goes with --at, not --clear")
        value = NoticeState(None, None)
    else:
        if not (args.by or "").strip():
            raise _fail("--by", "who gave notice is needed with --at")
        value = NoticeState(_time("--at", args.at), args.by.strip())
    with (
        opened_database(_existing(args.notice_db, args.db), upgrade=True) as db,
        failures_reported(LookupError, ValueError, DatabaseError, kept="Nothing was changed."),
    ):
        label, after = record_notice_named(db, args.incident, value, actor=current_actor())
    if after.notified_at is None:
        print(f"{label}: no notice recorded")
    else:
        print(f"{label}: notice given {utc_text(after.notified_at)} by {after.notified_by}")
    return 0


def cmd_register_rule(args: argparse.Namespace) -> int:
    from irdesk.storage.records.register import current_rule_revision, save_rule

    try:
        hours = float(args.hours)
    except ValueError:
        raise _fail(
            "--hours", f"expected a number of hours such as 72, got {args.hours!r}"
        ) from None
    if not math.isfinite(hours) or hours <= 0:
        raise _fail("--hours", f"expected more than 0 hours, got {args.hours!r}")
    with (
        opened_database(_existing(args.rule_db, args.db), upgrade=True) as db,
        failures_reported(ValueError, DatabaseError, kept="Nothing was changed."),
    ):
        revision = current_rule_revision(db, args.regulation)
        save_rule(
            db,
            args.regulation,
            revision,
            within_hours=hours,
            notice=args.notice,
            actor=current_actor(),
        )
    print(
        f"{args.regulation.strip()}: {args.notice.strip() or 'initial notice'} within {hours:g} h of detection"
    )
    return 0
