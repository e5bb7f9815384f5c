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
    parse_date,
    refuse_to_replace,
)
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.reports.packets.redaction import Removal
    from irdesk.reports.signing.token import TokenKey
    from irdesk.storage.database import Database

# Never an option: a passphrase on the command line ends up in the shell's history.
PASSPHRASE_ENV = "IRDESK_PASSPHRASE"
# The organisation's timestamp authority, set once for every signing command.
TIMESTAMP_ENV = "IRDESK_TIMESTAMP_URL"
# A token's PIN, for scripts; like a passphrase, never an option.
PIN_ENV = "IRDESK_PKCS11_PIN"


def add_token_options(parser: argparse.ArgumentParser) -> None:
    token = parser.add_argument_group(
        "signing with a PKCS#11 token or HSM, instead of --sign (the PIN comes from the "
        f"{PIN_ENV} variable or a prompt)"
    )
    token.add_argument("--pkcs11-module", type=Path, metavar="PATH", help="the PKCS#11 library")
    token.add_argument("--pkcs11-token", metavar="LABEL", help="the token's label")
    token.add_argument(
        "--pkcs11-key", metavar="LABEL", help="the key's label (its certificate has the same)"
    )


def token_key(args: argparse.Namespace, command: str) -> "TokenKey | None":
    """The token named by the --pkcs11-* options, with its PIN; None when none are given."""
    given = [args.pkcs11_module, args.pkcs11_token, args.pkcs11_key]
    if not any(given):
        return None
    if not all(given):
        raise UsageError(
            command, "a token needs all three of --pkcs11-module, --pkcs11-token and --pkcs11-key"
        )
    if args.sign is not None:
        raise UsageError(command, "sign with --sign ID.p12 or with a token, not both")
    from irdesk.reports.signing.token import TokenKey

    return TokenKey(
        module=args.pkcs11_module,
        token=args.pkcs11_token,
        key=args.pkcs11_key,
        pin=read_secret(None, env=PIN_ENV, prompt="Token PIN: ", what="PIN").decode(),
    )


def add_timestamp_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timestamp-url",
        metavar="URL",
        default=None,
        help="timestamp the signature at this RFC 3161 timestamp authority and embed the "
        f"validation data (PAdES B-LT); default: the {TIMESTAMP_ENV} variable, if set",
    )


def timestamp_url(args: argparse.Namespace) -> str | None:
    return str(args.timestamp_url or os.environ.get(TIMESTAMP_ENV) or "") or None


