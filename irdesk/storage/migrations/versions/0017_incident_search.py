"""The incident list's text search: an FTS5 index of each incident's words, kept by triggers.

`incident_search` holds, per incident (its rowid is the incident's id), the words the
list's filter box searches: title, external id, source and service name. The trigram
tokenizer makes any run of three or more characters a match, case-insensitively, as
the filter box always matched (a part of a word finds the incident). Triggers keep it
in step with every writer, importers and edits alike, so no Python path can forget it;
the upgrade fills it from the incidents already stored.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from irdesk.storage.migrations import portable

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One incident's searchable words, from the row `ref` (NEW inside a trigger, `incident` in
# the fill); the service name is looked up so that listing never joins for it.
_WORDS = """
{ref}.title || ' ' || {ref}.external_id || ' ' || {ref}.source || ' ' ||
COALESCE((SELECT name FROM service WHERE service.id = {ref}.service_id), '')
"""


def upgrade() -> None:
    # FTS5 is SQLite's; a team database on PostgreSQL searches its own way (not yet).
    if not portable.on_sqlite():
        return
    op.execute("CREATE VIRTUAL TABLE incident_search USING fts5(words, tokenize = 'trigram')")
    op.execute(
        "INSERT INTO incident_search (rowid, words) "
        f"SELECT incident.id, {_WORDS.format(ref='incident')} FROM incident"
    )
    op.execute(
        f"""CREATE TRIGGER incident_search_insert AFTER INSERT ON incident BEGIN
        INSERT INTO incident_search (rowid, words) VALUES (NEW.id, {_WORDS.format(ref="NEW")});
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER incident_search_update
        AFTER UPDATE OF title, external_id, source, service_id ON incident BEGIN
        DELETE FROM incident_search WHERE rowid = OLD.id;
        INSERT INTO incident_search (rowid, words) VALUES (NEW.id, {_WORDS.format(ref="NEW")});
        END"""
    )
    op.execute(
        """CREATE TRIGGER incident_search_delete AFTER DELETE ON incident BEGIN
        DELETE FROM incident_search WHERE rowid = OLD.id;
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER incident_search_service AFTER UPDATE OF name ON service BEGIN
        DELETE FROM incident_search
            WHERE rowid IN (SELECT id FROM incident WHERE service_id = NEW.id);
        INSERT INTO incident_search (rowid, words)
            SELECT incident.id, {_WORDS.format(ref="incident")}
            FROM incident WHERE incident.service_id = NEW.id;
        END"""
    )


def downgrade() -> None:
    if not portable.on_sqlite():
        return
    for trigger in ("insert", "update", "delete", "service"):
        op.execute(f"DROP TRIGGER incident_search_{trigger}")
    op.execute("DROP TABLE incident_search")
