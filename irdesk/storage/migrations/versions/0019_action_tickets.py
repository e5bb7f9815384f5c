"""Action items following their tickets: the ticket as last seen, and each change it made.

New tables only (see 0003 on why `incident` itself is never batch-altered).

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTION_STATUSES = ("open", "in_progress", "done", "wont_do")


def upgrade() -> None:
    op.create_table(
        "action_ticket",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("ticket", sa.String(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *ACTION_STATUSES,
                name="actionstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("assignee_person_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["action_item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assignee_person_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("action_id"),
    )
    op.create_table(
        "action_item_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.Column("ticket", sa.String(), nullable=False),
        sa.Column("changed_by", sa.String(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("file", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["action_item.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_action_item_change_action_id", "action_item_change", ["action_id"])


def downgrade() -> None:
    op.drop_index("ix_action_item_change_action_id", table_name="action_item_change")
    op.drop_table("action_item_change")
    op.drop_table("action_ticket")
