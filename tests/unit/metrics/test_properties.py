"""Invariants of the figures, checked on generated incidents: equal weighting is the plain
figures, excluded incidents never change SLO figures, and neither the order nor the time
zone of the input nor the second thread changes a number."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from metric_fixture import ORG, PERIOD, START

from irdesk.domain.metrics.data import IncidentInput, MetricData, incident_columns
from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.stats import weighted_mean, weighted_quantile
from irdesk.domain.metrics.tables import figure_tables
from irdesk.domain.policy import Policy

minutes = st.one_of(st.none(), st.integers(min_value=0, max_value=3000))


@st.composite
def incidents(draw: st.DrawFn) -> list[IncidentInput]:
    count = draw(st.integers(min_value=1, max_value=25))
    result = []
    for n in range(count):
        start = START + timedelta(minutes=draw(st.integers(-20_000, 14_000)))
        steps = [draw(minutes) for _ in range(4)]

        def after(m: int | None, start: datetime = start) -> datetime | None:
            return None if m is None else start + timedelta(minutes=m)

        result.append(
            IncidentInput(
                id=n + 1,
                title=draw(st.sampled_from(["Checkout errors", "Checkout errors again", "Slow"])),
                service_id=draw(st.sampled_from([1, 2])),
                severity=draw(st.sampled_from(["SEV1", "SEV2", "SEV3", None])),
                customer_severity=draw(st.sampled_from(["SEV1", "SEV3", None])),
                started_at=start,
                detected_at=after(steps[0]),
                acknowledged_at=after(steps[1]),
                mitigated_at=after(steps[2]),
                resolved_at=after(steps[3]),
                external_cause=draw(st.booleans()),
                approved_tech_debt=draw(st.booleans()),
            )
        )
    return result


def data_of(rows: list[IncidentInput]) -> MetricData:
    return MetricData(incidents=incident_columns(rows), services=ORG.services, teams=ORG.teams)


def table_values(figures: object) -> list[object]:
    """Every cell; floats to 9 significant digits, as sums in another order may differ in the last bit."""

    def cell(value: object) -> object:
        return float(f"{value:.9g}") if isinstance(value, float) else value

    return [
        [{k: cell(v) for k, v in r.values.items()} for r in t.rows]
        for t in figure_tables(figures)  # type: ignore[arg-type]
    ]


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50))
def test_equal_weighting_equals_the_plain_mean_and_quantiles(values: list[float]) -> None:
    v = np.array(values)
    ones = np.ones(len(v))
    assert np.isclose(weighted_mean(v, ones), float(np.mean(v)))
    for q in (0.5, 0.9):
        assert np.isclose(weighted_quantile(v, q, ones), float(np.quantile(v, q)))


@settings(max_examples=40, deadline=None)
@given(incidents())
def test_equal_weighting_gives_the_plain_mean_of_durations(rows: list[IncidentInput]) -> None:
    figures = compute_figures(data_of(rows), Policy(weighting="equal"), PERIOD)
    for kpi, groups in figures.durations.items():
        for group in groups:
            if group.count:
                assert np.isclose(group.mean, float(np.mean(group.values))), kpi


@settings(max_examples=40, deadline=None)
@given(incidents(), st.data())
def test_excluded_incidents_never_change_slo_figures(
    rows: list[IncidentInput], data: st.DataObject
) -> None:
    flipped = [
        replace(
            r, external_cause=data.draw(st.booleans()), approved_tech_debt=data.draw(st.booleans())
        )
        for r in rows
    ]
    before = compute_figures(data_of(rows), Policy(), PERIOD, "team").slo
    after = compute_figures(data_of(flipped), Policy(), PERIOD, "team").slo
    lenient = compute_figures(
        data_of(rows),
        Policy(exclude_external_cause=False, exclude_approved_tech_debt=False),
        PERIOD,
    ).slo
    for a, b, c in zip(before, after, lenient, strict=True):
        assert a.impact_minutes == b.impact_minutes == c.impact_minutes
        assert a.availability == b.availability == c.availability
        assert a.budget_consumed == b.budget_consumed == c.budget_consumed


@settings(max_examples=40, deadline=None)
@given(incidents(), st.randoms(use_true_random=False))
def test_figures_do_not_depend_on_input_order(rows: list[IncidentInput], rng) -> None:  # type: ignore[no-untyped-def]
    shuffled = [*rows]
    rng.shuffle(shuffled)
    for by in ("service", "severity", "team"):
        a = compute_figures(data_of(rows), Policy(), PERIOD, by)
        b = compute_figures(data_of(shuffled), Policy(), PERIOD, by)
        assert table_values(a) == table_values(b)


ZONES = [timezone(timedelta(hours=h, minutes=m)) for h, m in ((-8, 0), (5, 30), (13, 45), (0, 0))]


@settings(max_examples=30, deadline=None)
@given(incidents(), st.sampled_from(ZONES))
def test_the_time_zone_of_the_input_does_not_change_results(
    rows: list[IncidentInput], zone: timezone
) -> None:
    def moved(value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(zone)

    fields = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")
    elsewhere = [replace(r, **{f: moved(getattr(r, f)) for f in fields}) for r in rows]
    assert all(r.started_at.utcoffset() == zone.utcoffset(None) for r in elsewhere)  # type: ignore[union-attr]
    a = compute_figures(data_of(rows), Policy(), PERIOD)
    b = compute_figures(data_of(elsewhere), Policy(), PERIOD)
    assert table_values(a) == table_values(b)


class _InTurn:
    """ThreadPoolExecutor's place in compute_figures, running each task when submitted."""

    def __init__(self, **_: object) -> None:
        pass

    def __enter__(self) -> "_InTurn":
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def submit(self, task):  # type: ignore[no-untyped-def]
        from concurrent.futures import Future

        future: Future[object] = Future()
        future.set_result(task())
        return future


@settings(max_examples=25, deadline=None)
@given(incidents(), st.sampled_from(["service", "severity", "team", "person"]))
def test_figures_on_two_threads_equal_figures_in_turn(rows: list[IncidentInput], by: str) -> None:
    """compute_figures shares its work with a second thread; it must not matter."""
    import irdesk.domain.metrics.figures as figures_module

    data = data_of(rows)
    threaded = table_values(compute_figures(data, Policy(), PERIOD, by))
    real = figures_module.ThreadPoolExecutor
    figures_module.ThreadPoolExecutor = _InTurn  # type: ignore[misc,assignment]
    try:
        in_turn = table_values(compute_figures(data_of(rows), Policy(), PERIOD, by))
    finally:
        figures_module.ThreadPoolExecutor = real  # type: ignore[misc]
    assert threaded == in_turn
