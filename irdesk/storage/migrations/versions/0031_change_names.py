"""Others' directory edits name the record and the field: "Bo edited person Ana Lima:
time zone", not "Bo edited a person".

Migration 0030's notification carries the actor, the action and the incident's key,
which says which review changed but not which person, team, service, rotation or
escalation policy. Each of those now adds the record's name, read in the transaction
that wrote the audit entry, and the field the entry names (its detail's "field"),
so the status bar and the live-change bar can say which one changed and how. A
person's edit and a feedback note's name the person they are about (a note's subject
is readable in the file already; its incident stays out, as in 0030), so the Person
window reloads for its own person's notes only.

A file has one writer at a time and nobody to tell, so on SQLite this does nothing.

Revision ID: 0031
Revises: 0028
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0031"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE OR REPLACE FUNCTION irdesk_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_review bigint;
    v_incident bigint;
    v_key text;
    v_name text;
    v_person bigint;
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
    IF NEW.entity = 'person' THEN
        v_person := NEW.entity_id;
        SELECT name INTO v_name FROM person WHERE id = NEW.entity_id;
    ELSIF NEW.entity = 'team' THEN
        SELECT name INTO v_name FROM team WHERE id = NEW.entity_id;
    ELSIF NEW.entity = 'service' THEN
        SELECT name INTO v_name FROM service WHERE id = NEW.entity_id;
    ELSIF NEW.entity = 'rotation' THEN
        SELECT name INTO v_name FROM rotation WHERE id = NEW.entity_id;
    ELSIF NEW.entity = 'policy' THEN
        SELECT name INTO v_name FROM escalation_policy WHERE id = NEW.entity_id;
    ELSIF NEW.entity = 'feedback_note' THEN
        SELECT person_id INTO v_person FROM feedback_note WHERE id = NEW.entity_id;
    END IF;
    PERFORM pg_notify(
        'irdesk_changes',
        json_build_object(
            'entity', NEW.entity, 'id', NEW.entity_id, 'incident', v_incident,
            'key', v_key, 'actor', NEW.actor, 'action', NEW.action,
            'name', v_name, 'field', NEW.detail_json::json ->> 'field', 'person', v_person
        )::text
    );
    RETURN NULL;
END
$$
"""

# Migration 0030's, put back on a downgrade.
_OLD_FUNCTION = """
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


def upgrade() -> None:
    if portable.on_sqlite():
        return
    op.execute(_FUNCTION)


def downgrade() -> None:
    if portable.on_sqlite():
        return
    op.execute(_OLD_FUNCTION)
