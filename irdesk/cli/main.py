"""The `irdesk` command: the GUI by default, headless commands for scripts.

Exit codes: 0 success, 1 the work failed (message on stderr), 2 bad usage.
"""

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from irdesk import __version__
from irdesk.domain.enums import Severity
from irdesk.storage import paths
from irdesk.storage.errors import DatabaseError

# Each command imports what it needs when it runs: a headless command starts in a new
# process, and SQLAlchemy, alembic or Qt imported for nothing is start-up time spent.

if TYPE_CHECKING:
    from irdesk.importers.reading.column_mapping import ColumnMapping
    from irdesk.storage.database import Database

HEADLESS_HINT = "Headless commands work without one: irdesk import, irdesk metrics, irdesk demo, irdesk packet, irdesk countersign, irdesk verify, irdesk identity, irdesk db check, irdesk db upgrade (see irdesk --help)."


def _today() -> date:
    return datetime.now(UTC).date()


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-01, got {text!r}") from None


def _parse_zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone {text!r}; use an IANA name such as Europe/Madrid or UTC"
        ) from None


def _parse_offset(text: str) -> tuple[str, timedelta]:
    source, _, seconds = text.partition("=")
    try:
        return source.strip(), timedelta(seconds=float(seconds))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected SOURCE=SECONDS such as jira=-90, got {text!r}"
        ) from None


