"""The database file itself: `irdesk db check`, `irdesk db upgrade` and `irdesk demo`."""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from irdesk.cli.common import (
    CommandFailed,
    failures_reported,
    parse_date,
    refuse_to_replace,
    today,
    upgrade_progress_on_terminal,
)
from irdesk.cli.db_copy import add_copy_parser
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.storage.check import CheckReport
    from irdesk.storage.records.audit import AnchorClaim


def add_demo_parser(commands: "Subcommands") -> None:
    demo = commands.add_parser("demo", help="write a demo database to PATH")
    demo.set_defaults(handler=cmd_demo)
    demo.add_argument("path", type=Path, metavar="PATH")
    demo.add_argument(
        "--seed", type=int, default=None, help="random seed (default: the shipped demo's)"
    )
    demo.add_argument(
        "--anchor",
        type=parse_date,
        default=None,
        metavar="DATE",
        help="the demo's 'today', YYYY-MM-DD (default: today)",
    )
    demo.add_argument("--force", action="store_true", help="replace PATH if it exists")
    demo.add_argument(
        "--identity",
        type=Path,
        metavar="ID.p12",
        help="seal the demo's feedback notes to this identity (default: to a key nobody keeps)",
    )
    demo.add_argument("--passphrase-file", type=Path, metavar="FILE")