def add_packet_parsers(commands: "Subcommands") -> None:
    packet = commands.add_parser(
        "packet",
        help="export a review packet (PDF) for one audience, optionally signed",
        description="Export a review packet for a profile: legal, insurance or postmortem for one "
        "incident; executive, register or calibration for a period (--period 2026-Q3); manager "
        "for one person (--person, and --from/--to for their period). "
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
        "--profile",
        required=True,
        help="legal, insurance, postmortem, executive, register, calibration or manager",
    )
    packet.add_argument(
        "--period",
        metavar="PERIOD",
        help="executive, register, calibration: 2026-Q3, 2026-07 or 2026",
    )
    packet.add_argument("--person", metavar="NAME", help="manager: the person's full name")
    packet.add_argument(
        "--from",
        dest="packet_first_day",
        type=parse_date,
        metavar="DATE",
        help="manager: the first day of the person's period (with --to): adds its Period section",
    )
    packet.add_argument(
        "--to",
        dest="packet_last_day",
        type=parse_date,
        metavar="DATE",
        help="manager: the last day of the person's period, included",
    )
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
    add_timestamp_option(packet)
    add_token_options(packet)
    packet.add_argument(
        "--identity",
        type=Path,
        metavar="ID.p12",
        help="manager and calibration: unlock the feedback notes you are a reader of (else "
        "they are counted as locked)",
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
    counter.add_argument(
        "--sign", type=Path, metavar="ID.p12", help="the second signer's identity (or a token)"
    )
    counter.add_argument("--out", type=Path, metavar="FILE", help="default: update PACKET.pdf")
    counter.add_argument("--force", action="store_true", help="replace --out FILE if it exists")
    counter.add_argument("--passphrase-file", type=Path, metavar="FILE")
    add_timestamp_option(counter)
    add_token_options(counter)
    add_database_option(counter, dest="packet_db", help="record it in this database")
    add_trust_options(counter, "countersign only if the packet is signed by")

    verify = commands.add_parser(
        "verify",
        help="check a packet's signatures and who made them; exit 0 only when verified",
        description="Check every signature of a packet: intact, nothing but allowed changes "
        "after it, and made by a signer you name. Anyone can make a certificate carrying any "
        "name, so a packet verifies only against a key or a certificate authority you name: "
        "--trust CERT.pem (that certificate's key must have signed), --trust-fingerprint "
        "SHA256 (the key's or the certificate's SHA-256 fingerprint), or --trust-roots "
        "CA.pem|FOLDER (a certificate that chains to one of those roots). Each signature must "
        "be accepted by one of them. Exit codes: 0 intact and verified; 1 anything else, "
        "including intact signatures by a signer you did not name (NOT VERIFIED: the key "
        "fingerprints are printed to compare); 2 bad usage.",
    )
    verify.set_defaults(handler=cmd_verify)
    verify.add_argument("packet", type=Path, metavar="PACKET.pdf")
    add_trust_options(verify, "the packet must be signed by")
    # Kept so that scripts written for earlier versions still run: what it asked for,
    # failing an unverified signer, is what verify always does now.
    verify.add_argument("--require-trust", action="store_true", help=argparse.SUPPRESS)
    verify.add_argument(
        "--db",
        dest="verify_db",
        type=Path,
        metavar="PATH",
        help="also check that this database's audit log still holds what it held when the "
        "packet was made (read-only)",
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
    create.add_argument(
        "--force",
        action="store_true",
        help="replace ID.p12 and its certificate ID.pem if they exist (regular files only)",
    )

    use = identity_commands.add_parser(
        "use",
        help="this identity is you: the audit log names you by it on this machine",
    )
    use.set_defaults(handler=cmd_identity_use)
    use.add_argument("path", type=Path, metavar="ID.p12")
    use.add_argument("--passphrase-file", type=Path, metavar="FILE")


def add_trust_options(parser: argparse.ArgumentParser, must: str) -> None:
    parser.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="CERT.pem",
        help=f"{must} this certificate's key; repeatable",
    )
    parser.add_argument(
        "--trust-fingerprint",
        action="append",
        default=[],
        metavar="SHA256",
        help=f"{must} the key with this SHA-256 fingerprint (of the key, as irdesk prints it, "
        "or of the certificate, as openssl prints it); repeatable",
    )
    parser.add_argument(
        "--trust-roots",
        type=Path,
        action="append",
        default=[],
        metavar="CA.pem|FOLDER",
        help=f"{must} a certificate that chains to a certificate authority in this file or "
        "folder; repeatable",
    )


def read_passphrase(passphrase_file: Path | None, *, confirm: bool = False) -> bytes:
    """From --passphrase-file (its first line), the environment, or a prompt at a terminal."""
    return read_secret(
        passphrase_file,
        env=PASSPHRASE_ENV,
        prompt="Passphrase: ",
        what="passphrase",
        confirm=confirm,
    )


def read_secret(
    secret_file: Path | None,
    *,
    env: str,
    prompt: str,
    what: str,
    confirm: bool = False,
) -> bytes:
    """From a file (its first line), the variable `env`, or a prompt at a terminal.

    Without a terminal there is nobody to answer a prompt, so a script that gave no
    secret fails with the ways to give one.
    """
    import getpass

    if secret_file is not None:
        try:
            text = secret_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandFailed(
                f"cannot read the {what} file {secret_file}: {exc.strerror or exc}"
            ) from exc
        return (text[0] if text else "").encode()
    if os.environ.get(env):
        return os.environ[env].encode()
    if not sys.stdin.isatty():
        ways = f"--{what}-file or set {env}" if what == "passphrase" else f"set {env}"
        raise CommandFailed(f"no {what}: use {ways}")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(f"{what.capitalize()} again: ") != first:
        raise CommandFailed(f"the {what}s differ")
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
        first_day=args.packet_first_day,
        last_day=args.packet_last_day,
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
    token = None if args.preview else token_key(args, "packet")
    if token is not None:
        sign = SignRequest(None, timestamp_url=timestamp_url(args), token=token)
    elif args.sign is not None and not args.preview:
        passphrase = read_passphrase(args.passphrase_file)
        sign = SignRequest(args.sign, passphrase, timestamp_url=timestamp_url(args))
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
            database,
            request,
            args.out,
            created_by=current_actor(),
            sign=sign,
            overwrite=args.force,
            keyring=keyring,
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
    from irdesk.reports.signing.verify import PacketReadError, TrustError, load_trust

    refuse_to_replace(args.out, force=args.force, kept="The packet was not changed.")
    with failures_reported(TrustError, kept="The packet was not changed."):
        trust = load_trust(args.trust, args.trust_fingerprint, args.trust_roots)
    token = token_key(args, "countersign")
    if token is None and args.sign is None:
        raise UsageError("countersign", "name the second signer with --sign ID.p12 or a token")
    passphrase = b"" if token is not None else read_passphrase(args.passphrase_file)
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
            overwrite=args.force,
            trust=trust,
            timestamp_url=timestamp_url(args),
            token=token,
        )
    print(f"Countersigned {result.path} as {result.signer}. SHA-256 {result.sha256}.")
    for number, key in enumerate(result.earlier_keys, 1):
        checked = "as you named" if trust.given else "not checked: compare it with the signer's"
        print(f"Signature {number} was made with key SHA-256 {key} ({checked}).")
    if database is not None and not result.recorded:
        print(f"(packet {result.packet_uid} was not exported from {args.packet_db}; not recorded)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from irdesk.reports.signing.verify import (
        PacketReadError,
        TrustError,
        load_trust,
        report_lines,
        verify_packet,
    )

    with failures_reported(PacketReadError, TrustError):
        trust = load_trust(args.trust, args.trust_fingerprint, args.trust_roots)
        report = verify_packet(args.packet, trust=trust)
    print("\n".join(report_lines(report)))
    ok = report.ok()
    if args.verify_db is not None:
        ok = print_audit_anchor(args.packet, args.verify_db) and ok
    return 0 if ok else 1


