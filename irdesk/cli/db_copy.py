"""`irdesk db copy SRC DST`: a database from a file to a server or back (storage/copy)."""

import argparse
import sys

from irdesk.cli.common import CommandFailed, parse_date

# A copy of more rows than this says how far it has got, on stderr, as it goes.
PROGRESS_FROM = 20_000


def add_copy_parser(db_commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    copy = db_commands.add_parser(
        "copy",
        help="copy SRC into DST (each a file or a postgresql:// address; DST new or empty), "
        "keeping ids, revisions and the audit chain; all of it, or a period's incidents",
    )
    copy.set_defaults(handler=cmd_db_copy)
    copy.add_argument("source", metavar="SRC")
    copy.add_argument("destination", metavar="DST")
    copy.add_argument(
        "--from",
        dest="first_day",
        type=parse_date,
        metavar="DATE",
        help="copy only the incidents that started on or after DATE (YYYY-MM-DD, UTC), "
        "with their reviews, findings, action items, notes and packets",
    )
    copy.add_argument(
        "--to",
        dest="last_day",
        type=parse_date,
        metavar="DATE",
        help="… and on or before DATE (YYYY-MM-DD, UTC)",
    )


def cmd_db_copy(args: argparse.Namespace) -> int:
    from irdesk.storage.copy import CopyRefused, Period, copy_database

    period = None
    if args.first_day is not None or args.last_day is not None:
        if args.first_day is None or args.last_day is None:
            raise CommandFailed(
                "--from and --to go together: name the period's first and last day."
            )
        period = Period(args.first_day, args.last_day)
    shown = {"step": 0}

    def report(done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        step = done * 10 // total
        if step > shown["step"]:
            shown["step"] = step
            print(f"Copied {done:,} of {total:,} rows…", file=sys.stderr, flush=True)

    try:
        summary = copy_database(args.source, args.destination, period=period, report=report)
    except CopyRefused as exc:
        raise CommandFailed(str(exc)) from exc
    incidents = summary.rows.get("incident", 0)
    scope = "" if period is None else f" that started {period.first_day} to {period.last_day}"
    print(
        f"Copied {summary.source} to {summary.destination}: {incidents} incident"
        f"{'s' if incidents != 1 else ''}{scope}, {summary.rows.get('review', 0)} reviews, "
        f"{summary.rows.get('audit_entry', 0)} audit entries; {summary.total} rows in all."
    )
    return 0
