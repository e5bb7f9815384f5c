"""The `irdesk` command line: its options, and which handler each command runs.

Each command module adds its own parsers and names its handler (`handler` in the
parsed arguments); with no command, the handler is the window's.

Building the parser imports every command module, so each imports only light
modules at its top and the rest inside its handler: a headless command starts in a
new process, and SQLAlchemy, pyHanko or Qt imported for nothing (for `--help`, or
for another command) is start-up time a script pays.
"""

import argparse

from irdesk import __version__
from irdesk.cli.classify import add_classify_parser
from irdesk.cli.common import database_argument
from irdesk.cli.database import add_db_parser, add_demo_parser
from irdesk.cli.facilitators import add_facilitators_parser
from irdesk.cli.gui import cmd_gui
from irdesk.cli.imports import add_import_parser
from irdesk.cli.metrics import add_metrics_parser
from irdesk.cli.notes import add_notes_parser
from irdesk.cli.org import add_org_parser
from irdesk.cli.packets import add_packet_parsers
from irdesk.cli.person import add_person_parser, add_team_parser
from irdesk.cli.problems import add_problems_parser
from irdesk.cli.register import add_register_parser
from irdesk.cli.review_feedback import add_review_feedback_parsers
from irdesk.cli.roles import add_roles_parsers
from irdesk.cli.runbooks import add_runbooks_parser
from irdesk.cli.themes import add_themes_parser
from irdesk.cli.validation import add_validation_parser
from irdesk.storage import paths


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="irdesk",
        description="Incident performance reviews: opens the irdesk window, or runs a headless command.",
        epilog=(
            f"Without --db, irdesk opens your database, {paths.default_database()}; "
            "the first start creates it holding the demo organisation."
        ),
    )
    parser.set_defaults(handler=cmd_gui)
    parser.add_argument("--version", action="version", version=f"irdesk {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db",
        type=database_argument,
        metavar="PATH",
        help="open this database file (created if missing)",
    )
    where.add_argument(
        "--demo",
        action="store_true",
        help="open a throwaway copy of the demo organisation, written anew on every start "
        "(your own database is not touched)",
    )
    # The order here is the order `irdesk --help` lists the commands in.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_demo_parser(commands)
    add_import_parser(commands)
    add_metrics_parser(commands)
    add_classify_parser(commands)
    add_validation_parser(commands)
    add_roles_parsers(commands)
    add_person_parser(commands)
    add_team_parser(commands)
    add_runbooks_parser(commands)
    add_problems_parser(commands)
    add_org_parser(commands)
    add_register_parser(commands)
    add_facilitators_parser(commands)
    add_review_feedback_parsers(commands)
    add_themes_parser(commands)
    add_db_parser(commands)
    add_packet_parsers(commands)
    add_notes_parser(commands)
    return parser