def add_db_parser(commands: "Subcommands") -> None:
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser(
        "upgrade",
        help="upgrade PATH (a file, backed up first, or a postgresql:// address) to this "
        "irdesk's schema",
    )
    upgrade.set_defaults(handler=cmd_db_upgrade)
    upgrade.add_argument("path", type=path_or_address, metavar="PATH")
    check = db_commands.add_parser(
        "check",
        help="check PATH's (a file's or a postgresql:// address's) integrity and schema "
        "version (read-only)",
    )
    roles = db_commands.add_parser(
        "roles",
        help="print the SQL that makes a team database's roles (viewer, facilitator, "
        "manager, compliance) and its row-level security, for an administrator to run",
    )
    roles.set_defaults(handler=cmd_db_roles)
    add_copy_parser(db_commands)
    check.set_defaults(handler=cmd_db_check)
    check.add_argument("path", type=path_or_address, metavar="PATH")
    check.add_argument(
        "--packets",
        type=Path,
        action="append",
        default=[],
        metavar="FOLDER",
        help="also hold the audit log to the anchors of the packets (PDFs) exported from PATH "
        "that FOLDER holds, which show entries removed with their packet's record; repeatable",
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from irdesk.demo.generator import DEFAULT_SEED, write_demo

    seed = DEFAULT_SEED if args.seed is None else args.seed
    refuse_to_replace(args.path, force=args.force)
    if args.force and args.path.exists():
        refuse_to_overwrite_a_stranger(args.path)
    readers = []
    if args.identity is not None:
        from irdesk.cli.packets import read_passphrase
        from irdesk.reports.signing.identity import IdentityError
        from irdesk.reports.signing.note_keys import unlock

        with failures_reported(IdentityError, kept="No demo was written."):
            readers = [unlock(args.identity, read_passphrase(args.passphrase_file)).public]
    with failures_reported(DatabaseError, OSError):
        summary = write_demo(
            args.path,
            seed=seed,
            anchor=args.anchor or today(),
            overwrite=args.force,
            note_readers=readers,
        )
    print(
        f"Wrote {args.path}: {summary.incidents} incidents, {summary.events} timeline events, "
        f"{summary.reviews} reviews, {summary.people} people in {summary.teams} teams, "
        f"{summary.services} services."
    )
    sealed_to = (
        readers[0].name if readers else "a key that was not kept (add --identity to read them)"
    )
    print(f"Its {summary.feedback_notes} feedback notes are sealed to {sealed_to}.")
    return 0


def refuse_to_overwrite_a_stranger(path: Path) -> None:
    """--force replaces an irdesk database, never a folder or another program's file."""
    from irdesk.storage.errors import NotAnIrdeskDatabase
    from irdesk.storage.inspection import inspect_file

    if path.is_dir():
        raise CommandFailed(f"{path} is a folder; name the database file to write.")
    try:
        inspect_file(path.resolve())
    except NotAnIrdeskDatabase as exc:
        raise CommandFailed(
            f"{exc} --force replaces only an irdesk database; choose another name."
        ) from exc
    except DatabaseError:
        pass  # an irdesk file, damaged or from a newer irdesk: replacing it is what was asked


def path_or_address(text: str) -> Path | str:
    """A file's path, or a server's address kept as written (a Path would fold its //)."""
    from irdesk.storage.addresses import is_server_address

    return text if is_server_address(text) else Path(text)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    if isinstance(args.path, str):
        return _upgrade_server(args.path)
    from irdesk.storage.check import check_database
    from irdesk.storage.database import open_database
    from irdesk.storage.reads.database_reads import pending_notes

    saved: list[Path] = []
    with failures_reported(DatabaseError):
        database = open_database(
            args.path,
            create=False,
            on_backup=saved.append,
            on_progress=upgrade_progress_on_terminal(args.path),
        )
    try:
        waiting = pending_notes(database)
    finally:
        database.close()
    report = check_database(database.path)
    if saved:
        print(f"Upgraded {database.path} to schema revision {report.revision}.")
        print(f"Backup of the previous file: {saved[0]}")
    if waiting:
        # No one's key was at hand to seal them to: say so, and how to finish.
        print(
            f"{waiting} feedback note{'s' if waiting != 1 else ''} from before notes were "
            "encrypted are kept unreadable to everyone until a reader seals them: "
            f"irdesk notes list --db {database.path} --identity ID.p12. The backup still holds "
            "them in plain text (irdesk notes backups)."
        )
    if not saved:
        print(f"{database.path} is already at the current schema revision {report.revision}.")
    return 0


def _upgrade_server(text: str) -> int:
    from irdesk.storage import server

    with failures_reported(server.ServerError):
        address = server.ServerAddress.parse(text)
        before, after = server.upgrade(address, upgrade_progress_on_terminal(address.shown))
    if before == after:
        print(f"{address.shown} is already at the current schema revision {after}.")
    else:
        print(f"Upgraded {address.shown} from schema revision {before or 'none'} to {after}.")
    return 0


def _check_server(text: str, claims: "list[AnchorClaim]", untrusted: list[str]) -> int:
    from irdesk.storage import server

    with failures_reported(server.ServerError):
        address = server.ServerAddress.parse(text)
        report = server.check(address, claims)
    report.anchor_problems += untrusted
    if report.revision is None:
        revision = "none"
    elif report.is_current:
        revision = f"{report.revision} (current)"
    else:
        revision = f"{report.revision} (older than {report.head}; `irdesk db upgrade` updates it)"
    print(address.shown)
    print(f"  schema revision: {revision}")
    print(f"  schema objects:  {'PROBLEMS' if report.problems else 'ok'}")
    for line in report.problems:
        print(f"    {line}")
    if report.is_current:
        broken = report.audit_broken_at
        audit = "ok" if broken is None else f"TAMPERED: entry {broken} does not match its hash"
        print(f"  audit log:       {audit}")
        anchors = report.anchors_checked
        if report.anchor_problems:
            print(f"  packet anchors:  BROKEN ({len(report.anchor_problems)} of {anchors})")
        else:
            print(f"  packet anchors:  {'ok' if anchors else 'none to check'} ({anchors})")
        for line in report.anchor_problems:
            print(f"    {line}")
    if report.counts:
        print("  rows:            " + ", ".join(f"{t} {n}" for t, n in report.counts.items()))
    if not report.ok:
        raise CommandFailed(f"{address.shown} failed its check.")
    return 0


def cmd_db_roles(_args: argparse.Namespace) -> int:
    from irdesk.storage.server_roles import roles_sql, schema_tables

    print(roles_sql(schema_tables()), end="")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    from irdesk.storage.check import check_database

    claims, untrusted = [], []
    if args.packets:
        from irdesk.reports.packets.anchors import packet_files, read_anchors

        for folder in args.packets:
            if not folder.is_dir():
                raise CommandFailed(f"{folder} is not a folder; --packets names a folder of PDFs.")
        found = read_anchors(pdf for folder in args.packets for pdf in packet_files(folder))
        claims, untrusted = found.claims, found.problems
        for line in found.skipped:
            print(f"note: {line}")
    if isinstance(args.path, str):
        return _check_server(args.path, claims, untrusted)
    with failures_reported(DatabaseError):
        report = check_database(args.path, claims)
    report.anchor_problems += untrusted
    print_check_report(report)
    if not report.ok:
        raise CommandFailed(f"{report.path} failed its check.")
    return 0


def print_check_report(report: "CheckReport") -> None:
    """One line per check; on a damaged file, only what can be trusted is reported."""
    damaged = report.integrity != ["ok"]
    if damaged:
        revision = "unknown (the file is damaged)"
    elif report.is_current:
        revision = f"{report.revision} (current)"
    else:
        revision = f"{report.revision} (older than {report.head}; `irdesk db upgrade` updates it)"
    print(report.path)
    print(f"  schema revision: {revision}")
    print(f"  integrity:       {'DAMAGED' if damaged else 'ok'}")
    for line in report.integrity if damaged else []:
        print(f"    {line}")
    if damaged:
        print("  foreign keys:    not checked (the file is damaged)")
    else:
        print(f"  foreign keys:    {'BROKEN' if report.foreign_key_problems else 'ok'}")
    for line in report.foreign_key_problems:
        print(f"    {line}")
    if not damaged:
        broken = report.audit_broken_at
        audit = "ok" if broken is None else f"TAMPERED: entry {broken} does not match its hash"
        print(f"  audit log:       {audit}")
        anchors = report.anchors_checked
        if report.anchor_problems:
            print(f"  packet anchors:  BROKEN ({len(report.anchor_problems)} of {anchors})")
        else:
            print(f"  packet anchors:  {'ok' if anchors else 'none to check'} ({anchors})")
        for line in report.anchor_problems:
            print(f"    {line}")
    if report.counts:
        print("  rows:            " + ", ".join(f"{t} {n}" for t, n in report.counts.items()))
    if not damaged:
        # After the rows: the stored facts are a derived copy, checked last.
        facts = "BROKEN" if report.metric_fact_problems else "ok"
        print(f"  figure facts:    {facts}")
        for line in report.metric_fact_problems:
            print(f"    {line}")
