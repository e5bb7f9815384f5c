"""The incident columns the figures read, kept beside the timeline facts in the same
blocks of incident ids (`storage/bulk/metric_facts`), and the triggers that drop a
block when one of its incidents is edited or deleted.

A block's mark records the highest incident id it saw beside the highest event id, and
what its blob now holds too (the incidents, their distinct titles and the titles'
bytes). An insert needs no trigger: a read looks for incidents above the watermark. An
update of a column the figures read drops the block's mark and counts an edit (an
import's re-import of an incident included: its values may have changed); a delete does
too and lowers the incident watermarks to the newest id left, as SQLite gives the next
row the id after the largest. The blocks stored before are of the previous layout and
count as missing: the first read of the figures rebuilds them, and the upgrade builds
nothing. The columns are added on PostgreSQL too, so that both have one schema; the
server reads its own way and nothing writes them there.

Revision ID: 0029
Revises: 0031
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0029"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BLOCK = 10_000  # metric_facts.BLOCK, written out: a migration does not change with the code
_COLUMNS = ("incident_watermark", "incidents", "titles", "title_bytes")
# What the figures read of an incident (metric_scans.SCANNED_INCIDENTS), written out.
_READ = (
    "id, title, service_id, severity, customer_severity, started_at, detected_at,"
    " acknowledged_at, mitigated_at, resolved_at, verified_at, users_affected,"
    " downtime_cost, external_cause, approved_tech_debt, regulatory_exposure"
)
_EDITED = """
INSERT INTO metric_fact_state (id, edits) VALUES (1, 1)
ON CONFLICT (id) DO UPDATE SET edits = edits + 1;
"""
_LOWERED = """
UPDATE metric_fact_block SET incident_watermark = (SELECT ifnull(max(id), 0) FROM incident)
WHERE {0} incident_watermark > (SELECT ifnull(max(id), 0) FROM incident);
"""
_TRIGGERS = {
    # Only a changed id can free the newest id: the usual update leaves the watermarks
    # alone (a constant condition SQLite tests once, not per block).
    "metric_facts_incident_update": f"""
CREATE TRIGGER metric_facts_incident_update AFTER UPDATE OF {_READ} ON incident
BEGIN
DELETE FROM metric_fact_block WHERE block IN (old.id / {BLOCK}, new.id / {BLOCK});
{_EDITED}
{_LOWERED.format("old.id <> new.id AND")}
END""",
    "metric_facts_incident_delete": f"""
CREATE TRIGGER metric_facts_incident_delete AFTER DELETE ON incident
BEGIN
DELETE FROM metric_fact_block WHERE block = old.id / {BLOCK};
{_EDITED}
{_LOWERED.format("")}
END""",
}


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column(
            "metric_fact_block",
            sa.Column(name, sa.Integer(), nullable=False, server_default="0"),
        )
    if portable.on_sqlite():
        for sql in _TRIGGERS.values():
            op.execute(sql)


def downgrade() -> None:
    if portable.on_sqlite():
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    # The blocks hold the incidents too: the previous layout's reader must not take them.
    op.execute("DELETE FROM metric_fact_block")
    # In place (SQLite 3.35 and later, and PostgreSQL): a copy of the table would trip
    # 0028's triggers, which name it.
    for name in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE metric_fact_block DROP COLUMN {name}")