def _parse_pair(text: str, example: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected {example}, got {text!r}")
    return name.strip(), value.strip()


def _parse_channel_link(text: str) -> tuple[str, str]:
    return _parse_pair(text, "CHANNEL=INCIDENT such as inc-12728=pagerduty:PH4UE4E")


def _parse_column(text: str) -> tuple[str, str]:
    return _parse_pair(text, "FIELD=COLUMN such as title=Summary")


def _parse_severity_rule(text: str) -> tuple[str, str, Severity]:
    source, _, rest = text.partition(":")
    raw, _, severity = rest.rpartition("=")
    try:
        return source.strip(), raw.strip(), Severity(severity.strip().upper())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected SOURCE:VALUE=SEVn such as jira:Blocker=SEV1, got {text!r}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="irdesk",
        description="Incident performance reviews: opens the irdesk window, or runs a headless command.",
        epilog=f"Without --db, irdesk opens {paths.default_database()}.",
    )
    parser.add_argument("--version", action="version", version=f"irdesk {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db", type=Path, metavar="PATH", help="open this database file (created if missing)"
    )
    where.add_argument(
        "--demo",
        action="store_true",
        help="open a fresh copy of the demo organisation (replaces the previous demo copy)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="write a demo database to PATH")
    demo.add_argument("path", type=Path, metavar="PATH")
    demo.add_argument(
        "--seed", type=int, default=None, help="random seed (default: the shipped demo's)"
    )
    demo.add_argument(
        "--anchor",
        type=_parse_date,
        default=None,
        metavar="DATE",
        help="the demo's 'today', YYYY-MM-DD (default: today)",
    )
    demo.add_argument("--force", action="store_true", help="replace PATH if it exists")

    imp = commands.add_parser(
        "import",
        help="import incident exports (files, folders or zips) into the database",
        description="Import exports from PagerDuty, Opsgenie, Jira, Statuspage and Slack, or a "
        "CSV/JSON of your own through --column. The format is detected from each file's content. "
        "All files are one transaction: on any error nothing is written.",
    )
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE")
    imp.add_argument(
        "--db", dest="import_db", type=Path, metavar="PATH", help="database to import into"
    )
    imp.add_argument(
        "--source",
        metavar="KIND",
        help="the format, when detection should not decide: pagerduty, opsgenie, statuspage, "
        "jira, jira-csv, slack or csv",
    )
    imp.add_argument(
        "--tz",
        type=_parse_zone,
        metavar="ZONE",
        help="time zone of sources whose times carry none (Jira CSV), e.g. Europe/Madrid",
    )
    imp.add_argument(
        "--clock-offset",
        type=_parse_offset,
        action="append",
        default=[],
        metavar="SOURCE=SECONDS",
        help="a source's clock ran this many seconds fast (negative: slow); repeatable",
    )
    imp.add_argument(
        "--severity",
        type=_parse_severity_rule,
        action="append",
        default=[],
        metavar="SOURCE:VALUE=SEVn",
        help="map a source's priority to a severity, over the defaults "
        "(e.g. jira:Blocker=SEV1, pagerduty:P2=SEV1); repeatable",
    )
    imp.add_argument(
        "--slack-channel",
        type=_parse_channel_link,
        action="append",
        default=[],
        metavar="CHANNEL=INCIDENT",
        help="put a Slack channel's messages on this incident (key, URL or #number); repeatable",
    )
    imp.add_argument(
        "--key-reaction",
        default="pushpin",
        metavar="NAME",
        help="Slack messages with this reaction (or pinned) are key moments (default: pushpin)",
    )
    imp.add_argument(
        "--column",
        type=_parse_column,
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="for a CSV/JSON of your own: which column holds a field (external_id, title, "
        "started_at, …); repeatable. The mapping is remembered for files with the same columns",
    )
    imp.add_argument(
        "--date-format",
        metavar="PATTERN",
        help="with --column: how its times are written, e.g. '%%d/%%m/%%Y %%H:%%M' (default ISO 8601)",
    )
    imp.add_argument(
        "--source-name",
        default="csv",
        metavar="NAME",
        help="with --column: the tool these incidents come from, e.g. ops-tracker (default: csv)",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )

    _add_metrics_parser(commands)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser(
        "upgrade", help="upgrade PATH to this irdesk's schema (backs it up first)"
    )
    upgrade.add_argument("path", type=Path, metavar="PATH")
    check = db_commands.add_parser(
        "check", help="check PATH's integrity and schema version (read-only)"
    )
    check.add_argument("path", type=Path, metavar="PATH")
    _add_packet_commands(commands)
    return parser


# --- irdesk metrics -------------------------------------------------------------

METRIC_FORMATS = ("table", "csv", "json")
METRIC_DEFAULT_DAYS = 90


def _add_metrics_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    metrics = commands.add_parser(
        "metrics",
        help="incident metrics for a period, under the stored policy",
        description="Medians and p90s of time to detect, acknowledge, mitigate and resolve, "
        "SLO adherence, cost, on-call load, concentration, follow-through, recurrence and "
        "postmortem compliance: the figures of the metrics dashboard. Periods are whole UTC "
        f"days; the default is the last {METRIC_DEFAULT_DAYS} days up to today.",
    )
    metrics.add_argument(
        "--db", dest="metrics_db", type=Path, metavar="PATH", help="database to read"
    )
    metrics.add_argument(
        "--from", dest="start", type=_parse_date, metavar="DATE", help="first day, YYYY-MM-DD"
    )
    metrics.add_argument(
        "--to", dest="end", type=_parse_date, metavar="DATE", help="last day (included)"
    )
    metrics.add_argument(
        "--by", choices=("service", "team", "severity", "person"), default="service"
    )
    metrics.add_argument("--format", choices=METRIC_FORMATS, default="table")
    metrics.add_argument(
        "--policy-version",
        type=int,
        metavar="N",
        help="recompute under stored policy version N (default: the current one)",
    )
    metrics.add_argument(
        "--mean", action="store_true", help="show the mean too (medians are the headline)"
    )


def _display_width(text: str) -> int:
    """Columns a terminal gives `text`: wide characters (王伟) take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    space = " " * (width - _display_width(text))
    return text + space if left else space + text


def metrics_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """(first day, day after the last) from the command line's inclusive dates."""
    last = end or today
    first = start or last - timedelta(days=METRIC_DEFAULT_DAYS - 1)
    return first, last + timedelta(days=1)


def cmd_metrics(args: argparse.Namespace) -> int:
    import csv
    import json

    from irdesk.domain.metrics.selection import Period
    from irdesk.domain.metrics.tables import (
        figure_tables,
        figures_json,
        format_cell,
        undated_note,
    )
    from irdesk.domain.policy import PolicyError
    from irdesk.storage.bulk.metric_data import compute_from_database

    path = Path(args.metrics_db or args.db or paths.default_database()).expanduser()
    if not path.exists():
        return _fail(f"{path} does not exist; import incidents first or name a file with --db.")
    first, after = metrics_period(args.start, args.end, _today())
    if after <= first:
        print(
            f"irdesk metrics: error: --to ({after - timedelta(days=1)}) is before --from ({first})",
            file=sys.stderr,
        )
        return 2
    period = Period(
        datetime.combine(first, datetime.min.time(), UTC),
        datetime.combine(after, datetime.min.time(), UTC),
    )
    try:
        db = _open_existing(path, upgrade=False)  # reading figures never changes the file
    except DatabaseError as exc:
        return _fail(str(exc))
    try:
        figures = compute_from_database(db, period, args.by, policy_version=args.policy_version)
    except (LookupError, PolicyError, DatabaseError) as exc:
        return _fail(str(exc))
    finally:
        db.close()
    if args.format == "json":
        json.dump(figures_json(figures, with_optional=args.mean), sys.stdout, indent=2)
        print()
        return 0
    tables = figure_tables(figures)
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["table", "row", "column", "value"])
        for table in tables:
            for n, row in enumerate(table.rows):
                for column in table.visible_columns(args.mean):
                    value = row.values[column.key]
                    writer.writerow([table.key, n, column.key, "" if value is None else value])
        return 0
    version = (
        "built-in defaults"
        if figures.policy_version is None
        else f"version {figures.policy_version}"
    )
    print(
        f"{figures.incidents} incidents from {first} to {after - timedelta(days=1)} (UTC days), "
        f"by {figures.by}, policy {version}"
    )
    if undated_note(figures):
        print(undated_note(figures))
    for table in tables:
        columns = table.visible_columns(args.mean)
        cells = [[c.label for c in columns]] + [
            [format_cell(row.values[c.key], c.kind) for c in columns] for row in table.rows
        ]
        widths = [max(_display_width(line[i]) for line in cells) for i in range(len(columns))]
        print(f"\n{table.title}")
        for n, line in enumerate(cells):
            padded = [
                _pad(text, w, left=columns[i].kind == "text")
                for i, (text, w) in enumerate(zip(line, widths, strict=True))
            ]
            print("  ".join(padded).rstrip())
            if n == 0:
                print("  ".join("-" * w for w in widths))
        if not table.rows:
            print("(none)")
    return 0


