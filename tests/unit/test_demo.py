"""The demo organisation: the same every time, shaped like a real one, consistent, written safely."""

import contextlib
import hashlib
import json
import sqlite3
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from note_keys import MANAGER, opened_notes
from sqlmodel import select
from testdata import database_dump

from irdesk.demo import generator as demo
from irdesk.demo.generator import DEFAULT_SEED, generate_demo, write_demo
from irdesk.domain.enums import ActionStatus, EventKind, FindingCategory, IncidentStatus, Severity
from irdesk.domain.lifecycle import LIFECYCLE_FIELDS, lifecycle_problems
from irdesk.domain.models import (
    ActionFindingLink,
    ActionItem,
    FeedbackNote,
    Finding,
    FindingEventLink,
    Incident,
    Person,
    PolicyVersion,
    Review,
    ReviewAttendee,
    Service,
    Team,
    TimelineEvent,
)
from irdesk.domain.policy import Policy
from irdesk.storage import schema
from irdesk.storage.database import Database, open_database

ANCHOR = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
# Besides the default, a few seeds: the promises must not hold by luck of one draw.
SEEDS = [DEFAULT_SEED, 1, 77, 31337]


# Sealed notes differ byte for byte on every run (fresh keys and nonces): the demo is
# compared as its reader sees it, the notes opened with the key they were sealed to.
SEALED_TABLES = ("feedback_note", "note_key", "note_reader")


def dump(path: Path) -> list[str]:
    rows = [
        line
        for line in database_dump(path)
        if not any(line.startswith(f'INSERT INTO "{t}"') for t in SEALED_TABLES)
    ]
    return rows + [repr(sorted(n.items())) for n in opened_notes(path, MANAGER)]


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def test_the_same_seed_and_anchor_give_identical_content(tmp_path: Path) -> None:
    first = write_demo(tmp_path / "a.db", anchor=ANCHOR, note_readers=[MANAGER.public])
    second = write_demo(tmp_path / "b.db", anchor=ANCHOR, note_readers=[MANAGER.public])
    assert first == second
    lines = dump(tmp_path / "a.db")
    assert len(lines) > 1000  # the rows themselves, not just the schema
    assert lines == dump(tmp_path / "b.db")


def test_a_different_seed_or_anchor_gives_different_content(tmp_path: Path) -> None:
    readers = [MANAGER.public]
    write_demo(tmp_path / "a.db", anchor=ANCHOR, note_readers=readers)
    write_demo(tmp_path / "b.db", seed=DEFAULT_SEED + 1, anchor=ANCHOR, note_readers=readers)
    write_demo(tmp_path / "c.db", anchor=ANCHOR + timedelta(days=1), note_readers=readers)
    assert dump(tmp_path / "a.db") != dump(tmp_path / "b.db")
    assert dump(tmp_path / "a.db") != dump(tmp_path / "c.db")


