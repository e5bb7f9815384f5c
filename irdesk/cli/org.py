"""`irdesk org`: the organisation directory imported from the on-call tools, listed or exported.

`irdesk import` brings the directory in (PagerDuty, Opsgenie, Backstage, roster CSVs);
these commands read it through the same reads the Organisation window uses
(`storage/reads/directory`), and never change the file. Typing values by hand is
`org_edits` (`irdesk org set | back | history`).
"""

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
    parse_date,
    refuse_to_replace,
)
from irdesk.cli.org_edits import add_edit_parsers
from irdesk.cli.org_leave import add_leave_parser, leave_json
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.storage.database import Database

LISTS = ("teams", "people", "rotations", "services", "policies")
NOTHING = "—"


def add_org_parser(commands: "Subcommands") -> None:
    org = commands.add_parser(
        "org",
        help="the organisation directory: teams, people, rotations, services, policies",
        description="List or export the organisation directory that `irdesk import` read "
        "from PagerDuty, Opsgenie, Backstage catalogs and roster CSVs; type values by hand, "
        "each from a day.",
    )
    actions = org.add_subparsers(dest="org_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="one list of the directory, as a table or JSON")
    listing.set_defaults(handler=cmd_org_list)
    listing.add_argument("what", nargs="?", choices=LISTS, default="teams")
    add_database_option(listing, dest="org_db", help="database to read")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.add_argument(
        "--on",
        type=parse_date,
        metavar="DATE",
        help="with rotations: who was on each rotation on this UTC day (YYYY-MM-DD)",
    )
    export = actions.add_parser("export", help="the whole directory as one JSON file")
    export.set_defaults(handler=cmd_org_export)
    add_database_option(export, dest="org_db", help="database to read")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.json")
    export.add_argument(
        "--on", type=parse_date, metavar="DATE", help="rotation members on this UTC day only"
    )
    export.add_argument("--force", action="store_true", help="replace FILE.json if it exists")
    add_edit_parsers(actions)
    add_leave_parser(actions)


def _existing(args: argparse.Namespace) -> Path:
    path = chosen_database(args.org_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import a directory first or name a file with --db."
        )
    return path


def cmd_org_list(args: argparse.Namespace) -> int:
    with (
        opened_database(_existing(args), upgrade=False) as db,
        failures_reported(DatabaseError),
    ):
        rows = _rows(db, args.what, args.on)
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False, default=_iso)
        print()
    else:
        _print_table(rows)
    return 0


def cmd_org_export(args: argparse.Namespace) -> int:
    from irdesk.storage.reads import directory

    refuse_to_replace(args.out, force=args.force)
    with (
        opened_database(_existing(args), upgrade=False) as db,
        failures_reported(DatabaseError),
    ):
        document = directory.export_directory(db)
        # Typed by hand, so in no tool's export: this file is the only copy outside irdesk.
        document["leave"] = leave_json(db)
        if args.on is not None:
            document["members_on"] = args.on.isoformat()
            document["rotation_members"] = _rows(db, "rotations", args.on)
    with failures_reported(OSError, kept="No file was written."):
        args.out.write_text(
            json.dumps(document, indent=2, ensure_ascii=False, default=_iso) + "\n",
            encoding="utf-8",
        )
    spans = len(document["leave"])
    counts = ", ".join(f"{len(document[k])} {k}" for k in ("teams", "people", "services"))
    print(
        f"Wrote {args.out}: {counts}, {len(document['rotations'])} rotations, "
        f"{len(document['policies'])} escalation policies, "
        f"{spans} span{'' if spans == 1 else 's'} of leave"
    )
    return 0


def _rows(db: "Database", what: str, on: date | None) -> list[dict[str, Any]]:
    """The list as plain values, in the order a table shows its columns."""
    from irdesk.storage.reads import directory as d

    if what == "teams":
        return [
            {
                "team": t.name,
                "rotation": t.rotation,
                "members": t.members,
                "keys": ", ".join(t.keys),
            }
            for t in d.list_teams(db)
        ]
    if what == "people":
        return [
            {
                "name": p.name,
                "email": p.email,
                "team": p.team,
                "role": p.role,
                "time zone": p.time_zone,
                "hourly rate": p.hourly_rate,
                "start date": p.start_date,
                "seniority": p.seniority,
                "typed by hand": ", ".join(p.typed),
            }
            for p in d.list_people(db)
        ]
    if what == "rotations" and on is not None:
        return [
            {
                "schedule": m.schedule or m.rotation,
                "rotation": m.rotation,
                "person": m.person,
                "from": m.starts_at,
                "to": m.ends_at,
                "from what": m.how,
            }
            for m in d.rotation_members(db, on)
        ]
    if what == "rotations":
        return [
            {
                "rotation": r.name,
                "kind": r.kind,
                "schedule": r.schedule,
                "team": r.team,
                "time zone": r.time_zone,
                "from": r.starts_at,
                "to": r.ends_at,
                "key": f"{r.source}:{r.external_id}" if r.source else None,
            }
            for r in d.list_rotations(db)
        ]
    if what == "services":
        return [
            {
                "service": s.name,
                "tier": s.tier,
                "owner team": s.owner_team,
                "SLO %": s.slo_target,
                "SLO window days": s.slo_window_days,
                "cost per minute": s.cost_per_minute,
                "RTO min": s.rto_minutes,
                "RPO min": s.rpo_minutes,
                "keys": ", ".join(s.keys),
            }
            for s in d.list_services(db)
        ]
    rows = []
    for p in d.list_policies(db):
        # One row a level; a policy without levels still shows.
        levels: list[tuple[int | None, float | None, str | None, str | None]] = [
            (lv.level, lv.delay_minutes, lv.notify, ", ".join(lv.targets)) for lv in p.levels
        ]
        for level, delay, notify, targets in levels or [(None, None, None, None)]:
            rows.append(
                {
                    "policy": p.name,
                    "team": p.team,
                    "level": level,
                    "delay min": delay,
                    "notify": notify,
                    "targets": targets,
                }
            )
    return rows


def _iso(value: object) -> str:
    """JSON for the dates and times of the rows: ISO 8601 (times are aware UTC)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _text(value: Any) -> str:
    if value is None or value == "":
        return NOTHING
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _print_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("(none)")
        return
    columns = list(rows[0])
    cells = [columns] + [[_text(row[c]) for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for n, line in enumerate(cells):
        print("  ".join(text.ljust(w) for text, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
