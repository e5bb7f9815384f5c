"""The timeline facts the figures use, kept per block of incident ids
(`storage/bulk/metric_facts`), and the triggers that drop a block's facts when its
timeline is edited.

An insert needs no trigger: the facts record the highest event id they saw, and a read
looks for events above it. An update of what the facts are made of (incident, actor,
time, kind) or a delete drops the block's mark and counts an edit; a delete of the
file's newest events also lowers the watermarks to the newest id left, as SQLite gives
the next row the id after the largest. The tables are created on PostgreSQL too, so
that both have one schema; the server reads its own way and nothing writes them there.
The upgrade builds nothing: the first read of the figures does.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BLOCK = 10_000  # metric_facts.BLOCK, written out: a migration does not change with the code

_EDITED = """
INSERT INTO metric_fact_state (id, edits) VALUES (1, 1)
ON CONFLICT (id) DO UPDATE SET edits = edits + 1;
"""
_TRIGGERS = {
    "metric_facts_event_update": f"""
CREATE TRIGGER metric_facts_event_update
AFTER UPDATE OF id, incident_id, actor_person_id, occurred_at, kind ON timeline_event
BEGIN
DELETE FROM metric_fact_block WHERE block IN (old.incident_id / {BLOCK}, new.incident_id / {BLOCK});
{_EDITED}
UPDATE metric_fact_block SET watermark = (SELECT ifnull(max(id), 0) FROM timeline_event)
WHERE watermark > (SELECT ifnull(max(id), 0) FROM timeline_event);
END""",
    "metric_facts_event_delete": f"""
CREATE TRIGGER metric_facts_event_delete AFTER DELETE ON timeline_event
BEGIN
DELETE FROM metric_fact_block WHERE block = old.incident_id / {BLOCK};
{_EDITED}
UPDATE metric_fact_block SET watermark = (SELECT ifnull(max(id), 0) FROM timeline_event)
WHERE watermark > (SELECT ifnull(max(id), 0) FROM timeline_event);
END""",
}


def upgrade() -> None:
    op.create_table(
        "metric_fact_block",
        sa.Column("block", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("watermark", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("resolvers", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block"),
    )
    op.create_table(
        "metric_fact_blob",
        sa.Column("block", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("facts", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("block"),
    )
    op.create_table(
        "metric_fact_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("edits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    if portable.on_sqlite():
        for sql in _TRIGGERS.values():
            op.execute(sql)


def downgrade() -> None:
    if portable.on_sqlite():
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("metric_fact_state")
    op.drop_table("metric_fact_blob")
    op.drop_table("metric_fact_block")
