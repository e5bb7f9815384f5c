"""Feedback notes from the command line: `irdesk notes list|add|export|readers|share|remove-reader|backups`.

Notes are sealed to their readers, so reading or writing one takes the reader's
identity (`--identity ID.p12`) and its passphrase, which comes from --passphrase-file,
IRDESK_PASSPHRASE or a prompt, never from the command line. Without an identity,
`list` shows what a locked window shows: that notes exist, about whom, when, and who
may read them.
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from irdesk.cli.common import (
    CommandFailed,
    UsageError,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
    refuse_to_replace,
)
from irdesk.domain.enums import NoteDimension
from irdesk.storage.records.actor import current_actor, identity_actor

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.storage.database import Database
    from irdesk.storage.sealing import Keyring

KINDS = {"recognition": "recognition", "growth": "growth", "procedural": "procedural_compliance"}
DIMENSIONS = tuple(d.value for d in NoteDimension)


def add_notes_parser(commands: "Subcommands") -> None:
    notes = commands.add_parser(
        "notes",
        help="feedback notes, sealed to their readers: list, add, export, share",
        description="Feedback notes are encrypted to their readers. Reading or writing one "
        "needs your identity (--identity ID.p12) and its passphrase, from --passphrase-file, "
        "the IRDESK_PASSPHRASE variable, or a prompt.",
    )
    actions = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True)

    # allow_abbrev=False: `--passphrase SECRET` must be refused, not taken for
    # --passphrase-file, so a passphrase typed on the command line is never used.
    def common(parser: argparse.ArgumentParser, *, identity: bool) -> None:
        add_database_option(parser, dest="notes_db", help="the database")
        parser.add_argument(
            "--identity",
            type=Path,
            required=identity,
            metavar="ID.p12",
            help="your identity (irdesk identity create): unlocks the notes you may read",
        )
        parser.add_argument(
            "--passphrase-file", type=Path, metavar="FILE", help="the passphrase (first line)"
        )

    listing = actions.add_parser(
        "list", allow_abbrev=False, help="the notes, and what they say to a reader"
    )
    listing.set_defaults(handler=cmd_notes_list)
    listing.add_argument("--person", metavar="NAME", help="only the notes about this person")
    common(listing, identity=False)

    add = actions.add_parser(
        "add", allow_abbrev=False, help="write a note, sealed to you and the readers you name"
    )
    add.set_defaults(handler=cmd_notes_add)
    add.add_argument("--about", required=True, metavar="PERSON", help="the person, as listed")
    add.add_argument("--incident", metavar="INCIDENT", help="the incident (INC-1022)")
    add.add_argument("--kind", choices=sorted(KINDS), default="recognition")
    add.add_argument(
        "--justified",
        choices=("yes", "no"),
        help="procedural: was leaving the runbook justified",
    )
    add.add_argument(
        "--dimension",
        action="append",
        default=[],
        choices=DIMENSIONS,
        help="what the note speaks to (sealed with it); repeatable",
    )
    add.add_argument(
        "--reader",
        action="append",
        default=[],
        metavar="NAME-or-FINGERPRINT",
        help="also sealed to this reader (their manager, an HR partner); repeatable",
    )
    add.add_argument(
        "--text-file", type=Path, metavar="FILE", help="the note's text (default: stdin)"
    )
    common(add, identity=True)

    export = actions.add_parser(
        "export",
        allow_abbrev=False,
        help="write the notes you can read to a JSON file (created 0600)",
    )
    export.set_defaults(handler=cmd_notes_export)
    export.add_argument("--person", metavar="NAME", help="only the notes about this person")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    common(export, identity=True)

    readers = actions.add_parser(
        "readers", allow_abbrev=False, help="the people notes can be sealed to"
    )
    readers.set_defaults(handler=cmd_notes_readers)
    readers.add_argument(
        "--add-recovery",
        action="store_true",
        help="make --identity the organisation's recovery key: every new note is sealed to it",
    )
    common(readers, identity=False)

    share = actions.add_parser(
        "share", allow_abbrev=False, help="let one more reader read a note you can read"
    )
    share.set_defaults(handler=cmd_notes_share)
    share.add_argument("note", type=int, metavar="NOTE", help="the note's number, as listed")
    share.add_argument("--reader", required=True, metavar="NAME-or-FINGERPRINT")
    common(share, identity=True)

    remove = actions.add_parser(
        "remove-reader",
        allow_abbrev=False,
        help="a reader reads no note written from now on; notes you can read get a new key",
    )
    remove.set_defaults(handler=cmd_notes_remove_reader)
    remove.add_argument("--reader", required=True, metavar="NAME-or-FINGERPRINT")
    common(remove, identity=True)

    backups = actions.add_parser(
        "backups",
        allow_abbrev=False,
        help="backup copies that still hold notes in plain text; --delete them",
    )
    backups.set_defaults(handler=cmd_notes_backups)
    what = backups.add_mutually_exclusive_group()
    what.add_argument("--delete", action="store_true", help="delete those copies")
    what.add_argument(
        "--reencrypt",
        action="store_true",
        help="upgrade each copy and seal its notes to --identity",
    )
    common(backups, identity=False)


def _unlock(args: argparse.Namespace) -> "Keyring | None":
    from irdesk.cli.packets import read_passphrase
    from irdesk.reports.signing.identity import IdentityError
    from irdesk.reports.signing.note_keys import unlock

    if args.identity is None:
        return None
    passphrase = read_passphrase(args.passphrase_file)
    with failures_reported(IdentityError, kept="Nothing was changed."):
        return unlock(args.identity, passphrase)


def _actor(keyring: "Keyring | None") -> str:
    if keyring is None:
        return current_actor()
    return identity_actor(keyring.name, keyring.certificate_fingerprint)


def _expected() -> tuple[type[Exception], ...]:
    from irdesk.storage.errors import DatabaseError, EditRefused
    from irdesk.storage.reads.packet_data import PacketDataError

    return (EditRefused, DatabaseError, PacketDataError)


def _seal_pending(database: "Database", keyring: "Keyring | None") -> None:
    """An upgraded file's plain-text notes are sealed to the first reader who unlocks;
    a reader who unlocks becomes one the file knows (their public key only)."""
    from irdesk.storage.database import plaintext_backups
    from irdesk.storage.reads.database_reads import pending_notes
    from irdesk.storage.records.database_edits import seal_pending_notes

    waiting = pending_notes(database)
    if waiting and keyring is None:
        print(
            f"{waiting} note{'s' if waiting != 1 else ''} from before notes were encrypted "
            "wait to be sealed; run this again with --identity to seal them to you."
        )
    elif keyring is not None:
        # Also makes the reader known to this file, so others can name them.
        sealed = seal_pending_notes(database, actor=_actor(keyring), keyring=keyring)
        if sealed:
            print(f"Sealed {sealed} older note{'s' if sealed != 1 else ''} to {keyring.name}.")
    copies = plaintext_backups(database.path)
    if copies:
        print(
            "These backup copies still hold notes in plain text: "
            + ", ".join(str(c) for c in copies)
            + f". Delete them (irdesk notes backups --db {database.path} --delete) or encrypt "
            "them (… --reencrypt --identity ID.p12)."
        )


def cmd_notes_list(args: argparse.Namespace) -> int:
    from irdesk.storage.reads.database_reads import list_all_notes

    keyring = _unlock(args)
    path = chosen_database(args.notes_db, args.db)
    with opened_database(path, upgrade=True) as database, failures_reported(*_expected()):
        _seal_pending(database, keyring)
        listing = list_all_notes(database, person=args.person, keyring=keyring)
    if not listing:
        print("No feedback notes.")
    for item in listing:
        note = item.note
        where = f" on {item.incident}" if item.incident else ""
        head = f"#{note.id} about {item.person}{where}, {note.created_at:%Y-%m-%d}"
        readers = ", ".join(note.readers) or "nobody"
        if note.pending:
            print(f"{head} — waiting to be sealed (readers: none yet)")
        elif note.readable and note.kind is not None:
            justified = ""
            if note.deviation_justified is not None:
                justified = ", deviation " + (
                    "justified" if note.deviation_justified else "not justified"
                )
            if note.dimensions:
                justified += ", about " + ", ".join(note.dimensions)
            print(f"{head} — {note.kind.value}{justified} (readers: {readers})")
            for line in note.text.splitlines() or [""]:
                print(f"    {line}")
        else:
            print(f"{head} — locked (readers: {readers})")
    return 0


def _note_text(args: argparse.Namespace) -> str:
    if args.text_file is not None:
        path: Path = args.text_file
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandFailed(
                f"cannot read the text file {args.text_file}: {exc.strerror or exc}"
            ) from exc
    if sys.stdin.isatty():
        print("Type the note; end with Ctrl-D.", file=sys.stderr)
    return sys.stdin.read()


def cmd_notes_add(args: argparse.Namespace) -> int:
    from irdesk.domain.enums import FeedbackKind
    from irdesk.storage.reads.database_reads import note_targets
    from irdesk.storage.records.database_edits import add_note

    text = _note_text(args).strip()
    if not text:
        raise UsageError("notes add", "the note is empty: give its text in --text-file or stdin")
    kind = FeedbackKind(KINDS[args.kind])
    justified = None if args.justified is None else args.justified == "yes"
    if justified is not None and kind is not FeedbackKind.PROCEDURAL_COMPLIANCE:
        raise UsageError("notes add", "--justified is for --kind procedural notes only")
    keyring = _unlock(args)
    assert keyring is not None
    path = chosen_database(args.notes_db, args.db)
    with (
        opened_database(path, upgrade=True) as database,
        failures_reported(*_expected(), kept="No note was written."),
    ):
        targets = note_targets(
            database, person=args.about, incident=args.incident, readers=args.reader
        )
        row = add_note(
            database,
            person_id=targets.person_id,
            incident_id=targets.incident_id,
            kind=kind,
            actor=_actor(keyring),
            keyring=keyring,
            text=text,
            deviation_justified=justified,
            readers=list(targets.reader_ids),
            dimensions=args.dimension,
        )
    print(f"Wrote note #{row.id} about {args.about}, readable by {', '.join(row.readers)}.")
    return 0


def cmd_notes_export(args: argparse.Namespace) -> int:
    from irdesk.storage.reads.database_reads import list_all_notes

    refuse_to_replace(args.out, force=args.force, kept="Nothing was written.")
    keyring = _unlock(args)
    path = chosen_database(args.notes_db, args.db)
    with opened_database(path, upgrade=True) as database, failures_reported(*_expected()):
        _seal_pending(database, keyring)
        listing = list_all_notes(database, person=args.person, keyring=keyring)
    readable = [i for i in listing if i.note.readable and i.note.kind is not None]
    records = [
        {
            "id": i.note.id,
            "about": i.person,
            "incident": i.incident,
            "author": i.author,
            "written_at": i.note.created_at.isoformat(),
            "kind": i.note.kind.value if i.note.kind else None,
            "deviation_justified": i.note.deviation_justified,
            "dimensions": list(i.note.dimensions),
            "text": i.note.text,
            "readers": list(i.note.readers),
        }
        for i in readable
    ]
    data = json.dumps(records, ensure_ascii=False, indent=2).encode()
    with failures_reported(OSError, kept="Nothing was written."):
        write_private(args.out, data)
    locked = len(listing) - len(readable)
    more = f"; {locked} more you are not a reader of" if locked else ""
    print(f"Wrote {len(records)} note{'s' if len(records) != 1 else ''} to {args.out}{more}.")
    return 0


def write_private(path: Path, data: bytes) -> None:
    """Beside `path`, 0600 from the first byte, then renamed over it: personnel data."""
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    partial.replace(path)


def cmd_notes_readers(args: argparse.Namespace) -> int:
    from irdesk.storage.reads.database_reads import list_note_readers
    from irdesk.storage.records.database_edits import publish_reader
    from irdesk.storage.sealing import short_fingerprint

    keyring = _unlock(args)
    path = chosen_database(args.notes_db, args.db)
    if args.add_recovery and keyring is None:
        raise UsageError("notes readers", "--add-recovery needs the recovery --identity")
    with opened_database(path, upgrade=True) as database, failures_reported(*_expected()):
        if keyring is not None:
            publish_reader(database, keyring.public, recovery=args.add_recovery)
        readers = list_note_readers(database)
    for reader in readers:
        role = " (organisation recovery)" if reader.recovery else ""
        print(f"{reader.name}{role}  {short_fingerprint(reader.fingerprint)}")
    if not readers:
        print("No readers yet: a reader is added the first time they unlock (--identity).")
    return 0


def cmd_notes_share(args: argparse.Namespace) -> int:
    from irdesk.storage.reads.database_reads import find_note_reader
    from irdesk.storage.records.database_edits import share_note

    keyring = _unlock(args)
    path = chosen_database(args.notes_db, args.db)
    with (
        opened_database(path, upgrade=True) as database,
        failures_reported(*_expected(), kept="Nothing was changed."),
    ):
        reader = find_note_reader(database, args.reader)
        row = share_note(database, args.note, reader.id, actor=_actor(keyring), keyring=keyring)
    print(f"Note #{row.id} is now readable by {', '.join(row.readers)}.")
    return 0


def cmd_notes_remove_reader(args: argparse.Namespace) -> int:
    from irdesk.storage.reads.database_reads import find_note_reader
    from irdesk.storage.records.database_edits import remove_reader

    keyring = _unlock(args)
    path = chosen_database(args.notes_db, args.db)
    with (
        opened_database(path, upgrade=True) as database,
        failures_reported(*_expected(), kept="Nothing was changed."),
    ):
        reader = find_note_reader(database, args.reader)
        rekeyed, dropped = remove_reader(
            database, reader.id, actor=_actor(keyring), keyring=keyring
        )
    print(
        f"{reader.name} reads no note written from now on; {rekeyed} note"
        f"{'s' if rekeyed != 1 else ''} got a new key without them"
        + (f", {dropped} you cannot read lost their copy of the key." if dropped else ".")
    )
    return 0


def cmd_notes_backups(args: argparse.Namespace) -> int:
    from irdesk.storage.database import plaintext_backups
    from irdesk.storage.errors import DatabaseError
    from irdesk.storage.records.database_edits import reencrypt_backup

    path = chosen_database(args.notes_db, args.db).expanduser().resolve()
    if args.reencrypt and args.identity is None:
        raise UsageError("notes backups", "--reencrypt needs your --identity to seal the notes to")
    copies = plaintext_backups(path)
    if not copies:
        print(f"No backup copy of {path} holds notes in plain text.")
        return 0
    keyring = _unlock(args) if args.reencrypt else None
    for copy in copies:
        if args.delete:
            with failures_reported(OSError):
                copy.unlink()
            print(f"Deleted {copy}.")
        elif keyring is not None:
            with failures_reported(DatabaseError, OSError):
                sealed = reencrypt_backup(copy, actor=_actor(keyring), keyring=keyring)
            print(f"Encrypted {copy}: {sealed} notes sealed to {keyring.name}.")
        else:
            print(f"{copy} holds notes in plain text.")
    if not args.delete and keyring is None:
        print("Delete them with --delete, or encrypt them with --reencrypt --identity ID.p12.")
    return 0
