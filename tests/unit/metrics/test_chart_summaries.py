"""Each chart says in words what it draws, from the same figures: what a screen reader reads."""

from datetime import UTC, datetime

from metric_fixture import PERIOD, metric_data

from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.selection import Period
from irdesk.domain.metrics.tables import MINUTES, format_cell
from irdesk.domain.policy import Policy
from irdesk.reports.charts import dashboard_charts


def test_each_summary_names_every_group_with_the_figure_drawn_for_it() -> None:
    figures = compute_figures(metric_data(), Policy(trend_window_days=7), PERIOD, "service")
    summaries = {c.key: c.summary for c in dashboard_charts(figures)}
    kpi = figures.policy.primary_kpi
    for row in figures.durations[kpi][1:]:
        if row.count:
            median, p90 = format_cell(row.median, MINUTES), format_cell(row.p90, MINUTES)
            assert (
                f"{row.label} median {median}, p90 {p90} over {row.count} incident"
                in (summaries["distribution"])
            )
    assert summaries["distribution"].startswith("Time to resolve by service: api median ")
    for row in figures.slo:
        assert f"{row.service}: {row.availability:.2f}% of {row.target:g}%" in summaries["slo_burn"]
    for row in figures.load:
        if row.pages:
            assert (
                f"{row.person} {row.pages} ({row.after_hours_pages} after hours)"
                in (summaries["load"])
            )
    assert "SEV3 latest median " in summaries["trend"]
    assert all(summary.endswith(".") for summary in summaries.values())


def test_an_empty_period_is_said_not_left_blank() -> None:
    before = Period(datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 2, 1, tzinfo=UTC))
    figures = compute_figures(metric_data(), Policy(), before, "team")
    summaries = {c.key: c.summary for c in dashboard_charts(figures)}
    assert summaries["distribution"] == "Time to resolve by team: no incidents in the period."
    assert summaries["load"] == "On-call load: pages per person: no pages in the period."
