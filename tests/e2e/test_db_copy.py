"""`irdesk db copy`: from a laptop's file to a team server and back, nothing lost or renumbered.

Each test gets an empty database on the run's throwaway cluster (conftest's
`postgres_url`); files are the demo (`irdesk demo`, with a fixed 'today' so its
dates are known) and an import of the real sample
`/work/shared/data/pagerduty_incidents_page.json`.
"""

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pg_cluster
import pytest
import sqlmodel
from sqlalchemy import create_engine, select

from irdesk.domain.enums import FindingCategory
from irdesk.domain.models import ActionItem, Finding, Incident, IncidentMerge, Person, Review
from irdesk.storage import server
from irdesk.storage.copy import CopyRefused, Period, copy_database, tables
from irdesk.storage.database import open_database
from irdesk.storage.records import database_edits
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.packets import audit_anchor, record_packet
from irdesk.storage.records.reviews import EDITABLE

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data"
ANCHOR = "2026-06-30"


def irdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "irdesk", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
        check=False,
    )


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every domain table, in key order, as the tables' own types read them."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(row)
                    for row in conn.execute(select(table).order_by(*table.primary_key.columns))
                ]
                for table in tables()
            }
    finally:
        engine.dispose()


def file_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    made = irdesk("demo", str(path), "--anchor", ANCHOR)
    assert made.returncode == 0, made.stderr
    edit_and_export(path)
    return path


def edit_and_export(path: Path) -> None:
    """The demo holds no audit entries yet: a facilitator's edits and an exported packet
    (with its anchor) give it a chain to keep."""
    db = open_database(path, create=False)
    try:
        with db.session() as session:
            review = session.exec(
                sqlmodel.select(Review)
                .where(Review.status.in_(EDITABLE))  # type: ignore[attr-defined]
                .where(Review.id.in_(sqlmodel.select(Finding.review_id)))  # type: ignore[union-attr]
                .where(Review.id.in_(sqlmodel.select(ActionItem.review_id)))  # type: ignore[union-attr]
                .order_by(Review.id)  # type: ignore[arg-type]
            ).first()
            assert review is not None
            finding = session.exec(
                sqlmodel.select(Finding).where(Finding.review_id == review.id)
            ).first()
            action = session.exec(
                sqlmodel.select(ActionItem).where(ActionItem.review_id == review.id)
            ).first()
        assert finding is not None and action is not None
        assert review.id is not None and finding.id is not None and action.id is not None
        database_edits.set_summary(db, review.id, review.revision, "Édité ✓", actor="Ana")
        database_edits.set_finding_text(
            db, finding.id, finding.revision, "The deploy lacked a canary.", actor="Ana"
        )
        database_edits.edit_action(db, action.id, action.revision, actor="Ana", title="Canary")
        record_packet(
            db,
            packet_uid="demo-packet-1",
            profile="internal",
            incident_id=review.incident_id,
            review_id=review.id,
            subject=None,
            policy_version_id=None,
            sha256="0" * 64,
            file_name="review.pdf",
            signers=[],
            created_by="Ana",
            created_at=datetime(2026, 6, 30, 12, 0, 0, 123456, tzinfo=UTC),
            write=lambda: None,
            audit=audit_anchor(db),
        )
    finally:
        db.close()


