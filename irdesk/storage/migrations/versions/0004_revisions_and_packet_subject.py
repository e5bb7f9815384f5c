"""Edit revisions on review records and events; what a packet is about.

`revision` lets two windows on one file notice that the other changed a record
(compare-and-set) instead of silently overwriting it. Columns are added with
plain ALTER TABLE rather than batch mode: batch would copy these tables and
lose their unnamed enum CHECK constraints, which SQLite cannot reflect.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql.schema import SchemaItem

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REVISED = ("timeline_event", "review", "finding", "feedback_note", "action_item")
_PACKET_0002 = (
    "id, packet_uid, review_id, profile, policy_version_id, sha256, file_name,"
    " signers_json, created_by, created_at"
)


def _packet_columns(*, with_subject: bool) -> list[SchemaItem]:
    items: list[SchemaItem] = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("packet_uid", sa.String(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("profile", sa.String(), nullable=False),
        sa.Column("policy_version_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("signers_json", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["policy_version_id"], ["policy_version.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("packet_uid"),
    ]
    if with_subject:
        items += [
            sa.Column("incident_id", sa.Integer(), nullable=True),
            sa.Column("subject", sa.String(), nullable=True),
            sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="SET NULL"),
        ]
    return items


def _rebuild_packet(*, with_subject: bool) -> None:
    # SQLite cannot add a foreign key to a table, so the table is copied. By hand rather
    # than in batch mode: batch reflects the old table and writes its foreign keys in no
    # fixed order, which makes otherwise identical files differ.
    op.create_table("_packet_new", *_packet_columns(with_subject=with_subject))
    op.execute(f"INSERT INTO _packet_new ({_PACKET_0002}) SELECT {_PACKET_0002} FROM packet")
    op.drop_index("ix_packet_created", table_name="packet")
    op.drop_table("packet")
    op.rename_table("_packet_new", "packet")
    op.create_index("ix_packet_created", "packet", ["created_at"], unique=False)


def upgrade() -> None:
    for table in _REVISED:
        op.add_column(
            table, sa.Column("revision", sa.Integer(), server_default="0", nullable=False)
        )
    _rebuild_packet(with_subject=True)


def downgrade() -> None:
    _rebuild_packet(with_subject=False)
    for table in reversed(_REVISED):
        op.drop_column(table, "revision")
