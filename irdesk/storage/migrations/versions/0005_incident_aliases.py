"""Incident aliases: the other names an incident goes by, for links from later imports.

A new table only (see 0003 on why `incident` itself is never batch-altered).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident_alias",
        sa.Column("alias", sa.String(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("alias", "incident_id"),
    )
    op.create_index(
        op.f("ix_incident_alias_incident_id"), "incident_alias", ["incident_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_incident_alias_incident_id"), table_name="incident_alias")
    op.drop_table("incident_alias")
