"""The timeline facts kept in the file (`metric_facts`) give the figures the timeline gives.

After every kind of change a file sees (an import, events added to an incident, a timeline
edit, an event or an incident deleted, a link made and undone, a damaged blob, a file that
cannot be written) the figures read with the stored facts equal the figures derived from
the timeline alone (`load_metric_data(..., cached=False)`), on the hand-written fixture
and on /work/shared/data/pagerduty_incidents_page.json.
"""

import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import metric_fixture as fx
import numpy as np
import pytest
from sqlalchemy import create_engine
from sqlmodel import select
from testdata import SHARED_DATA

from irdesk.domain.enums import EventKind
from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.selection import GROUPINGS, Period
from irdesk.domain.metrics.tables import figures_json
from irdesk.domain.models import Incident, TimelineEvent
from irdesk.domain.policy import Policy
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk import metric_facts
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.check import check_database
from irdesk.storage.database import Database
from irdesk.storage.records.merges import link_incidents, unlink_incident

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
# The PagerDuty sample's incidents: May and June 2021.
PD_PERIOD = Period(datetime(2021, 5, 1, tzinfo=UTC), datetime(2021, 7, 1, tzinfo=UTC))
FAR = fx.at(0, 9) + timedelta(days=3 * 365)  # a block of its own, years later


def figures(db: Database, period: Period | None, *, cached: bool) -> list[object]:
    policy = Policy()
    shown = period or fx.PERIOD
    data = load_metric_data(db, period, policy if period else None, cached=cached)
    return [figures_json(compute_figures(data, policy, shown, by)) for by in GROUPINGS]


def assert_as_the_timeline_says(db: Database, *periods: Period | None) -> None:
    """The figures with the stored facts (read twice: built, then stored) equal the
    figures derived from the timeline alone, for the whole file and each period."""
    for period in periods or (None, fx.PERIOD):
        reference = figures(db, period, cached=False)
        assert figures(db, period, cached=True) == reference
        assert figures(db, period, cached=True) == reference


def stored_blocks(db: Database) -> dict[int, int]:
    """Stored block → its watermark."""
    with db.connection() as conn:
        return dict(conn.exec_driver_sql("SELECT block, watermark FROM metric_fact_block").all())


def sql(db: Database, statement: str) -> None:
    with db.connection() as conn:
        conn.exec_driver_sql(statement)


def event(incident: int, kind: EventKind, person: int, when: datetime, key: str) -> TimelineEvent:
    return TimelineEvent(
        incident_id=incident,
        occurred_at=when,
        kind=kind,
        source="test",
        external_id=key,
        actor_person_id=person,
    )


@pytest.fixture
def hand(database: Database) -> Database:
    """The hand-written fixture (incidents 1-5), and incident 20_001 three years later,
    paged to Bob and resolved by him: two blocks of incident ids."""
    with database.transaction() as session:
        fx.write_to(session)
        session.add(
            Incident(
                id=20_001,
                source="test",
                external_id="T-20001",
                title="far",
                service_id=fx.API,
                started_at=FAR,
                detected_at=FAR,
                resolved_at=FAR + timedelta(hours=1),
            )
        )
        session.flush()
        session.add(event(20_001, EventKind.PAGE, fx.BOB, FAR, "far-page"))
        session.add(event(20_001, EventKind.RESOLVE, fx.BOB, FAR + timedelta(hours=1), "far-r"))
    return database


