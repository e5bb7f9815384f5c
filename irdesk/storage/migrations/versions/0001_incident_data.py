"""Incident data: teams, people, services, incidents and their timelines.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Marks the file as irdesk's in the SQLite header ("IRDK").
    if portable.on_sqlite():
        op.execute("PRAGMA application_id = 1230128203")
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("rotation", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("time_zone", sa.String(), nullable=True),
        sa.Column("hourly_rate", sa.Float(), nullable=True),
        sa.CheckConstraint("email IS NULL OR email <> ''", name="person_email_not_empty"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_team_id"), ["team_id"], unique=False)

    op.create_table(
        "service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column(
            "tier",
            sa.Enum(
                "tier1",
                "tier2",
                "tier3",
                name="servicetier",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("slo_target", sa.Float(), nullable=False),
        sa.Column("cost_per_minute", sa.Float(), nullable=False),
        sa.Column("owner_team_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("cost_per_minute >= 0", name="service_cost_not_negative"),
        sa.CheckConstraint("slo_target > 0 AND slo_target <= 100", name="service_slo_range"),
        sa.ForeignKeyConstraint(["owner_team_id"], ["team.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column(
            "severity",
            sa.Enum(
                "SEV1",
                "SEV2",
                "SEV3",
                "SEV4",
                "SEV5",
                name="severity",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("severity_raw", sa.String(), nullable=True),
        sa.Column(
            "customer_severity",
            sa.Enum(
                "SEV1",
                "SEV2",
                "SEV3",
                "SEV4",
                "SEV5",
                name=portable.check_name("severity", "customer_severity"),
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "triggered",
                "acknowledged",
                "mitigated",
                "resolved",
                name="incidentstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("mitigated_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("users_affected", sa.Integer(), nullable=True),
        sa.Column("downtime_cost", sa.Float(), nullable=True),
        sa.Column("external_cause", sa.Boolean(), nullable=False),
        sa.Column("approved_tech_debt", sa.Boolean(), nullable=False),
        sa.Column("regulatory_exposure", sa.Boolean(), nullable=False),
        sa.Column("consistency_flags", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("external_id <> ''", name="incident_external_id_not_empty"),
        sa.CheckConstraint("source <> ''", name="incident_source_not_empty"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "external_id", name="incident_source_key"),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_service_started", ["service_id", "started_at"], unique=False
        )
        batch_op.create_index(
            "ix_incident_severity_started", ["severity", "started_at"], unique=False
        )
        batch_op.create_index("ix_incident_started_at", ["started_at"], unique=False)

    op.create_table(
        "timeline_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "alert",
                "page",
                "acknowledge",
                "escalate",
                "note",
                "action",
                "status_change",
                "mitigate",
                "resolve",
                "verify",
                "communication",
                name="eventkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("is_key_moment", sa.Boolean(), nullable=False),
        sa.Column("added_by_facilitator", sa.Boolean(), nullable=False),
        sa.Column("original_occurred_at", sa.DateTime(), nullable=True),
        sa.Column("original_text", sa.Text(), nullable=True),
        sa.Column("corrected_by", sa.String(), nullable=True),
        sa.Column("correction_reason", sa.String(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "external_id IS NULL OR external_id <> ''", name="event_external_id_not_empty"
        ),
        sa.ForeignKeyConstraint(["actor_person_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("timeline_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timeline_event_actor_person_id"), ["actor_person_id"], unique=False
        )
        batch_op.create_index(
            "ix_timeline_incident_time", ["incident_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ux_timeline_source_key",
            ["incident_id", "source", "external_id"],
            unique=True,
            **portable.partial("external_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("timeline_event", schema=None) as batch_op:
        batch_op.drop_index("ux_timeline_source_key")
        batch_op.drop_index("ix_timeline_incident_time")
        batch_op.drop_index("ix_timeline_event_actor_person_id")

    op.drop_table("timeline_event")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_started_at")
        batch_op.drop_index("ix_incident_severity_started")
        batch_op.drop_index("ix_incident_service_started")

    op.drop_table("incident")
    op.drop_table("service")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_team_id")

    op.drop_table("person")
    op.drop_table("team")
