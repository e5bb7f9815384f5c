"""Leave as a surge, on a small organisation written out here, every figure by hand.

Team 1 "Payments": Ana (1) and Ben (2); team 2 "Storage": Cleo (3). Zones UTC, March 2026.
Ben is on leave 9–13 March (5 days). The incidents:
- 10: Ben paged 3 March 10:00, resolved 11:00 (before his leave).
- 11: Ana paged 10 March 14:00, resolved 15:00 (covering for Ben).
- 12: Ana joins, unpaged, 12 March 09:00–10:00 (covering is more than the pager).
- 13: Ben paged 11 March 14:00, resolved 14:30 (paged on his own leave).
- 14: Ana paged 20 March 14:00, resolved 15:00 (after the leave).
- 15: Cleo paged 10 March 14:00 (another team: no one she covers for).
So Ana's surge is "covering for Ben on leave" 9–13 March with 11 and 12; Ben's is "on
leave" 9–13 March with 13; Cleo has none. No incident is long (4 h) and nobody is paged
at night, so leave is the only surge.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from irdesk.domain.load_fairness import ON_LEAVE, surges
from irdesk.domain.metrics.data import (
    EventColumns,
    IncidentInput,
    LeaveSpan,
    MetricData,
    PersonInfo,
    TeamInfo,
    incident_columns,
)
from irdesk.domain.metrics.selection import Period
from irdesk.domain.policy import Policy
from irdesk.domain.team_cells import team_sections
from irdesk.domain.team_picture import team_picture

UTC_ZONE = ZoneInfo("UTC")
MARCH = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
BEN_AWAY = LeaveSpan(2, date(2026, 3, 9), date(2026, 3, 13))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def organisation(*leave: LeaveSpan) -> MetricData:
    spans = {10: (3, 10, 60), 11: (10, 14, 60), 12: (12, 9, 60), 13: (11, 14, 30)}
    spans |= {14: (20, 14, 60), 15: (10, 14, 60)}
    incidents = [
        IncidentInput(
            n,
            started_at=at(d, h),
            detected_at=at(d, h),
            resolved_at=at(d, h) + timedelta(minutes=m),
        )
        for n, (d, h, m) in spans.items()
    ]
    pages = [(10, 2, at(3, 10)), (11, 1, at(10, 14)), (13, 2, at(11, 14))]
    pages += [(14, 1, at(20, 14)), (15, 3, at(10, 14))]
    parts = [(i, p, t, t + timedelta(minutes=30)) for i, p, t in pages]
    parts.append((12, 1, at(12, 9), at(12, 10)))
    return MetricData(
        incidents=incident_columns(incidents),
        events=EventColumns.build(pages=pages, participation=parts, resolvers=[]),
        teams={1: TeamInfo(1, "Payments"), 2: TeamInfo(2, "Storage")},
        people={
            1: PersonInfo(1, "Ana", 1, UTC_ZONE, None),
            2: PersonInfo(2, "Ben", 1, UTC_ZONE, None),
            3: PersonInfo(3, "Cleo", 2, UTC_ZONE, None),
        },
        leave=leave,
    )


def described(data: MetricData, person_id: int) -> list[tuple[object, ...]]:
    return [
        (s.kind, s.first_day, s.last_day, s.amount, s.incident_ids)
        for s in surges(data, Policy(), MARCH, person_id)
    ]


def test_no_leave_no_surge() -> None:
    data = organisation()
    assert [described(data, p) for p in (1, 2, 3)] == [[], [], []]


def test_the_teammate_covers_and_the_absent_persons_own_pages_are_marked() -> None:
    data = organisation(BEN_AWAY)
    march_9, march_13 = date(2026, 3, 9), date(2026, 3, 13)
    assert described(data, 1) == [("covering for Ben on leave", march_9, march_13, 5.0, (11, 12))]
    assert described(data, 2) == [(ON_LEAVE, march_9, march_13, 5.0, (13,))]
    assert described(data, 3) == []  # another team's


def test_leave_not_ended_runs_to_the_periods_end_and_leave_outside_it_is_nothing() -> None:
    data = organisation(
        LeaveSpan(2, date(2026, 3, 25)), LeaveSpan(2, date(2026, 2, 1), date(2026, 2, 5))
    )
    assert described(data, 1) == [
        ("covering for Ben on leave", date(2026, 3, 25), date(2026, 3, 31), 7.0, ())
    ]


def test_the_team_shows_who_was_away_and_the_policy_treats_the_span() -> None:
    march = (date(2026, 3, 1), date(2026, 3, 31))
    data = organisation(BEN_AWAY)
    marked = team_picture(data, Policy(), MARCH, 1, *march)
    assert [(name, s.kind) for name, s in marked.surges] == [
        ("Ana", "covering for Ben on leave"),
        ("Ben", ON_LEAVE),
    ]
    took = {m.person: m.incident_ids for m in marked.members}
    assert took == {"Ana": (11, 12, 14), "Ben": (10, 13)}
    excluded = team_picture(data, Policy(surge_treatment="exclude"), MARCH, 1, *march)
    took = {m.person: m.incident_ids for m in excluded.members}
    assert took == {"Ana": (14,), "Ben": (10,)}
    *_, surged, _flags = team_sections(excluded)
    assert [row.cells for row in surged.rows] == [
        (
            "Ana",
            "covering for Ben on leave",
            "2026-03-09",
            "2026-03-13",
            "5 days",
            "left out of their figures",
        ),
        ("Ben", "on leave", "2026-03-09", "2026-03-13", "5 days", "left out of their figures"),
    ]
    assert [row.incident_ids for row in surged.rows] == [(11, 12), (13,)]
