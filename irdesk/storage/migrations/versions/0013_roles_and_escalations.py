"""Incident roles, services linked to their escalation policies, and finding tags.

New tables only: altering `service` or `finding` on SQLite would copy them under the
foreign keys that point at them (see 0003 on why `incident` is never batch-altered).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = (
    "commander",
    "responder",
    "oncall_primary",
    "oncall_secondary",
    "team_lead",
    "communications",
    "scribe",
)
TAGS = ("process_gap", "individual_decision", "tooling", "external")


def _enum(name: str, values: tuple[str, ...], type_name: str) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.Enum(*values, name=type_name, native_enum=False, create_constraint=True, length=32),
        nullable=True,
    )


def upgrade() -> None:
    op.create_table(
        "incident_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        _enum("role", ROLES, "incidentrolekind"),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("how", sa.String(), nullable=True),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("source IN ('import','typed')", name="incident_role_source"),
        sa.CheckConstraint("role IS NOT NULL OR source = 'typed'", name="incident_role_cleared"),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_role_incident_id", "incident_role", ["incident_id"])
    op.create_index("ix_incident_role_person_id", "incident_role", ["person_id"])
    op.create_index(
        "ux_incident_role_imported",
        "incident_role",
        ["incident_id", "person_id", "role"],
        unique=True,
        **portable.partial("source = 'import'"),
    )
    op.create_index(
        "ux_incident_role_typed",
        "incident_role",
        ["incident_id", "person_id"],
        unique=True,
        **portable.partial("source = 'typed'"),
    )
    op.create_table(
        "service_policy",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["policy_id"], ["escalation_policy.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id"),
    )
    op.create_index("ix_service_policy_policy_id", "service_policy", ["policy_id"])
    op.create_table(
        "finding_tag",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        _enum("tag", TAGS, "findingtag"),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("finding_id"),
    )


def downgrade() -> None:
    op.drop_table("finding_tag")
    op.drop_index("ix_service_policy_policy_id", table_name="service_policy")
    op.drop_table("service_policy")
    op.drop_index("ux_incident_role_typed", table_name="incident_role")
    op.drop_index("ux_incident_role_imported", table_name="incident_role")
    op.drop_index("ix_incident_role_person_id", table_name="incident_role")
    op.drop_index("ix_incident_role_incident_id", table_name="incident_role")
    op.drop_table("incident_role")
