"""What every command shares: how it fails, which database it opens, how it opens it.

A command that cannot do its work raises `CommandFailed` or `UsageError`, and
`irdesk.cli.main` turns either into one message on stderr and an exit code, so a
mistake is a sentence naming the file or the argument at fault, never a traceback.
"""

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from irdesk.storage import paths
from irdesk.storage.addresses import is_server_address
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from typing import TypeAlias

    from irdesk.storage.database import Database, OnUpgradeProgress, UpgradeProgress

    # What `add_subparsers` returns; each command module adds its parsers to it.
    Subcommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


class CommandFailed(Exception):
    """The work failed for a reason the user can act on: `irdesk: error: …`, exit 1.

    The message names the file or thing at fault; a second line may say what was
    left as it was ("No packet was written.").
    """


class UsageError(Exception):
    """A command line argparse accepted but the command cannot: exit 1, as argparse's own
    mistakes (cli/parser.py)."""

    def __init__(self, command: str, message: str) -> None:
        self.command = command
        super().__init__(message)

    def __str__(self) -> str:
        return f"irdesk {self.command}: error: {self.args[0]}"


def today() -> date:
    """The day the figures and the demo count from: UTC, as the stored times are."""
    return datetime.now(UTC).date()


def parse_date(text: str) -> date:
    """An argparse type: a mistyped date is a usage error that shows the expected form."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-01, got {text!r}") from None


def add_database_option(parser: argparse.ArgumentParser, *, dest: str, help: str) -> None:
    """A subcommand's own --db, so `irdesk import … --db X` works as `irdesk --db X import …`.

    Each keeps it under its own `dest`: under "db", the subcommand's default (None)
    would overwrite the top-level --db the user gave before the command.
    """
    parser.add_argument("--db", dest=dest, type=database_argument, metavar="PATH", help=help)


def database_argument(text: str) -> Path:
    """An argparse type: a file's path, or a server's address as a `ServerLocation`
    (which every command takes where it takes a file's path)."""
    if not is_server_address(text):
        return Path(text)
    from irdesk.storage.server import ServerAddress, ServerError, ServerLocation

    try:
        return ServerLocation(ServerAddress.parse(text))
    except ServerError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def is_server(path: Path) -> bool:
    return is_server_address(path)


def chosen_database(own: Path | None, top: Path | None) -> Path:
    """The command's own --db, else the top-level --db, else the user's database."""
    chosen = own or top
    if chosen is not None and is_server(chosen):
        return chosen
    return Path(chosen or paths.default_database()).expanduser()


def refuse_to_replace(path: Path | None, *, force: bool, kept: str = "") -> None:
    """`CommandFailed` if `path`, a file the command would write, exists without --force.

    A signed packet that left the building, or a database, must not be replaced by
    accident; and a link, device, pipe or folder is never replaced, --force or not.
    Checked before the work starts, and again by the write itself
    (`storage.files.write_atomically`). `kept` says what stayed as it was, on a line
    of its own.
    """
    if path is None:
        return
    from irdesk.storage.files import FileWriteError, TargetExists, check_target

    try:
        check_target(path, replace=force)
    except TargetExists:
        message = f"{path} already exists; add --force to replace it."
    except FileWriteError as exc:
        message = str(exc)  # a link, device, pipe or folder: not even with --force
    else:
        return
    raise CommandFailed(f"{message}\n{kept}" if kept else message)


@contextmanager
def failures_reported(*expected: type[Exception], kept: str = "") -> Iterator[None]:
    """The `expected` errors of a piece of work become `CommandFailed` with their message.

    Their messages are written for the user and name what is at fault; `kept` adds a
    line saying what was left as it was. Anything else is a bug, and stays a traceback.
    """
    try:
        yield
    except expected as exc:
        raise CommandFailed(f"{exc}\n{kept}" if kept else str(exc)) from exc


def upgrade_progress_on_terminal(path: Path | str) -> "OnUpgradeProgress | None":
    """An upgrade's progress on stderr, when stderr is a terminal, since one takes minutes
    on a big file; a script's or a test's captured stderr stays empty, as an import's does.
    A file is named by its name, a server (`str`) by its address as shown."""
    if not sys.stderr.isatty():
        return None
    return TerminalProgress(sys.stderr, path if isinstance(path, str) else Path(path).name)


class TerminalProgress:
    """The backup copy's bytes rewritten on one line, then a line for each step."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self.stream = stream
        self.name = name
        self.line_open = False

    def __call__(self, progress: "UpgradeProgress") -> None:
        line = f"Upgrading {self.name}: {progress.text}"
        if progress.stage == "copying":
            self.stream.write(f"\r{line}\x1b[K")  # over the last count, cleared to its end
            self.line_open = True
        else:
            self.stream.write(f"\n{line}\n" if self.line_open else f"{line}\n")
            self.line_open = False
        self.stream.flush()


def open_database_at(path: Path, *, create: bool = False, upgrade: bool) -> "Database":
    """The database at `path`, or `CommandFailed` naming why it cannot be used.

    An older file is upgraded (after a backup, named on stdout) only when `upgrade`:
    commands that write may, while read-only ones refuse it with the command to run.
    """
    from irdesk.storage.database import open_database

    if is_server(path):
        return _open_server(path, upgrade=upgrade)
    saved: list[Path] = []
    with failures_reported(DatabaseError):
        database = open_database(
            path,
            create=create,
            upgrade=upgrade,
            on_backup=saved.append,
            on_progress=upgrade_progress_on_terminal(path),
        )
    if saved:
        print(f"Upgraded {database.path} to this irdesk's schema first; backup: {saved[0]}")
    return database


def _open_server(path: Path, *, upgrade: bool) -> "Database":
    """A team database; one at an older revision is upgraded only when `upgrade`, as a
    file is (the server's own transaction is its backup: see storage/server)."""
    from irdesk.storage.server import ServerError, ServerLocation, open_server_database

    assert isinstance(path, ServerLocation)
    with failures_reported(ServerError, DatabaseError):
        return open_server_database(path.address, may_upgrade=upgrade)


@contextmanager
def opened_database(path: Path, *, create: bool = False, upgrade: bool) -> Iterator["Database"]:
    """`open_database_at` for the length of a `with`, closed however the block ends."""
    database = open_database_at(path, create=create, upgrade=upgrade)
    try:
        yield database
    finally:
        database.close()
