"""`irdesk db check`: integrity, schema version and the audit log, read-only.

The audit log is checked as a chain (every hash holds) and against every anchor
known: the one each packet row recorded, and those the caller read from packet files
(a packet row can be deleted with the newest entries; a signed PDF elsewhere cannot).
"""

import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from irdesk.storage import schema
from irdesk.storage.bulk.metric_facts import check_store
from irdesk.storage.errors import CorruptDatabase
from irdesk.storage.inspection import inspect_file, read_only_connection
from irdesk.storage.records.audit import (
    AnchorClaim,
    AuditAnchor,
    ChainEntry,
    anchor_problems,
    first_broken,
)

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
    # Anchors held to the chain, and one sentence for each it does not hold.
    anchors_checked: int = 0
    anchor_problems: list[str] = field(default_factory=list)
    # The timeline facts kept for the figures that are damaged or disagree with the
    # timeline (a read would rebuild a damaged one; a disagreeing one it would trust).
    metric_fact_problems: list[str] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return self.revision == self.head

    @property
    def ok(self) -> bool:
        return (
            self.integrity == ["ok"]
            and not self.foreign_key_problems
            and self.audit_broken_at is None
            and not self.anchor_problems
            and not self.metric_fact_problems
        )


def check_database(path: Path, anchors: Iterable[AnchorClaim] = ()) -> CheckReport:
    """Raises the same `DatabaseError`s as opening, except that a damaged file is
    reported on (every problem SQLite finds) rather than refused; never writes.

    The audit log is held to `anchors` (read from packet files) as well as to the
    anchors of the packets the file records.
    """
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
            _fill(report, conn, list(anchors))
    except sqlite3.DatabaseError:
        if error is not None:
            raise error from None  # too damaged to say more than opening did
        raise
    return report


def check_anchors(path: Path, anchors: Sequence[AnchorClaim]) -> list[str]:
    """What `anchors` find wrong with the audit log of the irdesk file `path` (read-only)."""
    path = Path(path).expanduser().resolve()
    inspect_file(path)
    with contextlib.closing(read_only_connection(path)) as conn:
        return anchor_problems(_chain(conn), anchors)


def _chain(conn: sqlite3.Connection) -> list[ChainEntry]:
    rows = conn.execute("SELECT hash, action, detail_json FROM audit_entry ORDER BY id")
    return [ChainEntry.of(*row) for row in rows]


def _recorded_anchors(conn: sqlite3.Connection) -> list[AnchorClaim]:
    """The anchors packet rows hold; none in a file from before they were kept."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(packet)")}
    if "audit_head" not in columns:
        return []
    rows = conn.execute(
        "SELECT packet_uid, audit_entries, audit_head FROM packet"
        " WHERE audit_entries IS NOT NULL AND audit_head IS NOT NULL ORDER BY id"
    )
    return [
        AnchorClaim(uid, AuditAnchor(entries, head), f"packet {uid}'s record")
        for uid, entries, head in rows
    ]


def _fill(report: CheckReport, conn: sqlite3.Connection, anchors: list[AnchorClaim]) -> None:
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
        claims = _recorded_anchors(conn) + anchors
        report.anchors_checked = len(claims)
        report.anchor_problems = anchor_problems(_chain(conn), claims)
    report.metric_fact_problems = check_store(conn.cursor())
