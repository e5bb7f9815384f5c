"""Where test inputs live, and how tests compare databases: `from testdata import …`.

(A module of its own: `from conftest import …` breaks once pytest has loaded a
second conftest.py under the same module name.)
"""

import contextlib
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from irdesk.demo.generator import DemoSummary

# ../shared/data beside the repository: real exports from the tools our users have.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# ../shared/org-data: real on-call directory exports (people, teams, schedules, catalogs).
ORG_DATA = Path(__file__).resolve().parents[2] / "shared" / "org-data"
# Its export files: not its README, nor any folder someone may add beside them.
SAMPLE_FILES = sorted(
    path for path in SHARED_DATA.iterdir() if path.is_file() and path.name != "README.md"
)
# Small hand-made files, each folder with a README saying what was made up.
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class CopyDemo(Protocol):
    """The `copy_demo` fixture (tests/conftest.py): write_demo's file, made once and copied."""

    def __call__(self, path: Path, *, anchor: date, seed: int = ...) -> DemoSummary: ...


class _HasPath(Protocol):
    path: Path
    engine: Any


def database_dump(database: Path | _HasPath) -> list[str]:
    """Every row and schema statement of a database file: equal dumps, unchanged database.

    On a server, every row of every table in the order of its columns (the schema is
    the migrations', and `irdesk db check` compares it).
    """
    if not isinstance(database, Path) and database.engine.dialect.name == "postgresql":
        return _server_dump(database.engine)
    path = database if isinstance(database, Path) else database.path
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return list(conn.iterdump())


def _server_dump(engine: Any) -> list[str]:
    from sqlalchemy import inspect

    lines = []
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            rows = conn.exec_driver_sql(f'SELECT * FROM "{table}"').all()
            lines.extend(sorted(f"{table} {tuple(row)!r}" for row in rows))
    return lines
