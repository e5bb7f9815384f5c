"""Import provenance (source files per incident), cross-tool merges, lifecycle overrides.

New tables only: batch-altering `incident` on SQLite would copy it and lose its
unnamed CHECK constraints, which SQLite cannot reflect.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "source_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("importer_version", sa.String(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("source_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_file_import_id"), ["import_id"], unique=False)
        batch_op.create_index("ix_source_file_sha256", ["sha256"], unique=False)

    op.create_table(
        "incident_source_file",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("source_file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_file_id"], ["source_file.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("incident_id", "source_file_id"),
    )
    with op.batch_alter_table("incident_source_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_source_file_source_file_id"), ["source_file_id"], unique=False
        )

    op.create_table(
        "lifecycle_override",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("value", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "field IN ('started_at','detected_at','acknowledged_at','mitigated_at','resolved_at','verified_at')",
            name="override_lifecycle_field",
        ),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("incident_id", "field"),
    )
    op.create_table(
        "incident_merge",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("into_id", sa.Integer(), nullable=False),
        sa.Column("how", sa.String(), nullable=False),
        sa.Column("evidence", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("incident_id <> into_id", name="merge_not_self"),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["into_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("incident_id"),
    )
    op.create_index("ix_incident_merge_into_id", "incident_merge", ["into_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_incident_merge_into_id", table_name="incident_merge")
    op.drop_table("incident_merge")
    op.drop_table("lifecycle_override")
    with op.batch_alter_table("incident_source_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_source_file_source_file_id"))

    op.drop_table("incident_source_file")
    with op.batch_alter_table("source_file", schema=None) as batch_op:
        batch_op.drop_index("ix_source_file_sha256")
        batch_op.drop_index(batch_op.f("ix_source_file_import_id"))

    op.drop_table("source_file")