def test_the_stored_facts_are_the_hand_worked_ones(hand: Database) -> None:
    load_metric_data(hand)  # derives and stores both blocks
    assert sorted(stored_blocks(hand)) == [0, 2]
    with hand.connection() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        found = metric_facts.plan(cur, None)
        assert sorted(found.stored) == [0, 2]
        facts = metric_facts.Facts.joined(
            [metric_facts.block_task(found, b)(cur) for b in found.blocks]
        )
    assert found.built == {}  # read from the file, not derived again
    events = metric_facts.linked_facts(facts, {})
    pages = sorted(
        zip(
            events.page_incident.tolist(),
            events.page_person.tolist(),
            events.page_time.tolist(),
            strict=True,
        )
    )
    assert pages == sorted(
        [(i, p, t.timestamp()) for i, p, t in fx.PAGES] + [(20_001, fx.BOB, FAR.timestamp())]
    )
    resolvers = dict(
        zip(events.resolver_incident.tolist(), events.resolver_person.tolist(), strict=True)
    )
    assert resolvers == dict(fx.RESOLVERS) | {20_001: fx.BOB}
    parts = {
        (i, p): (f, last)
        for i, p, f, last in zip(
            events.part_incident.tolist(),
            events.part_person.tolist(),
            events.part_first.tolist(),
            events.part_last.tolist(),
            strict=True,
        )
    }
    expected = {(i, p): (f.timestamp(), last.timestamp()) for i, p, f, last in fx.PARTICIPATION}
    expected[(20_001, fx.BOB)] = (FAR.timestamp(), (FAR + timedelta(hours=1)).timestamp())
    assert parts == expected
    assert_as_the_timeline_says(hand)


