"""An index on incident.url: a later import links by URL, once per reference.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain CREATE INDEX: no batch copy of `incident` (see 0003).
    op.create_index(op.f("ix_incident_url"), "incident", ["url"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_incident_url"), table_name="incident")
