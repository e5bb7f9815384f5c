"""Every CSV irdesk writes goes through `csv_writer`: safe to open in a spreadsheet.

Titles, names and services come from other tools' exports, so anyone who can name an
incident can put `=HYPERLINK("http://…","…")` in a cell. A spreadsheet runs a cell
that begins with =, +, - or @ (and, in some, a tab or carriage return before one) as
a formula. As OWASP's CSV-injection advice says, such a text cell is written with a
single quote before it, which spreadsheets show as text and do not run.

Only text is changed: a number irdesk writes as a number (a negative change in a
median, say) stays a number, since it cannot hold a formula. A script reading the CSV
sees the quote; that is the price of a file that is safe to double-click.
"""

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """`value` as the CSV should hold it: a text that a spreadsheet would run, quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer's `writerow`/`writerows`, each text cell made safe first."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: _Writable, **options: Any) -> SafeCsvWriter:
    """The one way irdesk writes CSV (tests/unit/test_csv_cells.py holds every module to it)."""
    return SafeCsvWriter(stream, lineterminator="\n", **options)