def test_a_warm_read_derives_nothing(hand: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = figures(hand, fx.PERIOD, cached=False)
    load_metric_data(hand)

    def refuse(cur: object, block: int) -> None:
        raise AssertionError(f"block {block} derived again")

    monkeypatch.setattr(metric_facts, "build_block", refuse)
    assert figures(hand, fx.PERIOD, cached=True) == reference


def test_events_added_to_an_incident_are_found_by_their_ids(hand: Database) -> None:
    load_metric_data(hand)
    before = stored_blocks(hand)
    with hand.transaction() as session:
        # Dee acts in incident 1 two hours after it began: a new participant, and an
        # event above every watermark.
        session.add(event(1, EventKind.ACTION, fx.DEE, fx.at(0, 11), "late"))
        session.add(event(1, EventKind.PAGE, fx.CY, fx.at(0, 10, 30), "late-page"))
    assert stored_blocks(hand) == before  # no trigger: an insert costs nothing
    assert_as_the_timeline_says(hand)
    after = stored_blocks(hand)
    assert after[0] > before[0]  # rebuilt with the new events
    assert after[2] == after[0]  # found current, its watermark moved on


def test_an_import_of_more_incidents_and_of_more_events(hand: Database) -> None:
    """/work/shared/data/pagerduty_incidents_page.json imported into a file whose facts
    are stored, then imported again (the same incidents: nothing new), each time equal."""
    assert_as_the_timeline_says(hand)
    run_import(hand, [PD_PAGE])
    assert_as_the_timeline_says(hand, None, PD_PERIOD, fx.PERIOD)
    run_import(hand, [PD_PAGE])
    assert_as_the_timeline_says(hand, None, PD_PERIOD)


@pytest.mark.parametrize(
    "edit",
    [
        # Incident 2's resolution an hour later; Bob's last event moves with it.
        "UPDATE timeline_event SET occurred_at = '2026-01-06 13:00:00.000000'"
        " WHERE incident_id = 2 AND kind = 'resolve'",
        # Incident 3 resolved by Ann, not Cy.
        f"UPDATE timeline_event SET actor_person_id = {fx.ANN}"
        " WHERE incident_id = 3 AND kind = 'resolve'",
        # Incident 1's page becomes a note: Ann was not paged.
        "UPDATE timeline_event SET kind = 'note' WHERE incident_id = 1 AND kind = 'page'",
        # An event moved to the far incident, in another block.
        "UPDATE timeline_event SET incident_id = 20001 WHERE incident_id = 4 AND kind = 'page'",
        # An event deleted.
        "DELETE FROM timeline_event WHERE incident_id = 2 AND kind = 'action'",
        # An incident deleted, its events with it.
        "DELETE FROM incident WHERE id = 5",
        # A person's events without an actor.
        f"UPDATE timeline_event SET actor_person_id = NULL WHERE actor_person_id = {fx.DEE}",
        # A person deleted from the directory: their events keep no actor (SET NULL).
        f"DELETE FROM person WHERE id = {fx.DEE}",
    ],
)
def test_a_timeline_edit_drops_the_facts_of_its_block(hand: Database, edit: str) -> None:
    assert_as_the_timeline_says(hand)
    before = stored_blocks(hand)
    sql(hand, edit)
    assert 0 not in stored_blocks(hand)  # the trigger dropped it
    assert_as_the_timeline_says(hand)
    assert sorted(stored_blocks(hand)) == sorted(before)


def test_a_correction_through_the_timeline_editor(hand: Database) -> None:
    from irdesk.storage.records.event_edits import correct_event

    assert_as_the_timeline_says(hand)
    with hand.transaction() as session:
        resolve = session.exec(
            select(TimelineEvent).where(
                TimelineEvent.incident_id == 4, TimelineEvent.kind == EventKind.RESOLVE
            )
        ).one()
        correct_event(
            session,
            resolve.id,
            revision=resolve.revision,
            reason="the log said 21:30",
            actor="facilitator",
            occurred_at=fx.at(3, 21, 30),
        )
    assert_as_the_timeline_says(hand)


def test_text_edits_keep_the_facts(hand: Database) -> None:
    load_metric_data(hand)
    before = stored_blocks(hand)
    sql(hand, "UPDATE timeline_event SET text = 'rolled back', is_key_moment = 1")
    assert stored_blocks(hand) == before


def test_the_newest_events_deleted_then_their_ids_given_again(hand: Database) -> None:
    """SQLite gives a new row the id after the largest: after the newest event is deleted
    its id comes back, on an event of another block, and must still be seen as new."""
    load_metric_data(hand)
    newest = max(stored_blocks(hand).values())
    sql(hand, f"DELETE FROM timeline_event WHERE id = {newest}")  # the far incident's
    assert_as_the_timeline_says(hand)
    with hand.transaction() as session:
        session.add(event(1, EventKind.PAGE, fx.DEE, fx.at(0, 9, 5), "reused"))
    with hand.connection() as conn:
        reused = conn.exec_driver_sql("SELECT max(id) FROM timeline_event").scalar()
    assert reused == newest  # the same id, now in block 0
    assert_as_the_timeline_says(hand)


def test_linked_incidents_count_as_one_and_apart_again(hand: Database) -> None:
    """Incident 4 linked into 3: its page (Cy) and resolution (Cy, later) count for 3;
    unlinked, each has its own again. The facts stay per incident: only the link changes."""
    assert_as_the_timeline_says(hand)
    stored = stored_blocks(hand)
    with hand.transaction() as session:
        link_incidents(session, 4, 3, actor="facilitator")
    assert stored_blocks(hand) == stored
    assert_as_the_timeline_says(hand)
    data = load_metric_data(hand)
    resolvers = dict(
        zip(data.events.resolver_incident.tolist(), data.events.resolver_person, strict=True)
    )
    assert 4 not in resolvers and resolvers[3] == fx.CY  # 4's resolution, the later, counts
    pairs = list(
        zip(data.events.part_incident.tolist(), data.events.part_person.tolist(), strict=True)
    )
    assert len(pairs) == len(set(pairs))  # each (incident, person) once
    with hand.transaction() as session:
        unlink_incident(session, 4, actor="facilitator")
    assert_as_the_timeline_says(hand)


def test_linked_incidents_of_the_pagerduty_sample(database: Database) -> None:
    """/work/shared/data/pagerduty_incidents_page.json with two of its incidents linked."""
    run_import(database, [PD_PAGE])
    assert_as_the_timeline_says(database, None, PD_PERIOD)
    with database.connection() as conn:
        first, second = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT incident_id FROM timeline_event WHERE actor_person_id IS NOT NULL"
                " GROUP BY incident_id ORDER BY count(*) DESC LIMIT 2"
            )
        ]
    with database.transaction() as session:
        link_incidents(session, second, first, actor="facilitator")
    assert_as_the_timeline_says(database, None, PD_PERIOD)
    with database.transaction() as session:
        unlink_incident(session, second, actor="facilitator")
    assert_as_the_timeline_says(database, None, PD_PERIOD)


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE metric_fact_blob SET facts = substr(facts, 1, 40)",  # truncated
        # The same length, one byte changed: only the checksum can tell.
        "UPDATE metric_fact_blob SET facts = zeroblob(8) || substr(facts, 9)",
        "DELETE FROM metric_fact_blob",  # the mark without its blob
    ],
)
def test_a_damaged_blob_is_rebuilt_never_trusted(hand: Database, damage: str) -> None:
    reference = figures(hand, None, cached=False)
    load_metric_data(hand)
    sql(hand, damage)
    report = check_database(hand.path)
    assert any("damaged" in p for p in report.metric_fact_problems), report.metric_fact_problems
    assert figures(hand, None, cached=True) == reference
    assert check_database(hand.path).ok  # rebuilt and stored by that read
    assert figures(hand, None, cached=True) == reference


