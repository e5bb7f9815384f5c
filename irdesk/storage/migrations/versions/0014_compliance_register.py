"""The compliance register: regulations' notice rules, and when notice was given.

New tables only (see 0003 on why `incident` itself is never batch-altered).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "regulation_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regulation", sa.String(), nullable=False),
        sa.Column("notice", sa.String(), nullable=False),
        sa.Column("within_hours", sa.Float(), nullable=False),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("within_hours > 0", name="regulation_rule_hours_positive"),
        sa.CheckConstraint("regulation <> ''", name="regulation_rule_name_not_empty"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("regulation"),
    )
    op.create_table(
        "incident_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("notified_by", sa.String(), nullable=True),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id"),
    )


def downgrade() -> None:
    op.drop_table("incident_notification")
    op.drop_table("regulation_rule")
