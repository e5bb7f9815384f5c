"""Who may do what on a team database, enforced by PostgreSQL itself.

`irdesk db roles` prints this SQL for an administrator to run once after
`irdesk db upgrade` (and again after an upgrade that adds tables: every statement is
safe to repeat). Four group roles carry the rights; people log in as their own roles
and are granted one of them:

- `irdesk_viewer` reads the record (incidents, reviews, figures, packets' records),
  never a feedback-note row;
- `irdesk_facilitator` also writes the record: imports, reviews, findings, actions;
- `irdesk_compliance` writes the record too, and alone records packets, register
  entries and policy versions;
- `irdesk_manager` reads the record and writes feedback notes.

Notes are sealed to their readers (storage/sealing), so a row is ciphertext without
the reader's key; row-level security also keeps a manager or compliance officer from
seeing the rows of notes not wrapped for them at all, which would say who has notes
about whom. The server knows which note readers a login is through
`irdesk_login_reader` (login, reader fingerprint), kept by the administrator.

The audit log is append-only for everyone but its owner: rows are inserted and read,
never updated or deleted, so the chain `irdesk db check` verifies cannot be rewritten
by a member of any group.
"""

from __future__ import annotations

from collections.abc import Iterable

VIEWER = "irdesk_viewer"
FACILITATOR = "irdesk_facilitator"
COMPLIANCE = "irdesk_compliance"
MANAGER = "irdesk_manager"
GROUPS = (VIEWER, FACILITATOR, COMPLIANCE, MANAGER)

# Personnel records: only through the row-level policies below.
NOTE_TABLES = ("feedback_note", "note_key", "note_reader")
# Plain text from before notes were sealed: an upgraded file's, never read on a server.
NOBODY_TABLES = ("feedback_note_pending",)
# What leaves the building and the rules it is held to: compliance's to write.
COMPLIANCE_TABLES = (
    "packet",
    "policy",
    "policy_version",
    "regulation_rule",
    "incident_notification",
)
APPEND_ONLY_TABLES = ("audit_entry",)
# The schema's own bookkeeping: read by every irdesk to know the revision.
READ_ONLY_TABLES = ("alembic_version",)
LOGIN_READERS = "irdesk_login_reader"

READABLE_NOTES = "irdesk_readable_note_ids"
# The notes a login can read: those wrapped for one of its reader keys. A function
# that runs with its owner's rights, because a policy on note_key that read note_key
# would recurse; session_user is the person who logged in, whatever role they set.
_READABLE_NOTES_FUNCTION = f"""CREATE OR REPLACE FUNCTION {READABLE_NOTES}() RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT k.note_id FROM note_key k
    JOIN note_reader r ON r.id = k.reader_id
    JOIN {LOGIN_READERS} l ON l.fingerprint = r.fingerprint
    WHERE l.login = session_user
$$;"""
NOTE_HAS_KEYS = "irdesk_note_has_keys"
# A note being written has no keys until its own transaction adds them, and the ORM
# reads the new row back (INSERT … RETURNING, which the SELECT policy governs). Asked
# of the row itself, not of the table, so the row being inserted is admitted; every
# committed note has at least its author's key, so no one else's note is.
_NOTE_HAS_KEYS_FUNCTION = f"""CREATE OR REPLACE FUNCTION {NOTE_HAS_KEYS}(note integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (SELECT 1 FROM note_key k WHERE k.note_id = note)
$$;"""
_READABLE_NOTE = f"id IN (SELECT {READABLE_NOTES}()) OR NOT {NOTE_HAS_KEYS}(id)"
_READABLE_KEY = f"note_id IN (SELECT {READABLE_NOTES}())"


def schema_tables() -> list[str]:
    """The tables of this irdesk's schema (the models'), and Alembic's own."""
    from sqlmodel import SQLModel

    import irdesk.domain.models  # noqa: F401  (registers the tables)

    return sorted([*SQLModel.metadata.tables, *READ_ONLY_TABLES])


def record_tables(all_tables: Iterable[str]) -> list[str]:
    """The tables of the record: everything not set apart above, new tables included."""
    apart = {
        *NOTE_TABLES,
        *NOBODY_TABLES,
        *COMPLIANCE_TABLES,
        *APPEND_ONLY_TABLES,
        *READ_ONLY_TABLES,
    }
    return sorted(table for table in all_tables if table not in apart)


