"""The organisation directory: keys per source, team members, rotations with dated
membership, escalation policies, hand-typed values, and the new person/service columns.

`person` and `service` only gain nullable columns (a plain ALTER TABLE ADD COLUMN), never
a batch copy, which would lose their unnamed CHECK constraints (see 0003).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY_TABLES = (("team_key", "team"), ("person_key", "person"), ("service_key", "service"))


def upgrade() -> None:
    portable.create_nocase_collation()
    op.add_column("person", sa.Column("start_date", sa.Date(), nullable=True))
    op.add_column("person", sa.Column("seniority", sa.String(), nullable=True))
    op.add_column("service", sa.Column("slo_window_days", sa.Integer(), nullable=True))
    op.add_column("service", sa.Column("rto_minutes", sa.Float(), nullable=True))
    op.add_column("service", sa.Column("rpo_minutes", sa.Float(), nullable=True))

    for table, entity in _KEY_TABLES:
        op.create_table(
            table,
            sa.Column("source", sa.String(), nullable=False),
            sa.Column("key", sa.String(collation="NOCASE"), nullable=False),
            sa.Column(f"{entity}_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint([f"{entity}_id"], [f"{entity}.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("source", "key"),
        )
        op.create_index(op.f(f"ix_{table}_{entity}_id"), table, [f"{entity}_id"], unique=False)

    op.create_table(
        "team_member",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", "person_id"),
    )
    op.create_index(op.f("ix_team_member_person_id"), "team_member", ["person_id"], unique=False)

    op.create_table(
        "rotation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=True),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("time_zone", sa.String(), nullable=True),
        sa.Column("turn_seconds", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('schedule','layer')", name="rotation_kind"),
        sa.ForeignKeyConstraint(["parent_id"], ["rotation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "external_id", name="rotation_source_key"),
    )
    op.create_index(op.f("ix_rotation_parent_id"), "rotation", ["parent_id"], unique=False)

    op.create_table(
        "rotation_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rotation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("how", sa.String(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rotation_id"], ["rotation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_rotation_member_rotation", "rotation_member", ["rotation_id", "starts_at"], unique=False
    )
    op.create_index(
        op.f("ix_rotation_member_person_id"), "rotation_member", ["person_id"], unique=False
    )

    op.create_table(
        "escalation_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=True),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("loops", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "external_id", name="policy_source_key"),
    )
    op.create_table(
        "escalation_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("delay_minutes", sa.Float(), nullable=False),
        sa.Column("notify", sa.String(), nullable=True),
        sa.Column("condition", sa.String(), nullable=True),
        sa.CheckConstraint("delay_minutes >= 0", name="escalation_delay_not_negative"),
        sa.CheckConstraint("level >= 1", name="escalation_level_positive"),
        sa.ForeignKeyConstraint(["policy_id"], ["escalation_policy.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("policy_id", "level", name="escalation_level_number"),
    )
    op.create_table(
        "escalation_target",
        sa.Column("level_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("rotation_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.CheckConstraint("kind IN ('person','rotation','team')", name="escalation_target_kind"),
        sa.ForeignKeyConstraint(["level_id"], ["escalation_level.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["rotation_id"], ["rotation.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("level_id", "position"),
    )
    op.create_table(
        "directory_override",
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.Column("imported_json", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "entity IN ('team','person','service','rotation','policy')",
            name="directory_override_entity",
        ),
        sa.PrimaryKeyConstraint("entity", "entity_id", "field"),
    )


def downgrade() -> None:
    for table in (
        "directory_override",
        "escalation_target",
        "escalation_level",
        "escalation_policy",
    ):
        op.drop_table(table)
    op.drop_index(op.f("ix_rotation_member_person_id"), table_name="rotation_member")
    op.drop_index("ix_rotation_member_rotation", table_name="rotation_member")
    op.drop_table("rotation_member")
    op.drop_index(op.f("ix_rotation_parent_id"), table_name="rotation")
    op.drop_table("rotation")
    op.drop_index(op.f("ix_team_member_person_id"), table_name="team_member")
    op.drop_table("team_member")
    for table, entity in _KEY_TABLES:
        op.drop_index(op.f(f"ix_{table}_{entity}_id"), table_name=table)
        op.drop_table(table)
    for table, column in (
        ("service", "rpo_minutes"),
        ("service", "rto_minutes"),
        ("service", "slo_window_days"),
        ("person", "seniority"),
        ("person", "start_date"),
    ):
        # SQLite's own DROP COLUMN (3.35+), not a batch copy of the table.
        op.drop_column(table, column)