@pytest.mark.parametrize("seed", SEEDS)
def test_the_organisation_has_the_promised_shape(database: Database, seed: int) -> None:
    summary = generate_demo(database, seed=seed, anchor=ANCHOR, note_readers=[MANAGER.public])
    notes = opened_notes(database.path, MANAGER)
    with database.session() as session:
        incidents = session.exec(select(Incident)).all()
        reviews = session.exec(select(Review)).all()
        findings = session.exec(select(Finding)).all()
        actions = session.exec(select(ActionItem)).all()
        sealed = session.exec(select(FeedbackNote)).all()
        people = session.exec(select(Person)).all()
        services = session.exec(select(Service)).all()
        counted = {
            "services": len(services),
            "teams": len(session.exec(select(Team)).all()),
            "people": len(people),
            "incidents": len(incidents),
            "events": len(session.exec(select(TimelineEvent)).all()),
            "reviews": len(reviews),
            "findings": len(findings),
            "action_items": len(actions),
            "feedback_notes": len(sealed),
        }
        attendees = session.exec(select(ReviewAttendee)).all()
        action_links = session.exec(select(ActionFindingLink)).all()
        event_links = session.exec(select(FindingEventLink)).all()

    assert counted == vars(summary)
    assert 3 <= summary.services <= 5
    assert 2 <= summary.teams <= 3
    assert 10 <= summary.people <= 15
    assert 78 <= summary.incidents <= 84
    assert 12 <= summary.reviews <= 18
    assert 10 <= summary.feedback_notes <= 20

    assert all(s.owner_team_id is not None and s.cost_per_minute > 0 for s in services)
    assert len({p.email for p in people}) == len(people)
    assert len({p.email.split("@")[1] for p in people if p.email}) == 1
    assert any(not p.name.isascii() for p in people)

    assert {i.source for i in incidents} == {"demo"}
    by_severity = Counter(i.severity for i in incidents)
    assert 1 <= by_severity[Severity.SEV1] < by_severity[Severity.SEV3]
    assert 3 <= sum(i.external_cause for i in incidents) <= 5
    assert 1 <= sum(i.approved_tech_debt for i in incidents) <= 2
    assert any(i.regulatory_exposure for i in incidents)
    assert 1 <= sum(bool(i.consistency_flags) for i in incidents) <= 2
    newest_first = sorted(incidents, key=lambda i: i.started_at or NOW, reverse=True)
    still_open = [i for i in incidents if i.status != IncidentStatus.RESOLVED]
    assert 2 <= len(still_open) <= 3
    assert {i.id for i in newest_first[: len(still_open)]} == {i.id for i in still_open}
    assert all(i.resolved_at is None for i in still_open)
    assert all(i.started_at and NOW - timedelta(days=183) < i.started_at < NOW for i in incidents)

    reviewed = {r.incident_id: r for r in reviews}
    assert all(i.id in reviewed for i in incidents if i.severity in (Severity.SEV1, Severity.SEV2))
    assert len({r.status for r in reviews}) >= 3
    assert any(r.status == "draft" and r.due_on and r.due_on < ANCHOR for r in reviews)
    assert all(r.incident_id not in {i.id for i in still_open} for r in reviews)
    assert all(r.facilitator_id is not None and r.summary and r.tier_reason for r in reviews)
    assert {a.review_id for a in attendees} == {r.id for r in reviews}

    per_review = Counter(f.review_id for f in findings)
    assert all(2 <= per_review[r.id] <= 6 for r in reviews)
    assert {f.category for f in findings} == set(FindingCategory)
    assert event_links
    actions_per_review = Counter(a.review_id for a in actions)
    assert all(1 <= actions_per_review[r.id] <= 4 for r in reviews)
    assert all((a.owner_person_id is None) != (a.owner_team_id is None) for a in actions)
    assert any(a.is_overdue(ANCHOR) for a in actions)
    assert any(a.external_key for a in actions)
    done = [a for a in actions if a.status == ActionStatus.DONE]
    assert done and all(a.completed_at and a.completed_at < NOW for a in done)
    assert {link.action_id for link in action_links} == {a.id for a in actions}

    assert len(notes) == len(sealed)  # every note opens for the reader it was sealed to
    assert {n["kind"] for n in notes} == {"recognition", "growth", "procedural_compliance"}
    assert {n["deviation_justified"] for n in notes} >= {True, False}
    assert all(n["author_id"] is not None and n["author_id"] != n["person_id"] for n in notes)
    assert all(n["text"] and n["text"].encode() not in database.path.read_bytes() for n in notes)


def test_the_file_is_consistent(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    write_demo(path, anchor=ANCHOR)
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    assert query(path, "PRAGMA foreign_key_check") == []


def test_timelines_fit_their_incidents(database: Database) -> None:
    generate_demo(database, anchor=ANCHOR)
    with database.session() as session:
        incidents = session.exec(select(Incident)).all()
        events: dict[int | None, list[TimelineEvent]] = defaultdict(list)
        for event in session.exec(select(TimelineEvent).order_by(TimelineEvent.id)):
            events[event.incident_id].append(event)
        versions = session.exec(select(PolicyVersion).order_by(PolicyVersion.version)).all()

    human = {EventKind.ACKNOWLEDGE, EventKind.NOTE, EventKind.ACTION, EventKind.MITIGATE}
    for incident in incidents:
        timeline = events[incident.id]
        assert 8 <= len(timeline) <= 30, incident.external_id
        times = [e.occurred_at for e in timeline]
        assert times == sorted(times), incident.external_id  # stored in time order
        stamps = [getattr(incident, name) for name in LIFECYCLE_FIELDS]
        known = [s for s in stamps if s is not None]
        assert incident.started_at is not None
        assert incident.started_at - timedelta(hours=1) <= times[0]
        assert times[-1] <= max(known) + timedelta(days=1)
        assert times[-1] < NOW
        assert sum(e.is_key_moment for e in timeline) >= 2
        assert all(e.actor_person_id is not None for e in timeline if e.kind in human)
        assert all(e.external_id for e in timeline)
        # Lifecycle order holds, except where the source data was deliberately contradictory.
        problems = lifecycle_problems(incident)
        assert incident.consistency_flags == ",".join(problems)
        if problems:
            assert "resolved_before_detected" in problems
        else:
            assert known == sorted(known)

    # Two versions, so figures and packets show which one they used; both read back whole.
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].created_at < versions[1].created_at < NOW
    for version in versions:
        settings = json.loads(version.settings_json)
        assert version.settings_json == json.dumps(settings, sort_keys=True)
        policy = Policy.from_json(version.settings_json)
        assert policy.primary_kpi == "time_to_resolve"
        assert policy.exclude_external_cause is True
        assert policy.retired == {}
    first, second = (Policy.from_json(v.settings_json) for v in versions)
    assert (first.evaluation, second.evaluation) == ("threshold", "both")


