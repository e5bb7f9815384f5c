"""A team database tells its listeners what changed: a NOTIFY for every audit entry.

Every edit irdesk makes is audited in its own transaction, so the audit log is the one
place that sees them all, whichever window, command or version made them. A trigger
on it sends `irdesk_changes` a small JSON payload (the entity, its id, and the incident
it belongs to when the record hangs off one), which PostgreSQL delivers when the
transaction commits and never when it rolls back. A deleted finding or action item,
which its entry can no longer place, is told by a trigger on its own table. Open
windows LISTEN and reload the review shown (storage/notify, gui/common/live). A
feedback note's incident is left out of its payload: who listens is not who may read
notes.

A file has one writer at a time and nobody to tell, so on SQLite this does nothing.

Revision ID: 0026
Revises: 0022
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0026"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each lookup its own statement, so a branch not taken reads (and needs a grant on) nothing.
_FUNCTION = """
CREATE OR REPLACE FUNCTION irdesk_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_review bigint;
    v_incident bigint;
BEGIN
    IF NEW.entity = 'incident' THEN
        v_incident := NEW.entity_id;
    ELSIF NEW.entity = 'timeline_event' THEN
        SELECT incident_id INTO v_incident FROM timeline_event WHERE id = NEW.entity_id;
    ELSIF NEW.entity = 'review' THEN
        v_review := NEW.entity_id;
    ELSIF NEW.entity = 'finding' THEN
        SELECT review_id INTO v_review FROM finding WHERE id = NEW.entity_id;
    ELSIF NEW.entity = 'action_item' THEN
        SELECT review_id INTO v_review FROM action_item WHERE id = NEW.entity_id;
    END IF;
    -- A finding or action item gone by now was deleted: its own trigger told.
    IF v_review IS NULL AND NEW.entity IN ('finding', 'action_item') THEN
        RETURN NULL;
    END IF;
    IF v_review IS NOT NULL THEN
        SELECT incident_id INTO v_incident FROM review WHERE id = v_review;
    END IF;
    PERFORM pg_notify(
        'irdesk_changes',
        json_build_object('entity', NEW.entity, 'id', NEW.entity_id, 'incident', v_incident)::text
    );
    RETURN NULL;
END
$$
"""

# A deleted finding or action item, which its audit entry can no longer place.
_REMOVAL = """
CREATE OR REPLACE FUNCTION irdesk_notify_removal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(
        'irdesk_changes',
        json_build_object(
            'entity', TG_TABLE_NAME,
            'id', OLD.id,
            'incident', (SELECT incident_id FROM review WHERE id = OLD.review_id)
        )::text
    );
    RETURN NULL;
END
$$
"""
REMOVALS = ("finding", "action_item")


def upgrade() -> None:
    if portable.on_sqlite():
        return
    op.execute(_FUNCTION)
    op.execute(
        "CREATE TRIGGER audit_entry_notify AFTER INSERT ON audit_entry"
        " FOR EACH ROW EXECUTE FUNCTION irdesk_notify_change()"
    )
    op.execute(_REMOVAL)
    for table in REMOVALS:
        op.execute(
            f"CREATE TRIGGER {table}_removal_notify AFTER DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION irdesk_notify_removal()"
        )


def downgrade() -> None:
    if portable.on_sqlite():
        return
    for table in REMOVALS:
        op.execute(f"DROP TRIGGER {table}_removal_notify ON {table}")
    op.execute("DROP FUNCTION irdesk_notify_removal()")
    op.execute("DROP TRIGGER audit_entry_notify ON audit_entry")
    op.execute("DROP FUNCTION irdesk_notify_change()")
