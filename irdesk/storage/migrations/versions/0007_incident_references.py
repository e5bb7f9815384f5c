"""Incident references: what an incident cites, so the cited one can find it later.

A new table only (see 0003 on why `incident` itself is never batch-altered).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident_reference",
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("reference", "incident_id"),
    )
    op.create_index(
        op.f("ix_incident_reference_incident_id"),
        "incident_reference",
        ["incident_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_incident_reference_incident_id"), table_name="incident_reference")
    op.drop_table("incident_reference")
