"""Confidential feedback notes: sealed to their readers, plaintext moved aside to be sealed.

`feedback_note` loses its kind, text and deviation_justified columns for `sealed`
(ciphertext, storage/sealing). A migration has no one's key to seal to, so the notes
an older file holds move into `feedback_note_pending`, which no window or packet
reads; the first reader who unlocks seals them (storage/records/note_sealing) and
scrubs the freed pages. The table is copied by hand, as 0004 does with `packet`.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEPT = "id, person_id, author_id, incident_id, revision, created_at, updated_at"


def _kind() -> sa.Enum:
    return sa.Enum(
        "recognition",
        "growth",
        "procedural_compliance",
        name="feedbackkind",
        native_enum=False,
        create_constraint=True,
        length=32,
    )


def _indexes(table: str) -> None:
    op.create_index("ix_feedback_note_incident_id", table, ["incident_id"], unique=False)
    op.create_index("ix_feedback_note_person_id", table, ["person_id"], unique=False)


def _drop_indexes() -> None:
    op.drop_index("ix_feedback_note_incident_id", table_name="feedback_note")
    op.drop_index("ix_feedback_note_person_id", table_name="feedback_note")


def upgrade() -> None:
    _drop_indexes()
    op.rename_table("feedback_note", "_feedback_note_plain")
    op.create_table(
        "feedback_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    _indexes("feedback_note")
    op.execute(f"INSERT INTO feedback_note ({_KEPT}) SELECT {_KEPT} FROM _feedback_note_plain")
    op.create_table(
        "feedback_note_pending",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("deviation_justified", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["note_id"], ["feedback_note.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("note_id"),
    )
    op.execute(
        "INSERT INTO feedback_note_pending (note_id, kind, text, deviation_justified) "
        "SELECT id, kind, text, deviation_justified FROM _feedback_note_plain"
    )
    op.drop_table("_feedback_note_plain")
    op.create_table(
        "note_reader",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("certificate_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("recovery", sa.Boolean(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    op.create_table(
        "note_key",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("reader_id", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["note_id"], ["feedback_note.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reader_id"], ["note_reader.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("note_id", "reader_id"),
    )
    op.create_index("ix_note_key_reader_id", "note_key", ["reader_id"], unique=False)


def downgrade() -> None:
    # Sealed notes cannot go back to plain text without their readers; only pending ones do.
    op.drop_index("ix_note_key_reader_id", table_name="note_key")
    op.drop_table("note_key")
    op.drop_table("note_reader")
    _drop_indexes()
    op.rename_table("feedback_note", "_feedback_note_sealed")
    op.create_table(
        "feedback_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("deviation_justified", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        "INSERT INTO feedback_note (id, person_id, author_id, incident_id, kind, text, "
        "deviation_justified, created_at, updated_at, revision) "
        "SELECT n.id, n.person_id, n.author_id, n.incident_id, p.kind, p.text, "
        "p.deviation_justified, n.created_at, n.updated_at, n.revision "
        "FROM _feedback_note_sealed n JOIN feedback_note_pending p ON p.note_id = n.id"
    )
    op.drop_table("feedback_note_pending")
    op.drop_table("_feedback_note_sealed")
    _indexes("feedback_note")