def roles_sql(all_tables: Iterable[str]) -> str:
    """The statements, in order, for the tables of this irdesk's schema."""
    tables = set(all_tables) | set(READ_ONLY_TABLES)
    record = record_tables(tables)
    present = [t for t in (*COMPLIANCE_TABLES, *APPEND_ONLY_TABLES) if t in tables]
    readable = [*record, *present, *READ_ONLY_TABLES]
    writers = f"{FACILITATOR}, {COMPLIANCE}"
    lines = [
        "-- irdesk: roles and row-level security for a team database.",
        "-- Run as the database's owner after `irdesk db upgrade`; safe to run again.",
        "BEGIN;",
        *(_create_group(group) for group in GROUPS),
        f"GRANT USAGE ON SCHEMA public TO {', '.join(GROUPS)};",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {', '.join(GROUPS)};",
        f"GRANT SELECT ON {', '.join(readable)} TO {', '.join(GROUPS)};",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(record)} TO {writers};",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(t for t in COMPLIANCE_TABLES if t in tables)}"
        f" TO {COMPLIANCE};",
        f"GRANT INSERT ON {', '.join(APPEND_ONLY_TABLES)} TO {writers}, {MANAGER};",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {writers}, {MANAGER};",
        "",
        "-- Which note readers (by key fingerprint) each login is. The administrator fills",
        "-- it: INSERT INTO irdesk_login_reader VALUES ('alice', '<fingerprint>');",
        f"CREATE TABLE IF NOT EXISTS {LOGIN_READERS} (",
        "    login name NOT NULL,",
        "    fingerprint varchar(64) NOT NULL,",
        "    PRIMARY KEY (login, fingerprint)",
        ");",
        f"REVOKE ALL ON {LOGIN_READERS} FROM PUBLIC;",
        _READABLE_NOTES_FUNCTION,
        f"REVOKE ALL ON FUNCTION {READABLE_NOTES}() FROM PUBLIC;",
        f"GRANT EXECUTE ON FUNCTION {READABLE_NOTES}() TO {MANAGER}, {COMPLIANCE};",
        _NOTE_HAS_KEYS_FUNCTION,
        f"REVOKE ALL ON FUNCTION {NOTE_HAS_KEYS}(integer) FROM PUBLIC;",
        f"GRANT EXECUTE ON FUNCTION {NOTE_HAS_KEYS}(integer) TO {MANAGER}, {COMPLIANCE};",
        "",
        "-- Feedback notes: only managers and compliance, and only the notes wrapped for them.",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(NOTE_TABLES)}"
        f" TO {MANAGER}, {COMPLIANCE};",
        *_note_policies(),
        "COMMIT;",
    ]
    return "\n".join(lines) + "\n"


def _create_group(group: str) -> str:
    return (
        f"DO $$ BEGIN CREATE ROLE {group} NOLOGIN;"
        " EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
    )


def _policy(name: str, table: str, command: str, clause: str) -> list[str]:
    return [
        f"DROP POLICY IF EXISTS {name} ON {table};",
        f"CREATE POLICY {name} ON {table} FOR {command} TO {MANAGER}, {COMPLIANCE} {clause};",
    ]


def _note_policies() -> list[str]:
    readers = f"{MANAGER}, {COMPLIANCE}"
    return [
        *(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;" for table in NOTE_TABLES),
        # A note: seen, changed and deleted by its readers; written by anyone who may write
        # notes (its keys follow it in the same transaction).
        *_policy("note_read", "feedback_note", "SELECT", f"USING ({_READABLE_NOTE})"),
        *_policy("note_change", "feedback_note", "UPDATE", f"USING ({_READABLE_NOTE})"),
        *_policy("note_delete", "feedback_note", "DELETE", f"USING ({_READABLE_NOTE})"),
        *_policy("note_write", "feedback_note", "INSERT", "WITH CHECK (true)"),
        # A wrapped key: a reader sees the keys of the notes they read (whom a note is
        # shared with), adds keys for others and removes keys only of those notes.
        *_policy("key_read", "note_key", "SELECT", f"USING ({_READABLE_KEY})"),
        *_policy("key_write", "note_key", "INSERT", "WITH CHECK (true)"),
        *_policy("key_delete", "note_key", "DELETE", f"USING ({_READABLE_KEY})"),
        *_policy("key_change", "note_key", "UPDATE", f"USING ({_READABLE_KEY})"),
        # Public keys: everyone who writes notes must see whom they can seal to.
        *_policy("reader_read", "note_reader", "SELECT", "USING (true)"),
        *_policy("reader_write", "note_reader", "INSERT", "WITH CHECK (true)"),
        *_policy("reader_change", "note_reader", "UPDATE", "USING (true)"),
        f"-- {readers} only: no policy names the other groups, so they see no rows.",
    ]
