"""`irdesk problems`: problems that span teams, made from a recurrence group.

`create INCIDENT --team TEAM` makes a problem from the recurrence group holding the
incident (the metrics' own, under the current policy), extended to incidents of other
services with titles as similar within the same window, accountable to TEAM, with the
teams owning the other services contributing. `list` shows every problem: incidents,
reviews, open actions, repeat incidents and the time since the last.
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
)
from irdesk.storage.errors import DatabaseError, EditRefused
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.storage.records.problems import ProblemView


def add_problems_parser(commands: "Subcommands") -> None:
    problems = commands.add_parser(
        "problems",
        help="problems that span teams: recurring incidents with an accountable team",
        description="Make a problem from an incident's recurrence group (similar incidents "
        "of its service, extended to other services by the same similarity), with an "
        "accountable team and the teams owning the other services contributing; list "
        "problems with their incidents, reviews, open actions, repeat incidents and the "
        "time since the last.",
    )
    add_database_option(problems, dest="problems_db", help="the database")
    actions = problems.add_subparsers(dest="problems_action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="a problem from an incident's recurrence group")
    create.set_defaults(handler=cmd_create)
    create.add_argument("incident", metavar="INCIDENT", help="an incident of the group")
    create.add_argument("--team", required=True, metavar="TEAM", help="the accountable team")
    create.add_argument("--title", metavar="TEXT", help="default: the group's first title")
    create.add_argument("--format", choices=("table", "json"), default="table")
    listing = actions.add_parser("list", help="every problem, with its figure")
    listing.set_defaults(handler=cmd_list)
    listing.add_argument("--format", choices=("table", "json"), default="table")


def problem_json(view: "ProblemView") -> dict[str, object]:
    figure = view.figure
    return {
        "id": view.id,
        "title": view.title,
        "accountable_team": view.accountable_team,
        "contributing_teams": list(view.contributing_teams),
        "incidents": [
            {
                "incident": row.label,
                "title": row.title,
                "service": row.service,
                "started_at": row.started_at.isoformat() if row.started_at else None,
                "review": row.review,
            }
            for row in view.incidents
        ],
        "open_actions": [
            {
                "id": a.action_id,
                "incident": a.incident,
                "title": a.title,
                "owner": a.owner,
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "status": a.status.value,
            }
            for a in view.open_actions
        ],
        "repeat_incidents": figure.repeats,
        "last_incident_at": figure.last.isoformat() if figure.last else None,
        "days_since_last": round(figure.since_last.total_seconds() / 86400, 1)
        if figure.since_last is not None
        else None,
    }


def _print(view: "ProblemView") -> None:
    figure = problem_json(view)
    print(f"Problem {view.id}: {view.title}")
    print(f"  accountable: {view.accountable_team or '—'}")
    print(f"  contributing: {', '.join(view.contributing_teams) or '—'}")
    print(
        f"  {len(view.incidents)} incidents, {figure['repeat_incidents']} repeats, "
        f"last {figure['last_incident_at'] or '—'} ({figure['days_since_last']} days ago)"
    )
    for row in view.incidents:
        review = f", review {row.review}" if row.review else ""
        print(f"    {row.label}  {row.service or 'no service'}  {row.title}{review}")
    for action in view.open_actions:
        print(f"    open action: {action.title} ({action.owner or 'no owner'}, {action.incident})")


def cmd_create(args: argparse.Namespace) -> int:
    from irdesk.storage.records.database_edits import create_problem_named

    path = chosen_database(args.problems_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    with (
        opened_database(path, upgrade=True) as database,
        failures_reported(LookupError, EditRefused, DatabaseError, kept="Nothing was changed."),
    ):
        view = create_problem_named(
            database,
            args.incident,
            accountable_team=args.team,
            title=args.title,
            actor=current_actor(),
        )
    if args.format == "json":
        print(json.dumps(problem_json(view), indent=2))
    else:
        _print(view)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from irdesk.domain.utc import utc_now
    from irdesk.storage.records.database_edits import read_problems

    path = chosen_database(args.problems_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    with opened_database(path, upgrade=False) as database, failures_reported(DatabaseError):
        views = read_problems(database, utc_now())
    if args.format == "json":
        print(json.dumps([problem_json(v) for v in views], indent=2))
        return 0
    if not views:
        print("No problems yet: irdesk problems create INCIDENT --team TEAM makes one.")
    for view in views:
        _print(view)
    return 0
