"""Every window follows others' changes: notifications say who, what, and of an import.

Migration 0026 told listeners which record changed, enough for the Review tab to reload
it. The other windows also say who changed what ("Dana edited the review of
INC-42"), so each notification now carries the audit entry's actor and action and the
incident's external id, read in the transaction that wrote them. An import is not
audited (it is provenance, recorded in source_file), yet the incident list and the
figures follow it: a statement trigger on the incident table tells of any write there.
PostgreSQL delivers a payload repeated within one transaction once, so an import of a
million rows is one notification, and an edit that touches no incident row costs
nothing. A feedback note's incident stays out of its payload, and so does its key.

A file has one writer at a time and nobody to tell, so on SQLite this does nothing.

Revision ID: 0030
Revises: 0023
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0030"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0026's function with the actor, the action and the incident's external id added.
_FUNCTION = """
CREATE OR REPLACE FUNCTION irdesk_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_review bigint;
    v_incident bigint;
    v_key text;
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
    IF v_incident IS NOT NULL THEN
        SELECT external_id INTO v_key FROM incident WHERE id = v_incident;
    END IF;
    PERFORM pg_notify(
        'irdesk_changes',
        json_build_object(
            'entity', NEW.entity, 'id', NEW.entity_id, 'incident', v_incident,
            'key', v_key, 'actor', NEW.actor, 'action', NEW.action
        )::text
    );
    RETURN NULL;
END
$$
"""

_OLD_FUNCTION = """
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

# Any write to the incident table (an import, above all): one constant payload, so the
# server delivers it once per transaction however many statements sent it.
_IMPORTED = """
CREATE OR REPLACE FUNCTION irdesk_notify_incidents() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('irdesk_changes', '{"entity": "incidents"}');
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if portable.on_sqlite():
        return
    op.execute(_FUNCTION)
    op.execute(_IMPORTED)
    op.execute(
        "CREATE TRIGGER incident_write_notify AFTER INSERT OR UPDATE OR DELETE ON incident"
        " FOR EACH STATEMENT EXECUTE FUNCTION irdesk_notify_incidents()"
    )


def downgrade() -> None:
    if portable.on_sqlite():
        return
    op.execute("DROP TRIGGER incident_write_notify ON incident")
    op.execute("DROP FUNCTION irdesk_notify_incidents()")
    op.execute(_OLD_FUNCTION)
