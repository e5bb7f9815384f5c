"""Review packets: `irdesk packet`, `countersign`, `verify` and `identity create`."""

import argparse
import os
import sys
from contextlib import AbstractContextManager, nullcontext
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
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.reports.packets.redaction import Removal
    from irdesk.storage.database import Database

# Never an option: a passphrase on the command line ends up in the shell's history.
PASSPHRASE_ENV = "IRDESK_PASSPHRASE"


def add_packet_parsers(commands: "Subcommands") -> None:
    packet = commands.add_parser(
        "packet",
        help="export a review packet (PDF) for one audience, optionally signed",
        description="Export a review packet for a profile: legal, insurance or postmortem for one "
        "incident; executive for a period (--period 2026-Q3); manager for one person (--person). "
        "Passphrases come from --passphrase-file, the IRDESK_PASSPHRASE variable, or a prompt.",
    )
    packet.set_defaults(handler=cmd_packet)
    packet.add_argument(
        "incident",
        nargs="?",
        metavar="INCIDENT",
        help="the incident: the ID the list shows (INC-1022), SOURCE:ID or its number (12728)",
    )
    packet.add_argument(
        "--profile", required=True, help="legal, insurance, executive, postmortem or manager"
    )
    packet.add_argument("--period", metavar="PERIOD", help="executive: 2026-Q3, 2026-07 or 2026")
    packet.add_argument("--person", metavar="NAME", help="manager: the person's full name")
    packet.add_argument(
        "--policy-version",
        type=int,
        metavar="N",
        help="name and compute under stored policy version N (default: the current one)",
    )
    packet.add_argument("--out", type=Path, metavar="FILE", help="the PDF to write")
    packet.add_argument("--force", action="store_true", help="replace FILE if it exists")
    packet.add_argument(
        "--sign", type=Path, metavar="ID.p12", help="sign with this PKCS#12 identity"
    )
    packet.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="the identity's passphrase (first line)",
    )
    packet.add_argument(
        "--identity",
        type=Path,
        metavar="ID.p12",
        help="manager: unlock the feedback notes you are a reader of (else they show as locked)",
    )
    packet.add_argument(
        "--redact",
        action="append",
        default=[],
        metavar="PATTERN",
        help="also remove text matching this regular expression; repeatable",
    )
    packet.add_argument(
        "--preview", action="store_true", help="list what redaction removes; write nothing"
    )
    add_database_option(packet, dest="packet_db", help="the database")

    counter = commands.add_parser(
        "countersign",
        help="add a second signature to a signed packet (keeps the first valid)",
    )
    counter.set_defaults(handler=cmd_countersign)
    counter.add_argument("packet", type=Path, metavar="PACKET.pdf")
    counter.add_argument("--sign", type=Path, required=True, metavar="ID.p12")
    counter.add_argument("--out", type=Path, metavar="FILE", help="default: update PACKET.pdf")
    counter.add_argument("--force", action="store_true", help="replace --out FILE if it exists")
    counter.add_argument("--passphrase-file", type=Path, metavar="FILE")
    add_database_option(counter, dest="packet_db", help="record it in this database")

    verify = commands.add_parser(
        "verify", help="check every signature of a packet; exit 1 if any is invalid or modified"
    )
    verify.set_defaults(handler=cmd_verify)
    verify.add_argument("packet", type=Path, metavar="PACKET.pdf")
    verify.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="CERT.pem",
        help="trust signers whose certificate is (or is issued by) this one; repeatable",
    )
    verify.add_argument(
        "--require-trust", action="store_true", help="also fail when a signer is not trusted"
    )

    identity = commands.add_parser("identity", help="signing identities")
    identity_commands = identity.add_subparsers(
        dest="identity_command", metavar="ACTION", required=True
    )
    create = identity_commands.add_parser(
        "create",
        help="make a self-signed, passphrase-protected PKCS#12 identity and its certificate",
    )
    create.set_defaults(handler=cmd_identity_create)
    create.add_argument("path", type=Path, metavar="ID.p12")
    create.add_argument("--name", required=True, help="the signer's name as it appears on packets")
    create.add_argument("--role", help="e.g. Compliance Officer")
    create.add_argument("--org", help="organisation")
    create.add_argument("--email")
    create.add_argument("--passphrase-file", type=Path, metavar="FILE")
    create.add_argument("--force", action="store_true", help="replace ID.p12 if it exists")
    use = identity_commands.add_parser(
        "use",
        help="this identity is you: the audit log names you by it on this machine",
    )
    use.set_defaults(handler=cmd_identity_use)
    use.add_argument("path", type=Path, metavar="ID.p12")
    use.add_argument("--passphrase-file", type=Path, metavar="FILE")


