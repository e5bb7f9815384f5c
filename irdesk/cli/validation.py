"""`irdesk validation`: draw a sample of incidents to check by hand, and report what it found.

The checking itself is the window's (Tools › Validation Sample…); these are the two
steps a script might want: drawing (with a seed, so the sample can be redrawn
exactly) and the report, as a table or JSON.
"""

import argparse
import json
import sys
from typing import TYPE_CHECKING

from irdesk.cli.common import (
    CommandFailed,
    add_database_option,
    chosen_database,
    failures_reported,
    opened_database,
)
from irdesk.storage.errors import DatabaseError
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from pathlib import Path

    from irdesk.cli.common import Subcommands
    from irdesk.storage.records.validation_samples import ValidationReport


def add_validation_parser(commands: "Subcommands") -> None:
    validation = commands.add_parser(
        "validation",
        help="check the records against their sources: draw a sample, report its findings",
        description="A validation sample draws incidents from each source with a recorded seed; "
        "a reviewer confirms or corrects each lifecycle time and severity in the window "
        "(Tools › Validation Sample…). The report gives, per source and field, the discrepancy "
        "rate with a 95 % Wilson interval and the median correction with a 95 % order-statistic "
        "interval.",
    )
    steps = validation.add_subparsers(dest="step", metavar="STEP", required=True)
    draw = steps.add_parser("draw", help="draw a new sample and store it")
    draw.set_defaults(handler=cmd_draw)
    add_database_option(draw, dest="validation_db", help="the database")
    draw.add_argument(
        "--per-source", type=int, required=True, metavar="N", help="incidents per source"
    )
    draw.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="the seed (stored with the sample; the same seed on the same incidents draws the "
        "same sample); default: a new one",
    )
    report = steps.add_parser("report", help="the newest sample's figures")
    report.set_defaults(handler=cmd_report)
    add_database_option(report, dest="validation_db", help="the database")
    report.add_argument("--format", choices=("table", "json"), default="table")
    report.add_argument("--sample", type=int, metavar="ID", help="another sample than the newest")


def _existing(args: argparse.Namespace) -> "Path":
    path = chosen_database(args.validation_db, args.db)
    if not path.exists():
        raise CommandFailed(
            f"{path} does not exist; import incidents first or name a file with --db."
        )
    return path


def cmd_draw(args: argparse.Namespace) -> int:
    import secrets

    from irdesk.domain.validation import ValidationError
    from irdesk.storage.records.validation_samples import draw_sample

    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    with (
        opened_database(_existing(args), upgrade=True) as db,
        failures_reported(ValidationError, DatabaseError, kept="No sample was drawn."),
    ):
        info = draw_sample(db, per_source=args.per_source, seed=seed, actor=current_actor())
    total = sum(len(ids) for ids in info.incidents.values())
    print(f"Drew validation sample {info.id}: {total} incidents, seed {info.seed}.")
    for source, ids in info.incidents.items():
        print(f"  {source}: {len(ids)}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from irdesk.storage.records.validation_samples import validation_report

    with (
        opened_database(_existing(args), upgrade=False) as db,
        failures_reported(LookupError, DatabaseError),
    ):
        report = validation_report(db, args.sample)
    if args.format == "json":
        json.dump(report.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_report(report)
    return 0


def _share(value: float) -> str:
    return f"{value * 100:.1f} %"


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def print_report(report: "ValidationReport") -> None:
    from irdesk.domain.validation import FIELD_LABELS

    s = report.sample
    print(
        f"Validation sample {s.id}: seed {s.seed}, {s.per_source} per source, drawn "
        f"{s.drawn_at:%Y-%m-%d %H:%M} UTC by {s.drawn_by}; {report.checked} of "
        f"{report.incidents} incidents checked."
    )
    if not report.figures:
        print("Nothing checked yet.")
        return
    header = ["Source", "Field", "Checked", "Corrected", "Rate", "95 % CI", "Median min", "95 % CI"]
    rows = [header]
    for f in report.figures:
        median_ci = (
            "—" if f.median_low is None else f"{_minutes(f.median_low)} … {_minutes(f.median_high)}"
        )
        rows.append(
            [
                f.source,
                FIELD_LABELS[f.field],
                str(f.checked),
                str(f.corrected),
                _share(f.rate),
                f"{_share(f.rate_low)} … {_share(f.rate_high)}",
                _minutes(f.median_minutes),
                median_ci,
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        print(
            "  ".join(
                c.ljust(w) if i < 2 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(
        "Rates: Wilson score interval. Medians: corrected minus recorded, order-statistic "
        "interval (none below 6 sized corrections)."
    )