# --- review packets: packet, countersign, verify, identity ----------------------------------

PASSPHRASE_ENV = "IRDESK_PASSPHRASE"


def _add_packet_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    packet = commands.add_parser(
        "packet",
        help="export a review packet (PDF) for one audience, optionally signed",
        description="Export a review packet for a profile: legal, insurance or postmortem for one "
        "incident; executive for a period (--period 2026-Q3); manager for one person (--person). "
        "Passphrases come from --passphrase-file, the IRDESK_PASSPHRASE variable, or a prompt.",
    )
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
        "--redact",
        action="append",
        default=[],
        metavar="PATTERN",
        help="also remove text matching this regular expression; repeatable",
    )
    packet.add_argument(
        "--preview", action="store_true", help="list what redaction removes; write nothing"
    )
    packet.add_argument("--db", dest="packet_db", type=Path, metavar="PATH", help="the database")

    counter = commands.add_parser(
        "countersign",
        help="add a second signature to a signed packet (keeps the first valid)",
    )
    counter.add_argument("packet", type=Path, metavar="PACKET.pdf")
    counter.add_argument("--sign", type=Path, required=True, metavar="ID.p12")
    counter.add_argument("--out", type=Path, metavar="FILE", help="default: update PACKET.pdf")
    counter.add_argument("--force", action="store_true", help="replace --out FILE if it exists")
    counter.add_argument("--passphrase-file", type=Path, metavar="FILE")
    counter.add_argument(
        "--db", dest="packet_db", type=Path, metavar="PATH", help="record it in this database"
    )

    verify = commands.add_parser(
        "verify", help="check every signature of a packet; exit 1 if any is invalid or modified"
    )
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
    create.add_argument("path", type=Path, metavar="ID.p12")
    create.add_argument("--name", required=True, help="the signer's name as it appears on packets")
    create.add_argument("--role", help="e.g. Compliance Officer")
    create.add_argument("--org", help="organisation")
    create.add_argument("--email")
    create.add_argument("--passphrase-file", type=Path, metavar="FILE")
    create.add_argument("--force", action="store_true", help="replace ID.p12 if it exists")


