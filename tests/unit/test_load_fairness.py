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

import json
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
from irdesk.domain.person_cells import (
    Section,
    figures_section,
    incidents_section,
    person_json,
    summary,
    surges_section,
)
from irdesk.domain.person_period import PersonPeriod, figures, incident_parts
from irdesk.domain.policy import Policy, PolicyError, changed_settings
from irdesk.domain.team_cells import team_sections
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


# The policy's surge settings, on the same organisation. Worked by hand, from the figures
# as counted (treatment "mark"): Ana 3 incidents (11–13), 3 pages, 3 after hours, 1.5 h
# (three incidents of 30 min), resolved none; Ben 1 incident (10), 1 page, 0 after hours,
# 5 h, resolved 1. Both are on the rotation and in the team, so each median is of the two.


def person(data: MetricData, policy: Policy, person_id: int) -> PersonPeriod:
    shown, _, rotations, peers = figures(data, policy, MARCH, person_id)
    return PersonPeriod(
        person_id=person_id,
        person=data.people[person_id].name,
        team="Payments",
        time_zone="UTC",
        own_zone=True,
        first_day=date(2026, 3, 1),
        last_day=date(2026, 3, 31),
        incidents=incident_parts(data, policy, MARCH, person_id, {}, {}),
        figures=shown,
        surges=surges(data, policy, MARCH, person_id),
        rotation=rotations,
        peers=peers,
        surge_treatment=policy.surge_treatment,
        surge_hours=policy.surge_long_incident_hours,
        surge_nights=policy.surge_consecutive_nights,
    )


def cells(section: Section) -> list[tuple[str, ...]]:
    return [row.cells for row in section.rows]


def test_the_policy_says_what_a_surge_is(data: MetricData) -> None:
    # Three nights in a row are a surge of 3 nights or fewer, not of 4.
    assert len(surges(data, Policy(surge_consecutive_nights=3), MARCH, 1)) == 1
    assert surges(data, Policy(surge_consecutive_nights=4), MARCH, 1) == ()
    # Ben's incident took 5 hours: long at 5 hours, not at 5.5.
    assert len(surges(data, Policy(surge_long_incident_hours=5), MARCH, 2)) == 1
    assert surges(data, Policy(surge_long_incident_hours=5.5), MARCH, 2) == ()


def test_no_surge_says_the_thresholds_in_force_and_that_leave_counts(data: MetricData) -> None:
    # Ben's 5-hour incident is no surge at 5.5 hours, nor Ana's three nights at 4 in a row.
    policy = Policy(surge_long_incident_hours=5.5, surge_consecutive_nights=4)
    ben = surges_section(person(data, policy, 2))
    assert ben.rows == ()
    assert ben.empty == (
        "No surge in this period: no incident took 5.5 h or more of their time, no after-hours "
        "pages on 4 or more nights in a row, no page on their leave and no work covering a "
        "teammate's leave (the policy's thresholds)."
    )
    march = (date(2026, 3, 1), date(2026, 3, 31))
    *_, surged, _flags = team_sections(team_picture(data, policy, MARCH, 1, *march))
    assert surged.rows == ()
    assert surged.empty == (
        "No member had a surge in this period: no incident took 5.5 h or more of a member's "
        "time, none was paged after hours on 4 or more nights in a row, and none was paged on "
        "leave or worked covering a teammate's leave (the policy's thresholds)."
    )


def test_mark_leaves_the_figures_as_counted(data: MetricData) -> None:
    ana = person(data, Policy(), 1)
    assert cells(figures_section(ana)) == [
        ("Incidents taken part in", "3", "2", "2"),
        ("Pages", "3", "2", "2"),
        ("After-hours pages", "3", "1.5", "1.5"),
        ("Incident hours", "1.5 h", "3.2", "3.2"),  # (1.5 + 5) / 2 = 3.25
        ("Incidents resolved", "0", "0.5", "0.5"),
    ]
    assert cells(surges_section(ana)) == [
        (
            "nights paged in a row",
            "2026-03-10",
            "2026-03-12",
            "3 nights",
            "11, 12, 13",
            "marked; counted in their figures",
        )
    ]
    # Incident 14 (an external cause) is hers, left out by the policy as before.
    assert [p.excluded for p in ana.incidents] == [(), (), (), ("external cause",)]
    assert incidents_section(ana).rows[0].cells[-1] == (
        "counted; in a surge (nights paged in a row 2026-03-10 to 2026-03-12)"
    )