def test_the_demo_goes_to_a_server_and_back_unchanged(
    demo_file: Path, postgres_url: str, tmp_path: Path
) -> None:
    to_server = irdesk("db", "copy", str(demo_file), postgres_url)
    assert to_server.returncode == 0, to_server.stderr
    assert "?host=" not in to_server.stdout  # the socket folder is not part of the name shown
    checked = irdesk("db", "check", postgres_url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "audit log:       ok" in checked.stdout

    back = tmp_path / "back.db"
    to_file = irdesk("db", "copy", postgres_url, str(back))
    assert to_file.returncode == 0, to_file.stderr
    checked_back = irdesk("db", "check", str(back))
    assert checked_back.returncode == 0, checked_back.stdout + checked_back.stderr

    original = dump(file_url(demo_file))
    assert original["incident"] and original["review"] and original["feedback_note"]
    assert len(original["audit_entry"]) == 4 and len(original["packet"]) == 1
    assert "packet anchors:  ok (1)" in checked.stdout
    assert dump(postgres_url) == original
    assert dump(file_url(back)) == original
    assert back.stat().st_mode & 0o777 == 0o600  # personnel data, as every irdesk file


def test_the_server_hands_out_new_ids_after_the_copied_ones(
    demo_file: Path, postgres_url: str
) -> None:
    copy_database(str(demo_file), postgres_url)

    engine = pg_cluster.engine(postgres_url)
    with engine.connect() as conn:
        highest = conn.exec_driver_sql("SELECT max(id) FROM incident").scalar_one()
        following = conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('incident', 'id'))"
        ).scalar_one()
    engine.dispose()
    assert following == highest + 1


def test_a_period_brings_its_incidents_with_their_reviews_and_the_whole_audit_chain(
    demo_file: Path, tmp_path: Path
) -> None:
    original = dump(file_url(demo_file))
    period = Period(date(2026, 4, 1), date(2026, 4, 30))
    columns = [c.name for c in next(t for t in tables() if t.name == "incident").columns]
    started = columns.index("started_at")
    detected = columns.index("detected_at")
    in_april = {
        row[0] for row in original["incident"] if period.holds(row[started] or row[detected])
    }
    assert 0 < len(in_april) < len(original["incident"])

    april = tmp_path / "april.db"
    result = irdesk(
        "db", "copy", str(demo_file), str(april), "--from", "2026-04-01", "--to", "2026-04-30"
    )

    assert result.returncode == 0, result.stderr
    assert f"{len(in_april)} incidents that started 2026-04-01 to 2026-04-30" in result.stdout
    copied = dump(file_url(april))
    assert {row[0] for row in copied["incident"]} == in_april
    review_columns = [c.name for c in next(t for t in tables() if t.name == "review").columns]
    incident_of = review_columns.index("incident_id")
    assert copied["review"] == [row for row in original["review"] if row[incident_of] in in_april]
    assert copied["person"] == original["person"]  # the organisation comes whole
    assert copied["audit_entry"] == original["audit_entry"]
    checked = irdesk("db", "check", str(april))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_real_import_goes_to_a_server_and_back(postgres_url: str, tmp_path: Path) -> None:
    imported = tmp_path / "pagerduty.db"
    sample = SAMPLES / "pagerduty_incidents_page.json"
    result = irdesk("import", str(sample), "--db", str(imported))
    assert result.returncode == 0, result.stderr

    copy_database(str(imported), postgres_url)
    back = tmp_path / "back.db"
    copy_database(postgres_url, str(back))

    original = dump(file_url(imported))
    assert len(original["incident"]) == 26  # the sample's 26 incidents
    assert dump(file_url(back)) == original


def test_a_destination_that_holds_records_is_refused_unchanged(
    demo_file: Path, tmp_path: Path
) -> None:
    result = irdesk("db", "copy", str(demo_file), str(demo_file))

    assert result.returncode == 1
    assert "already holds irdesk records" in result.stderr
    assert str(demo_file) in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_server_that_holds_records_is_refused_unchanged(
    demo_file: Path, postgres_url: str
) -> None:
    copy_database(str(demo_file), postgres_url)
    before = dump(postgres_url)

    result = irdesk("db", "copy", str(demo_file), postgres_url)

    assert result.returncode == 1
    assert "already holds irdesk records" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert dump(postgres_url) == before


