"""`irdesk org set | back | history`: the Organisation window's typing, for scripts.

A value is typed in force from a day (the user's; today unless --from says), through the
same door as the window (`storage/records/directory_edits.put_states`): checked, audited,
kept apart from the import and listed over time. `back` drops a field's typed values so
the import's value stands again; `history` lists a field's values as the window does.
"""

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
    parse_date,
)
from irdesk.storage.errors import DatabaseError, EditConflict

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.reads.directory import TypedValueRow

ENTITIES = ("team", "person", "service", "rotation", "policy")
NUMBERS = {"hourly_rate", "cost_per_minute", "slo_target", "rto_minutes", "rpo_minutes"}
WHOLE = {"slo_window_days"}
TEAMS = {"team_id", "owner_team_id"}
# The words a user types for the fields that hold a team's id.
FIELD_WORDS = {"team": "team_id", "owner_team": "owner_team_id"}
NOTHING = "—"


def add_edit_parsers(actions: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    typing = actions.add_parser(
        "set",
        help="type a value by hand, in force from a day",
        description="Type a team's, person's, service's, rotation's or escalation policy's "
        "value by hand, in force from --from (your day; today by default). A re-import "
        "keeps it; incidents before that day keep the earlier value.",
    )
    typing.set_defaults(handler=cmd_org_set)
    _record_arguments(typing)
    typing.add_argument("value", help="the value; for a team field, the team's name")
    typing.add_argument("--reason", required=True, help="why it is typed by hand (kept)")
    typing.add_argument(
        "--from",
        dest="since",
        type=parse_date,
        metavar="DATE",
        help="the day (YYYY-MM-DD, yours) from which it is in force; default today",
    )
    add_database_option(typing, dest="org_db", help="database to change")
    back = actions.add_parser(
        "back",
        help="back to the imported value: drop a field's typed values",
        description="Drop every value typed by hand for one field: the import's stands "
        "again, for all time.",
    )
    back.set_defaults(handler=cmd_org_back)
    _record_arguments(back)
    add_database_option(back, dest="org_db", help="database to change")
    history = actions.add_parser(
        "history",
        help="a field's values over time: the import's, then each typed one",
        description="A field's values as the Organisation window lists them: the import's, "
        "then each typed value with the day it took force, who typed it and why.",
    )
    history.set_defaults(handler=cmd_org_history)
    _record_arguments(history)
    history.add_argument("--format", choices=("table", "json"), default="table")
    add_database_option(history, dest="org_db", help="database to read")


def _record_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", choices=ENTITIES)
    parser.add_argument("name", help="the record's name as the directory lists it")
    parser.add_argument("field", help="e.g. time-zone, cost-per-minute, owner-team")


def _field(entity: str, text: str) -> str:
    from irdesk.storage.records.directory_edits import EDITABLE

    word = text.strip().lower().replace("-", "_").replace(" ", "_")
    field = FIELD_WORDS.get(word, word)
    if field not in EDITABLE[entity]:
        known = ", ".join(f.removesuffix("_id").replace("_", "-") for f in EDITABLE[entity])
        raise CommandFailed(f"field: a {entity} has no {text!r}; one of {known}.")
    return field


def _rows(db: "Database", entity: str) -> list[Any]:
    from irdesk.storage.reads import directory as d

    lists: dict[str, Callable[[Database], Sequence[Any]]] = {
        "team": d.list_teams,
        "person": d.list_people,
        "service": d.list_services,
        "rotation": d.list_rotations,
        "policy": d.list_policies,
    }
    return list(lists[entity](db))


def named_record(db: "Database", entity: str, name: str) -> Any:
    """The one `entity` record called `name` (any case), or CommandFailed saying why not."""
    found = [r for r in _rows(db, entity) if r.name.casefold() == name.strip().casefold()]
    if not found:
        raise CommandFailed(f"name: no {entity} is called {name!r}; see `irdesk org list`.")
    if len(found) > 1:
        raise CommandFailed(f"name: {len(found)} {entity} records are called {name!r}.")
    return found[0]


def _team_id(db: "Database", name: str) -> int | None:
    return None if not name.strip() else int(named_record(db, "team", name).id)


def _column(db: "Database", entity: str, row: Any, field: str) -> Any:
    """The value the record's column holds now, as put_states compares it."""
    if field in TEAMS:
        name = row.team if entity != "service" else row.owner_team
        return None if name is None else _team_id(db, name)
    value = getattr(row, field)
    return value.isoformat() if isinstance(value, date) else value


def _value(db: "Database", field: str, text: str) -> Any:
    """The typed text as the field takes it; text that is not a number is left for the
    door's check, which names the field."""
    if field in TEAMS:
        return _team_id(db, text)
    if field in NUMBERS | WHOLE:
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            return text
        return int(number) if field in WHOLE and number.is_integer() else number
    return text


@contextmanager
def directory_edit(args: argparse.Namespace) -> Iterator["Database"]:
    """The database `--db` names, open for one edit of the directory: a refused value,
    a conflict or an unusable file ends the command in one sentence, nothing changed."""
    path = chosen_database(args.org_db, args.db)
    with (
        opened_database(path, upgrade=True) as db,
        failures_reported(ValueError, EditConflict, DatabaseError, kept="Nothing was changed."),
    ):
        yield db


def _day_starts(day: date) -> datetime:
    """The start of `day` in the user's zone, as aware UTC (as the window's picker)."""
    return datetime(day.year, day.month, day.day).astimezone().astimezone(UTC)


def cmd_org_set(args: argparse.Namespace) -> int:
    from irdesk.storage.records.actor import current_actor
    from irdesk.storage.records.directory_edits import Change, Typing, put_states

    field = _field(args.entity, args.field)
    since = args.since or datetime.now(UTC).astimezone().date()
    with directory_edit(args) as db:
        row = named_record(db, args.entity, args.name)
        typing = Typing(_value(db, field, args.value), _day_starts(since), args.reason)
        change = Change(args.entity, row.id, field, _column(db, args.entity, row, field), typing)
        [done] = put_states(db, [change], actor=current_actor())
    print(
        f"{row.name}: {args.field} is {_text(done.after.value)} from {since.isoformat()} "
        f"(was {_text(done.before.value)})."
    )
    return 0


def cmd_org_back(args: argparse.Namespace) -> int:
    from irdesk.storage.records.actor import current_actor
    from irdesk.storage.records.directory_edits import Change, put_states

    field = _field(args.entity, args.field)
    with directory_edit(args) as db:
        row = named_record(db, args.entity, args.name)
        change = Change(args.entity, row.id, field, _column(db, args.entity, row, field))
        [done] = put_states(db, [change], actor=current_actor())
    if not done.before.typed:
        print(f"{row.name}: {args.field} was as imported already; nothing was changed.")
    else:
        print(f"{row.name}: {args.field} is back to the import's, {_text(done.after.value)}.")
    return 0


def history_rows(typed: "TypedValueRow | None", current: Any) -> list[dict[str, Any]]:
    """A field's values over time as the window lists them: the import's first."""
    from irdesk.storage.records.directory_edits import FROM_THE_START

    if typed is None:
        return [{"from": "as imported", "value": current, "by": None, "at": None, "why": None}]
    rows = [{"from": "as imported", "value": typed.imported, "by": None, "at": None, "why": None}]
    for v in typed.history:
        since = v.effective_from
        rows.append(
            {
                "from": "always" if since <= FROM_THE_START else since.isoformat(),
                "value": v.value,
                "by": v.set_by,
                "at": v.set_at.isoformat() if v.set_at else None,
                "why": v.reason,
            }
        )
    return rows


def cmd_org_history(args: argparse.Namespace) -> int:
    from irdesk.storage.reads.directory import typed_values

    field = _field(args.entity, args.field)
    path = chosen_database(args.org_db, args.db)
    if not path.exists():
        raise CommandFailed(f"{path} does not exist; import a directory first or name --db.")
    with opened_database(path, upgrade=False) as db, failures_reported(DatabaseError):
        row = named_record(db, args.entity, args.name)
        typed = next(
            (t for t in typed_values(db, args.entity) if (t.entity_id, t.field) == (row.id, field)),
            None,
        )
        rows = history_rows(typed, _column(db, args.entity, row, field))
        if field in TEAMS:
            # Teams by name, as the window shows them.
            names = {t.id: t.name for t in _rows(db, "team")}
            rows = [{**r, "value": names.get(r["value"], r["value"])} for r in rows]
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    for r in rows:
        since = r["from"] if r["from"] in {"as imported", "always"} else r["from"][:10]
        who = f"  by {r['by']}: {r['why']}" if r["by"] else ""
        print(f"{since:<12}  {_text(r['value'])}{who}")
    return 0


def _text(value: Any) -> str:
    if value is None:
        return NOTHING
    return f"{value:g}" if isinstance(value, float) else str(value)
