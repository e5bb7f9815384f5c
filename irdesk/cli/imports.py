"""`irdesk import`: incident exports into the database, with column mappings remembered."""

import argparse
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from irdesk.cli.common import (
    UsageError,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
)
from irdesk.domain.enums import Severity
from irdesk.storage.bulk.batching import cyclic_gc_paused

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands
    from irdesk.importers.formats.base import ImportOptions
    from irdesk.importers.reading.column_mapping import ColumnMapping
    from irdesk.importers.report import ImportReport


# --- argument types: a malformed value is a usage error that shows the expected form ---


def parse_zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone {text!r}; use an IANA name such as Europe/Madrid or UTC"
        ) from None


def parse_offset(text: str) -> tuple[str, timedelta]:
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


def parse_channel_link(text: str) -> tuple[str, str]:
    return _parse_pair(text, "CHANNEL=INCIDENT such as inc-12728=pagerduty:PH4UE4E")


def parse_column(text: str) -> tuple[str, str]:
    return _parse_pair(text, "FIELD=COLUMN such as title=Summary")


def parse_severity_rule(text: str) -> tuple[str, str, Severity]:
    source, _, rest = text.partition(":")
    raw, _, severity = rest.rpartition("=")
    try:
        return source.strip(), raw.strip(), Severity(severity.strip().upper())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected SOURCE:VALUE=SEVn such as jira:Blocker=SEV1, got {text!r}"
        ) from None


def add_import_parser(commands: "Subcommands") -> None:
    imp = commands.add_parser(
        "import",
        help="import incident exports (files, folders or zips) into the database",
        description="Import exports from PagerDuty, Opsgenie, Jira, Statuspage and Slack, or a "
        "CSV/JSON of your own through --column. The format is detected from each file's content. "
        "All files are one transaction: on any error nothing is written.",
    )
    imp.set_defaults(handler=cmd_import)
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE")
    add_database_option(imp, dest="import_db", help="database to import into")
    imp.add_argument(
        "--source",
        metavar="KIND",
        help="the format, when detection should not decide: pagerduty, opsgenie, statuspage, "
        "jira, jira-csv, slack or csv; for the organisation directory pagerduty-directory, "
        "opsgenie-directory, backstage or roster",
    )
    imp.add_argument(
        "--tz",
        type=parse_zone,
        metavar="ZONE",
        help="time zone of sources whose times carry none (Jira CSV), e.g. Europe/Madrid",
    )
    imp.add_argument(
        "--clock-offset",
        type=parse_offset,
        action="append",
        default=[],
        metavar="SOURCE=SECONDS",
        help="a source's clock ran this many seconds fast (negative: slow); repeatable",
    )
    imp.add_argument(
        "--severity",
        type=parse_severity_rule,
        action="append",
        default=[],
        metavar="SOURCE:VALUE=SEVn",
        help="map a source's priority to a severity, over the defaults "
        "(e.g. jira:Blocker=SEV1, pagerduty:P2=SEV1); repeatable. Remembered per source: "
        "later imports without it map the same way",
    )
    imp.add_argument(
        "--slack-channel",
        type=parse_channel_link,
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
        type=parse_column,
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
        "--skip-bad-records",
        action="store_true",
        help="leave out a record that cannot be read (and list it in the report: file, place, "
        "why) instead of refusing the whole import",
    )
    imp.add_argument(
        "--strict",
        action="store_true",
        help="refuse the import on recoverable problems too (an empty title, a blank id), "
        "instead of reading them with a fallback and a warning",
    )
    imp.add_argument(
        "--allow-emptying",
        action="store_true",
        help="let a re-import empty stored fields the files no longer give (by default the "
        "stored value is kept, and the report lists it)",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )


def cmd_import(args: argparse.Namespace) -> int:
    # Importing the importers and SQLAlchemy makes hundreds of thousands of objects and no
    # garbage: the cycle collector walking them meanwhile is start-up a script pays for
    # nothing (run_import holds it off the same way while it reads and writes).
    with cyclic_gc_paused():
        from irdesk.importers.formats.base import ImportOptions
        from irdesk.importers.pipeline import run_import
        from irdesk.importers.problems import ImportProblem
        from irdesk.importers.registry import format_named

    if args.source:
        try:
            format_named(args.source)
        except ValueError as exc:
            raise UsageError("import", str(exc)) from exc
    severity_maps: dict[str, dict[str, Severity]] = {}
    for source, raw, severity in args.severity:
        severity_maps.setdefault(source, {})[raw] = severity
    mapping = column_mapping(args)
    options = ImportOptions(
        zone=args.tz,
        clock_offsets=dict(args.clock_offset),
        format=args.source if mapping is None else "csv",
        severity_maps=severity_maps,
        slack_channels=dict(args.slack_channel),
        key_reaction=args.key_reaction,
        column_mapping=mapping,
        strict=args.strict,
        skip_bad_records=args.skip_bad_records,
        allow_emptying=args.allow_emptying,
    )
    path = chosen_database(args.import_db, args.db)
    if not path.exists():
        report, shown = _import_into_new_file(path, args.files, options, dry_run=args.dry_run)
    else:
        # A dry run changes nothing, not even the schema of an older file.
        with opened_database(path, upgrade=not args.dry_run) as database:
            with failures_reported(ImportProblem, kept="Nothing was imported."):
                report = run_import(database, args.files, options, dry_run=args.dry_run)
            shown = database.path
    print("\n".join(report.lines()))
    if not args.dry_run:
        print(f"Database: {shown}")
        if mapping is not None:
            remember_mapping(args.files, mapping)
        if severity_maps:
            remember_severity_maps(severity_maps)
    return 0


def _import_into_new_file(
    path: Path, files: list[Path], options: "ImportOptions", *, dry_run: bool
) -> tuple["ImportReport", Path]:
    """An import into a file that does not exist yet, which appears only once it succeeded.

    A dry run, a failure or a kill leaves no file behind: a typo in --db must not leave
    an empty database to be found later, nor a killed import one with no incidents.
    """
    from irdesk.importers.pipeline import run_import
    from irdesk.importers.problems import ImportProblem
    from irdesk.storage.database import creating_database

    with creating_database(path) as new:
        with failures_reported(ImportProblem, kept="Nothing was imported."):
            report = run_import(new.database, files, options, dry_run=dry_run)
        if not dry_run:
            new.keep()
    return report, new.database.path


def remember_severity_maps(maps: dict[str, dict[str, Severity]]) -> None:
    """The next import from these sources maps their priorities the same way."""
    from irdesk.importers.reading.column_mapping import MappingStore, MappingStoreError

    try:
        MappingStore().remember_severity_maps(maps)
    except (MappingStoreError, OSError) as exc:
        # The import is written; only the remembering failed, and the user should know.
        print(f"Severity maps not remembered: {exc}")
        return
    print(f"Severity map remembered for {', '.join(sorted(maps))}.")


def column_mapping(args: argparse.Namespace) -> "ColumnMapping | None":
    """The --column mapping for a CSV/JSON of the user's own, or None without --column."""
    if not args.column:
        return None
    from irdesk.importers.reading.column_mapping import ColumnMapping

    with failures_reported(ValueError):
        return ColumnMapping(
            source=args.source_name,
            columns=dict(args.column),
            date_format=args.date_format,
            zone=args.tz.key if args.tz else None,
        )


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
