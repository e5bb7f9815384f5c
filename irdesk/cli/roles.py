"""`irdesk roles` and `irdesk escalations`: who had which part in an incident, and
where escalations lost time.

Roles an import found (acknowledgements, pages, the on-call schedule of the service's
escalation policy) are shown beside the ones typed here or in the window; a typed role
is never overwritten by a re-import. `--set PERSON=ROLE` types one (ROLE `none` clears
it), audited and compare-and-set like every edit.
"""

import argparse
import json
from typing import TYPE_CHECKING

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
    parse_date,
)
from irdesk.storage.errors import DatabaseError
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.storage.reads.escalations import EscalationSummaryRow
    from irdesk.storage.records.incident_roles import RoleRow

ROLE_CHOICES = (
    "commander, responder, oncall_primary, oncall_secondary, team_lead, communications, scribe"
)


def add_roles_parsers(commands: "Subcommands") -> None:
    roles = commands.add_parser(
        "roles",
        help="people's roles in an incident: imported, and typed by hand",
        description="Show who had which part in an incident (incident commander, responder, "
        "on-call primary and secondary, team lead, communications, scribe): the roles an "
        "import found and the ones typed by hand, which a re-import never overwrites. "
        "--set types a role; every change is audited.",
    )
    roles.set_defaults(handler=cmd_roles)
    roles.add_argument(
        "incident",
        metavar="INCIDENT",
        help="the incident: the ID the list shows (INC-1022), SOURCE:ID or its number (12728)",
    )
    add_database_option(roles, dest="roles_db", help="the database")
    roles.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PERSON=ROLE",
        help=f"type a role (name, email or a source's key = {ROLE_CHOICES}, or none to "
        "clear); repeatable",
    )
    roles.add_argument("--format", choices=("table", "json"), default="table")

    escalations = commands.add_parser(
        "escalations",
        help="escalation delays per team and month, against each service's policy",
        description="For the incidents whose impact started in the period, compare the path "
        "each service's escalation policy prescribed (levels and their delays) with the "
        "pages, escalations and acknowledgement on the timeline: minutes late per level, "
        "skipped and repeated levels, and the tags of the review findings (process gap, "
        "individual decision, tooling, external) that say where the delays came from.",
    )
    escalations.set_defaults(handler=cmd_escalations)
    add_database_option(escalations, dest="escalations_db", help="the database")
    escalations.add_argument(
        "--from", dest="first_day", type=parse_date, required=True, metavar="DATE"
    )
    escalations.add_argument(
        "--to", dest="last_day", type=parse_date, required=True, metavar="DATE"
    )
    escalations.add_argument("--format", choices=("table", "json"), default="table")


def _pair(text: str) -> tuple[str, str]:
    person, sep, role = text.partition("=")
    if not sep or not person.strip():
        raise CommandFailed(f"--set: expected PERSON=ROLE, got {text!r}\nNothing was changed.")
    return person.strip(), role.strip()


def role_json(row: "RoleRow") -> dict[str, object]:
    return {
        "person": row.person,
        "role": row.role.value,
        "source": row.source,
        "how": row.how,
        "set_by": row.set_by,
        "set_at": row.set_at.isoformat(),
        "superseded": row.superseded,
    }


def cmd_roles(args: argparse.Namespace) -> int:
    from irdesk.storage.records.database_edits import read_roles_named, set_roles_named

    pairs = [_pair(text) for text in args.set]
    path = chosen_database(args.roles_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    if pairs:
        with (
            opened_database(path, upgrade=True) as database,
            failures_reported(LookupError, ValueError, DatabaseError, kept="Nothing was changed."),
        ):
            set_roles_named(database, args.incident, pairs, actor=current_actor())
    with (
        opened_database(path, upgrade=False) as database,
        failures_reported(LookupError, DatabaseError),
    ):
        label, rows = read_roles_named(database, args.incident)
    if args.format == "json":
        print(json.dumps({"incident": label, "roles": [role_json(r) for r in rows]}, indent=2))
        return 0
    print(f"{label}:")
    if not rows:
        print("  no roles known")
    for row in rows:
        note = " (the typed role takes precedence)" if row.superseded else ""
        how = f", {row.how}" if row.how else ""
        print(f"  {row.person}: {row.label} [{row.source}{how}]{note}")
    return 0


def summary_json(row: "EscalationSummaryRow") -> dict[str, object]:
    return {
        "team": row.team,
        "period": row.period,
        "incidents": row.incidents,
        "with_policy": row.with_policy,
        "late_levels": row.late_levels,
        "late_minutes": row.late_minutes,
        "skipped_levels": row.skipped_levels,
        "repeated_levels": row.repeated_levels,
        "finding_tags": dict(row.tags),
        "incident_ids": list(row.incident_ids),
    }


HEADERS = (
    "team",
    "period",
    "incidents",
    "with policy",
    "late levels",
    "late min",
    "skipped",
    "repeated",
    "process",
    "decision",
    "tooling",
    "external",
)


def cmd_escalations(args: argparse.Namespace) -> int:
    from irdesk.storage.reads.database_reads import read_escalation_summary

    first, last = args.first_day, args.last_day
    if last < first:
        raise CommandFailed("--to is before --from")
    path = chosen_database(args.escalations_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    with (
        opened_database(path, upgrade=False) as database,
        failures_reported(DatabaseError),
    ):
        rows = read_escalation_summary(database, first, last)
    if args.format == "json":
        print(json.dumps([summary_json(r) for r in rows], indent=2))
        return 0
    table = [HEADERS] + [
        (
            r.team,
            r.period,
            str(r.incidents),
            str(r.with_policy),
            str(r.late_levels),
            f"{r.late_minutes:g}",
            str(r.skipped_levels),
            str(r.repeated_levels),
            *(str(n) for _, n in r.tags),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    for line in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
    return 0