def read_passphrase(passphrase_file: Path | None, *, confirm: bool = False) -> bytes:
    """From --passphrase-file (its first line), the environment, or a prompt at a terminal.

    Without a terminal there is nobody to answer a prompt, so a script that gave no
    passphrase fails with the two ways to give one.
    """
    import getpass

    if passphrase_file is not None:
        try:
            text = passphrase_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandFailed(
                f"cannot read the passphrase file {passphrase_file}: {exc.strerror or exc}"
            ) from exc
        return (text[0] if text else "").encode()
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV].encode()
    if not sys.stdin.isatty():
        raise CommandFailed(f"no passphrase: use --passphrase-file or set {PASSPHRASE_ENV}")
    first = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("Passphrase again: ") != first:
        raise CommandFailed("the passphrases differ")
    return first.encode()


def cmd_packet(args: argparse.Namespace) -> int:
    from irdesk.reports.packets.export import (
        PacketRequest,
        SignRequest,
        export_packet,
        prepare,
        redaction_preview,
    )
    from irdesk.reports.signing.identity import IdentityError
    from irdesk.reports.signing.sign import SigningError

    request = PacketRequest(
        profile=args.profile,
        incident_id=args.incident,
        period=args.period,
        person=args.person,
        patterns=tuple(args.redact),
        policy_version=args.policy_version,
    )
    try:
        request.check()
    except ValueError as exc:
        raise UsageError("packet", str(exc)) from exc
    if args.out is None and not args.preview:
        raise UsageError("packet", "say where to write the packet with --out FILE")
    if not args.preview:
        refuse_to_replace(args.out, force=args.force, kept="No packet was written.")
    sign = None
    passphrase = None
    if args.sign is not None and not args.preview:
        passphrase = read_passphrase(args.passphrase_file)
        sign = SignRequest(args.sign, passphrase)
    keyring = None
    if args.identity is not None:
        from irdesk.reports.signing.note_keys import unlock

        with failures_reported(IdentityError, kept="No packet was written."):
            keyring = unlock(args.identity, passphrase or read_passphrase(args.passphrase_file))
    path = chosen_database(args.packet_db, args.db)
    # LookupError: no such incident or person (PacketDataError), or policy version.
    expected = (LookupError, ValueError, IdentityError, SigningError, OSError)
    # A preview reads only; an export records the packet, so it may upgrade (and says so).
    with (
        opened_database(path, upgrade=not args.preview) as database,
        failures_reported(*expected, kept="No packet was written."),
    ):
        if args.preview:
            print_redaction_preview(
                args.profile, redaction_preview(prepare(database, request, keyring))
            )
            return 0
        result = export_packet(
            database, request, args.out, created_by=current_actor(), sign=sign, keyring=keyring
        )
    signed = f", signed by {result.signed_by}" if result.signed_by else ", not signed"
    print(f"Wrote {result.path}: packet {result.packet_uid}, {result.pages} pages{signed}.")
    print(f"SHA-256 {result.sha256}; recorded in {path}.")
    if result.removals:
        print(
            f"Redacted {sum(r.count for r in result.removals)} pieces of text ({args.profile} profile)."
        )
    return 0


