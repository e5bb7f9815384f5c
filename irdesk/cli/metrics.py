"""`irdesk metrics`: the metrics dashboard's figures as a table, CSV or JSON."""

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from irdesk.cli.common import (
    CommandFailed,
    UsageError,
    chosen_database,
    failures_reported,
    opened_database,
    parse_date,
    today,
)
from irdesk.cli.database import path_or_address
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from irdesk.cli.common import Subcommands
    from irdesk.domain.metrics.figures import Figures
    from irdesk.domain.metrics.tables import Table
    from irdesk.storage.database import Database

METRIC_FORMATS = ("table", "csv", "json")
METRIC_DEFAULT_DAYS = 90


def add_metrics_parser(commands: "Subcommands") -> None:
    metrics = commands.add_parser(
        "metrics",
        help="incident metrics for a period, under the stored policy",
        description="Medians and p90s of time to detect, acknowledge, mitigate and resolve, "
        "SLO adherence, cost, on-call load, concentration, follow-through, recurrence and "
        "postmortem compliance: the figures of the metrics dashboard. Periods are whole UTC "
        f"days; the default is the last {METRIC_DEFAULT_DAYS} days up to today.",
    )
    metrics.set_defaults(handler=cmd_metrics)
    # Not `add_database_option`: a server's address must stay as written (a Path folds //).
    metrics.add_argument(
        "--db",
        dest="metrics_db",
        type=path_or_address,
        metavar="PATH",
        help="database to read: a file, or a team database (postgresql://HOST/NAME)",
    )
    metrics.add_argument(
        "--from", dest="start", type=parse_date, metavar="DATE", help="first day, YYYY-MM-DD"
    )
    metrics.add_argument(
        "--to", dest="end", type=parse_date, metavar="DATE", help="last day (included)"
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
    metrics.add_argument(
        "--policy-history",
        action="store_true",
        help="list the stored policy versions instead: who saved each, why, and the figures "
        "each retired",
    )


def metrics_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """(first day, day after the last) from the command line's inclusive dates."""
    last = end or today
    first = start or last - timedelta(days=METRIC_DEFAULT_DAYS - 1)
    return first, last + timedelta(days=1)


def cmd_metrics(args: argparse.Namespace) -> int:
    from irdesk.domain.metrics.selection import Period
    from irdesk.domain.policy import PolicyError
    from irdesk.storage.bulk.metric_data import compute_from_database
    from irdesk.storage.server import ServerError

    if isinstance(args.metrics_db, str):
        opened = _server(args.metrics_db)
    else:
        path = chosen_database(args.metrics_db, args.db)
        if not path.exists():
            raise CommandFailed(
                f"{path} does not exist; import incidents first or name a file with --db."
            )
        # Reading figures never changes the file, not even the schema of an older one.
        opened = opened_database(path, upgrade=False)
    if args.policy_history:
        return print_policy_history(opened, args.format)
    first, after = metrics_period(args.start, args.end, today())
    if after <= first:
        raise UsageError(
            "metrics", f"--to ({after - timedelta(days=1)}) is before --from ({first})"
        )
    period = Period(
        datetime.combine(first, datetime.min.time(), UTC),
        datetime.combine(after, datetime.min.time(), UTC),
    )
    with (
        failures_reported(LookupError, PolicyError, DatabaseError, ServerError),
        opened as db,
    ):
        figures = compute_from_database(db, period, args.by, policy_version=args.policy_version)
    if args.format == "json":
        print_json(figures, with_mean=args.mean)
    elif args.format == "csv":
        print_csv(figures, with_mean=args.mean)
    else:
        print_tables(figures, first, after, with_mean=args.mean)
    return 0


def _server(text: str) -> "AbstractContextManager[Database]":
    """A team database's figures: read as a file's are, from the server."""
    from irdesk.storage import server

    with failures_reported(server.ServerError):
        return server.reading(server.ServerAddress.parse(text))


def print_policy_history(opened: "AbstractContextManager[Database]", form: str) -> int:
    """Every stored version, newest first, with what it retired: the dashboard's version list."""
    import json

    from irdesk.domain.policy import PolicyError
    from irdesk.storage.records.policies import policy_versions
    from irdesk.storage.server import ServerError

    with (
        failures_reported(PolicyError, DatabaseError, ServerError),
        opened as db,
    ):
        versions = policy_versions(db)
    rows: list[dict[str, Any]] = [
        {
            "version": r.version,
            "saved_at": r.created_at.isoformat() if r.created_at else None,
            "author": r.author,
            "note": r.note,
            "retired_figures": dict(sorted(r.policy.retired_figures.items())),
            "controls": dict(sorted(r.policy.controls.items())),
        }
        for r in versions
    ]
    if form == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not rows:
        print("No policy version saved: the figures use the built-in defaults.")
    for row in rows:
        when = (row["saved_at"] or "")[:10]
        print(f"version {row['version']}  {when}  {row['author'] or 'unknown'}: {row['note']}")
        for figure, reason in row["retired_figures"].items():
            print(f"    retired {figure}: {reason}")
        for figure, control in row["controls"].items():
            print(f"    {figure} satisfies {control}")
    return 0


def print_json(figures: "Figures", *, with_mean: bool) -> None:
    import json

    from irdesk.domain.metrics.tables import figures_json

    json.dump(figures_json(figures, with_optional=with_mean), sys.stdout, indent=2)
    print()


def print_csv(figures: "Figures", *, with_mean: bool) -> None:
    """One value a row, so a spreadsheet or a script picks any figure by its keys.

    Through `csv_writer`, so a title or name from an export cannot run as a formula.
    """
    from irdesk.domain.csv_cells import csv_writer
    from irdesk.domain.metrics.tables import figure_tables

    writer = csv_writer(sys.stdout)
    writer.writerow(["table", "row", "column", "value"])
    for table in figure_tables(figures):
        for n, row in enumerate(table.rows):
            for column in table.visible_columns(with_mean):
                value = row.values[column.key]
                writer.writerow([table.key, n, column.key, "" if value is None else value])


def print_tables(figures: "Figures", first: date, after: date, *, with_mean: bool) -> None:
    """The dashboard's tables for a terminal, under a line naming period, grouping and policy."""
    from irdesk.domain.metrics.tables import figure_tables, undated_note

    version = (
        "built-in defaults"
        if figures.policy_version is None
        else f"version {figures.policy_version}"
    )
    print(
        f"{figures.incidents} incidents from {first} to {after - timedelta(days=1)} (UTC days), "
        f"by {figures.by}, policy {version}"
    )
    note = undated_note(figures)
    if note:
        print(note)
    for table in figure_tables(figures):
        print_table(table, with_mean=with_mean)


def print_table(table: "Table", *, with_mean: bool) -> None:
    from irdesk.domain.metrics.tables import format_cell

    columns = table.visible_columns(with_mean)
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


def _display_width(text: str) -> int:
    """Columns a terminal gives `text`: wide characters (王伟) take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    space = " " * (width - _display_width(text))
    return text + space if left else space + text