def test_db_check_compares_the_facts_with_the_timeline(hand: Database) -> None:
    load_metric_data(hand)
    assert check_database(hand.path).ok
    # Facts that disagree with their timeline, with a checksum that matches: only a
    # comparison with the timeline can tell.
    with hand.connection() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        built = metric_facts.build_block(cur, 0)
    arrays = dict(built.arrays)
    arrays["resolver_person"] = np.full_like(arrays["resolver_person"], fx.ANN)
    forged = metric_facts.Facts(arrays, built.titles).encode()
    sql(hand, "UPDATE metric_fact_blob SET facts = x'" + forged.hex() + "' WHERE block = 0")
    sql(hand, f"UPDATE metric_fact_block SET checksum = {zlib.crc32(forged)} WHERE block = 0")
    problems = check_database(hand.path).metric_fact_problems
    assert any("differ from their incidents and timeline" in p for p in problems), problems


def test_an_edit_between_the_read_and_the_write_back_stores_nothing(hand: Database) -> None:
    with hand.connection() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        found = metric_facts.plan(cur, None)
        for block in found.blocks:
            metric_facts.block_task(found, block)(cur)
    sql(hand, "UPDATE timeline_event SET occurred_at = '2026-01-05 09:01:00.000000' WHERE id = 1")
    assert not metric_facts.store(hand.engine, found)
    assert stored_blocks(hand) == {}
    assert_as_the_timeline_says(hand)


@pytest.fixture
def read_only(hand: Database) -> Iterator[Database]:
    """`hand`, opened again through a connection SQLite refuses every write on."""
    uri = f"file:{Path(hand.path)}?mode=ro"
    engine = create_engine("sqlite:///" + uri + "&uri=true")
    yield Database(path=hand.path, engine=engine)
    engine.dispose()


def test_a_file_opened_read_only_computes_and_stores_nothing(
    hand: Database, read_only: Database
) -> None:
    reference = figures(hand, None, cached=False)
    assert figures(read_only, None, cached=True) == reference
    assert stored_blocks(hand) == {}
    load_metric_data(hand)  # stored by a writer
    sql(hand, "UPDATE timeline_event SET actor_person_id = 2 WHERE id = 1")
    reference = figures(hand, None, cached=False)
    assert figures(read_only, None, cached=True) == reference  # the stale block rebuilt


def test_an_import_of_more_events_into_an_incident_already_read(
    database: Database, tmp_path: Path
) -> None:
    """/work/shared/data/opsgenie_alerts_page.json (one alert, no one acting yet), read
    and stored; then /work/shared/data/opsgenie_alert_logs.json, the alert's log (viewed,
    acknowledged), imported into the same incident: its acknowledger now took part."""
    import json
    import shutil

    alerts = SHARED_DATA / "opsgenie_alerts_page.json"
    run_import(database, [alerts])
    assert_as_the_timeline_says(database, None)
    assert len(load_metric_data(database).events.part_incident) == 0
    assert sorted(stored_blocks(database)) == [0]
    alert = json.loads(alerts.read_text())["data"][0]["id"]
    logs = tmp_path / f"alert-{alert}-logs.json"
    shutil.copy(SHARED_DATA / "opsgenie_alert_logs.json", logs)
    run_import(database, [logs])
    assert_as_the_timeline_says(database, None)
    events = load_metric_data(database).events
    assert len(events.part_incident) == 1  # one person acknowledged and noted


