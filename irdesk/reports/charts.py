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
from matplotlib import font_manager, rcParams
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from irdesk.domain.escalation import EscalationPath
from irdesk.domain.escalation import minutes_text as escalation_minutes
from irdesk.domain.metrics.durations import KPI_LABELS
from irdesk.domain.metrics.figures import Figures
from irdesk.domain.metrics.service import SloRow
from irdesk.domain.metrics.tables import MINUTES, SHARE, format_cell

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
OTHERS_COLOUR = "#BBBBBB"
# An import can bring dozens of groups (a Jira backlog made "Team 1…30" services): a chart
# names the groups a reader needs most and folds the rest into one "others".
TOP_SERIES = 6  # lines, each a legend entry
TOP_BARS = 8  # bars, each a tick label
# The error budget's axis stops at twice the budget used: a service at 0 % availability
# would otherwise stretch it to -100,000 % and flatten every other line. Lines below are
# drawn along the floor and their legend entry says by how much the budget ran out.
BUDGET_FLOOR = -100.0
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
# Names and sources are user text and print as typed: a `$` in `deploy-${ENV}_$ api` is a
# dollar sign, never math text (which would draw a formula or fail the whole packet).
# Set in matplotlib's own defaults rather than on each Text, because tick labels are made
# while a figure is drawn, long after a chart function returns; this covers every title,
# legend, tick label, annotation and bar label of the dashboard and the packets alike.
rcParams["text.parse_math"] = False
rcParams["text.usetex"] = False


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
    # What the chart shows, in words, from the data it draws: for a screen reader.
    summary: str = ""

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


LEGEND_ROW_INCHES = 0.2
PLURALS = {"service": "services", "team": "teams", "person": "people", "severity": "severities"}


def _figure(width: float = 6.0, height: float = 3.4, legend_rows: int = 0) -> Figure:
    """A figure `height` tall plus room for `legend_rows` rows of legend below the axes."""
    figure = Figure(figsize=(width, height + legend_rows * LEGEND_ROW_INCHES), layout="constrained")
    FigureCanvasAgg(figure)  # a canvas of its own until the GUI gives it a Qt one
    return figure


# Characters of legend text across a chart, at the legend's size, with room to spare.
LEGEND_LINE_CHARACTERS = 72


