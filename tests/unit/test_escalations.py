"""Escalation paths and the per-team table on the hand-built organisation of
tests/escalation_fixture.py, whose expected values are worked out there."""

from datetime import UTC, date, datetime

import pytest
from escalation_fixture import T1, T2, build
from testdata import FIXTURES, SHARED_DATA

from irdesk.domain.enums import FindingCategory, FindingTag
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict
from irdesk.storage.reads import database_reads
from irdesk.storage.reads.escalations import escalation_summary, incident_escalation
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.records import database_edits


@pytest.fixture
def org(database: Database) -> dict[str, int]:
    return build(database)


def test_late_level_one(database: Database, org: dict[str, int]) -> None:
    with database.session() as session:
        found = incident_escalation(session, org["PAY-1"])
    assert found is not None and found.policy == "Payments EP"
    one, two, three = found.path.levels
    assert (one.prescribed_minutes, one.actual_minutes, one.late_minutes) == (30, 42, 12)
    assert two.reached_at == datetime(2026, 3, 2, 9, 42, tzinfo=UTC)
    assert two.acknowledged_here and two.prescribed_start_min == 30
    assert three.reached_at is None and not three.skipped and three.prescribed_start_min == 60
    assert found.path.skipped == () and found.path.repeated == ()
    assert found.path.started_at == T1


def test_skipped_level_and_the_schedule_on_call_then(
    database: Database, org: dict[str, int]
) -> None:
    with database.session() as session:
        found = incident_escalation(session, org["PAY-2"])
    assert found is not None
    one, two, three = found.path.levels
    # Dee, on call for the leads on 9 March, is level 3: level 2 never paged.
    assert found.path.skipped == (2,) and two.skipped
    assert three.reached_at == datetime(2026, 3, 9, 14, 10, tzinfo=UTC)
    assert three.targets == ("Payments leads",)
    assert (one.actual_minutes, one.late_minutes) == (10, -20)
    assert found.path.started_at == T2 and found.path.late_minutes == 0


def test_the_table_per_team_and_month(database: Database, org: dict[str, int]) -> None:
    with database.transaction() as session:
        from irdesk.storage.records import findings, reviews

        review = reviews.create_review(session, org["PAY-1"], actor="ana")
        finding = findings.add_finding(
            session,
            review.id,
            FindingCategory.CONTRIBUTING_FACTOR,
            actor="ana",
            text="The escalation timer was longer than the policy said.",
        )
    revision = database_edits.set_finding_tag(
        database, finding.id, FindingTag.TOOLING, 0, actor="ana"
    )
    assert revision == 1
    with pytest.raises(EditConflict):
        database_edits.set_finding_tag(database, finding.id, FindingTag.EXTERNAL, 0, actor="ben")
    assert database_reads.read_finding_tag(database, finding.id) == (FindingTag.TOOLING, 1)
    with database.session() as session:
        rows = escalation_summary(session, date(2026, 3, 1), date(2026, 4, 30))
    assert [
        (
            r.team,
            r.period,
            r.incidents,
            r.with_policy,
            r.late_levels,
            r.late_minutes,
            r.skipped_levels,
            r.repeated_levels,
            dict(r.tags),
        )
        for r in rows
    ] == [
        (
            "Payments",
            "2026-03",
            2,
            2,
            1,
            12.0,
            1,
            0,
            {"process_gap": 0, "individual_decision": 0, "tooling": 1, "external": 0},
        ),
        (
            "Payments",
            "2026-04",
            1,
            1,
            0,
            0.0,
            0,
            0,
            {"process_gap": 0, "individual_decision": 0, "tooling": 0, "external": 0},
        ),
    ]
    assert rows[0].incident_ids == (org["PAY-1"], org["PAY-2"])


def test_the_real_sample_without_a_directory(database: Database) -> None:
    # pagerduty_incidents_page.json with the hand-written log entries of PGW5XNE: no
    # policy is known, so the path taken is all there is: level 1 from the assignment
    # at 13:48:51, acknowledged at 13:50:07 before the escalation at 13:52.
    run_import(
        database,
        [
            SHARED_DATA / "pagerduty_incidents_page.json",
            FIXTURES / "pagerduty" / "log_entries_PGW5XNE.json",
        ],
    )
    with database.session() as session:
        found = incident_escalation(session, find_incident(session, "PGW5XNE"))
    assert found is not None and found.policy is None
    assert found.path.started_at == datetime(2021, 5, 4, 13, 48, 51, tzinfo=UTC)
    assert found.path.acknowledged_at == datetime(2021, 5, 4, 13, 50, 7, tzinfo=UTC)
    assert found.path.levels == ()


def test_roles_from_the_schedule_on_call_at_detection(
    database: Database, org: dict[str, int]
) -> None:
    # The leads' schedule joins level 2 beside Ben: Cal is on call for it on 2 March,
    # Dee from 8 March (tests/escalation_fixture.py).
    from sqlmodel import select

    from irdesk.domain.models import EscalationLevel, EscalationTarget, Rotation
    from irdesk.storage.bulk.import_transaction import import_transaction
    from irdesk.storage.bulk.incident_roles import refresh_imported_roles

    with database.transaction() as session:
        level_two = session.exec(select(EscalationLevel).where(EscalationLevel.level == 2)).one()
        leads = session.exec(select(Rotation)).one()
        session.add(
            EscalationTarget(
                level_id=level_two.id, position=2, kind="rotation", rotation_id=leads.id
            )
        )
    with import_transaction(database) as tx:
        assert refresh_imported_roles(tx, [org["PAY-1"], org["PAY-2"]]) == 8
    _, pay1 = database_edits.read_roles_named(database, "hand:PAY-1")
    _, pay2 = database_edits.read_roles_named(database, "hand:PAY-2")
    assert [(r.person, r.role.value, r.how) for r in pay1] == [
        ("Ben", "responder", "acknowledged 09:50"),
        ("Ana", "oncall_primary", "paged 09:00"),
        ("Ben", "oncall_secondary", "escalation level 2"),
        ("Cal", "oncall_secondary", "on call for Payments leads, level 2"),
    ]
    assert [(r.person, r.role.value, r.how) for r in pay2] == [
        ("Dee", "responder", "acknowledged 14:20"),
        ("Ana", "oncall_primary", "paged 14:00"),
        ("Ben", "oncall_secondary", "escalation level 2"),
        ("Dee", "oncall_secondary", "on call for Payments leads, level 2"),
    ]
    # Again: nothing to change.
    with import_transaction(database) as tx:
        assert refresh_imported_roles(tx, [org["PAY-1"], org["PAY-2"]]) == 0