def _passphrase(args: argparse.Namespace, *, confirm: bool = False) -> bytes | None:
    """From --passphrase-file, the environment, or a prompt; None (after a message) if none."""
    import getpass

    if args.passphrase_file is not None:
        try:
            text = args.passphrase_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            print(
                f"irdesk: error: cannot read the passphrase file {args.passphrase_file}: "
                f"{exc.strerror or exc}",
                file=sys.stderr,
            )
            return None
        return (text[0] if text else "").encode()
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV].encode()
    if not sys.stdin.isatty():
        print(
            f"irdesk: error: no passphrase: use --passphrase-file or set {PASSPHRASE_ENV}",
            file=sys.stderr,
        )
        return None
    first = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("Passphrase again: ") != first:
        print("irdesk: error: the passphrases differ", file=sys.stderr)
        return None
    return first.encode()


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser() or "irdesk user"
    except (OSError, KeyError):
        return "irdesk user"


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
        print(f"irdesk packet: error: {exc}", file=sys.stderr)
        return 2
    if args.out is None and not args.preview:
        print(
            "irdesk packet: error: say where to write the packet with --out FILE", file=sys.stderr
        )
        return 2
    if args.out is not None and not args.preview and args.out.exists() and not args.force:
        # A signed packet that left the building must not be replaced by accident.
        return _fail(
            f"{args.out} already exists; add --force to replace it.\nNo packet was written."
        )
    sign = None
    if args.sign is not None and not args.preview:
        passphrase = _passphrase(args)
        if passphrase is None:
            return 1
        sign = SignRequest(args.sign, passphrase)
    path = Path(args.packet_db or args.db or paths.default_database()).expanduser()
    try:
        # A preview reads only; an export records the packet, so it may upgrade (and says so).
        database = _open_existing(path, upgrade=not args.preview)
    except DatabaseError as exc:
        return _fail(str(exc))
    try:
        if args.preview:
            removals = redaction_preview(prepare(database, request))
            total = sum(r.count for r in removals)
            if not removals:
                print(f"The {args.profile} profile removes nothing from this packet.")
                return 0
            print(
                f"The {args.profile} profile removes {total} piece{'s' if total != 1 else ''} "
                f"of text ({len(removals)} different):"
            )
            for removal in removals:
                print(
                    f"  {removal.rule}: {removal.text!r} -> {removal.replacement!r} ({removal.count}x)"
                )
            return 0
        result = export_packet(database, request, args.out, created_by=_login_name(), sign=sign)
    except (LookupError, ValueError, IdentityError, SigningError, OSError) as exc:
        # LookupError: no such incident or person (PacketDataError), or policy version.
        return _fail(f"{exc}\nNo packet was written.")
    finally:
        database.close()
    signed = f", signed by {result.signed_by}" if result.signed_by else ", not signed"
    print(f"Wrote {result.path}: packet {result.packet_uid}, {result.pages} pages{signed}.")
    print(f"SHA-256 {result.sha256}; recorded in {path}.")
    if result.removals:
        print(
            f"Redacted {sum(r.count for r in result.removals)} pieces of text ({args.profile} profile)."
        )
    return 0