def legend_columns(labels: Sequence[str], most: int = 5) -> int:
    """As many columns as labels of that length fit across the figure."""
    longest = max((len(label) for label in labels), default=0)
    return max(1, min(most, len(labels), LEGEND_LINE_CHARACTERS // (longest + 4)))


def legend_rows(labels: Sequence[str], most: int = 5) -> int:
    return -(-len(labels) // legend_columns(labels, most)) if labels else 0


def _legend_below(
    figure: Figure, handles: list[Artist], labels: list[str], size: float, most: int = 5
) -> None:
    """The legend under the axes, outside them: it never covers a title, a line or a bar.

    A figure legend placed "outside" is laid out by the constrained layout, which shrinks
    the axes to make room; `_figure(legend_rows=…)` has already made the figure taller.
    """
    figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=legend_columns(labels, most),
        prop={**LEGEND_FONT, "size": size},
        frameon=False,
    )


def _style(ax, title: str) -> None:  # type: ignore[no-untyped-def]
    ax.set_title(title, fontsize=FONT_SIZE + 1.5, loc="left", fontweight="bold")
    ax.tick_params(labelsize=FONT_SIZE, labelfontfamily=FONT_FAMILIES)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _dates(seconds: np.ndarray) -> list[datetime]:
    return [datetime.fromtimestamp(float(s), UTC) for s in seconds]


def _summary(title: str, parts: Sequence[str], empty: str) -> str:
    return f"{title}: {'; '.join(parts) if parts else empty}."


def _empty(ax, text: str) -> None:  # type: ignore[no-untyped-def]
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")


def trend_chart(figures: Figures) -> Chart:
    """The primary KPI's rolling median per severity, with each severity's target dashed."""
    kpi = figures.policy.primary_kpi
    title = f"{KPI_LABELS[kpi]}: rolling {figures.policy.trend_window_days}-day median"
    labels = [series.label for series in figures.trends]
    figure = _figure(legend_rows=legend_rows(labels))
    ax = figure.add_subplot()
    _style(ax, title)
    chart = Chart("trend", title, figure)
    chart.summary = _summary(title, _trend_parts(figures), "no incidents in the period")
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
        handles, labels = ax.get_legend_handles_labels()
        _legend_below(figure, handles, labels, FONT_SIZE)
    return chart


def _trend_parts(figures: Figures) -> list[str]:
    parts = []
    for series in figures.trends:
        known = series.medians[~np.isnan(series.medians)]
        if not len(known):
            continue
        part = f"{series.label} latest median {format_cell(float(known[-1]), MINUTES)}"
        if not np.isnan(series.target):
            part += f" (target {format_cell(float(series.target), MINUTES)})"
        parts.append(part)
    return parts


def _biggest(count: int, sizes: Sequence[float]) -> tuple[list[int], list[int]]:
    """(indices of the `count` largest sizes in their own order, the rest): ties keep order."""
    if len(sizes) <= count + 1:  # folding one group into "others" would hide its name for nothing
        return list(range(len(sizes))), []
    kept = set(sorted(range(len(sizes)), key=lambda n: -sizes[n])[:count])
    rest = [n for n in range(len(sizes)) if n not in kept]
    return sorted(kept), rest


def _ids(arrays: Sequence[np.ndarray]) -> np.ndarray:
    return np.unique(np.concatenate(arrays)) if arrays else np.zeros(0, dtype=np.int64)


def distribution_chart(figures: Figures, kpi: str | None = None) -> Chart:
    """Median (bar) and p90 (tick) of a KPI per group, the spread of each group as dots.

    Past TOP_BARS groups the smallest fold into "others": their incidents are drawn as
    dots and lead to their incidents, but get no median, which would mix unlike groups.
    """
    kpi = kpi or figures.policy.primary_kpi
    every = [r for r in figures.durations[kpi][1:] if r.count]
    kept, folded = _biggest(TOP_BARS, [r.count for r in every])
    rows = [every[n] for n in kept]
    others = [every[n] for n in folded]
    title = f"{KPI_LABELS[kpi]} by {figures.by}: median and p90"
    figure = _figure(legend_rows=1)
    ax = figure.add_subplot()
    _style(ax, title)
    chart = Chart("distribution", title, figure)
    chart.summary = _summary(
        f"{KPI_LABELS[kpi]} by {figures.by}",
        [
            f"{r.label} median {format_cell(r.median, MINUTES)}, p90 "
            f"{format_cell(r.p90, MINUTES)} over {r.count} incident{'s' if r.count != 1 else ''}"
            for r in every
        ],
        "no incidents in the period",
    )
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
    labels = [r.label for r in rows]
    if others:
        values = np.concatenate([r.values for r in others]) / 60.0
        dots = ax.scatter(
            len(rows) + rng.uniform(-0.22, 0.22, len(values)),
            values,
            s=5,
            color="#666666",
            alpha=0.5,
            picker=True,
        )
        label = f"others ({len(others)} {PLURALS.get(figures.by, figures.by)})"
        chart.targets[dots] = Target(
            f"{KPI_LABELS[kpi]}, {label}", ids=_ids([r.ids["count"] for r in others])
        )
        labels.append(label)
    slanted = len(labels) > 4
    ax.set_xticks(
        np.arange(len(labels)),
        labels,
        rotation=20 if slanted else 0,
        ha="right" if slanted else "center",
    )
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(HOURS_FORMAT)
    handles, names = ax.get_legend_handles_labels()
    _legend_below(figure, handles, names, FONT_SIZE)
    return chart


def _budget_label(row: SloRow) -> str:
    label = f"{row.service}: {row.availability:.2f}% of {row.target:g}%"
    if row.budget_consumed > 1:
        label += f", exhausted: {format_cell(row.budget_consumed, SHARE)} used"
    return label


def _percent(value: float, _position: object = None) -> str:
    return f"{value:.0f}%"


def slo_burn_chart(figures: Figures) -> Chart:
    """Error budget left over the period, per service; below zero is a breach.

    The TOP_SERIES services that used most of their budget are named; the others are
    drawn in grey under one legend entry, so each still leads to its incidents.
    """
    title = "Error budget remaining"
    order = sorted(figures.slo, key=lambda r: (-r.budget_consumed, r.service))
    shown = len(order) if len(order) <= TOP_SERIES + 1 else TOP_SERIES
    named, rest = order[:shown], order[shown:]
    labels = [_budget_label(r) for r in named]
    if rest:
        exhausted = sum(r.budget_consumed > 1 for r in rest)
        labels.append(
            f"others: {len(rest)} services" + (f", {exhausted} exhausted" if exhausted else "")
        )
    figure = _figure(legend_rows=legend_rows(labels, most=2))
    ax = figure.add_subplot()
    _style(ax, title)
    chart = Chart("slo_burn", title, figure)
    chart.summary = _summary(title, [_budget_label(r) for r in order], "no services")
    handles: list[Artist] = []
    lowest = 0.0
    for n, row in enumerate([*named, *rest]):
        others = n >= len(named)
        percent = 100 * row.burn_remaining
        lowest = min(lowest, float(np.min(percent, initial=0.0)))
        (line,) = ax.step(
            _dates(row.burn_times),
            np.maximum(percent, BUDGET_FLOOR),
            where="post",
            color=OTHERS_COLOUR if others else SERIES_COLOURS[n % len(SERIES_COLOURS)],
            linewidth=0.8 if others else 1.5,
            zorder=1 if others else 2,
            picker=6,
        )
        chart.targets[line] = Target(
            f"{row.service}, incidents with impact in the period", ids=row.ids["count"]
        )
        if not others or n == len(named):
            handles.append(line)
    ax.axhline(0, color="#333333", linewidth=0.8)
    if lowest < 0:
        # Below zero the budget is spent; the band says so where the lines run.
        bottom = max(lowest, BUDGET_FLOOR)
        ax.axhspan(bottom, 0, color="#D55E00", alpha=0.08, linewidth=0)
        ax.text(
            0.01,
            0.02,
            "exhausted",
            transform=ax.transAxes,
            fontsize=FONT_SIZE - 1,
            color="#8A3B00",
        )
    ax.set_ylim(max(lowest, BUDGET_FLOOR) - 5, 105)
    ax.yaxis.set_major_formatter(FuncFormatter(_percent))
    ax.set_ylabel("budget left", fontsize=FONT_SIZE)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    if figures.slo:
        _legend_below(figure, handles, labels, FONT_SIZE - 1, most=2)
    else:
        _empty(ax, "no services")
    return chart


def load_chart(figures: Figures) -> Chart:
    """Pages per person, after hours stacked on business hours; fatigue flagged in red.

    The TOP_BARS people paged most are named; the rest are one "others" bar.
    """
    every = sorted((r for r in figures.load if r.pages), key=lambda r: (-r.pages, r.person))
    shown = len(every) if len(every) <= TOP_BARS + 1 else TOP_BARS
    rows, rest = every[:shown], every[shown:]
    title = "On-call load: pages per person"
    figure = _figure(legend_rows=1)
    ax = figure.add_subplot()
    _style(ax, title)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    chart = Chart("load", title, figure)
    chart.summary = _summary(
        title,
        [
            f"{'⚠ ' if r.flags else ''}{r.person} {r.pages} ({r.after_hours_pages} after hours)"
            for r in every
        ],
        "no pages in the period",
    )
    if not rows:
        _empty(ax, "no pages in the period")
        return chart
    count = len(rows) + bool(rest)
    positions = np.arange(count)[::-1]
    business = [r.pages - r.after_hours_pages for r in rows]
    late = [r.after_hours_pages for r in rows]
    targets = [
        (
            f"{r.person}, paged",
            r.ids["pages"],
            f"{r.person}, paged after hours",
            r.ids["after_hours"],
        )
        for r in rows
    ]
    names = [r.person for r in rows]
    flagged = [bool(r.flags) for r in rows]
    if rest:
        business.append(sum(r.pages - r.after_hours_pages for r in rest))
        late.append(sum(r.after_hours_pages for r in rest))
        label = f"others ({len(rest)} people)"
        targets.append(
            (
                f"{label}, paged",
                _ids([r.ids["pages"] for r in rest]),
                f"{label}, paged after hours",
                _ids([r.ids["after_hours"] for r in rest]),
            )
        )
        names.append(label)
        flagged.append(any(r.flags for r in rest))
    labels = [f"⚠ {name}" if flag else name for name, flag in zip(names, flagged, strict=True)]
    day_bars = ax.barh(positions, business, color=BUSINESS, label="business hours")
    night_bars = ax.barh(positions, late, left=business, color=AFTER_HOURS, label="after hours")
    for (day_text, day_ids, night_text, night_ids), day, night in zip(
        targets, day_bars, night_bars, strict=True
    ):
        day.set_picker(True)
        night.set_picker(True)
        chart.targets[day] = Target(day_text, ids=day_ids)
        chart.targets[night] = Target(night_text, ids=night_ids)
    ax.set_yticks(positions, labels)
    for tick, flag in zip(ax.get_yticklabels(), flagged, strict=True):
        if flag:
            tick.set_color("#B00020")
    ax.set_xlabel("pages (⚠ over the alert-fatigue limits)", fontsize=FONT_SIZE)
    handles, names = ax.get_legend_handles_labels()
    _legend_below(figure, handles, names, FONT_SIZE)
    return chart


CHARTS = (trend_chart, distribution_chart, slo_burn_chart, load_chart)


# A chart's key → the figure (policy.FIGURES) it draws, where the two differ.
CHART_FIGURES = {"slo_burn": "slo", "trend": "", "distribution": ""}


def dashboard_charts(figures: Figures) -> list[Chart]:
    """The dashboard's charts, in reading order; none of a figure the policy version retired."""
    charts = [build(figures) for build in CHARTS]
    return [c for c in charts if figures.policy.shows(CHART_FIGURES.get(c.key, c.key))]


def chart_pngs(figures: Figures, dpi: int = 150) -> Sequence[tuple[str, bytes]]:
    """(title, PNG) of each dashboard chart, for a packet."""
    return [(c.title, c.png(dpi)) for c in dashboard_charts(figures)]


PRESCRIBED, TAKEN, LATE = "#CCCCCC", "#0072B2", "#D55E00"


def escalation_chart(path: EscalationPath, title: str, incident_id: int) -> Chart:
    """One incident's escalation: each level's prescribed window (grey) against the time
    the incident actually spent there (blue), the minutes beyond the prescribed window in
    orange, skipped levels named, and the acknowledgement as a line. Minutes from T0."""
    levels = path.levels
    rows = max(1, len(levels))
    figure = _figure(6.0, 1.2 + 0.45 * rows, legend_rows=1)
    ax = figure.add_subplot()
    _style(ax, title)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    chart = Chart("escalation", title, figure)
    ids = np.array([incident_id])
    if path.started_at is None or not levels:
        _empty(ax, "no escalation policy known for this service" if not levels else "no page")
        ax.set_yticks([])
        return chart

    def minutes(at: datetime | None) -> float | None:
        return (
            None
            if at is None or path.started_at is None
            else ((at - path.started_at).total_seconds() / 60.0)
        )

    ack = minutes(path.acknowledged_at)
    ends = [minutes(o.left_at) for o in levels] + [ack]
    starts = [o.prescribed_start_min or 0.0 for o in levels]
    horizon = max([x for x in ends if x is not None] + starts + [1.0]) * 1.15
    handles: dict[str, Artist] = {}
    for row, outcome in enumerate(levels):
        start = outcome.prescribed_start_min or 0.0
        length = (
            outcome.prescribed_minutes
            if outcome.prescribed_minutes is not None
            else (horizon - start)
        )
        bar = ax.barh(row, length, left=start, height=0.7, color=PRESCRIBED)
        handles.setdefault("prescribed", bar.patches[0])
        reached = minutes(outcome.reached_at)
        if reached is not None:
            left = minutes(outcome.left_at)
            end = left if left is not None else (ack if outcome.acknowledged_here else None)
            end = end if end is not None else horizon
            taken = ax.barh(row, end - reached, left=reached, height=0.34, color=TAKEN)
            handles.setdefault("taken", taken.patches[0])
            chart.targets[taken.patches[0]] = Target(f"level {outcome.level}", ids)
            if outcome.late_minutes and outcome.late_minutes > 0:
                late = ax.barh(
                    row,
                    outcome.late_minutes,
                    left=end - outcome.late_minutes,
                    height=0.34,
                    color=LATE,
                )
                handles.setdefault("late", late.patches[0])
                ax.text(
                    end,
                    row,
                    f"  +{escalation_minutes(outcome.late_minutes)}",
                    va="center",
                    fontsize=FONT_SIZE,
                    color=LATE,
                )
        elif outcome.skipped:
            ax.text(start, row, "  skipped", va="center", fontsize=FONT_SIZE, color=LATE)
    if ack is not None:
        line = ax.axvline(ack, color="#000000", linewidth=1.0, linestyle="--")
        handles["acknowledged"] = line
    ax.set_yticks(range(len(levels)))
    ax.set_yticklabels(
        [f"{o.level} · {', '.join(o.targets) or '?'}"[:40] for o in levels],
        fontfamily=FONT_FAMILIES,
    )
    ax.invert_yaxis()
    ax.set_xlim(0, horizon)
    ax.set_xlabel("minutes after the first page", fontsize=FONT_SIZE)
    labels = {
        "prescribed": "prescribed window",
        "taken": "time at the level",
        "late": "beyond the prescribed window",
        "acknowledged": "acknowledged",
    }
    keys = [k for k in labels if k in handles]
    _legend_below(figure, [handles[k] for k in keys], [labels[k] for k in keys], FONT_SIZE)
    return chart