def test_no_placeholder_text_anywhere(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    write_demo(path, anchor=ANCHOR, note_readers=[MANAGER.public])
    tables = [row[0] for row in query(path, "SELECT name FROM sqlite_master WHERE type='table'")]
    texts: list[str] = []
    for table in tables:
        for row in query(path, f'SELECT * FROM "{table}"'):
            texts += [value for value in row if isinstance(value, str)]
    texts += [n["text"] for n in opened_notes(path, MANAGER)]
    assert len(texts) > 1000
    for text in texts:
        lowered = text.lower()
        for word in ("lorem", "ipsum", "foo", "test incident", "placeholder", "todo"):
            assert word not in lowered, text
        # A leftover template field; the policy's JSON is the one place braces belong.
        if not text.startswith('{"'):
            assert "{" not in text and "}" not in text, text


def test_an_existing_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    path.write_bytes(b"the facilitator's real database")
    with pytest.raises(FileExistsError, match="already exists"):
        write_demo(path, anchor=ANCHOR)
    assert path.read_bytes() == b"the facilitator's real database"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]


def test_overwrite_replaces_the_file_and_its_stale_logs(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    path.write_bytes(b"old")
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").write_bytes(b"stale log of the old file")
    write_demo(path, anchor=ANCHOR, overwrite=True, note_readers=[MANAGER.public])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]
    write_demo(tmp_path / "fresh.db", anchor=ANCHOR, note_readers=[MANAGER.public])
    assert dump(path) == dump(tmp_path / "fresh.db")


def test_a_failure_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(db: Database, *, seed: int, anchor: date, note_readers: object) -> demo.DemoSummary:
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "generate_demo", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_demo(tmp_path / "demo.db", anchor=ANCHOR)
    assert list(tmp_path.iterdir()) == []

    (tmp_path / "demo.db").write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk full"):
        write_demo(tmp_path / "demo.db", anchor=ANCHOR, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["demo.db"]
    assert (tmp_path / "demo.db").read_bytes() == b"old"


def test_the_written_file_opens_as_an_irdesk_database(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "demo.db"
    summary = write_demo(path, anchor=ANCHOR)
    db = open_database(path, create=False, upgrade=False)
    try:
        with db.session() as session:
            assert len(session.exec(select(Incident)).all()) == summary.incidents
    finally:
        db.close()


def test_a_database_that_already_holds_incidents_is_refused(database: Database) -> None:
    generate_demo(database, anchor=ANCHOR)
    with pytest.raises(ValueError, match="already holds"):
        generate_demo(database, seed=5, anchor=ANCHOR)
    with database.session() as session:
        assert len(session.exec(select(Team)).all()) == 3  # the refused run added nothing


def _notes_as_stored(path: Path) -> list[list[tuple[str, object]]]:
    """The notes as their reader opens them, in the columns and form they had before
    sealing, so the digest still says the demo wrote the same words."""
    columns = ("id", "person_id", "author_id", "incident_id", "kind", "text")
    columns += ("deviation_justified", "created_at", "updated_at", "revision")
    out = []
    for note in opened_notes(path, MANAGER):
        justified = note["deviation_justified"]
        # SQLite kept a boolean as 0 or 1.
        note["deviation_justified"] = None if justified is None else int(justified)
        out.append(sorted({c: note[c] for c in columns}.items()))
    return out


def content_digest(path: Path) -> str:
    """SHA-256 of every table's rows, each row keyed by column name.

    Left out: the schema text, the schema's revision, empty tables and empty (NULL)
    cells, so that a migration adding a table or a nullable column leaves the digest as
    it was while the demo's rows stay the same.
    """
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        tables = conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'"
            " ORDER BY name"
        )
        for (table,) in tables.fetchall():
            if table == "feedback_note":
                notes = [
                    [(k, v) for k, v in row if v is not None] for row in _notes_as_stored(path)
                ]
                if notes:
                    digest.update(json.dumps([table, notes]).encode())
                continue
            if table in (*SEALED_TABLES, "feedback_note_pending"):
                continue
            if schema.is_search_index(table):
                continue  # derived from the incidents' rows by triggers
            rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            plain = [sorted((k, v) for k, v in dict(row).items() if v is not None) for row in rows]
            if plain:
                digest.update(json.dumps([table, plain]).encode())
    return digest.hexdigest()


# Fixed from the generator as it was before it was split into modules (and recomputed,
# the rows unchanged, when empty tables and cells left the digest): a refactor of the
# demo must give the same organisation, row for row, for the same seed and anchor.
# (Re-pinned without the schema revision, from rows shown equal to the earlier pins'.)
EXPECTED_DIGESTS = {
    DEFAULT_SEED: "5d607b116387280d15827eccde7186d89f40b3363f8256807203757b28cb78ae",
    77: "b274dbddaa30aa855a961a491e0c5dbd3a5da765a467498c879de7e1b8709b59",
}


@pytest.mark.parametrize("seed", sorted(EXPECTED_DIGESTS))
def test_a_seed_gives_the_same_rows_as_it_always_has(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "demo.db"
    write_demo(path, seed=seed, anchor=ANCHOR, note_readers=[MANAGER.public])
    assert content_digest(path) == EXPECTED_DIGESTS[seed]
