"""Where the audit log stood when a packet was exported: its length and newest hash.

The same two values go into the packet's signed manifest. A hash chain alone cannot
show that its newest entries were removed; a copy of its head kept elsewhere can.
Plain ALTER TABLE (nullable columns, no foreign keys): packets exported before this
revision have no anchor.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("packet", sa.Column("audit_entries", sa.Integer(), nullable=True))
    op.add_column("packet", sa.Column("audit_head", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("packet", "audit_head")
    op.drop_column("packet", "audit_entries")
