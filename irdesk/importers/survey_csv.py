"""A survey tool's CSV export of review feedback, read into `SurveyLine`s.

The columns are found by their header, in any order and case: incident (or review),
useful, safe (or "safe to speak"), hours (or "hours spent"), and optionally person
(or name, email, respondent), anonymous, comment (or "free text", "anything else") and date (or
"answered on", timestamp: an ISO date or date and time; the day the file is read
when absent). An answer without a person is anonymous. Cells are read as text and
never evaluated: `=1+1` in a score is refused and `=HYPERLINK(…)` in a comment is
kept as the characters typed. The first bad row stops the file, named by its row
and line, before anything is written.
"""

import csv
import io
from datetime import date, datetime
from pathlib import Path

from irdesk.importers.problems import ImportProblem
from irdesk.storage.records.review_surveys import SurveyLine

HEADERS: dict[str, tuple[str, ...]] = {
    "incident": ("incident", "incident id", "review"),
    "person": ("person", "name", "email", "respondent"),
    "anonymous": ("anonymous",),
    "useful": ("useful", "usefulness"),
    "safe": ("safe", "safe to speak", "safety"),
    "hours": ("hours", "hours spent"),
    "comment": ("comment", "comments", "free text", "anything else"),
    "date": ("date", "answered on", "timestamp"),
}
REQUIRED = ("incident", "useful", "safe", "hours")
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}
# A file this size holds far more answers than any organisation's reviews have attendees.
MAX_BYTES = 5_000_000


def _columns(file: str, header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = " ".join(name.strip().casefold().split())
        for field, names in HEADERS.items():
            if key in names and field not in found:
                found[field] = index
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        raise ImportProblem(
            file,
            "line 1",
            f"columns named {', '.join(repr(m) for m in missing)} in the header",
            found=", ".join(header),
        )
    return found


def _score(file: str, where: str, field: str, text: str) -> int:
    value = text.strip()
    if value.isdigit() and 1 <= int(value) <= 5:
        return int(value)
    raise ImportProblem(file, where, "a whole number from 1 to 5", field=field, found=text)


def _hours(file: str, where: str, text: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = -1.0
    # float() takes "nan" and "inf": neither is an amount of time.
    if not 0 <= value <= 1000:
        raise ImportProblem(
            file, where, "a number of hours from 0 to 1000", field="hours", found=text
        )
    return value


def _day(file: str, where: str, text: str, today: date) -> date:
    value = text.strip()
    if not value:
        return today
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise ImportProblem(
            file, where, "a date such as 2026-12-03", field="date", found=text
        ) from None


def read_survey(path: Path, today: date) -> list[SurveyLine]:
    """The file's answers in its order; ImportProblem names the first bad row."""
    file = path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ImportProblem(file, "", f"a survey export under {MAX_BYTES:,} bytes")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(file, f"byte {exc.start}", "UTF-8 text") from None
    except OSError as exc:
        raise ImportProblem(file, "", "a readable file", found=exc.strerror) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise ImportProblem(file, "line 1", "a header naming the columns", found="an empty file")
    columns = _columns(file, rows[0])
    lines = []
    for number, row in enumerate(rows[1:], start=1):
        if not any(cell.strip() for cell in row):
            continue
        where = f"row {number} (line {number + 1})"

        def cell(field: str, row: list[str] = row) -> str:
            index = columns.get(field)
            return row[index] if index is not None and index < len(row) else ""

        incident = cell("incident").strip()
        if not incident:
            raise ImportProblem(file, where, "the incident reviewed", field="incident", found="")
        flag = cell("anonymous").strip().casefold()
        if flag not in YES | NO:
            raise ImportProblem(
                file, where, "yes or no", field="anonymous", found=cell("anonymous")
            )
        person = cell("person").strip() or None
        lines.append(
            SurveyLine(
                location=where,
                incident=incident,
                person=person,
                anonymous=flag in YES or person is None,
                useful=_score(file, where, "useful", cell("useful")),
                safe=_score(file, where, "safe", cell("safe")),
                hours=_hours(file, where, cell("hours")),
                comment=cell("comment").strip() or None,
                answered_on=_day(file, where, cell("date"), today),
            )
        )
    return lines