def print_audit_anchor(packet: Path, db: Path) -> bool:
    """Whether `db`'s audit log still holds the anchor the packet's manifest carries."""
    from irdesk.reports.packets.anchors import read_anchors
    from irdesk.storage.check import check_anchors
    from irdesk.storage.errors import DatabaseError

    found = read_anchors([packet])
    for line in found.skipped + found.problems:
        print(f"  audit log of {db}: not checked: {line}")
    if not found.claims:
        return not found.problems
    (claim,) = found.claims
    with failures_reported(DatabaseError):
        problems = check_anchors(db, [claim])
    for line in problems:
        print(f"  audit log of {db}: BROKEN: {line}")
    if not problems:
        print(
            f"  audit log of {db}: holds the {claim.anchor.entries} entries this packet saw, "
            "and its export"
        )
    return not problems


def cmd_identity_create(args: argparse.Namespace) -> int:
    from irdesk.reports.signing.identity import IdentityError, create_identity

    certificate = args.path.with_suffix(".pem")
    # Before the passphrase is asked for: a name that is taken is known already.
    for target in (args.path, certificate):
        refuse_to_replace(target, force=args.force, kept="No identity was written.")
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
            certificate_path=certificate,
        )
    from irdesk.reports.signing.note_keys import create_note_key

    with failures_reported(IdentityError, OSError):
        notes_key = create_note_key(args.path, passphrase, overwrite=args.force)
    print(f"Wrote {args.path} (keep it and its passphrase private) for {identity.name}.")
    print(
        f"Wrote {notes_key}: the key feedback notes are sealed to (same passphrase; keep it too)."
    )
    print(f"Certificate for readers to trust: {certificate} (irdesk verify --trust {certificate}).")
    print(f"Key fingerprint (SHA-256), to give readers by another way: {identity.key_sha256}")
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
