"""Load over time on a small organisation written out here, every figure worked by hand.

Rotation 1 "Primary" (team 1), March 2026 (31 days, 744 hours), zones UTC:
- Ana (1) on it all month: 744 h; Ben (2) from 1 to 8 March: 168 h. Held 912 h in all,
  Ana's share 744 / 912 = 81.6 %, Ben's 18.4 %.
- Pages: Ben at 10:00 on 3 March (incident 10); Ana at 23:00 on 10, 11 and 12 March
  (incidents 11, 12, 13): 4 pages on the rotation, Ana expected 4 × 0.816 = 3.26, Ben 0.74.
- Ana's three nights in a row are a surge (10–12 March); Ben's incident 10 took him
  10:00–15:00, 5 hours: a long incident (4 hours or more).
- Incident 14 (an external cause) paged Ana at 23:00 on 13 March: counted nowhere, so
  her run stays three nights and the rotation four pages.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from irdesk.domain.load_fairness import LONG_INCIDENT, NIGHTS_PAGED, held_shares, surges
from irdesk.domain.metrics.data import (
    EventColumns,
    IncidentInput,
    Memberships,
    MetricData,
    PersonInfo,
    RotationInfo,
    TeamInfo,
    incident_columns,
)
from irdesk.domain.metrics.selection import Period
from irdesk.domain.policy import Policy
from irdesk.domain.team_picture import team_picture

UTC_ZONE = ZoneInfo("UTC")
MARCH = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def data() -> MetricData:
    incidents = [
        IncidentInput(10, started_at=at(3, 10), detected_at=at(3, 10), resolved_at=at(3, 15)),
        *(
            IncidentInput(
                n,
                started_at=at(d, 23),
                detected_at=at(d, 23),
                resolved_at=at(d, 23) + timedelta(minutes=30),
            )
            for n, d in ((11, 10), (12, 11), (13, 12))
        ),
        IncidentInput(14, started_at=at(13, 23), detected_at=at(13, 23), external_cause=True),
    ]
    pages = [
        (10, 2, at(3, 10)),
        (11, 1, at(10, 23)),
        (12, 1, at(11, 23)),
        (13, 1, at(12, 23)),
        (14, 1, at(13, 23)),
    ]
    return MetricData(
        incidents=incident_columns(incidents),
        events=EventColumns.build(
            pages=pages,
            participation=[(10, 2, at(3, 10), at(3, 15)), *((i, p, t, t) for i, p, t in pages[1:])],
            resolvers=[(10, 2)],
        ),
        teams={1: TeamInfo(1, "Payments")},
        people={
            1: PersonInfo(1, "Ana", 1, UTC_ZONE, None),
            2: PersonInfo(2, "Ben", 1, UTC_ZONE, None),
        },
        rotations={1: RotationInfo(1, "Primary", 1)},
        memberships=Memberships.build(
            [(1, 1, datetime(2026, 2, 1, tzinfo=UTC), None), (1, 2, at(1, 0), at(8, 0))]
        ),
    )


def test_held_time_and_expected_pages(data: MetricData) -> None:
    (ana,) = held_shares(data, Policy(), MARCH, 1)
    assert (ana.rotation, ana.members, ana.held_hours) == ("Primary", 2, 744.0)
    assert ana.share == pytest.approx(744 / 912)
    assert (ana.rotation_pages, ana.pages, ana.after_hours_pages) == (4, 3, 3)
    assert ana.expected_pages == pytest.approx(4 * 744 / 912)
    assert ana.incident_ids == (11, 12, 13)
    (ben,) = held_shares(data, Policy(), MARCH, 2)
    assert (ben.held_hours, ben.pages, ben.after_hours_pages) == (168.0, 1, 0)
    assert ben.expected_pages == pytest.approx(4 * 168 / 912)


def test_nights_paged_in_a_row(data: MetricData) -> None:
    (run,) = surges(data, Policy(), MARCH, 1)
    assert (run.kind, run.first_day, run.last_day, run.amount, run.incident_ids) == (
        NIGHTS_PAGED,
        date(2026, 3, 10),
        date(2026, 3, 12),
        3.0,
        (11, 12, 13),
    )


def test_a_long_incident(data: MetricData) -> None:
    (long,) = surges(data, Policy(), MARCH, 2)
    assert (long.kind, long.first_day, long.amount, long.incident_ids) == (
        LONG_INCIDENT,
        date(2026, 3, 3),
        5.0,
        (10,),
    )


def test_a_page_before_the_working_day_belongs_to_the_night_before(data: MetricData) -> None:
    # Move Ana's page of the 11th to 02:00 on the 12th: still the night of the 11th.
    ev = data.events
    moved = ev.page_time.copy()
    moved[2] = at(12, 2).timestamp()
    shifted = MetricData(
        incidents=data.incidents,
        events=EventColumns(
            ev.page_incident,
            ev.page_person,
            moved,
            ev.part_incident,
            ev.part_person,
            ev.part_first,
            ev.part_last,
            ev.resolver_incident,
            ev.resolver_person,
        ),
        teams=data.teams,
        people=data.people,
        rotations=data.rotations,
        memberships=data.memberships,
    )
    (run,) = surges(shifted, Policy(), MARCH, 1)
    assert (run.first_day, run.last_day, run.amount) == (date(2026, 3, 10), date(2026, 3, 12), 3.0)


def test_a_teams_surges_are_its_members(data: MetricData) -> None:
    picture = team_picture(data, Policy(), MARCH, 1, date(2026, 3, 1), date(2026, 3, 31))
    assert [(name, s.kind, s.first_day.day) for name, s in picture.surges] == [
        ("Ben", LONG_INCIDENT, 3),
        ("Ana", NIGHTS_PAGED, 10),
    ]
