"""CSV that a spreadsheet opens without running what an export put in a title or a name."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from testdata import SHARED_DATA

from irdesk.cli.main import main
from irdesk.domain.csv_cells import csv_writer, safe_cell

HYPERLINK = '=HYPERLINK("http://x","y")'
SUM = "-2+3"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_a_spreadsheet_would_run_is_quoted(start: str) -> None:
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", [-2, -0.5, 3, 0.0, None, "", "Payments", "a=b", "x-1"])
def test_numbers_and_ordinary_text_are_left_alone(value: object) -> None:
    assert safe_cell(value) == value


def test_the_writer_quotes_text_cells_only() -> None:
    out = io.StringIO()
    csv_writer(out).writerows([["title", "change"], [HYPERLINK, -2.5]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["title", "change"],
        ["'" + HYPERLINK, "-2.5"],
    ]


def test_every_csv_irdesk_writes_goes_through_the_one_writer() -> None:
    package = Path(__file__).resolve().parents[2] / "irdesk"
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    found = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["domain/csv_cells.py"]


def test_metrics_csv_of_a_real_import_with_formulas_in_titles_and_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # PagerDuty's demo page, two Storage incidents of one week retitled, the service renamed.
    page = json.loads((SHARED_DATA / "pagerduty_incidents_page.json").read_text())
    for incident in page["incidents"]:
        if incident["id"] in ("PE8XPNI", "PXQYZNB"):
            incident["title"] = incident["summary"] = HYPERLINK
        if incident["service"]["summary"] == "WD: Storage":
            incident["service"]["summary"] = SUM
    export = tmp_path / "pagerduty.json"
    export.write_text(json.dumps(page))
    db = tmp_path / "reviews.db"
    assert main(["import", str(export), "--db", str(db)]) == 0
    capsys.readouterr()

    period = ["--from", "2021-05-01", "--to", "2021-06-30", "--by", "service"]
    assert main(["metrics", "--db", str(db), *period, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))

    values = [row[3] for row in rows[1:]]
    assert "'" + HYPERLINK in values  # the recurring incidents' first title
    assert "'" + SUM in values  # the service, wherever figures are grouped by it
    assert HYPERLINK not in values and SUM not in values
    for value in values:
        assert not value.startswith(("=", "+", "@", "\t", "\r")), value
        if value.startswith("-"):
            float(value)  # a negative number irdesk wrote, still a number
