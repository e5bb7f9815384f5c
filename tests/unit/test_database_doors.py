"""The GUI, the importers, the reports and the command line never open a database session.

import-linter keeps SQLAlchemy, SQLModel and sqlite3 out of those packages; a session
can still be opened through the `Database` object without importing either, so this
reads their source for it. Storage's functions, which take the Database, are the doors.
"""

import re
from pathlib import Path

IRDESK = Path(__file__).resolve().parents[2] / "irdesk"
OUTSIDE_STORAGE = ("gui", "importers", "reports", "cli")
OPENS_A_SESSION = re.compile(r"\.(session|transaction|engine)\(\)|\bSession\(")


def test_no_session_is_opened_outside_storage() -> None:
    found = [
        f"{path.relative_to(IRDESK.parent)}:{number}: {line.strip()}"
        for package in OUTSIDE_STORAGE
        for path in sorted((IRDESK / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OPENS_A_SESSION.search(line)
    ]
    assert found == [], "call a storage function that takes the Database instead"
