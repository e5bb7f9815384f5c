"""The chart module: four figures that know the incidents behind each bar, point and line."""

from datetime import UTC
from pathlib import Path

from metric_fixture import PERIOD, metric_data

from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.policy import Policy
from irdesk.reports.charts import chart_pngs, dashboard_charts


def charts():  # type: ignore[no-untyped-def]
    figures = compute_figures(metric_data(), Policy(trend_window_days=7), PERIOD, "service")
    return {c.key: c for c in dashboard_charts(figures)}


def test_every_bar_and_point_leads_to_its_incidents() -> None:
    shown = charts()
    assert list(shown) == ["trend", "distribution", "slo_burn", "load"]
    bars = {t.description: t.ids.tolist() for t in shown["distribution"].targets.values()}
    assert bars == {"Time to resolve, api": [1, 2], "Time to resolve, web": [3, 4]}
    # Trend: SEV3's weekly points, each the median of the 7 days before it: Jan 8 00:00
    # (incident 3, started Jan 7) and Jan 15 (incident 4, started Jan 8 20:00).
    trend = shown["trend"]
    line = next(a for a, t in trend.targets.items() if t.description.startswith("SEV3"))
    points = [trend.incidents_at(line, n) for n in range(2)]
    assert [ids.tolist() for _, ids in points] == [[3], [4]]
    assert points[1][0] == "SEV3, 7 days to 2026-01-15"
    load = {t.description: t.ids.tolist() for t in shown["load"].targets.values()}
    assert load["Cy, paged after hours"] == [4]
    assert load["Cy, paged"] == [3, 4]
    lines = {t.description: t.ids.tolist() for t in shown["slo_burn"].targets.values()}
    assert lines["web, incidents with impact in the period"] == [3, 4]


def test_charts_render_as_png_for_a_packet() -> None:
    figures = compute_figures(metric_data(), Policy(), PERIOD, "team")
    pngs = chart_pngs(figures, dpi=50)
    assert [title for title, _ in pngs][1] == "Time to resolve by team: median and p90"
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for _, png in pngs)


def test_charts_use_the_cjk_font_irdesk_ships_not_only_one_the_system_may_have() -> None:
    # A load chart names people such as 王伟; on a machine without a CJK font installed
    # that must still draw (and warnings are errors in the tests).
    from matplotlib import font_manager

    from irdesk.reports import charts

    shipped = [
        f.fname
        for f in font_manager.fontManager.ttflist
        if f.fname.endswith("fonts/WenQuanYiMicroHei.ttf")
    ]
    assert shipped, "resources/fonts/WenQuanYiMicroHei.ttf is not registered with matplotlib"
    assert charts.FONT_FAMILIES[:2] == ["DejaVu Sans", "WenQuanYi Micro Hei"]


# ------------------------------------------------------------ crowded and odd data
# An import of a Jira backlog beside the incidents once made services "Team 1…30", some
# with an incident never closed (0 % availability, the budget used 1,000 times over), and
# names carry whatever people typed: `$` is a dollar sign, never math text.

DOLLAR_NAMES = ("deploy-${ENV}_$ api", r"$\undefinedmacro$", "costs $5 and $6")


