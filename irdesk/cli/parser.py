"""The `irdesk` command line: its options, and which handler each command runs.

Each command module adds its own parsers and names its handler (`handler` in the
parsed arguments); with no command, the handler is the window's.

Building the parser imports every command module, so each imports only light
modules at its top and the rest inside its handler: a headless command starts in a
new process, and SQLAlchemy, pyHanko or Qt imported for nothing (for `--help`, or
for another command) is start-up time a script pays.
"""

import argparse
import re
from collections.abc import Sequence
from typing import NoReturn

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

# Where argparse's own message ends and what the user typed begins, in the few forms it
# words a mistake; anything else is passed through after the command's name.
_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<rest>.*)", re.DOTALL)
_CHOICE = re.compile(r"invalid choice: (?P<found>.*) \(choose from (?P<choices>.*)\)", re.DOTALL)
_TYPED = re.compile(r"invalid (?P<type>\w+) value: (?P<found>.*)", re.DOTALL)
_COUNT = re.compile(r"expected (one|at most one|at least one|\d+) arguments?")
_NOT_WITH = re.compile(r"not allowed with argument (?P<other>.*)")
_REQUIRED = "the following arguments are required: "
_TYPE_WORDS = {"int": "a whole number", "float": "a number"}
# Set on the namespace by the innermost parser left with words it did not know, so
# the sentence names that command (`irdesk org export`), not `irdesk`.
_UNKNOWN_IN = "_irdesk_unknown_in"


class CommandLineParser(argparse.ArgumentParser):
    """argparse, but a mistake is one sentence and exit 1, as every other bad input.

    argparse's own way (the usage dump, then its message, exit 2) reads as a second
    kind of failure; a script calling irdesk checks one code, and a person reads one
    line naming the command, the option, what it takes and what was typed. `--help`
    is untouched: that is asked for, not a mistake.
    """

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and not hasattr(parsed, _UNKNOWN_IN):
            setattr(parsed, _UNKNOWN_IN, self)
        return parsed, extras

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        where: CommandLineParser = getattr(parsed, _UNKNOWN_IN, self)
        if extras:
            where.unknown(extras)
        if hasattr(parsed, _UNKNOWN_IN):
            delattr(parsed, _UNKNOWN_IN)
        return parsed

    def unknown(self, extras: list[str]) -> NoReturn:
        first = extras[0]
        if first.startswith("-"):
            options = sorted(
                {o for a in self._actions for o in a.option_strings if o.startswith("--")}
                - {"--help"}
            )
            takes = f"one of {', '.join(options)}" if options else "no options"
            self.fail(f"unknown option {first}: expected {takes}")
        positionals = [
            a.metavar if isinstance(a.metavar, str) else a.dest
            for a in self._actions
            if not a.option_strings
        ]
        takes = f"only {' and '.join(positionals)} and options" if positionals else "options only"
        self.fail(f"unexpected argument {first!r}: expected {takes}")

    def error(self, message: str) -> NoReturn:
        self.fail(self._sentence(message))

    def fail(self, sentence: str) -> NoReturn:
        self.exit(1, f"{self.prog}: error: {sentence}.\n".replace("..\n", ".\n"))

    def _sentence(self, message: str) -> str:
        if message.startswith(_REQUIRED):
            names = message[len(_REQUIRED) :].split(", ")
            wanted = [self._form(name) for name in names]
            if len(wanted) == 1:
                return f"{wanted[0]} is required and was not given"
            return f"{', '.join(wanted[:-1])} and {wanted[-1]} are required and were not given"
        argument = _ARGUMENT.fullmatch(message)
        if argument is None:
            return message
        name, rest = argument["name"], argument["rest"]
        choice = _CHOICE.fullmatch(rest)
        if choice is not None:
            choices = choice["choices"].replace("'", "")
            if name == "COMMAND" or name == "ACTION" or name == "STEP":
                return f"unknown {name.lower()} {choice['found']}: expected one of {choices}"
            return f"{name} expected one of {choices}, found {choice['found']}"
        typed = _TYPED.fullmatch(rest)
        if typed is not None:
            expected = _TYPE_WORDS.get(typed["type"]) or self._metavar(name)
            return f"{name} expected {expected}, found {typed['found']}"
        not_with = _NOT_WITH.fullmatch(rest)
        if not_with is not None:
            return f"{name} cannot be given with {not_with['other']}: expected one of the two"
        if _COUNT.fullmatch(rest):  # the option came last, or another option followed it
            return f"{name} expected {self._metavar(name)}, found nothing"
        return f"{name}: {rest}"

    def _metavar(self, name: str) -> str:
        """What an option takes, as the usage names it (`DATE`), or "a value"."""
        return self._form(name).removeprefix(name).strip() or "a value"

    def _form(self, name: str) -> str:
        """How the usage writes an option or argument: `--from DATE`, `PATH`."""
        for action in self._actions:
            if name in action.option_strings or name in (action.metavar, action.dest):
                if not action.option_strings:
                    return name
                if action.nargs == 0:
                    return name
                metavar = action.metavar or action.dest.upper()
                return f"{name} {metavar if isinstance(metavar, str) else ' '.join(metavar)}"
        return name


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = CommandLineParser(
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
