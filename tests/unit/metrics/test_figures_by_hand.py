"""Every figure of the small organisation in tests/metric_fixture.py, worked out by hand."""

from dataclasses import replace
from datetime import timedelta

import pytest
from metric_fixture import PERIOD, metric_data

from irdesk.domain.metrics.figures import Figures, compute_figures
from irdesk.domain.metrics.selection import CONTRADICTORY, EXTERNAL
from irdesk.domain.metrics.tables import figure_tables, undated_note
from irdesk.domain.policy import Policy

approx = pytest.approx


def figures(by: str = "service", **policy: object) -> Figures:
    return compute_figures(metric_data(), Policy(**policy), PERIOD, by)  # type: ignore[arg-type]


def row(rows, label):  # type: ignore[no-untyped-def]
    return next(r for r in rows if r.label == label)


def test_time_to_resolve_overall_by_service() -> None:
    ttr = figures().durations["time_to_resolve"]
    everything = ttr[0]
    # Incidents 1-4 in the period: 60, 120, 200, 50 minutes; sorted 50, 60, 120, 200.
    assert everything.count == 4 and everything.missing == 0 and everything.excluded == {}
    assert everything.median == approx((60 + 120) / 2)  # 90
    # Linear p90: position 0.9 × (4 − 1) = 2.7, so 120 + 0.7 × (200 − 120) = 176.
    assert everything.p90 == approx(176)
    assert everything.mean == approx((60 + 120 + 200 + 50) / 4)  # 107.5
    # Previous period (Dec 26 – Jan 5): incident 5 alone, 180 minutes.
    assert everything.previous_median == approx(180)
    assert everything.change == approx(90 - 180)
    # Default targets (SEV1 120, SEV2 240, SEV3 480 minutes): all four inside.
    assert (everything.attained, everything.evaluated, everything.attainment) == (4, 4, 1.0)
    api, web = row(ttr, "api"), row(ttr, "web")
    assert (api.count, api.median) == (2, approx((60 + 120) / 2))
    assert (web.count, web.median) == (2, approx((200 + 50) / 2))
    assert sorted(web.ids["count"].tolist()) == [3, 4]


def test_a_missing_timestamp_is_missing_never_zero() -> None:
    ttd = figures().durations["time_to_detect"][0]
    # Incident 3 has no detected_at: 5, 10 and 20 minutes counted, one missing.
    assert (ttd.count, ttd.missing) == (3, 1)
    assert ttd.ids["missing"].tolist() == [3]
    assert ttd.median == approx(10)
    assert ttd.mean == approx((5 + 10 + 20) / 3)
    tta = figures().durations["time_to_acknowledge"][0]
    # Acknowledged minus detected: 3, 15, 10; incident 3 missing.
    assert (tta.count, tta.missing, tta.median) == (3, 1, approx(10))


def test_threshold_attainment_uses_each_severitys_target() -> None:
    policy = Policy()
    targets = {**policy.thresholds_minutes, "time_to_resolve": {"SEV1": 120, "SEV3": 100}}
    ttr = figures(thresholds_minutes=targets).durations["time_to_resolve"][0]
    # SEV1: 60 ≤ 120 in; SEV2 has no target (not evaluated); SEV3: 200 > 100 out, 50 in.
    assert (ttr.attained, ttr.evaluated) == (2, 3)
    assert ttr.attainment == approx(2 / 3)
    assert ttr.ids["missed"].tolist() == [3]


def test_verification_can_end_resolve_time() -> None:
    ttr = figures(verification_counts=True).durations["time_to_resolve"][0]
    # Only incident 1 was verified (90 minutes after its start); the rest are missing.
    assert (ttr.count, ttr.missing, ttr.median) == (1, 3, approx(90))


def test_team_figures_leave_out_external_causes_with_the_reason() -> None:
    by_team = figures("team").durations["time_to_resolve"]
    everything, core, edge = by_team[0], row(by_team, "Core"), row(by_team, "Edge")
    # Incident 3 (external) leaves team figures: 60, 120, 50 remain, median 60.
    assert everything.excluded == {EXTERNAL: 1}
    assert (everything.count, everything.median) == (3, approx(60))
    assert (core.count, core.median) == (2, approx(90))
    assert (edge.count, edge.excluded, edge.median) == (1, {EXTERNAL: 1}, approx(50))
    kept = figures("team", exclude_external_cause=False).durations["time_to_resolve"][0]
    assert (kept.count, kept.excluded) == (4, {})


def test_person_figures_count_each_incident_a_person_worked() -> None:
    by_person = figures("person").durations["time_to_resolve"]
    # Ann worked 1 and 2 (60, 120); Bob 2 (120); Cy 4 (50) and 3, which is external.
    assert row(by_person, "Ann").median == approx(90)
    assert row(by_person, "Bob").median == approx(120)
    cy = row(by_person, "Cy")
    assert (cy.count, cy.excluded, cy.median) == (1, {EXTERNAL: 1}, approx(50))


