"""`irdesk themes`: which contributing factors recur over a period, as Review › Themes…
shows them, cell for cell (JSON adds each theme's incidents and findings).

A theme counts the incidents whose confirmed findings name the factor, beside the near
misses (findings in the "lucky" category: where we got lucky), and compares the count
with the period of the same length just before.
"""

import argparse
import json
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
    parse_date,
)
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from irdesk.cli.common import Subcommands


def add_themes_parser(commands: "Subcommands") -> None:
    themes = commands.add_parser(
        "themes",
        help="contributing factors that recur across incidents over a period",
        description="Count the contributing factors facilitators confirmed on findings, "
        "for incidents that started between --from and --to (whole UTC days, both "
        "included): on which services and teams, near misses beside incidents, and the "
        "trend against the period of the same length just before.",
    )
    themes.set_defaults(handler=cmd_themes)
    add_database_option(themes, dest="themes_db", help="database to read")
    themes.add_argument(
        "--from",
        dest="start",
        type=parse_date,
        required=True,
        metavar="DATE",
        help="first day, YYYY-MM-DD",
    )
    themes.add_argument(
        "--to",
        dest="end",
        type=parse_date,
        required=True,
        metavar="DATE",
        help="last day (included)",
    )
    themes.add_argument("--format", choices=("table", "json"), default="table")


def _existing(own: Path | None, top: Path | None) -> Path:
    path = chosen_database(own, top)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    return path


def cmd_themes(args: argparse.Namespace) -> int:
    from irdesk.domain.themes import COLUMNS, theme_cells, themes_json
    from irdesk.storage.reads.themes import read_themes

    if args.end < args.start:
        raise UsageError("themes", f"--to ({args.end}) is before --from ({args.start})")
    with (
        opened_database(_existing(args.themes_db, args.db), upgrade=False) as db,
        failures_reported(DatabaseError),
    ):
        report = read_themes(db, args.start, args.end)
    if args.format == "json":
        json.dump(themes_json(report), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not report.themes:
        print(f"No finding of an incident from {args.start} to {args.end} has a confirmed factor.")
        return 0
    lines = [[label for _, label in COLUMNS]]
    lines += [[theme_cells(t)[key] for key, _ in COLUMNS] for t in report.themes]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    for n, line in enumerate(lines):
        print("  ".join(t.ljust(w) for t, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(
        f"\n{args.start} to {args.end}, against {report.previous_first_day} onwards; "
        "near misses are findings in the 'lucky' category."
    )
    return 0
