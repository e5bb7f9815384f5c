"""`irdesk db check`: integrity and schema version, read-only."""

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from irdesk.storage import schema
from irdesk.storage.database import inspect_file, read_only_connection

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

    @property
    def is_current(self) -> bool:
        return self.revision == self.head

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_key_problems


def check_database(path: Path) -> CheckReport:
    """Raises the same `DatabaseError`s as opening; never writes to the file."""
    path = Path(path).expanduser().resolve()
    state = inspect_file(path)
    report = CheckReport(path=path, revision=state.revision, head=schema.head_revision())
    with contextlib.closing(read_only_connection(path)) as conn:
        report.integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        report.foreign_key_problems = [
            f"{table} row {rowid} refers to a missing {parent}"
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
        ]
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        for table in COUNTED_TABLES:
            if table in tables:
                report.counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return report
