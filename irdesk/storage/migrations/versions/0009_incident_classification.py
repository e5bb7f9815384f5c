"""Incident classification: what a facilitator knows beside the source's values.

A new table only (see 0003 on why `incident` itself is never batch-altered).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5")


def _severity(name: str) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.Enum(
            *SEVERITIES,
            name=portable.check_name("severity", name),
            native_enum=False,
            create_constraint=True,
            length=32,
        ),
        nullable=True,
    )


def upgrade() -> None:
    op.create_table(
        "incident_classification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        _severity("customer_severity"),
        _severity("severity"),
        sa.Column("users_affected", sa.Integer(), nullable=True),
        sa.Column("downtime_cost", sa.Float(), nullable=True),
        sa.Column("external_cause", sa.Boolean(), nullable=True),
        sa.Column("external_vendor", sa.String(), nullable=True),
        sa.Column("external_evidence", sa.String(), nullable=True),
        sa.Column("approved_tech_debt", sa.Boolean(), nullable=True),
        sa.Column("debt_approver", sa.String(), nullable=True),
        sa.Column("debt_decision", sa.String(), nullable=True),
        sa.Column("regulatory_exposure", sa.Boolean(), nullable=True),
        sa.Column("regulation", sa.String(), nullable=True),
        sa.Column("notification_deadline", sa.DateTime(), nullable=True),
        sa.Column(
            "not_incident", sa.Boolean(), server_default=portable.false_default(), nullable=False
        ),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "users_affected IS NULL OR users_affected >= 0", name="classification_users"
        ),
        sa.CheckConstraint(
            "downtime_cost IS NULL OR downtime_cost >= 0", name="classification_cost"
        ),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id"),
    )


def downgrade() -> None:
    op.drop_table("incident_classification")
