"""Contributing factors confirmed on a finding, counted as themes across incidents.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "finding_factors",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("factors_json", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("finding_id"),
    )


def downgrade() -> None:
    op.drop_table("finding_factors")
