"""The chart module: four figures that know the incidents behind each bar, point and line."""

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