def cmd_countersign(args: argparse.Namespace) -> int:
    from irdesk.reports.signing.countersign import countersign_packet
    from irdesk.reports.signing.identity import IdentityError
    from irdesk.reports.signing.sign import SigningError
    from irdesk.reports.signing.verify import PacketReadError

    if args.out is not None and args.out.exists() and not args.force:
        return _fail(
            f"{args.out} already exists; add --force to replace it.\nThe packet was not changed."
        )
    passphrase = _passphrase(args)
    if passphrase is None:
        return 1
    database = None
    if args.packet_db is not None:
        try:
            database = _open_existing(args.packet_db, upgrade=True)
        except DatabaseError as exc:
            return _fail(str(exc))
    try:
        result = countersign_packet(
            args.packet,
            args.sign,
            passphrase,
            actor=_login_name(),
            out=args.out,
            database=database,
        )
    except (PacketReadError, IdentityError, SigningError, ValueError, OSError) as exc:
        return _fail(f"{exc}\nThe packet was not changed.")
    finally:
        if database is not None:
            database.close()
    print(f"Countersigned {result.path} as {result.signer}. SHA-256 {result.sha256}.")
    if database is not None and not result.recorded:
        print(f"(packet {result.packet_uid} was not exported from {args.packet_db}; not recorded)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from irdesk.reports.signing.verify import PacketReadError, report_lines, verify_packet

    try:
        report = verify_packet(args.packet, trust=args.trust)
    except (PacketReadError, ValueError) as exc:
        return _fail(str(exc))
    print("\n".join(report_lines(report, require_trust=args.require_trust)))
    return 0 if report.ok(require_trust=args.require_trust) else 1


def cmd_identity(args: argparse.Namespace) -> int:
    from irdesk.reports.signing.identity import IdentityError, create_identity

    passphrase = _passphrase(args, confirm=True)
    if passphrase is None:
        return 1
    try:
        identity = create_identity(
            args.path,
            name=args.name,
            role=args.role,
            organisation=args.org,
            email=args.email,
            passphrase=passphrase,
            overwrite=args.force,
        )
    except (IdentityError, OSError) as exc:
        return _fail(str(exc))
    certificate = args.path.with_suffix(".pem")
    certificate.write_bytes(identity.certificate_pem)
    print(f"Wrote {args.path} (keep it and its passphrase private) for {identity.name}.")
    print(f"Certificate for readers to trust: {certificate} (irdesk verify --trust {certificate}).")
    return 0


def _open_existing(path: Path, *, upgrade: bool) -> "Database":
    """An existing database. An older one is upgraded (after a backup, which is named on
    stdout) only for commands that write; read-only ones refuse it with the command to run."""
    from irdesk.storage.database import open_database

    saved: list[Path] = []
    database = open_database(path, create=False, upgrade=upgrade, on_backup=saved.append)
    if saved:
        print(f"Upgraded {database.path} to this irdesk's schema first; backup: {saved[0]}")
    return database


def _fail(message: str) -> int:
    print(f"irdesk: error: {message}", file=sys.stderr)
    return 1


def display_problem() -> str | None:
    """Why a window cannot be shown here, or None. Checked before Qt aborts the process."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the irdesk window cannot open."
    return None


def cmd_demo(args: argparse.Namespace) -> int:
    from irdesk.demo.generator import DEFAULT_SEED, write_demo

    seed = DEFAULT_SEED if args.seed is None else args.seed
    if args.force and args.path.exists():
        # --force replaces an irdesk database, never a folder or another program's file.
        from irdesk.storage.database import inspect_file
        from irdesk.storage.errors import NotAnIrdeskDatabase

        if args.path.is_dir():
            return _fail(f"{args.path} is a folder; name the database file to write.")
        try:
            inspect_file(args.path.resolve())
        except NotAnIrdeskDatabase as exc:
            return _fail(f"{exc} --force replaces only an irdesk database; choose another name.")
        except DatabaseError:
            pass  # an irdesk file, damaged or from a newer irdesk: replacing it is what was asked
    try:
        summary = write_demo(
            args.path, seed=seed, anchor=args.anchor or _today(), overwrite=args.force
        )
    except FileExistsError:
        return _fail(f"{args.path} already exists; add --force to replace it.")
    except (DatabaseError, OSError) as exc:
        return _fail(str(exc))
    print(
        f"Wrote {args.path}: {summary.incidents} incidents, {summary.events} timeline events, "
        f"{summary.reviews} reviews, {summary.people} people in {summary.teams} teams, "
        f"{summary.services} services."
    )
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from irdesk.storage.check import check_database
    from irdesk.storage.database import open_database

    saved: list[Path] = []
    try:
        database = open_database(args.path, create=False, on_backup=saved.append)
    except DatabaseError as exc:
        return _fail(str(exc))
    database.close()
    report = check_database(database.path)
    if saved:
        print(f"Upgraded {database.path} to schema revision {report.revision}.")
        print(f"Backup of the previous file: {saved[0]}")
    else:
        print(f"{database.path} is already at the current schema revision {report.revision}.")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    from irdesk.storage.check import check_database

    try:
        report = check_database(args.path)
    except DatabaseError as exc:
        return _fail(str(exc))
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
    if report.counts:
        print("  rows:            " + ", ".join(f"{t} {n}" for t, n in report.counts.items()))
    if not report.ok:
        return _fail(f"{report.path} failed its check.")
    return 0


def remember_mapping(files: list[Path], mapping: "ColumnMapping") -> None:
    """The next export with these columns is read without --column."""
    from irdesk.importers.formats.base import Content
    from irdesk.importers.formats.generic import read_header
    from irdesk.importers.reading.column_mapping import MappingStore
    from irdesk.importers.reading.sources import load_sources

    store = MappingStore()
    for file in load_sources(files):
        header = read_header(Content(file))
        if header is not None and mapping.fits(header):
            store.save(header, mapping)
            print(f"Column mapping remembered for {file.name}'s columns.")


def cmd_import(args: argparse.Namespace) -> int:
    from irdesk.importers.formats.base import ImportOptions
    from irdesk.importers.pipeline import run_import
    from irdesk.importers.problems import ImportProblem
    from irdesk.importers.registry import format_named
    from irdesk.storage.database import open_database

    if args.source:
        try:
            format_named(args.source)
        except ValueError as exc:
            print(f"irdesk import: error: {exc}", file=sys.stderr)
            return 2  # a wrong command line, like argparse's own errors
    severity_maps: dict[str, dict[str, Severity]] = {}
    for source, raw, severity in args.severity:
        severity_maps.setdefault(source, {})[raw] = severity
    mapping = None
    if args.column:
        from irdesk.importers.reading.column_mapping import ColumnMapping

        try:
            mapping = ColumnMapping(
                source=args.source_name,
                columns=dict(args.column),
                date_format=args.date_format,
                zone=args.tz.key if args.tz else None,
            )
        except ValueError as exc:
            return _fail(str(exc))
    options = ImportOptions(
        zone=args.tz,
        clock_offsets=dict(args.clock_offset),
        format=args.source if mapping is None else "csv",
        severity_maps=severity_maps,
        slack_channels=dict(args.slack_channel),
        key_reaction=args.key_reaction,
        column_mapping=mapping,
    )
    path = Path(args.import_db or args.db or paths.default_database()).expanduser()
    created = not path.exists()
    saved: list[Path] = []
    try:
        # A dry run changes nothing, not even the schema of an older file.
        database = open_database(path, upgrade=not args.dry_run, on_backup=saved.append)
    except DatabaseError as exc:
        return _fail(str(exc))
    if saved:
        print(f"Upgraded {database.path} to this irdesk's schema first; backup: {saved[0]}")
    written = False
    try:
        report = run_import(database, args.files, options, dry_run=args.dry_run)
        written = not args.dry_run
    except ImportProblem as problem:
        return _fail(f"{problem}\nNothing was imported.")
    finally:
        database.close()
        # A dry run or a failed import into a file that did not exist leaves no file behind
        # (a typo in --db must not leave an empty database to be found later).
        if created and not written:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
    print("\n".join(report.lines()))
    if not args.dry_run:
        print(f"Database: {database.path}")
        if mapping is not None:
            remember_mapping(args.files, mapping)
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem:
        return _fail(f"{problem}\n{HEADLESS_HINT}")
    if args.demo:
        from irdesk.demo.generator import DEFAULT_SEED, write_demo

        path = paths.demo_database()
        write_demo(path, seed=DEFAULT_SEED, anchor=_today(), overwrite=True)
    else:
        path = args.db or paths.default_database()
    from irdesk.gui.app import run_gui

    return run_gui(path)


def _ending_process() -> None:
    """Spare the ending process the interpreter's last collections.

    At exit Python walks every object still alive (SQLAlchemy's, alembic's, the
    models') looking for cycles: 0.05-0.2 s of a headless import, for memory the
    operating system reclaims anyway. Frozen objects are still freed, flushed and
    closed as usual when their references go; only cyclic garbage is left to the
    operating system instead of being finalised. So this is only for the import
    command, once it has closed its database (everything committed or rolled back)
    and written its output and remembered mappings; not for the window, whose Qt
    objects may need their destructors.
    """
    gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; `argv` None means this process's own, and the process ends after."""
    try:
        return _run(argv)
    except BrokenPipeError:
        # `irdesk import … | head`: the reader left; what was done is done, say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return cmd_demo(args)
    if args.command == "import":
        code = cmd_import(args)
        if argv is None:  # the `irdesk` script or `python -m irdesk`, not a caller in-process
            _ending_process()
        return code
    if args.command == "metrics":
        return cmd_metrics(args)
    if args.command == "db":
        return cmd_db_upgrade(args) if args.db_command == "upgrade" else cmd_db_check(args)
    packet_commands = {
        "packet": cmd_packet,
        "countersign": cmd_countersign,
        "verify": cmd_verify,
        "identity": cmd_identity,
    }
    if args.command in packet_commands:
        return packet_commands[args.command](args)
    return cmd_gui(args)