def test_business_impact_weighting_by_severity() -> None:
    ttr = figures(weighting="severity").durations["time_to_resolve"][0]
    # Weights 16, 8, 4, 4 for 60, 120, 200, 50: (960 + 960 + 800 + 200) / 32 = 91.25.
    assert ttr.mean == approx(2920 / 32)
    # Weighted median: sorted 50(4) 60(16) 120(8) 200(4); positions (S − w)/(S_n − w_n):
    # 0, 4/28, 20/28, 28/28; q 0.5 lies between 60 (4/28) and 120 (20/28):
    # 60 + (0.5 − 4/28) / (16/28) × 60 = 60 + 10/16 × 60 = 97.5.
    assert ttr.median == approx(97.5)


def test_contradictory_timestamps_are_excluded_and_named() -> None:
    from metric_fixture import INCIDENTS

    broken = [*INCIDENTS]
    # Incident 4 "resolved" at 19:00, an hour before it started at 20:00.
    broken[3] = replace(broken[3], resolved_at=broken[3].started_at - timedelta(hours=1))
    ttr = compute_figures(metric_data(broken), Policy(), PERIOD).durations["time_to_resolve"][0]
    assert ttr.excluded == {CONTRADICTORY: 1}
    assert ttr.count == 3 and ttr.ids["excluded"].tolist() == [4]


def test_severity_mismatches() -> None:
    everything = figures().mismatches[0]
    # 1: SEV1/SEV1 same; 2: customers SEV1 vs our SEV2 (worse for them); 3: SEV4 vs SEV3
    # (we rated worse); 4: no customer rating, not compared.
    assert (everything.compared, everything.mismatched) == (3, 2)
    assert (everything.customer_worse, everything.internal_worse) == (1, 1)
    assert everything.share == approx(2 / 3)
    assert everything.ids["customer_worse"].tolist() == [2]


def test_slo_availability_and_error_budget() -> None:
    slo = {s.service: s for s in figures().slo}
    window = 10 * 24 * 60  # 14,400 minutes
    api, web = slo["api"], slo["web"]
    # api: impact start → mitigation, 30 + 60 = 90 minutes.
    assert api.impact_minutes == approx(90)
    assert api.availability == approx(100 * (1 - 90 / window))  # 99.375%
    assert api.budget_minutes == approx(0.001 * window)  # 14.4 minutes
    assert api.budget_consumed == approx(90 / 14.4)  # 6.25: far over budget
    assert not api.met
    # web: 100 (external: still counted for the service) + 40 = 140 minutes of a 144 budget.
    assert web.impact_minutes == approx(140)
    assert web.budget_consumed == approx(140 / 144)
    assert web.availability == approx(100 * (1 - 140 / window))
    assert web.burn_remaining[-1] == approx(1 - 140 / 144)


def test_an_incident_still_open_counts_to_the_window_end_and_is_named() -> None:
    from metric_fixture import API, INCIDENTS, _incident, at

    # Incident 6 on api began on day 8 at 10:00 and was never mitigated or resolved
    # (still going on, or never closed in its source).
    still = _incident(6, API, "SEV3", None, at(8, 10), 5, None, None, None, title="Stuck")
    slo = {
        s.service: s
        for s in compute_figures(metric_data([*INCIDENTS, still]), Policy(), PERIOD).slo
    }
    api, web = slo["api"], slo["web"]
    # Day 8 10:00 to the window's end (day 10 00:00) is 38 hours: 2,280 minutes on top of 90.
    assert api.impact_minutes == approx(90 + 2280)
    assert (api.still_open, api.ids["still_open"].tolist()) == (1, [6])
    assert (web.still_open, web.ids["still_open"].tolist()) == (0, [])
    assert all(s.still_open == 0 for s in figures().slo)


def test_cost_of_downtime_and_responders() -> None:
    cost = {c.label: c for c in figures().cost}
    api = cost["api"]
    # Downtime 90 minutes × 10 = 900.
    assert api.downtime_cost == approx(900)
    # Ann 10:05→11:00 on 1 (55 min) and 10:40→12:00 on 2 (80 min); Bob 10:10→12:00 (110 min).
    assert api.responder_hours == approx((55 + 80 + 110) / 60)
    assert api.responder_cost == approx((55 + 80) / 60 * 100 + 110 / 60 * 50)
    assert api.total == approx(900 + 19000 / 60)
    web = cost["web"]
    # Downtime 140 × 2 = 280; Cy has no rate: the policy's 90 for (170 + 30) minutes.
    assert web.downtime_cost == approx(280)
    assert web.responder_cost == approx(200 / 60 * 90)
    assert cost["All"].total == approx(900 + 19000 / 60 + 280 + 300)


def test_on_call_load_after_hours_and_fatigue() -> None:
    load = {r.person: r for r in figures(pages_per_shift=1).load}
    assert (load["Ann"].pages, load["Ann"].after_hours_pages) == (1, 0)
    assert load["Ann"].incident_hours == approx((55 + 80) / 60)
    cy = load["Cy"]
    # Wednesday 12:30 is business hours; Thursday 20:20 and 20:25 are after 18:00.
    assert (cy.pages, cy.after_hours_pages) == (3, 2)
    assert cy.after_hours_share == approx(2 / 3)
    # 20:20 and 20:25 fall in one 12-hour shift (12:00–24:00): 2 > the limit of 1.
    assert cy.most_pages_in_a_shift == 2
    assert cy.flags == ("2 pages in one shift (limit 1)",)
    assert load["Bob"].flags == ()
    assert "Dee" not in load  # paged only in the previous period


