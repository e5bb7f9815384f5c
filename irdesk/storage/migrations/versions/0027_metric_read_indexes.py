"""Indexes that let the figures of one period read only that period's part of a big file.

The timeline's index on (incident, time) also holds each event's actor and kind: the
events of a run of incidents are then one read of the index alone, without a look-up of
the table's rows (or of their id range first). Its old form served the same reads, by
the same leading columns, so it is replaced rather than joined by a second one.

The incidents whose impact is still going at a period's start (no end yet, or an end
after it; the end is the mitigation, else the resolution) are found by an index on
mitigation, resolution and start, in a few ranges of it, instead of a pass over every
incident. Plain columns rather than an index on the end's expression: the models'
comparison with the migrated schema cannot reflect an expression.

Revision ID: 0027
Revises: 0023
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_timeline_incident_time", table_name="timeline_event")
    op.create_index(
        "ix_timeline_incident_time",
        "timeline_event",
        ["incident_id", "occurred_at", "actor_person_id", "kind"],
    )
    op.create_index(
        "ix_incident_impact_end", "incident", ["mitigated_at", "resolved_at", "started_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_incident_impact_end", table_name="incident")
    op.drop_index("ix_timeline_incident_time", table_name="timeline_event")
    op.create_index("ix_timeline_incident_time", "timeline_event", ["incident_id", "occurred_at"])
