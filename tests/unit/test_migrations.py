"""Opening files: fresh, older (backed up, upgraded), and everything we must refuse untouched."""

import hashlib
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel, select
from testdata import database_dump as dump

from irdesk.domain.models import Incident
from irdesk.storage import schema
from irdesk.storage.database import open_database
from irdesk.storage.errors import (
    CorruptDatabase,
    NewerDatabase,
    NotAnIrdeskDatabase,
    UpgradeRequired,
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The models against the file, leaving out the search index the triggers keep (0017).
COMPARED = {
    "compare_type": True,
    "include_name": lambda name, kind, _parents: (
        kind != "table" or not schema.is_search_index(name)
    ),
}


def siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def database_at(path: Path, revision: str) -> Path:
    """A file as an older irdesk left it: migrated only up to `revision`."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, revision)
    engine.dispose()
    return path


def test_a_fresh_database_matches_the_models_exactly(tmp_path: Path) -> None:
    db = open_database(tmp_path / "fresh.db")
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=COMPARED)
        assert compare_metadata(context, SQLModel.metadata) == []
    db.close()


def test_every_revision_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    db = open_database(tmp_path / "roundtrip.db")
    with db.engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "base")
        command.upgrade(schema.alembic_config(conn), "head")
        context = MigrationContext.configure(conn, opts=COMPARED)
        assert compare_metadata(context, SQLModel.metadata) == []
    db.close()


def test_an_older_file_is_backed_up_next_to_itself_then_upgraded(tmp_path: Path) -> None:
    path = database_at(tmp_path / "old.db", schema.known_revisions()[0])
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO incident (source, external_id, title, status, external_cause, approved_tech_debt,"
            " regulatory_exposure, consistency_flags, created_at, updated_at)"
            " VALUES ('pagerduty', 'Q7', 'Search down', 'resolved', 0, 0, 0, '', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    conn.close()
    before = dump(path)
    reported: list[Path] = []

    db = open_database(path, on_backup=reported.append)

    assert db.backup_made is not None and reported == [db.backup_made]
    assert db.backup_made.parent == path.parent
    assert db.backup_made.name.startswith("old.db.backup-0001-")
    assert dump(db.backup_made) == before  # the backup holds the old file as it was
    with db.session() as session:
        assert [i.title for i in session.exec(select(Incident))] == ["Search down"]
    with db.engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            == schema.head_revision()
        )
        context = MigrationContext.configure(conn, opts=COMPARED)
        assert compare_metadata(context, SQLModel.metadata) == []
    db.close()


def test_an_older_file_is_left_alone_when_upgrading_is_not_allowed(tmp_path: Path) -> None:
    path = database_at(tmp_path / "old.db", schema.known_revisions()[0])
    before, names = digest(path), siblings(path)
    with pytest.raises(UpgradeRequired, match="irdesk db upgrade"):
        open_database(path, upgrade=False)
    assert digest(path) == before and siblings(path) == names


def test_a_file_from_a_newer_irdesk_is_refused_untouched(tmp_path: Path) -> None:
    db = open_database(tmp_path / "future.db")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    db.close()
    path = db.path
    before, names = digest(path), siblings(path)
    with pytest.raises(NewerDatabase, match=r"newer irdesk \(schema revision 0099"):
        open_database(path)
    assert digest(path) == before and siblings(path) == names


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"incident_id,title\n1,Checkout down\n", "not an SQLite file"),
        (bytes(range(256)) * 40, "not an SQLite file"),
    ],
    ids=["zero-bytes", "csv", "binary"],
)
def test_a_file_that_is_not_a_database_is_refused_untouched(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    names = siblings(path)
    with pytest.raises(NotAnIrdeskDatabase, match=message) as error:
        open_database(path)
    assert str(path) in str(error.value)
    assert path.read_bytes() == content and siblings(path) == names


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.close()
    before = digest(path)
    with pytest.raises(NotAnIrdeskDatabase, match=r"another program .*moz_places"):
        open_database(path)
    assert digest(path) == before


def test_a_corrupt_file_is_refused_untouched(tmp_path: Path) -> None:
    db = open_database(tmp_path / "damaged.db")
    with db.transaction() as session:
        for n in range(300):
            session.add(
                Incident(
                    source="demo",
                    external_id=f"INC-{n}",
                    title=f"Checkout latency spike number {n} " * 3,
                    started_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
    with db.engine.connect() as conn:
        page_size = conn.exec_driver_sql("PRAGMA page_size").scalar()
    db.close()
    path = db.path
    data = bytearray(path.read_bytes())
    # Scribble over the b-tree pages holding the incident rows.
    for page in range(3, len(data) // page_size - 1):
        start = page * page_size
        data[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(CorruptDatabase, match=r"damaged|cannot be read"):
        open_database(path)
    assert digest(path) == before


def test_a_missing_file_is_created_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(NotAnIrdeskDatabase, match="does not exist"):
        open_database(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()
    db = open_database(tmp_path / "sub" / "new.db")
    assert db.path.exists()
    db.close()


@pytest.mark.parametrize(
    "address", ["postgresql://irdesk@db.example/incidents", "postgres://db.example/incidents"]
)
@pytest.mark.parametrize("as_path", [False, True])
def test_a_server_address_is_refused_and_no_file_is_made_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str, as_path: bool
) -> None:
    monkeypatch.chdir(tmp_path)  # where a relative "postgresql:" would have been made
    given = Path(address) if as_path else address
    with pytest.raises(NotAnIrdeskDatabase, match="open_server_database") as refused:
        open_database(given)  # type: ignore[arg-type]
    assert "is a PostgreSQL address, not a file" in str(refused.value)
    assert list(tmp_path.iterdir()) == []
