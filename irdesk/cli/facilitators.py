"""`irdesk facilitators`: the pool of trained facilitators, their load, and a suggestion.

`irdesk facilitators` lists the pool with each member's open and recent reviews and
their last, with the figures (reviews per facilitator, reviews that waited for one
person); `facilitators add|remove NAME` changes the pool (audited); `facilitators
suggest INCIDENT` names who should facilitate its review and a backup, as the Review
tab's Suggest button does.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
    parse_date,
)
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands


def add_facilitators_parser(commands: "Subcommands") -> None:
    pool = commands.add_parser(
        "facilitators",
        help="the pool of trained review facilitators: load, figures, a suggestion",
        description="List the facilitator pool: open reviews, reviews in the last 90 days, "
        "the last review, the fair share, and how many reviews waited for a facilitator "
        "still busy with an earlier one.",
    )
    pool.set_defaults(handler=cmd_facilitators)
    add_database_option(pool, dest="pool_db", help="database to read")
    pool.add_argument("--format", choices=("table", "json"), default="table")
    actions = pool.add_subparsers(dest="pool_action", metavar="ACTION")
    add = actions.add_parser("add", help="add a person of the directory to the pool")
    add.set_defaults(handler=cmd_facilitators_add)
    add.add_argument("name", metavar="NAME")
    add.add_argument("--trained-on", type=parse_date, metavar="YYYY-MM-DD")
    add_database_option(add, dest="add_db", help="the database")
    remove = actions.add_parser("remove", help="take a person out of the pool")
    remove.set_defaults(handler=cmd_facilitators_remove)
    remove.add_argument("name", metavar="NAME")
    add_database_option(remove, dest="remove_db", help="the database")
    suggest = actions.add_parser("suggest", help="who should facilitate an incident's review")
    suggest.set_defaults(handler=cmd_facilitators_suggest)
    suggest.add_argument("incident", metavar="INCIDENT", help="its ID, SOURCE:ID or number")
    add_database_option(suggest, dest="suggest_db", help="the database")
    suggest.add_argument("--format", choices=("table", "json"), default="table")


def _existing(own: Path | None, top: Path | None) -> Path:
    path = chosen_database(own, top)
    if not path.exists():
        raise CommandFailed(f"{path} does not exist; name a database with --db.")
    return path


def cmd_facilitators(args: argparse.Namespace) -> int:
    from irdesk.domain.facilitation import SHARE_WINDOW_DAYS, fair_share, reviews_that_waited
    from irdesk.storage.reads.facilitation import pool_overview

    with (
        opened_database(_existing(args.pool_db, args.db), upgrade=False) as db,
        failures_reported(DatabaseError),
    ):
        loads, reviews = pool_overview(db)
    per_person: dict[int, int] = {}
    for review in reviews:
        per_person[review.facilitator_id] = per_person.get(review.facilitator_id, 0) + 1
    data: dict[str, Any] = {
        "fair_share": fair_share(loads),
        "share_window_days": SHARE_WINDOW_DAYS,
        "reviews_with_a_facilitator": len(reviews),
        "reviews_that_waited": reviews_that_waited(reviews),
        "facilitators": [
            {
                "name": load.name,
                "trained_on": load.trained_on.isoformat() if load.trained_on else None,
                "open_reviews": load.open_reviews,
                "recent_reviews": load.recent_reviews,
                "all_reviews": per_person.get(load.person_id, 0),
                "last_review_on": load.last_review_on.isoformat() if load.last_review_on else None,
            }
            for load in loads
        ],
    }
    if args.format == "json":
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not loads:
        print("The facilitator pool is empty: irdesk facilitators add NAME.")
    for row in data["facilitators"]:
        print(
            f"{row['name']}: {row['open_reviews']} open, {row['recent_reviews']} in "
            f"{SHARE_WINDOW_DAYS} days, {row['all_reviews']} in all, last "
            f"{row['last_review_on'] or 'never'}"
        )
    print(
        f"Fair share: {data['fair_share']} reviews each in {SHARE_WINDOW_DAYS} days. "
        f"{data['reviews_that_waited']} of {len(reviews)} reviews waited for a facilitator "
        "still busy with an earlier one."
    )
    return 0


def cmd_facilitators_add(args: argparse.Namespace) -> int:
    from irdesk.storage.records.actor import current_actor
    from irdesk.storage.records.facilitators import PoolRefused, join_pool_named

    with (
        opened_database(_existing(args.add_db, args.db), upgrade=True) as db,
        failures_reported(PoolRefused, DatabaseError, kept="Nothing was changed."),
    ):
        name = join_pool_named(db, args.name, args.trained_on, actor=current_actor())
    print(f"{name} is in the facilitator pool.")
    return 0


def cmd_facilitators_remove(args: argparse.Namespace) -> int:
    from irdesk.storage.records.actor import current_actor
    from irdesk.storage.records.facilitators import PoolRefused, leave_pool_named

    with (
        opened_database(_existing(args.remove_db, args.db), upgrade=True) as db,
        failures_reported(PoolRefused, DatabaseError, kept="Nothing was changed."),
    ):
        name = leave_pool_named(db, args.name, actor=current_actor())
    print(f"{name} left the facilitator pool; their past reviews still name them.")
    return 0


def cmd_facilitators_suggest(args: argparse.Namespace) -> int:
    from irdesk.storage.reads.facilitation import suggestion_named

    with (
        opened_database(_existing(args.suggest_db, args.db), upgrade=False) as db,
        failures_reported(LookupError, DatabaseError),
    ):
        suggestion = suggestion_named(db, args.incident)
    if args.format == "json":
        json.dump(
            {
                "suggested": suggestion.suggested.name if suggestion.suggested else None,
                "backup": suggestion.backup.name if suggestion.backup else None,
                "fair_share": suggestion.fair_share,
                "passed_over": [{"name": name, "why": why} for name, why in suggestion.passed_over],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        print()
        return 0
    print(suggestion.sentence())
    for name, why in suggestion.passed_over:
        print(f"  not {name}: {why}")
    return 0
