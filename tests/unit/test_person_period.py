"""A person's period on the hand-built organisation of tests/person_fixture.py (every
expected value worked out there), and the cadence and lateness rules on their own."""

from datetime import UTC, date, datetime, timedelta

import pytest
from person_fixture import FIRST, LAST, build

from irdesk.domain.person_cells import person_json, sections
from irdesk.domain.person_period import PersonPeriod, cadence, days_late
from irdesk.storage.database import Database
from irdesk.storage.reads.packet_data import PacketDataError
from irdesk.storage.reads.person_period import person_period

pytestmark = pytest.mark.both_backends


@pytest.fixture
def org(database: Database) -> dict[str, int]:
    return build(database)


@pytest.fixture
def ana(database: Database, org: dict[str, int]) -> PersonPeriod:
    return person_period(database, "Ana", FIRST, LAST)


def test_incidents_and_her_role_in_each(ana: PersonPeriod) -> None:
    parts = {p.label: p for p in ana.incidents}
    assert list(parts) == ["PAY-1", "PAY-2", "PAY-4", "PAY-3"]  # by start
    assert parts["PAY-1"].roles == ("on-call primary",)
    assert parts["PAY-4"].roles == ()  # no source named one: "took part"
    assert parts["PAY-3"].excluded == ("external cause",)
    assert [p.label for p in ana.incidents if not p.excluded] == ["PAY-1", "PAY-2", "PAY-4"]
    assert parts["PAY-1"].hours == pytest.approx(2.0)
    assert parts["PAY-4"].after_hours_pages == 1
    assert parts["PAY-4"].resolved_by_them and not parts["PAY-1"].resolved_by_them


def test_load_against_rotation_and_team(ana: PersonPeriod, org: dict[str, int]) -> None:
    shown = {f.name: f for f in ana.figures}
    assert ana.peers == {"rotation": 2, "team": 4}
    assert ana.rotation == "Payments primary"
    expected = {
        # name: (hers, rotation median, team median)
        "Incidents taken part in": (3, 2, 1),
        "Pages": (3, 1.5, 0),
        "After-hours pages": (1, 0.5, 0),
        "Incident hours": (
            2.0 + 1.0 + 35 / 60,
            (2.0 + 1.0 + 35 / 60 + 100 / 60) / 2,
            (50 / 60 + 100 / 60) / 2,
        ),
        "Incidents resolved": (1, 1, 1),
    }
    for name, (theirs, rotation, team) in expected.items():
        figure = shown[name]
        assert figure.value == pytest.approx(theirs), name
        assert figure.rotation_median == pytest.approx(rotation), name
        assert figure.team_median == pytest.approx(team), name
    # Each figure leads to its incidents.
    assert set(shown["After-hours pages"].incident_ids) == {org["PAY-4"]}
    assert set(shown["Pages"].incident_ids) == {org["PAY-1"], org["PAY-2"], org["PAY-4"]}
    assert ana.time_zone == "Europe/Berlin" and ana.own_zone


def test_on_call_time_held_against_pages(ana: PersonPeriod) -> None:
    # Payments primary, March: Ana and Ben each held 744 hours; Ana's three pages are
    # all the rotation's, against 1.5 expected. One after-hours night: no surge.
    (share,) = ana.shares
    assert (share.rotation, share.held_hours, share.share) == ("Payments primary", 744.0, 0.5)
    assert (share.rotation_pages, share.pages, share.expected_pages) == (3, 3, 1.5)
    assert ana.surges == ()


def test_escalations_passed_on_with_their_delays(ana: PersonPeriod) -> None:
    steps = [
        (e.label, e.direction, e.level, e.minutes_at_level, e.against_min) for e in ana.escalations
    ]
    assert steps == [
        ("PAY-1", "passed on", 1, pytest.approx(42), pytest.approx(12)),
        ("PAY-2", "passed on", 1, pytest.approx(10), pytest.approx(-20)),
    ]
    cells = {s.key: s for s in sections(ana)}["escalations"].rows
    assert cells[0].cells[-1] == "12 min after the policy's time"
    assert cells[1].cells[-1] == "20 min before the policy's time"


def test_escalation_received(database: Database, org: dict[str, int]) -> None:
    ben = person_period(database, "Ben", FIRST, LAST)
    assert [
        (e.label, e.direction, e.level, e.reached_after_min, e.against_min) for e in ben.escalations
    ] == [("PAY-1", "received", 2, pytest.approx(42), pytest.approx(12))]
    assert {p.label: p.roles for p in ben.incidents} == {"PAY-1": ("incident commander",)}


def test_action_items_with_status_and_lateness(ana: PersonPeriod) -> None:
    assert [(a.title, a.status, a.days_late) for a in ana.actions] == [
        ("Add a rollback step", "done", 3),
        ("Alert on checkout latency", "open", 41),
    ]


def test_status_update_cadence(ana: PersonPeriod) -> None:
    gaps = {
        c.label: (c.updates, c.by_them, c.longest_gap_min, c.median_gap_min) for c in ana.cadence
    }
    assert gaps == {
        "PAY-1": (2, 0, 60, 40),
        "PAY-2": (0, 0, 60, 60),
        "PAY-4": (0, 0, 35, 35),
        "PAY-3": (0, 0, 70, 70),
    }


def test_json_holds_incidents_with_roles_and_the_cells(ana: PersonPeriod) -> None:
    shown = person_json(ana, notes=False)
    assert [(i["id"], i["role"], i["excluded"]) for i in shown["incidents"]] == [
        ("PAY-1", ["on-call primary"], []),
        ("PAY-2", ["on-call primary"], []),
        ("PAY-4", [], []),
        ("PAY-3", [], ["external cause"]),
    ]
    keys = [s["key"] for s in shown["sections"]]
    assert keys == [
        "incidents",
        "figures",
        "shares",
        "surges",
        "escalations",
        "actions",
        "cadence",
    ]
    figures = next(s for s in shown["sections"] if s["key"] == "figures")
    assert figures["rows"][3]["cells"] == ["Incident hours", "3.6 h", "2.6", "1.2"]


def test_nobody_by_that_name(database: Database, org: dict[str, int]) -> None:
    with pytest.raises(PacketDataError, match="no person named 'Zed'"):
        person_period(database, "Zed", FIRST, LAST)


def test_cadence_by_hand() -> None:
    t0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    at = [t0 + timedelta(minutes=m) for m in (15, 45, 200)]
    # The update at +200 is after the resolution at +90: not during the incident.
    found = cadence(
        7, "X-7", t0, t0 + timedelta(minutes=90), [(at[0], True), (at[1], False), (at[2], True)]
    )
    assert (found.updates, found.by_them) == (2, 1)
    assert (found.longest_gap_min, found.median_gap_min) == (45, 30)  # gaps 15, 30, 45
    unresolved = cadence(7, "X-7", t0, None, [(at[0], True)])
    assert (unresolved.longest_gap_min, unresolved.median_gap_min) == (15, 15)


def test_days_late_by_hand() -> None:
    due = date(2026, 3, 10)
    assert days_late("done", due, date(2026, 3, 13), date(2026, 4, 30)) == 3
    assert days_late("done", due, date(2026, 3, 9), date(2026, 4, 30)) is None
    assert days_late("open", due, None, date(2026, 3, 12)) == 2
    assert days_late("wont_do", due, None, date(2026, 4, 30)) is None
    assert days_late("open", None, None, date(2026, 4, 30)) is None
