"""The one place metric charts are drawn: matplotlib figures for the dashboard and the PDF.

Figures are built with the object-oriented API on the Agg backend (no pyplot,
no global state), so they can be drawn on any thread and embedded in Qt by the
GUI or saved into a packet. Each chart knows the incidents behind every bar,
line point or series (`Chart.incidents_at`), which is how a click drills down.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from io import BytesIO

import numpy as np
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from irdesk.domain.metrics.durations import KPI_LABELS
from irdesk.domain.metrics.figures import Figures

# Colour-blind-safe (Okabe-Ito), severity worst first; text always says which is which.
SEVERITY_COLOURS = {
    "SEV1": "#D55E00",
    "SEV2": "#E69F00",
    "SEV3": "#0072B2",
    "SEV4": "#009E73",
    "SEV5": "#999999",
}
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
BUSINESS, AFTER_HOURS = "#56B4E9", "#0B3C5D"
FONT_SIZE = 8.5
# Names are in any script (Ελένη, 王伟): DejaVu first, then a CJK font. irdesk ships one
# (resources/fonts, also used by the PDF packets), so charts never depend on what the
# system has installed; others found on the system come after it.
_SHIPPED_CJK = resources.files("irdesk.resources").joinpath("fonts", "WenQuanYiMicroHei.ttf")
with resources.as_file(_SHIPPED_CJK) as _path:
    font_manager.fontManager.addfont(str(_path))
_FALLBACKS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Droid Sans Fallback")
_INSTALLED = {f.name for f in font_manager.fontManager.ttflist}
FONT_FAMILIES = ["DejaVu Sans", *[f for f in _FALLBACKS if f in _INSTALLED]]
LEGEND_FONT = {"family": FONT_FAMILIES, "size": FONT_SIZE}


def _hours_text(hours: float, _position: object = None) -> str:
    if hours >= 48:
        return f"{round(hours / 24, 1):g} d"
    if hours >= 1:
        return f"{round(hours, 1):g} h"
    return f"{round(hours * 60):g} min"


HOURS_FORMAT = FuncFormatter(_hours_text)


@dataclass(frozen=True)
class Target:
    """The incidents behind one artist: the same for every part, or one set per point."""

    description: str
    ids: np.ndarray | None = None
    per_point: tuple[np.ndarray, ...] = ()
    point_labels: tuple[str, ...] = ()


@dataclass
class Chart:
    key: str
    title: str
    figure: Figure
    targets: dict[Artist, Target] = field(default_factory=dict)

    def incidents_at(
        self, artist: Artist, index: int | None = None
    ) -> tuple[str, np.ndarray] | None:
        """(what they are, incident ids) behind a picked artist (and point), or None."""
        target = self.targets.get(artist)
        if target is None:
            return None
        if target.per_point and index is not None and 0 <= index < len(target.per_point):
            label = target.point_labels[index] if target.point_labels else ""
            return f"{target.description} {label}".strip(), target.per_point[index]
        if target.ids is not None:
            return target.description, target.ids
        return None

    def png(self, dpi: int = 150) -> bytes:
        """The chart as PNG bytes (for a packet or a file)."""
        buffer = BytesIO()
        FigureCanvasAgg(self.figure)
        self.figure.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()


def _figure(width: float = 6.0, height: float = 3.4) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)  # a canvas of its own until the GUI gives it a Qt one
    return figure


def _style(ax, title: str) -> None:  # type: ignore[no-untyped-def]
    ax.set_title(title, fontsize=FONT_SIZE + 1.5, loc="left", fontweight="bold")
    ax.tick_params(labelsize=FONT_SIZE, labelfontfamily=FONT_FAMILIES)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _dates(seconds: np.ndarray) -> list[datetime]:
    return [datetime.fromtimestamp(float(s), UTC) for s in seconds]


def _empty(ax, text: str) -> None:  # type: ignore[no-untyped-def]
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")


def trend_chart(figures: Figures) -> Chart:
    """The primary KPI's rolling median per severity, with each severity's target dashed."""
    kpi = figures.policy.primary_kpi
    title = f"{KPI_LABELS[kpi]}: rolling {figures.policy.trend_window_days}-day median"
    figure = _figure()
    ax = figure.add_subplot()
    _style(ax, title)
    chart = Chart("trend", title, figure)
    if not figures.trends:
        _empty(ax, "no incidents in the period")
    for series in figures.trends:
        colour = SEVERITY_COLOURS.get(series.key, "#333333")
        hours = series.medians / 60.0
        (line,) = ax.plot(
            _dates(series.times),
            hours,
            marker="o",
            markersize=4,
            color=colour,
            label=series.label,
            picker=6,
        )
        chart.targets[line] = Target(
            f"{series.label}, {figures.policy.trend_window_days} days to",
            per_point=series.ids,
            point_labels=tuple(d.strftime("%Y-%m-%d") for d in _dates(series.times)),
        )
        if not np.isnan(series.target):
            ax.axhline(series.target / 60.0, color=colour, linestyle="--", linewidth=0.9, alpha=0.8)
    ax.set_ylabel("median (dashed: target)", fontsize=FONT_SIZE)
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(HOURS_FORMAT)
    ax.yaxis.set_minor_formatter(NullFormatter())
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    if figures.trends:
        ax.legend(prop=LEGEND_FONT, frameon=False, ncols=min(5, len(figures.trends)))
    return chart


def distribution_chart(figures: Figures, kpi: str | None = None) -> Chart:
    """Median (bar) and p90 (tick) of a KPI per group, the spread of each group as dots."""
    kpi = kpi or figures.policy.primary_kpi
    rows = [r for r in figures.durations[kpi][1:] if r.count]
    title = f"{KPI_LABELS[kpi]} by {figures.by}: median and p90"
    figure = _figure()
    ax = figure.add_subplot()
    _style(ax, title)
    chart = Chart("distribution", title, figure)
    if not rows:
        _empty(ax, "no incidents in the period")
        return chart
    positions = np.arange(len(rows))
    medians = np.array([r.median for r in rows]) / 60.0
    bars = ax.bar(positions, medians, color="#0072B2", width=0.6, label="median")
    for bar, row in zip(bars, rows, strict=True):
        bar.set_picker(True)
        chart.targets[bar] = Target(f"{KPI_LABELS[kpi]}, {row.label}", ids=row.ids["count"])
    rng = np.random.default_rng(0)  # fixed jitter: the same picture every time
    for x, row in zip(positions, rows, strict=True):
        values = row.values / 60.0
        ax.scatter(
            x + rng.uniform(-0.22, 0.22, len(values)), values, s=5, color="#333333", alpha=0.35
        )
    ax.scatter(
        positions,
        [r.p90 / 60.0 for r in rows],
        marker="_",
        s=300,
        color="#D55E00",
        label="p90",
        zorder=3,
    )
    ax.set_xticks(
        positions,
        [r.label for r in rows],
        rotation=20 if len(rows) > 4 else 0,
        ha="right" if len(rows) > 4 else "center",
    )
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(HOURS_FORMAT)
    ax.legend(prop=LEGEND_FONT, frameon=False)
    return chart


def slo_burn_chart(figures: Figures) -> Chart:
    """Error budget left over the period, per service; below zero is a breach."""
    title = "Error budget remaining"
    figure = _figure()
    ax = figure.add_subplot()
    _style(ax, title)
    chart = Chart("slo_burn", title, figure)
    for n, row in enumerate(figures.slo):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        (line,) = ax.step(
            _dates(row.burn_times),
            100 * row.burn_remaining,
            where="post",
            color=colour,
            label=f"{row.service} ({row.availability:.2f}% of {row.target:g}%)",
            picker=6,
        )
        chart.targets[line] = Target(
            f"{row.service}, incidents with impact in the period", ids=row.ids["count"]
        )
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_ylabel("% of budget left", fontsize=FONT_SIZE)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    if figures.slo:
        ax.legend(prop={**LEGEND_FONT, "size": FONT_SIZE - 1}, frameon=False, loc="lower left")
    else:
        _empty(ax, "no services")
    return chart


def load_chart(figures: Figures) -> Chart:
    """Pages per person, after hours stacked on business hours; fatigue flagged in red."""
    rows = sorted((r for r in figures.load if r.pages), key=lambda r: (-r.pages, r.person))
    title = "On-call load: pages per person"
    figure = _figure()
    ax = figure.add_subplot()
    _style(ax, title)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    chart = Chart("load", title, figure)
    if not rows:
        _empty(ax, "no pages in the period")
        return chart
    positions = np.arange(len(rows))[::-1]
    business = [r.pages - r.after_hours_pages for r in rows]
    late = [r.after_hours_pages for r in rows]
    day_bars = ax.barh(positions, business, color=BUSINESS, label="business hours")
    night_bars = ax.barh(positions, late, left=business, color=AFTER_HOURS, label="after hours")
    for row, day, night in zip(rows, day_bars, night_bars, strict=True):
        day.set_picker(True)
        night.set_picker(True)
        chart.targets[day] = Target(f"{row.person}, paged", ids=row.ids["pages"])
        chart.targets[night] = Target(
            f"{row.person}, paged after hours", ids=row.ids["after_hours"]
        )
    labels = [f"{'⚠ ' if r.flags else ''}{r.person}" for r in rows]
    ax.set_yticks(positions, labels)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row.flags:
            tick.set_color("#B00020")
    ax.set_xlabel("pages (⚠ over the alert-fatigue limits)", fontsize=FONT_SIZE)
    ax.legend(prop=LEGEND_FONT, frameon=False, loc="lower right")
    return chart


CHARTS = (trend_chart, distribution_chart, slo_burn_chart, load_chart)


def dashboard_charts(figures: Figures) -> list[Chart]:
    """The dashboard's four charts, in reading order."""
    return [build(figures) for build in CHARTS]


def chart_pngs(figures: Figures, dpi: int = 150) -> Sequence[tuple[str, bytes]]:
    """(title, PNG) of each dashboard chart, for a packet."""
    return [(c.title, c.png(dpi)) for c in dashboard_charts(figures)]
