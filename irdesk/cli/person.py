"""`irdesk person` and `irdesk team`: one person's period, as the People › Person… window
shows it, and a team against its people.

The incidents they took part in and their role in each, their load against their
rotation's and team's medians, escalations, action items, status updates and, with
--identity, the feedback notes about them that identity may read. The JSON holds every
section's cells exactly as the window shows them.
"""

import argparse
import json
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

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.domain.person_cells import Section


def add_person_parser(commands: "Subcommands") -> None:
    person = commands.add_parser(
        "person",
        allow_abbrev=False,
        help="one person's period: incidents and role in each, load, escalations, actions",
        description="The facts about one person's part in the incidents of a period: each "
        "incident and their role in it, pages, after-hours pages (in their own zone) and "
        "incident hours against their rotation's and team's medians, escalations received "
        "and passed on, action items they own, status updates during their incidents, and "
        "incidents the policy leaves out of the figures with the reason. With --identity, "
        "the feedback notes about them that you may read.",
    )
    person.set_defaults(handler=cmd_person)
    person.add_argument("name", metavar="NAME", help="the person's full name")
    add_database_option(person, dest="person_db", help="the database")
    person.add_argument("--from", dest="first_day", type=parse_date, required=True, metavar="DATE")
    person.add_argument("--to", dest="last_day", type=parse_date, required=True, metavar="DATE")
    person.add_argument("--format", choices=("table", "json"), default="table")
    person.add_argument(
        "--identity",
        type=Path,
        metavar="ID.p12",
        help="your identity: shows the feedback notes about them that you may read",
    )
    person.add_argument(
        "--passphrase-file", type=Path, metavar="FILE", help="the passphrase (first line)"
    )


def add_team_parser(commands: "Subcommands") -> None:
    team = commands.add_parser(
        "team",
        allow_abbrev=False,
        help="a team against its people: outcomes, each person's share, who carried it",
        description="For the incidents a team is accountable for in the period: its outcomes "
        "(incidents, resolved, median time to resolve), each person's share of its "
        "incidents, incident hours and resolutions, who held the most hours each week, and "
        "flags where the team's picture and a person's disagree (one person carrying the "
        "team, long work on few incidents, resolutions closed on others' work).",
    )
    team.set_defaults(handler=cmd_team)
    team.add_argument("name", metavar="TEAM", help="the team's name")
    add_database_option(team, dest="team_db", help="the database")
    team.add_argument("--from", dest="first_day", type=parse_date, required=True, metavar="DATE")
    team.add_argument("--to", dest="last_day", type=parse_date, required=True, metavar="DATE")
    team.add_argument("--format", choices=("table", "json"), default="table")


def cmd_team(args: argparse.Namespace) -> int:
    from irdesk.domain.team_cells import team_json, team_sections
    from irdesk.storage.errors import DatabaseError
    from irdesk.storage.reads.packet_data import PacketDataError
    from irdesk.storage.reads.team_picture import team_picture_named

    if args.last_day < args.first_day:
        raise CommandFailed("--to is before --from")
    path = chosen_database(args.team_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    with (
        opened_database(path, upgrade=False) as database,
        failures_reported(PacketDataError, DatabaseError),
    ):
        found = team_picture_named(database, args.name, args.first_day, args.last_day)
    if args.format == "json":
        print(json.dumps(team_json(found), indent=2, ensure_ascii=False))
        return 0
    print(f"{found.team}, {found.first_day:%Y-%m-%d} to {found.last_day:%Y-%m-%d}")
    print()
    for section in team_sections(found):
        print_section(section)
    return 0


def print_section(section: "Section") -> None:
    print(section.title)
    if not section.rows:
        print(f"  {section.empty}")
        print()
        return
    if len(section.columns) == 1:  # sentences: printed whole
        for row in section.rows:
            print(f"  - {row.cells[0]}")
        print()
        return
    table = [section.columns, *(row.cells for row in section.rows)]
    widths = [min(40, max(len(line[i]) for line in table)) for i in range(len(section.columns))]
    for line in table:
        cells = (cell if len(cell) <= 40 else cell[:39] + "…" for cell in line)
        print("  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    print()


def cmd_person(args: argparse.Namespace) -> int:
    from irdesk.domain.person_cells import person_json, sections, summary
    from irdesk.reports.signing.identity import IdentityError
    from irdesk.storage.errors import DatabaseError
    from irdesk.storage.reads.packet_data import PacketDataError
    from irdesk.storage.reads.person_period import person_period

    if args.last_day < args.first_day:
        raise CommandFailed("--to is before --from")
    keyring = None
    if args.identity is not None:
        from irdesk.cli.packets import read_passphrase
        from irdesk.reports.signing.note_keys import unlock

        passphrase = read_passphrase(args.passphrase_file)
        with failures_reported(IdentityError):
            keyring = unlock(args.identity, passphrase)
    path = chosen_database(args.person_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    with (
        opened_database(path, upgrade=False) as database,
        failures_reported(PacketDataError, DatabaseError),
    ):
        found = person_period(database, args.name, args.first_day, args.last_day, keyring=keyring)
    notes = keyring is not None
    if args.format == "json":
        print(json.dumps(person_json(found, notes=notes), indent=2, ensure_ascii=False))
        return 0
    print(summary(found))
    print()
    for section in sections(found, notes=notes):
        print_section(section)
    if not notes:
        print("Feedback notes are shown only with --identity, to the readers they are sealed to.")
    return 0