def test_exclude_leaves_each_persons_surges_out_of_their_figures_and_the_medians(
    data: MetricData,
) -> None:
    # Four nights make a surge: Ana's three do not, Ben's 5-hour incident still does. Her
    # figures stay as counted; Ben's incident 10 is left out of his, so each median is of
    # Ana's value and 0.
    policy = Policy(surge_treatment="exclude", surge_consecutive_nights=4)
    ana = person(data, policy, 1)
    section = figures_section(ana)
    assert section.columns[-1] == "Surges left out"
    assert cells(section) == [
        ("Incidents taken part in", "3", "1.5", "1.5", ""),
        ("Pages", "3", "1.5", "1.5", ""),
        ("After-hours pages", "3", "1.5", "1.5", ""),
        ("Incident hours", "1.5 h", "0.8", "0.8", ""),  # (1.5 + 0) / 2 = 0.75
        ("Incidents resolved", "0", "0", "0", ""),
    ]
    ben = person(data, policy, 2)
    why = "long incident 2026-03-03 (10)"
    assert cells(figures_section(ben)) == [
        ("Incidents taken part in", "0", "1.5", "1.5", why),
        ("Pages", "0", "1.5", "1.5", why),
        ("After-hours pages", "0", "1.5", "1.5", why),
        ("Incident hours", "0.0 h", "0.8", "0.8", why),
        ("Incidents resolved", "0", "0", "0", why),
    ]
    # Each figure leads to the incident its surge left out.
    assert [row.incident_ids for row in figures_section(ben).rows] == [(10,)] * 5
    assert [(p.incident_id, p.excluded) for p in ben.incidents] == [
        (10, ("surge (long incident 2026-03-03)",))
    ]
    assert surges_section(ben).rows[0].cells[-1] == "left out of their figures"
    assert summary(ben).endswith(
        "The incidents of their surge periods are left out of their figures."
    )


def test_adjust_shows_each_figure_beside_it_without_the_surge(data: MetricData) -> None:
    ana = person(data, Policy(surge_treatment="adjust"), 1)
    section = figures_section(ana)
    assert section.columns[:3] == ("Figure", "Theirs", "Without their surges")
    why = "nights paged in a row 2026-03-10 to 2026-03-12 (11, 12, 13)"
    # Medians as counted; beside Ana's figures, the same without incidents 11, 12 and 13.
    assert cells(section) == [
        ("Incidents taken part in", "3", "0", "2", "2", why),
        ("Pages", "3", "0", "2", "2", why),
        ("After-hours pages", "3", "0", "1.5", "1.5", why),
        ("Incident hours", "1.5 h", "0.0 h", "3.2", "3.2", why),
        ("Incidents resolved", "0", "0", "0.5", "0.5", why),
    ]
    # Incident 14 (an external cause) is hers, left out by the policy as before.
    assert [p.excluded for p in ana.incidents] == [(), (), (), ("external cause",)]
    assert person_json(ana)["surge_treatment"] == "adjust"
    assert person_json(ana)["incidents"][0]["surges"] == [
        "nights paged in a row 2026-03-10 to 2026-03-12"
    ]


def test_the_team_view_under_each_treatment(data: MetricData) -> None:
    march = (date(2026, 3, 1), date(2026, 3, 31))
    excluded = team_picture(data, Policy(surge_treatment="exclude"), MARCH, 1, *march)
    outcomes, members, _weeks, surged, _flags = team_sections(excluded)
    # The team keeps its four incidents; each member's share leaves out their own surges.
    assert cells(outcomes)[0] == ("Incidents", "4")
    assert cells(members) == [
        (
            "Ana",
            "yes",
            "0",
            "0%",
            "0.0 h",
            "0%",
            "0",
            "0%",
            "nights paged in a row 2026-03-10 to 2026-03-12",
        ),
        ("Ben", "yes", "0", "0%", "0.0 h", "0%", "0", "0%", "long incident 2026-03-03"),
    ]
    assert [row.incident_ids for row in members.rows] == [(11, 12, 13), (10,)]
    assert [row.cells[-1] for row in surged.rows] == ["left out of their figures"] * 2
    # Ben's 5 hours were a surge: no flag says the team's figures rest on him.
    assert not any("rest on one person" in flag for flag in excluded.flags)
    adjusted = team_picture(data, Policy(surge_treatment="adjust"), MARCH, 1, *march)
    _, members, *_ = team_sections(adjusted)
    assert members.columns[-2:] == ("Hours without their surges", "Surges")
    assert [row.cells[4:6] + row.cells[8:9] for row in members.rows] == [
        ("5.0 h", "77%", "0.0 h"),  # Ben: 5 of the 6.5 hours
        ("1.5 h", "23%", "0.0 h"),
    ]


def test_surge_settings_in_the_policy_file() -> None:
    # A version stored before the settings existed reads as they were: 4 hours, 2 nights,
    # marked only.
    old = Policy.from_json("{}")
    assert (old.surge_long_incident_hours, old.surge_consecutive_nights) == (4.0, 2)
    assert old.surge_treatment == "mark"
    assert "surge_treatment" not in old.to_dict()
    chosen = Policy(surge_treatment="exclude", surge_long_incident_hours=6)
    assert Policy.from_json(chosen.to_json()) == chosen
    assert json.loads(chosen.to_json())["surge_treatment"] == "exclude"
    with pytest.raises(PolicyError, match="surge_treatment: 'ignore' is not one of mark"):
        Policy(surge_treatment="ignore")
    with pytest.raises(PolicyError, match="surge_consecutive_nights: 1 must be between 2"):
        Policy(surge_consecutive_nights=1)
    assert changed_settings(None, chosen) == {
        "surge_long_incident_hours": (4.0, 6),
        "surge_treatment": ("mark", "exclude"),
    }