def print_redaction_preview(profile: str, removals: list["Removal"]) -> None:
    if not removals:
        print(f"The {profile} profile removes nothing from this packet.")
        return
    total = sum(r.count for r in removals)
    print(
        f"The {profile} profile removes {total} piece{'s' if total != 1 else ''} "
        f"of text ({len(removals)} different):"
    )
    for removal in removals:
        print(f"  {removal.rule}: {removal.text!r} -> {removal.replacement!r} ({removal.count}x)")


def cmd_countersign(args: argparse.Namespace) -> int:
    from irdesk.reports.signing.countersign import countersign_packet
    from irdesk.reports.signing.identity import IdentityError
    from irdesk.reports.signing.sign import SigningError
    from irdesk.reports.signing.verify import PacketReadError

    refuse_to_replace(args.out, force=args.force, kept="The packet was not changed.")
    passphrase = read_passphrase(args.passphrase_file)
    # Without --db the signature is added to the file alone; nothing is recorded.
    recording: AbstractContextManager[Database | None] = (
        nullcontext() if args.packet_db is None else opened_database(args.packet_db, upgrade=True)
    )
    expected = (PacketReadError, IdentityError, SigningError, ValueError, OSError)
    with recording as database, failures_reported(*expected, kept="The packet was not changed."):
        result = countersign_packet(
            args.packet,
            args.sign,
            passphrase,
            actor=current_actor(),
            out=args.out,
            database=database,
        )
    print(f"Countersigned {result.path} as {result.signer}. SHA-256 {result.sha256}.")
    if database is not None and not result.recorded:
        print(f"(packet {result.packet_uid} was not exported from {args.packet_db}; not recorded)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from irdesk.reports.signing.verify import PacketReadError, report_lines, verify_packet

    with failures_reported(PacketReadError, ValueError):
        report = verify_packet(args.packet, trust=args.trust)
    print("\n".join(report_lines(report, require_trust=args.require_trust)))
    return 0 if report.ok(require_trust=args.require_trust) else 1


def cmd_identity_create(args: argparse.Namespace) -> int:
    from irdesk.reports.signing.identity import IdentityError, create_identity

    passphrase = read_passphrase(args.passphrase_file, confirm=True)
    with failures_reported(IdentityError, OSError):
        identity = create_identity(
            args.path,
            name=args.name,
            role=args.role,
            organisation=args.org,
            email=args.email,
            passphrase=passphrase,
            overwrite=args.force,
        )
    from irdesk.reports.signing.note_keys import create_note_key

    with failures_reported(IdentityError, OSError):
        notes_key = create_note_key(args.path, passphrase, overwrite=args.force)
    certificate = args.path.with_suffix(".pem")
    certificate.write_bytes(identity.certificate_pem)
    print(f"Wrote {args.path} (keep it and its passphrase private) for {identity.name}.")
    print(
        f"Wrote {notes_key}: the key feedback notes are sealed to (same passphrase; keep it too)."
    )
    print(f"Certificate for readers to trust: {certificate} (irdesk verify --trust {certificate}).")
    return 0


def cmd_identity_use(args: argparse.Namespace) -> int:
    """Who the audit log names on this machine: the identity's name and certificate."""
    from irdesk.reports.signing.identity import IdentityError
    from irdesk.reports.signing.note_keys import unlock
    from irdesk.storage.records.actor import identity_actor, remember_actor

    # The passphrase proves the identity is yours, not only a file you can read.
    with failures_reported(IdentityError, kept="Nothing was changed."):
        keyring = unlock(args.path, read_passphrase(args.passphrase_file))
    remember_actor(keyring.name, keyring.certificate_fingerprint)
    print(
        "The audit log names you "
        f"{identity_actor(keyring.name, keyring.certificate_fingerprint)} from now on."
    )
    return 0
