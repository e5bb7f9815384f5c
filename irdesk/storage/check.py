"""`irdesk db check`: integrity and schema version, read-only."""

import contextlib
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from irdesk.storage import schema
from irdesk.storage.errors import CorruptDatabase
from irdesk.storage.inspection import inspect_file, read_only_connection
from irdesk.storage.records.audit import first_broken

# Tables whose sizes are worth showing; older revisions may lack some.
COUNTED_TABLES = (
    "incident",
    "timeline_event",
    "person",
    "service",
    "review",
    "finding",
    "action_item",
)


@dataclass
class CheckReport:
    path: Path
    revision: str
    head: str
    integrity: list[str] = field(default_factory=list)
    foreign_key_problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # None: intact (or no log yet); otherwise the first audit entry whose hash fails.
    audit_broken_at: int | None = None

    @property
    def is_current(self) -> bool:
        return self.revision == self.head

    @property
    def ok(self) -> bool:
        return (
            self.integrity == ["ok"]
            and not self.foreign_key_problems
            and self.audit_broken_at is None
        )


def check_database(path: Path) -> CheckReport:
    """Raises the same `DatabaseError`s as opening, except that a damaged file is
    reported on (every problem SQLite finds) rather than refused; never writes."""
    path = Path(path).expanduser().resolve()
    try:
        revision = inspect_file(path).revision
    except CorruptDatabase as damaged:
        revision = "unknown"
        error: CorruptDatabase | None = damaged
    else:
        error = None
    report = CheckReport(path=path, revision=revision, head=schema.head_revision())
    try:
        with contextlib.closing(read_only_connection(path)) as conn:
            _fill(report, conn)
    except sqlite3.DatabaseError:
        if error is not None:
            raise error from None  # too damaged to say more than opening did
        raise
    return report


def _fill(report: CheckReport, conn: sqlite3.Connection) -> None:
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError:
        # The full check stops at some damage the quick one still describes.
        rows = conn.execute("PRAGMA quick_check").fetchall()
    # SQLite puts several problems in one row, separated by newlines.
    report.integrity = [
        line
        for row in rows
        for line in row[0].splitlines()
        if line.strip() and line.strip() != "*** in database main ***"
    ]
    if report.integrity != ["ok"]:
        return  # foreign keys and counts would read the damaged pages: the list says enough
    report.foreign_key_problems = [
        f"{table} row {rowid} refers to a missing {parent}"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
    ]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in COUNTED_TABLES:
        if table in tables:
            report.counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if "audit_entry" in tables:
        report.counts["audit_entry"] = conn.execute("SELECT count(*) FROM audit_entry").fetchone()[
            0
        ]
        entries = conn.execute(
            "SELECT id, occurred_at, actor, action, entity, entity_id, detail_json, prev_hash, hash"
            " FROM audit_entry ORDER BY id"
        )
        report.audit_broken_at = first_broken(
            (row[0], datetime.fromisoformat(row[1]).replace(tzinfo=UTC), *row[2:])
            for row in entries
        )
