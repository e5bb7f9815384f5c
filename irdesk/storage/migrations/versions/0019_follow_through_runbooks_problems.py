"""Action items following their tickets (the ticket as last seen, each change it made),
runbooks (their steps, and what became of each step in an incident), and problems
that span teams (their incidents, accountable and contributing teams).

New tables only (see 0003 on why `incident` itself is never batch-altered).

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0019"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTION_STATUSES = ("open", "in_progress", "done", "wont_do")
RUNBOOK_OUTCOMES = ("followed", "skipped", "deviated")


def _enum(name: str, values: tuple[str, ...], type_name: str) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.Enum(*values, name=type_name, native_enum=False, create_constraint=True, length=32),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "action_ticket",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("ticket", sa.String(), nullable=False),
        _enum("status", ACTION_STATUSES, "actionstatus"),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("assignee_person_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["action_item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assignee_person_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("action_id"),
    )
    op.create_table(
        "action_item_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.Column("ticket", sa.String(), nullable=False),
        sa.Column("changed_by", sa.String(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("file", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["action_item.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_action_item_change_action_id", "action_item_change", ["action_id"])
    op.create_table(
        "runbook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_name", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=True),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_name"),
    )
    op.create_table(
        "runbook_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runbook_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("retired", sa.Boolean(), server_default=portable.false_default(), nullable=False),
        sa.CheckConstraint("position >= 1", name="runbook_step_position"),
        sa.ForeignKeyConstraint(["runbook_id"], ["runbook.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_runbook_step_runbook_id", "runbook_step", ["runbook_id"])
    op.create_table(
        "runbook_step_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        _enum("outcome", RUNBOOK_OUTCOMES, "runbookoutcome"),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column(
            "justified", sa.Boolean(), server_default=portable.false_default(), nullable=False
        ),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("set_by", sa.String(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "NOT justified OR (reason IS NOT NULL AND reason <> '')",
            name="runbook_justified_reason",
        ),
        sa.CheckConstraint(
            "outcome <> 'followed' OR NOT justified", name="runbook_followed_not_justified"
        ),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["step_id"], ["runbook_step.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["timeline_event.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "step_id", name="runbook_step_once"),
    )
    op.create_index("ix_runbook_step_record_incident_id", "runbook_step_record", ["incident_id"])
    op.create_index("ix_runbook_step_record_step_id", "runbook_step_record", ["step_id"])
    op.create_table(
        "problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("accountable_team_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["accountable_team_id"], ["team.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "problem_incident",
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("problem_id", "incident_id"),
    )
    op.create_index("ix_problem_incident_incident_id", "problem_incident", ["incident_id"])
    op.create_table(
        "problem_team",
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("problem_id", "team_id"),
    )


def downgrade() -> None:
    op.drop_table("problem_team")
    op.drop_index("ix_problem_incident_incident_id", table_name="problem_incident")
    op.drop_table("problem_incident")
    op.drop_table("problem")
    op.drop_index("ix_runbook_step_record_step_id", table_name="runbook_step_record")
    op.drop_index("ix_runbook_step_record_incident_id", table_name="runbook_step_record")
    op.drop_table("runbook_step_record")
    op.drop_index("ix_runbook_step_runbook_id", table_name="runbook_step")
    op.drop_table("runbook_step")
    op.drop_table("runbook")
    op.drop_index("ix_action_item_change_action_id", table_name="action_item_change")
    op.drop_table("action_item_change")
    op.drop_table("action_ticket")