def test_rotation_spread_gini() -> None:
    rotations = {r.team: r for r in figures().rotations}
    # Core: Ann 1, Bob 1 page: equal, 0.
    assert rotations["Core"].gini == approx(0)
    # Edge: Cy 3, Dee 0 (on the rotation: paged before). Sorted 0, 3:
    # 2 × (1·0 + 2·3) / (2 × 3) − (2 + 1) / 2 = 2 − 1.5 = 0.5.
    assert rotations["Edge"].gini == approx(0.5)
    assert rotations["Edge"].members == 2


def test_concentration_of_resolutions() -> None:
    concentration = {c.team: c for c in figures().concentration}
    core, edge = concentration["Core"], concentration["Edge"]
    # Core: Ann resolved 1, Bob 2: one each, a share of 1/2 (ties go to the first).
    assert (core.resolved, core.top_share, core.flagged) == (2, approx(0.5), False)
    # Edge: 3 is external (left out), Cy resolved 4: 1 of 1, too few to be a signal.
    assert (edge.resolved, edge.top_person, edge.top_share) == (1, "Cy", approx(1.0))
    assert edge.excluded == {EXTERNAL: 1} and not edge.flagged


def test_action_item_follow_through() -> None:
    rows = {(r.owner_kind, r.label): r for r in figures().follow_through}
    ann, cy = rows[("person", "Ann")], rows[("person", "Cy")]
    core, edge = rows[("team", "Core")], rows[("team", "Edge")]
    # Ann's item, due Jan 10, done Jan 9: on time. Core's own, due Jan 12, done Jan 13: late.
    assert (ann.done_on_time, ann.done_late) == (1, 0)
    assert (core.done_on_time, core.done_late, core.on_time_share) == (1, 1, approx(0.5))
    # Cy: due Jan 11 and still open on Jan 15: overdue; one won't do; one due after the period.
    assert (cy.open_overdue, cy.wont_do, cy.open, cy.on_time_share) == (1, 1, 0, approx(0))
    # Edge counts Cy's items: two items, both from incident 4.
    assert (edge.open_overdue, edge.wont_do, edge.ids["count"].tolist()) == (1, 1, [4])
    assert ("person", "Bob") not in rows


def test_recurrence_groups_similar_titles_on_one_service() -> None:
    groups = figures().recurrence
    # "Web checkout errors after deploy" / "… after config push": 4 shared words of 7
    # (0.57 ≥ 0.5), a day apart, both on web.
    assert len(groups) == 1
    group = groups[0]
    assert (group.service, group.count) == ("web", 2)
    assert group.ids["count"].tolist() == [3, 4]
    assert group.owners == ("Edge", "Cy")


def test_postmortem_compliance() -> None:
    everything, full, light = figures().compliance
    # Full: 1 (SEV1) approved Jan 8, before its Jan 10 deadline; 2 (SEV2) signed Jan 12,
    # after Jan 11: late. 3 and 4 recur, so they need a full postmortem too: resolved
    # Jan 7 and Jan 8, due 5 days later, still without an approved review on Jan 15.
    assert (full.required, full.on_time, full.late, full.overdue) == (4, 1, 1, 2)
    assert full.compliance == approx(1 / 4)
    assert light.required == 0
    assert everything.required == 4
    _, full, light = figures(full_review_on_recurrence=False).compliance
    # Without the recurrence rule 3 and 4 are SEV3: lightweight, due 10 days after, not yet.
    assert (full.required, full.compliance) == (2, approx(1 / 2))
    assert (light.required, light.pending, light.overdue) == (2, 2, 0)


def test_the_evaluation_chosen_decides_which_columns_show() -> None:
    def columns(evaluation: str) -> list[str]:
        table = figure_tables(figures(evaluation=evaluation))[0]
        return [c.key for c in table.visible_columns()]

    assert {"attainment", "previous_median", "change"} <= set(columns("both"))
    assert "attainment" in columns("threshold") and "change" not in columns("threshold")
    assert "change" in columns("trend") and "attainment" not in columns("trend")
    # The primary KPI comes first.
    assert figure_tables(figures(primary_kpi="time_to_detect"))[0].key == "time_to_detect"


def test_an_incident_without_start_or_detection_is_named_not_dropped() -> None:
    from metric_fixture import INCIDENTS

    lost = replace(INCIDENTS[0], id=9, started_at=None, detected_at=None)
    result = compute_figures(metric_data([*INCIDENTS, lost]), Policy(), PERIOD)
    assert result.undated.tolist() == [9]
    assert result.incidents == 4  # it belongs to no period
    assert undated_note(result) == (
        "1 incident has neither a start nor a detection time, so it is in no period."
    )
