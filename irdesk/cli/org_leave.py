"""`irdesk org leave add | end | remove | list`: leave typed by hand, for scripts.

Through the same door as the Organisation window (`storage/records/leave`): checked,
compare-and-set, audited under the person. A span is named by its person and first day.
The figures read leave as a surge (`domain/load_fairness`).
"""

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
    parse_date,
)
from irdesk.cli.org_edits import directory_edit, named_record
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.records.leave import LeaveRow


def add_leave_parser(actions: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    leave = actions.add_parser(
        "leave",
        help="leave typed by hand: add, end, remove or list a person's days away",
        description="A person away from one day through another (the on-call tools' "
        "exports hold no absences). The figures read leave as a surge: the person's pages "
        "in it, and their teammates' work while covering, per the policy's surge treatment.",
    )
    steps = leave.add_subparsers(dest="leave_action", metavar="STEP", required=True)
    add = steps.add_parser("add", help="a person away from a day (through another)")
    add.set_defaults(handler=cmd_leave_add)
    add.add_argument("person", help="the person's name as the directory lists it")
    add.add_argument(
        "--from",
        dest="since",
        type=parse_date,
        required=True,
        metavar="DATE",
        help="their first day away (YYYY-MM-DD)",
    )
    add.add_argument(
        "--until", type=parse_date, metavar="DATE", help="their last day away; none: not ended yet"
    )
    add.add_argument("--note", help="a note kept with it (e.g. parental leave)")
    add_database_option(add, dest="org_db", help="database to change")
    end = steps.add_parser("end", help="a span ends on a day")
    end.set_defaults(handler=cmd_leave_end)
    end.add_argument("person")
    end.add_argument(
        "--from",
        dest="since",
        type=parse_date,
        required=True,
        metavar="DATE",
        help="the span's first day, which names it",
    )
    end.add_argument(
        "--until", type=parse_date, required=True, metavar="DATE", help="their last day away"
    )
    add_database_option(end, dest="org_db", help="database to change")
    remove = steps.add_parser("remove", help="a span taken off")
    remove.set_defaults(handler=cmd_leave_remove)
    remove.add_argument("person")
    remove.add_argument(
        "--from",
        dest="since",
        type=parse_date,
        required=True,
        metavar="DATE",
        help="the span's first day, which names it",
    )
    add_database_option(remove, dest="org_db", help="database to change")
    listing = steps.add_parser("list", help="every span, or one person's")
    listing.set_defaults(handler=cmd_leave_list)
    listing.add_argument("person", nargs="?")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    add_database_option(listing, dest="org_db", help="database to read")


def _span(db: "Database", person: str, since: Any) -> "LeaveRow":
    from irdesk.storage.records.leave import list_leave

    row = named_record(db, "person", person)
    for span in list_leave(db, row.id):
        if span.starts_on == since:
            return span
    raise CommandFailed(
        f"--from: {row.name} has no leave starting {since.isoformat()}; "
        f"see `irdesk org leave list {row.name!r}`."
    )


def cmd_leave_add(args: argparse.Namespace) -> int:
    from irdesk.storage.records.actor import current_actor
    from irdesk.storage.records.leave import add_leave

    with directory_edit(args) as db:
        person = named_record(db, "person", args.person)
        done = add_leave(db, person.id, args.since, args.until, args.note, actor=current_actor())
    print(f"{done.person}: on leave {done.span()}.")
    return 0


def cmd_leave_end(args: argparse.Namespace) -> int:
    from irdesk.storage.records.actor import current_actor
    from irdesk.storage.records.leave import end_leave

    with directory_edit(args) as db:
        span = _span(db, args.person, args.since)
        done = end_leave(db, span.leave_id, span.revision, args.until, actor=current_actor())
    print(f"{done.person}: on leave {done.span()}.")
    return 0


def cmd_leave_remove(args: argparse.Namespace) -> int:
    from irdesk.storage.records.actor import current_actor
    from irdesk.storage.records.leave import remove_leave

    with directory_edit(args) as db:
        span = _span(db, args.person, args.since)
        remove_leave(db, span.leave_id, span.revision, actor=current_actor())
    print(f"{span.person}: leave {span.span()} removed.")
    return 0


def leave_json(db: "Database", person_id: int | None = None) -> list[dict[str, Any]]:
    """Leave as `org leave list --format json` and `org export` write it: by name and day,
    as a person would type it back with `org leave add`."""
    from irdesk.storage.records.leave import list_leave

    return [
        {
            "person": r.person,
            "from": r.starts_on.isoformat(),
            "until": None if r.ends_on is None else r.ends_on.isoformat(),
            "note": r.note,
        }
        for r in list_leave(db, person_id)
    ]


def cmd_leave_list(args: argparse.Namespace) -> int:
    path = chosen_database(args.org_db, args.db)
    if not path.exists():
        raise CommandFailed(f"{path} does not exist; import a directory first or name --db.")
    with opened_database(path, upgrade=False) as db, failures_reported(DatabaseError):
        person_id = None if args.person is None else named_record(db, "person", args.person).id
        rows = leave_json(db, person_id)
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not rows:
        print("No leave typed.")
    for r in rows:
        until = r["until"] or "not ended"
        print(f"{r['person']:<24}  {r['from']} to {until:<10}  {r['note'] or ''}".rstrip())
    return 0
