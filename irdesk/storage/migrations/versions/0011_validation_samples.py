"""Validation samples: incidents drawn by a recorded seed and checked by hand, field by field.

New tables only. Chained after 0010: the revisions between are other branches' and
are joined when those merge.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "validation_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("per_source", sa.Integer(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(), nullable=False),
        sa.Column("drawn_by", sa.String(), nullable=False),
        sa.CheckConstraint("per_source >= 1", name="validation_sample_size"),
        sa.CheckConstraint("seed >= 0", name="validation_sample_seed"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "validation_sample_incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("checked_by", sa.String(), nullable=True),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sample_id"], ["validation_sample.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sample_id", "incident_id", name="validation_sample_incident_once"),
    )
    op.create_index(
        op.f("ix_validation_sample_incident_sample_id"),
        "validation_sample_incident",
        ["sample_id"],
        unique=False,
    )
    op.create_table(
        "validation_finding",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("recorded", sa.String(), nullable=True),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("value", sa.String(), nullable=True),
        sa.Column("minutes", sa.Float(), nullable=True),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "field IN ('started_at','detected_at','acknowledged_at','mitigated_at','resolved_at',"
            "'severity')",
            name="validation_finding_field",
        ),
        sa.ForeignKeyConstraint(["item_id"], ["validation_sample_incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "field"),
    )


def downgrade() -> None:
    op.drop_table("validation_finding")
    op.drop_index(
        op.f("ix_validation_sample_incident_sample_id"), table_name="validation_sample_incident"
    )
    op.drop_table("validation_sample_incident")
    op.drop_table("validation_sample")
