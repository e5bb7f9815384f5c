"""Values typed into the directory, each effective from a date.

A new table only. Each value typed so far applied for all time: it becomes one dated
value effective from the epoch, so the figures stay what they were.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "entity IN ('team','person','service','rotation','policy')",
            name="directory_value_entity",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "entity", "entity_id", "field", "effective_from", name="directory_value_once_a_time"
        ),
    )
    op.execute(
        "INSERT INTO directory_value"
        " (entity, entity_id, field, value_json, effective_from, reason, set_by, set_at)"
        " SELECT entity, entity_id, field, value_json, '1970-01-01 00:00:00.000000',"
        " reason, set_by, set_at FROM directory_override"
    )


def downgrade() -> None:
    op.drop_table("directory_value")