def crowded_figures(groups: int = 30, dead: int = 6, by: str = "service"):  # type: ignore[no-untyped-def]
    """`groups` services and people, the first `dead` services down the whole period."""
    from datetime import timedelta

    from metric_fixture import START

    from irdesk.domain.metrics.data import (
        ActionColumns,
        EventColumns,
        IncidentInput,
        MetricData,
        PersonInfo,
        ServiceInfo,
        TeamInfo,
        incident_columns,
    )

    names = [*DOLLAR_NAMES, *(f"Team {n}" for n in range(len(DOLLAR_NAMES) + 1, groups + 1))]
    services = {
        n: ServiceInfo(n, names[n - 1], 99.9 if n > groups - dead else 99.0, 1.0, 1)
        for n in range(1, groups + 1)
    }
    people = {n: PersonInfo(n, f"{names[n - 1]} person", 1, UTC, None) for n in services}
    incidents, pages, resolvers = [], [], []
    for n in services:
        for k in range(1 + n % 4):
            start = START + timedelta(hours=2 + n + 30 * k)
            open_ = n > groups - dead and k == 0
            incidents.append(
                IncidentInput(
                    id=100 * n + k,
                    service_id=n,
                    severity=f"SEV{1 + n % 5}",
                    started_at=START if open_ else start,
                    detected_at=start + timedelta(minutes=5),
                    acknowledged_at=start + timedelta(minutes=9),
                    mitigated_at=None if open_ else start + timedelta(minutes=10 + n // 3),
                    resolved_at=None if open_ else start + timedelta(minutes=40 + n),
                )
            )
            pages.append((100 * n + k, n, start + timedelta(minutes=6)))
            resolvers.append((100 * n + k, n))
    data = MetricData(
        incidents=incident_columns(incidents),
        events=EventColumns.build(pages=pages, resolvers=resolvers),
        services=services,
        teams={1: TeamInfo(1, "Core")},
        people=people,
        actions=ActionColumns.from_items(()),
        reviews={},
    )
    return compute_figures(data, Policy(trend_window_days=7), PERIOD, by)


def drawn(chart):  # type: ignore[no-untyped-def]
    """Every text of the chart as drawn (tick labels exist only once drawn)."""
    from matplotlib.text import Text

    renderer = chart.figure.canvas.get_renderer()
    chart.figure.draw(renderer)
    texts = [t for t in chart.figure.findobj(Text) if t.get_visible() and t.get_text()]
    return renderer, texts


def test_a_dollar_in_a_name_is_a_dollar_in_every_chart() -> None:
    import matplotlib

    from irdesk.reports.charts import distribution_chart, load_chart, slo_burn_chart

    # Few enough groups that every name is shown: the dollar names are among them.
    figures = crowded_figures(groups=5, dead=1)
    for chart in (slo_burn_chart(figures), distribution_chart(figures), load_chart(figures)):
        _, texts = drawn(chart)
        assert not matplotlib.rcParams["text.usetex"]
        assert all(not t.get_parse_math() for t in texts), chart.key
        shown = " | ".join(t.get_text() for t in texts)
        for name in DOLLAR_NAMES:
            assert name in shown, (chart.key, name)
        assert chart.png(dpi=40).startswith(b"\x89PNG")


def test_an_event_source_with_dollars_is_drawn_as_typed() -> None:
    from datetime import timedelta

    from metric_fixture import START

    from irdesk.reports.packets.charts import sources_chart
    from irdesk.storage.reads.packet_data import PacketEvent

    events = [
        PacketEvent(n, START + timedelta(minutes=n), "note", source, None, "", False, *[None] * 4)
        for n, source in enumerate(DOLLAR_NAMES)
    ]
    assert sources_chart(events).png.startswith(b"\x89PNG")


def legend_and_title(chart):  # type: ignore[no-untyped-def]
    renderer, _ = drawn(chart)
    (legend,) = chart.figure.legends
    title = chart.figure.axes[0].title
    return legend, legend.get_window_extent(renderer), title.get_window_extent(renderer)


def test_thirty_groups_fold_into_the_top_ones_and_others_with_the_legend_clear_of_the_title() -> (
    None
):
    from irdesk.reports.charts import TOP_BARS, TOP_SERIES, distribution_chart, load_chart

    shown = {c.key: c for c in dashboard_charts(crowded_figures())}
    legend, box, title = legend_and_title(shown["slo_burn"])
    entries = [t.get_text() for t in legend.get_texts()]
    assert len(entries) == TOP_SERIES + 1
    assert entries[-1].startswith("others: 24 services")
    assert not box.overlaps(title)
    # Below the axes: not over a line either.
    assert box.y1 <= shown["slo_burn"].figure.axes[0].get_window_extent().y0
    for key in ("trend", "distribution", "load"):
        _, box, title = legend_and_title(shown[key])
        assert not box.overlaps(title), key

    figures = crowded_figures()
    timed = [r for r in figures.durations[figures.policy.primary_kpi][1:] if r.count]
    bars = distribution_chart(figures)
    drawn(bars)
    ticks = [t.get_text() for t in bars.figure.axes[0].get_xticklabels()]
    folded = len(timed) - TOP_BARS
    assert len(ticks) == TOP_BARS + 1 and ticks[-1] == f"others ({folded} services)"
    others = next(t for t in bars.targets.values() if "others" in t.description)
    # Every incident of the folded groups, for the drill-down.
    assert len(others.ids) == sum(r.count for r in timed) - sum(
        r.count for r in timed if r.label in ticks
    )

    load = load_chart(crowded_figures())
    drawn(load)
    people = [t.get_text() for t in load.figure.axes[0].get_yticklabels()]
    assert len(people) == TOP_BARS + 1 and people[-1].endswith("others (22 people)")


def test_a_service_at_zero_availability_reads_exhausted_on_a_sane_axis(tmp_path: Path) -> None:
    from irdesk.reports.charts import BUDGET_FLOOR, slo_burn_chart

    figures = crowded_figures(groups=8, dead=6)
    dead = [r for r in figures.slo if r.availability == 0]
    assert len(dead) == 6 and all(r.budget_consumed > 100 for r in dead)
    chart = slo_burn_chart(figures)
    _, texts = drawn(chart)
    low, high = chart.figure.axes[0].get_ylim()
    assert BUDGET_FLOOR - 10 <= low < 0 and 100 <= high <= 110
    entries = [t.get_text() for t in chart.figure.legends[0].get_texts()]
    assert len(entries) == 7
    exhausted = [e for e in entries if "exhausted" in e]
    assert len(exhausted) == 6
    assert "Team 8: 0.00% of 99.9%, exhausted: 100000% used" in entries
    assert any(t.get_text().startswith("exhausted") for t in texts)  # on the axes too
    _, box, title = legend_and_title(chart)
    assert not box.overlaps(title)
    # The picture is readable at a glance: look at it when changing the chart.
    (tmp_path / "irdesk-slo-burn.png").write_bytes(chart.png())