def test_db_check_names_damaged_facts_and_exits_one(
    hand: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from irdesk.cli.main import main

    load_metric_data(hand)
    assert main(["db", "check", str(hand.path)]) == 0
    assert "  figure facts:    ok\n" in capsys.readouterr().out
    sql(hand, "UPDATE metric_fact_blob SET facts = substr(facts, 1, 40) WHERE block = 2")
    assert main(["db", "check", str(hand.path)]) == 1
    out = capsys.readouterr().out
    assert "  figure facts:    BROKEN\n" in out
    assert "the stored figure facts of incidents 20000–29999 are damaged" in out


# --- the incident columns kept in the same blocks ------------------------------------


def stored_incidents(db: Database) -> dict[str, object]:
    """The incident columns as the stored blocks give them (every block current)."""
    with db.connection() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        found = metric_facts.plan(cur, None)
        facts = metric_facts.Facts.joined(
            [metric_facts.block_task(found, b)(cur) for b in found.blocks]
        )
    assert found.built == {}, "a block was derived again"
    fields: dict[str, object] = facts.incident_fields()
    return fields


def test_the_stored_incident_columns_are_the_hand_written_ones(hand: Database) -> None:
    load_metric_data(hand)
    fields = stored_incidents(hand)
    ids = fields["ids"].tolist()  # type: ignore[attr-defined]
    assert ids == [1, 2, 3, 4, 5, 20_001]
    far = ids.index(20_001)
    codes = fields["title_codes"]
    assert fields["title_texts"][codes[far]] == "far"  # type: ignore[index]
    assert fields["title_texts"][codes[0]] == "API latency high"  # type: ignore[index]
    assert fields["service"][far] == fx.API  # type: ignore[index]
    assert fields["started"][far] == FAR.timestamp()  # type: ignore[index]
    assert fields["resolved"][far] == (FAR + timedelta(hours=1)).timestamp()  # type: ignore[index]
    assert np.isnan(fields["mitigated"][far])  # type: ignore[index]
    assert fields["severity"][0] == 1 and fields["severity"][far] == 0  # type: ignore[index]
    assert fields["users_affected"][0] == 1000  # type: ignore[index]
    # Each column as the plain read of the table gives it, dtype included.
    plain = load_metric_data(hand, cached=False).incidents
    for name in metric_facts.INCIDENTS:
        stored = fields[name]
        assert stored.dtype == getattr(plain, name).dtype, name  # type: ignore[attr-defined]
        np.testing.assert_array_equal(stored, getattr(plain, name), err_msg=name)
    assert fields["title_texts"] == plain.title_texts  # numbered in the same order


@pytest.mark.parametrize(
    "edit",
    [
        # Each incident column the figures read, edited as an import or a tool would.
        "UPDATE incident SET started_at = '2026-01-05 08:00:00.000000' WHERE id = 1",
        "UPDATE incident SET resolved_at = NULL WHERE id = 2",
        "UPDATE incident SET acknowledged_at = '2026-01-08 23:00:00.000000' WHERE id = 4",
        "UPDATE incident SET severity = 'SEV4' WHERE id = 3",
        "UPDATE incident SET customer_severity = 'SEV1' WHERE id = 2",
        f"UPDATE incident SET service_id = {fx.WEB} WHERE id = 1",
        "UPDATE incident SET service_id = NULL WHERE id = 5",
        "UPDATE incident SET title = 'API latency high' WHERE id = 2",  # now a recurrence
        "UPDATE incident SET users_affected = 5, downtime_cost = 1234.5 WHERE id = 4",
        "UPDATE incident SET external_cause = 1, approved_tech_debt = 1 WHERE id = 1",
        "UPDATE incident SET regulatory_exposure = 1 WHERE id = 3",
        "DELETE FROM incident WHERE id = 2",
    ],
)
def test_an_incident_edit_drops_the_columns_of_its_block(hand: Database, edit: str) -> None:
    assert_as_the_timeline_says(hand)
    sql(hand, edit)
    assert sorted(stored_blocks(hand)) == [2]  # the trigger dropped block 0 only
    assert_as_the_timeline_says(hand)
    assert sorted(stored_blocks(hand)) == [0, 2]


def test_edits_the_figures_do_not_read_keep_the_blocks(hand: Database) -> None:
    """The incident's status, summary, or a service's name (read with the small tables at
    each read): no block is dropped, and the figures still follow."""
    load_metric_data(hand)
    before = stored_blocks(hand)
    sql(hand, "UPDATE incident SET status = 'acknowledged', summary = 'x' WHERE id = 1")
    sql(hand, f"UPDATE service SET name = 'Gateway' WHERE id = {fx.API}")
    assert stored_blocks(hand) == before
    assert_as_the_timeline_says(hand)
    data = load_metric_data(hand)
    assert data.services[fx.API].name == "Gateway"


def test_an_incident_added_without_events_is_found_by_its_id(hand: Database) -> None:
    load_metric_data(hand)
    before = stored_blocks(hand)
    with hand.transaction() as session:
        session.add(
            Incident(  # its id SQLite's, after the largest: 20,002, in block 2
                source="test",
                external_id="T-6",
                title="quiet",
                service_id=fx.API,
                severity="SEV2",
                started_at=fx.at(2, 9),
                detected_at=fx.at(2, 9, 10),
                resolved_at=fx.at(2, 10),
            )
        )
    assert stored_blocks(hand) == before  # no trigger: an insert costs nothing
    with hand.connection() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        assert sorted(metric_facts.plan(cur, None).stored) == [0]  # block 2 is stale
    assert_as_the_timeline_says(hand)
    assert 20_002 in load_metric_data(hand, fx.PERIOD, Policy()).incidents.ids.tolist()


def test_the_newest_incident_deleted_then_its_id_given_again(hand: Database) -> None:
    """SQLite gives a new incident the id after the largest: after the newest (20,001) is
    deleted, the next incident is 5's successor, in block 0, and must be seen as new."""
    load_metric_data(hand)
    sql(hand, "DELETE FROM incident WHERE id = 20001")
    assert_as_the_timeline_says(hand)
    with hand.transaction() as session:
        incident = Incident(source="test", external_id="T-new", title="new", started_at=fx.at(1, 1))
        session.add(incident)
        session.flush()
        assert incident.id == 6
    assert_as_the_timeline_says(hand)


def test_corrections_classifications_and_links_are_laid_over_at_each_read(
    hand: Database,
) -> None:
    """A facilitator's lifecycle correction, classification (severity, not an incident) and
    a link live in their own tables: the blocks stay, and the figures follow each."""
    from irdesk.domain.classification import Classification
    from irdesk.domain.enums import Severity
    from irdesk.storage.records.classifications import classification_of, set_classification
    from irdesk.storage.records.lifecycle_edits import set_override

    load_metric_data(hand)
    before = stored_blocks(hand)
    with hand.transaction() as session:
        set_override(session, 2, "resolved_at", fx.at(1, 20), reason="log", actor="f")
    assert_as_the_timeline_says(hand)
    with hand.transaction() as session:
        _, revision = classification_of(session, 3)
        set_classification(session, 3, revision, Classification(severity=Severity.SEV1), actor="f")
        _, revision = classification_of(session, 5)
        set_classification(session, 5, revision, Classification(not_incident=True), actor="f")
    assert_as_the_timeline_says(hand)
    data = load_metric_data(hand)
    assert 5 not in data.incidents.ids.tolist()
    assert data.incidents.severity[data.incidents.rows_of(np.array([3]))[0]] == 1
    with hand.transaction() as session:
        link_incidents(session, 2, 1, actor="f")
    assert_as_the_timeline_says(hand)
    assert stored_blocks(hand).keys() == before.keys()


def test_action_items_added_edited_and_closed(hand: Database) -> None:
    """Action items are read whole at each read (follow-through counts items by their due
    day, whichever incident): the figures follow each change."""
    from irdesk.storage.records.action_items import add_action, edit_action, get_action

    assert_as_the_timeline_says(hand)
    with hand.connection() as conn:
        review = conn.exec_driver_sql("SELECT id FROM review WHERE incident_id = 4").scalar()
    with hand.transaction() as session:
        added = add_action(session, review, actor="f", title="Alarm", due_on=fx.at(5, 0).date())
    assert_as_the_timeline_says(hand)
    with hand.transaction() as session:
        row = get_action(session, added.id)
        edit_action(session, added.id, row.revision, actor="f", due_on=fx.at(6, 0).date())
    with hand.transaction() as session:
        row = get_action(session, added.id)
        edit_action(session, added.id, row.revision, actor="f", status="done")
    assert_as_the_timeline_says(hand)


def test_a_read_only_file_with_an_edited_incident(hand: Database, read_only: Database) -> None:
    load_metric_data(hand)
    sql(hand, "UPDATE incident SET severity = 'SEV5' WHERE id = 1")
    before = stored_blocks(hand)
    reference = figures(hand, None, cached=False)
    assert figures(read_only, None, cached=True) == reference
    assert stored_blocks(hand) == before  # nothing written through the read-only file


def test_damaged_titles_are_rebuilt_never_trusted(hand: Database) -> None:
    """The blob's tail holds the titles' bytes: a byte changed there is caught by the
    checksum, and the figures are the timeline's."""
    reference = figures(hand, None, cached=False)
    load_metric_data(hand)
    sql(
        hand,
        "UPDATE metric_fact_blob SET facts = substr(facts, 1, length(facts) - 1) || x'21'"
        " WHERE block = 0",
    )
    problems = check_database(hand.path).metric_fact_problems
    assert problems == [
        "the stored figure facts of incidents 0–9999 are damaged"
        " (they are rebuilt on the next read of the figures)"
    ]
    assert figures(hand, None, cached=True) == reference
    assert check_database(hand.path).ok


@pytest.mark.parametrize(
    ("sample", "period"),
    [
        ("pagerduty_incidents_page.json", PD_PERIOD),
        ("opsgenie_alerts_page.json", None),
    ],
)
def test_incident_edits_on_a_real_sample(
    database: Database, sample: str, period: Period | None
) -> None:
    """/work/shared/data/pagerduty_incidents_page.json and opsgenie_alerts_page.json: after
    their import, and after each incident column the figures read is edited."""
    run_import(database, [SHARED_DATA / sample])
    assert_as_the_timeline_says(database, None, period)
    with database.connection() as conn:
        first = conn.exec_driver_sql("SELECT min(id) FROM incident").scalar()
    for edit in (
        "severity = 'SEV1'",
        "title = 'renamed by hand'",
        "started_at = '2021-05-01 00:00:00.000000'",
        "resolved_at = NULL",
        "service_id = NULL",
    ):
        sql(database, f"UPDATE incident SET {edit} WHERE id = {first}")
        assert_as_the_timeline_says(database, None, period)
    sql(database, f"DELETE FROM incident WHERE id = {first}")
    assert_as_the_timeline_says(database, None, period)
    run_import(database, [SHARED_DATA / sample])  # imported again: the incident is back
    assert_as_the_timeline_says(database, None, period)


def test_the_incident_trigger_names_every_column_the_blocks_hold(hand: Database) -> None:
    """A column added to the incidents' scan must drop a block when edited: the trigger of
    migration 0029 names each column the scan reads."""
    from irdesk.storage.bulk import service_and_flags
    from irdesk.storage.bulk.metric_scans import SCANNED_INCIDENTS

    with hand.connection() as conn:
        trigger = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'metric_facts_incident_update'"
        ).scalar()
    named = trigger.split(" ON incident")[0].split("UPDATE OF ")[1]
    columns = {c.strip() for c in named.split(",")}
    scanned = {c.sql for c in SCANNED_INCIDENTS if c.name != "service_and_flags"}
    scanned |= {"id", "service_id"} | {column for column, _ in service_and_flags.FLAGS.values()}
    assert scanned <= columns, scanned - columns


def test_the_blocks_built_ahead_of_the_first_read(
    hand: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an import's end or a window's opening can run in the background: every block
    built and stored, a batch at a time with its progress; the next read derives nothing."""
    reference = figures(hand, fx.PERIOD, cached=False)
    told: list[tuple[int, int]] = []
    assert metric_facts.build_missing(hand, lambda *p: told.append(p), batch=1) == 2
    assert told == [(1, 2), (2, 2)]
    assert sorted(stored_blocks(hand)) == [0, 2]
    assert metric_facts.build_missing(hand) == 0  # nothing left

    def refuse(cur: object, block: int) -> None:
        raise AssertionError(f"block {block} derived again")

    monkeypatch.setattr(metric_facts, "build_block", refuse)
    assert figures(hand, fx.PERIOD, cached=True) == reference


def test_building_ahead_gives_way_to_a_read_only_file(hand: Database, read_only: Database) -> None:
    assert metric_facts.build_missing(read_only) == 0
    assert stored_blocks(hand) == {}
