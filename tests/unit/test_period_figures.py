"""The executive packet's figures: periods, medians, p90, SLO adherence and cost."""

from datetime import UTC, date, datetime, timedelta

import pytest

from irdesk.reports.packets.period_figures import parse_period, period_figures
from irdesk.storage.packet_data import IncidentRecord, PeriodIncidents, PolicyRecord

START = datetime(2026, 7, 1, tzinfo=UTC)
POLICY = PolicyRecord(
    id=1,
    name="Default",
    version=1,
    settings={"threshold_minutes": {"time_to_resolve": {"SEV1": 60}}},
)


def incident(n: int, minutes: float | None, *, cost: float | None = None) -> IncidentRecord:
    started = START + timedelta(days=n)
    resolved = started + timedelta(minutes=minutes) if minutes is not None else None
    return IncidentRecord(
        id=n,
        source="t",
        external_id=str(n),
        title="t",
        summary=None,
        url=None,
        service="api",
        slo_target=99.9,
        cost_per_minute=10.0,
        severity="SEV1",
        status="resolved",
        lifecycle={
            "started_at": started,
            "detected_at": None,
            "acknowledged_at": None,
            "mitigated_at": None,
            "resolved_at": resolved,
            "verified_at": None,
        },
        overridden=(),
        users_affected=None,
        downtime_cost=cost,
        external_cause=False,
        approved_tech_debt=False,
        regulatory_exposure=False,
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 10, 1)),
        ("2026-q4", date(2026, 10, 1), date(2027, 1, 1)),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1)),
        ("2026", date(2026, 1, 1), date(2027, 1, 1)),
    ],
)
def test_periods(text: str, start: date, end: date) -> None:
    assert parse_period(text)[1:] == (start, end)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "Q3", ""])
def test_a_bad_period_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match="like 2026-Q3"):
        parse_period(text)


def test_median_p90_missing_target_slo_and_cost() -> None:
    incidents = [incident(i, m) for i, m in enumerate([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])]
    incidents.append(incident(20, None))
    incidents.append(incident(21, 5, cost=1234.0))
    data = PeriodIncidents(
        label="2026-Q3",
        start=START,
        end=datetime(2026, 10, 1, tzinfo=UTC),
        incidents=incidents,
        people=[],
        source_files=[],
        policy=POLICY,
        services={"api": (99.9, 10.0)},
    )
    figures = period_figures(data)
    sev1 = figures.by_severity[0]
    assert (sev1.count, sev1.missing) == (12, 1)
    assert sev1.median_minutes == 50  # the 6th of the 11 times 5, 10, 20, …, 100
    assert sev1.p90_minutes == 90
    assert sev1.within_target == 7  # 5, 10 … 60
    (api,) = figures.by_service
    impact = sum([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 5])
    assert api.impact_minutes == impact
    assert api.availability == pytest.approx(1 - impact / (92 * 24 * 60))
    assert not api.meets_slo
    assert api.cost == pytest.approx((impact - 5) * 10 + 1234.0)
    assert [m.month for m in figures.by_month] == ["2026-07", "2026-08", "2026-09"]