def test_a_copy_that_fails_half_way_leaves_no_file_and_no_schema(
    demo_file: Path, postgres_url: str, tmp_path: Path
) -> None:
    def fail_half_way(done: int, total: int) -> None:
        if done > total // 2:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        copy_database(str(demo_file), postgres_url, report=fail_half_way)
    engine = server.ServerAddress.parse(postgres_url).engine()
    with engine.connect() as conn:
        assert server.current_revision(conn) is None
    engine.dispose()

    target = tmp_path / "never.db"
    with pytest.raises(RuntimeError):
        copy_database(str(demo_file), str(target), report=fail_half_way)
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_are_one_sentence(demo_file: Path, tmp_path: Path) -> None:
    missing = irdesk("db", "copy", str(tmp_path / "nothere.db"), str(tmp_path / "x.db"))
    assert missing.returncode == 1
    assert "nothere.db does not exist" in missing.stderr
    half = irdesk("db", "copy", str(demo_file), str(tmp_path / "x.db"), "--from", "2026-04-01")
    assert half.returncode == 1
    assert "--from and --to go together" in half.stderr
    backwards = irdesk(
        "db",
        "copy",
        str(demo_file),
        str(tmp_path / "x.db"),
        "--from",
        "2026-04-30",
        "--to",
        "2026-04-01",
    )
    assert backwards.returncode == 1
    assert "is before --from" in backwards.stderr
    password = irdesk("db", "copy", str(demo_file), "postgresql://a:secret@h.invalid/db")
    assert password.returncode == 1
    assert "secret" not in password.stderr
    for result in (missing, half, backwards, password):
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CopyRefused):
        copy_database(str(demo_file), str(tmp_path))


def test_progress_is_reported_as_rows_are_copied(demo_file: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    summary = copy_database(
        str(demo_file), str(tmp_path / "c.db"), report=lambda d, t: seen.append((d, t))
    )

    total = seen[-1][1]
    assert seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert summary.total == total


def test_a_period_copy_of_two_hand_made_incidents(tmp_path: Path) -> None:
    """INC-APR (started 30 April 23:59 UTC) and INC-MAY (1 May 00:00 UTC), each with a
    review, a finding and an action item, linked to each other: April's copy holds
    INC-APR and its three records, not the link (it names May's incident), and all
    seven audit entries (three per review, and the person's)."""
    source = tmp_path / "two.db"
    db = open_database(source)
    try:
        with db.transaction() as session:
            ana = Person(name="Ana Ruiz", email="ana@example.org")
            april = Incident(
                source="pagerduty",
                external_id="INC-APR",
                title="April",
                started_at=datetime(2026, 4, 30, 23, 59, tzinfo=UTC),
            )
            may = Incident(
                source="pagerduty",
                external_id="INC-MAY",
                title="May",
                started_at=datetime(2026, 5, 1, 0, 0, tzinfo=UTC),
            )
            session.add_all([ana, april, may])
            session.flush()
            assert april.id is not None and may.id is not None
            session.add(IncidentMerge(incident_id=may.id, into_id=april.id, how="MERGE_MANUAL"))
            append_entry(session, actor="setup", action="add_person", entity="person")
            ids = (april.id, may.id)
        for incident_id in ids:
            review = database_edits.create_review(db, incident_id, actor="Ana")
            database_edits.add_finding(
                db, review.id, FindingCategory.CONTRIBUTING_FACTOR, actor="Ana", text="Slow DNS"
            )
            database_edits.add_action(db, review.id, actor="Ana", title="Cache DNS")
    finally:
        db.close()

    target = tmp_path / "april.db"
    summary = copy_database(
        str(source), str(target), period=Period(date(2026, 4, 1), date(2026, 4, 30))
    )

    assert summary.rows["incident"] == 1
    assert summary.rows["review"] == 1
    assert summary.rows["finding"] == 1
    assert summary.rows["action_item"] == 1
    assert summary.rows["incident_merge"] == 0
    assert summary.rows["person"] == 1
    assert summary.rows["audit_entry"] == 7
    copied = dump(file_url(target))
    assert [row[2] for row in copied["incident"]] == ["INC-APR"]
    checked = irdesk("db", "check", str(target))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "audit log:       ok" in checked.stdout
