"""Incident packets' own charts, and every packet chart as the PNG a page places.

An incident packet draws that incident's timeline, phases and sources here;
figures over many incidents are drawn by `irdesk.reports.charts`, the module
the dashboard draws with, and placed through `rendered`. No chart drawn here
carries a person's name or a free-text entry, so charts need no redaction; event
sources are user text and print as typed (no math text: see `metric_charts`).
"""

import io
from collections import Counter
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from irdesk.domain.escalation import EscalationPath
from irdesk.domain.metrics.durations import KPI_LABELS, span
from irdesk.domain.policy import KPIS, Policy
from irdesk.reports import charts as metric_charts
from irdesk.storage.reads.packet_data import PacketEvent, PacketIncident

DPI = 150
WIDTH_IN = 6.6
# Colour-blind-safe (Okabe-Ito); severity is also named in every legend.
# Stands for the sources folded together: an object no source name can equal.
OTHERS = object()
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


@dataclass(frozen=True)
class Chart:
    title: str
    png: bytes
    width_in: float
    height_in: float


def rendered(chart: metric_charts.Chart, width_in: float | None = None) -> Chart:
    """A chart of the metrics module (the dashboard's), placed `width_in` wide on the page."""
    width, height = chart.figure.get_size_inches()
    scale = (width_in or width) / width
    return Chart(
        title=chart.title,
        png=chart.png(round(DPI * scale)),  # DPI pixels per inch on paper
        width_in=width * scale,
        height_in=height * scale,
    )


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _render(title: str, figure: Figure) -> Chart:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    width, height = figure.get_size_inches()
    return Chart(title=title, png=buffer.getvalue(), width_in=width, height_in=height)


def _style(axes: object) -> None:
    axes.spines[["top", "right"]].set_visible(False)  # type: ignore[attr-defined]
    axes.tick_params(labelsize=7)  # type: ignore[attr-defined]


def timeline_chart(incident: PacketIncident, events: list[PacketEvent]) -> Chart:
    figure = _figure(2.6)
    axes = figure.add_subplot()
    kinds = sorted({e.kind for e in events}) or ["(no events)"]
    for index, kind in enumerate(kinds):
        times = [e.occurred_at for e in events if e.kind == kind]
        axes.scatter(times, [index] * len(times), s=14, color=PALETTE[index % len(PALETTE)])
    axes.set_yticks(range(len(kinds)), [k.replace("_", " ") for k in kinds])
    for name, value in incident.lifecycle.items():
        if value is not None:
            axes.axvline(value, color="#555555", linewidth=0.6, linestyle=":")
            axes.annotate(
                name.removesuffix("_at"),
                (value, len(kinds) - 0.4),
                fontsize=6,
                rotation=90,
                va="top",
                ha="right",
                color="#555555",
            )
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_title("Timeline events by kind (UTC)", fontsize=9)
    _style(axes)
    return _render("Timeline", figure)


def phases_chart(incident: PacketIncident, policy: Policy) -> Chart:
    """The incident's time to detect … resolve, spanned as the policy's metrics span them."""
    figure = _figure(1.9)
    axes = figure.add_subplot()
    labels, minutes = [], []
    for kpi in KPIS:
        start, end = span(kpi, policy)
        first, second = incident.lifecycle[f"{start}_at"], incident.lifecycle[f"{end}_at"]
        labels.append(KPI_LABELS[kpi].lower())
        if first is None or second is None or second < first:
            minutes.append(0.0)
            axes.annotate("missing", (0, len(labels) - 1), fontsize=7, va="center")
        else:
            minutes.append((second - first).total_seconds() / 60)
    bars = axes.barh(range(len(labels)), minutes, color=PALETTE[0])
    axes.bar_label(bars, labels=[f"{m:.0f} min" if m else "" for m in minutes], fontsize=7)
    axes.set_yticks(range(len(labels)), labels)
    axes.invert_yaxis()
    axes.set_xlabel("minutes", fontsize=7)
    axes.set_title("Response phases", fontsize=9)
    _style(axes)
    return _render("Response phases", figure)


def sources_chart(events: list[PacketEvent]) -> Chart:
    """Events per source over time; past TOP_SERIES sources the smallest stack as "others"."""
    counts = Counter(e.source for e in events)
    sources = sorted(counts)
    if len(sources) > metric_charts.TOP_SERIES + 1:
        named = sorted(s for s, _ in counts.most_common(metric_charts.TOP_SERIES))
        sources = [*named, OTHERS]
    labels = [
        f"others ({len(counts) - len(sources) + 1} sources)" if s is OTHERS else s for s in sources
    ]
    rows = metric_charts.legend_rows(labels) if events else 0
    figure = _figure(2.0 + rows * metric_charts.LEGEND_ROW_INCHES)
    axes = figure.add_subplot()
    if events:
        first = min(e.occurred_at for e in events)
        last = max(e.occurred_at for e in events)
        bins = 24 if last > first else 1
        named_sources = set(sources)
        axes.hist(
            [
                [
                    e.occurred_at
                    for e in events
                    if e.source == s or (s is OTHERS and e.source not in named_sources)
                ]
                for s in sources
            ],
            bins=bins,
            stacked=True,
            label=labels,
            color=[
                metric_charts.OTHERS_COLOUR if s is OTHERS else PALETTE[i % len(PALETTE)]
                for i, s in enumerate(sources)
            ],
        )
        # Below the axes, never over the title or the bars (see metric_charts._legend_below).
        figure.legend(
            loc="outside lower center",
            fontsize=6,
            frameon=False,
            ncols=metric_charts.legend_columns(labels, most=4),
        )
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_ylabel("events", fontsize=7)
    axes.set_title("Events per source over time", fontsize=9)
    _style(axes)
    return _render("Events per source", figure)


def kinds_chart(events: list[PacketEvent]) -> Chart:
    figure = _figure(1.9)
    axes = figure.add_subplot()
    counts = Counter(e.kind for e in events).most_common()
    labels = [k.replace("_", " ") for k, _ in counts]
    bars = axes.bar(range(len(counts)), [n for _, n in counts], color=PALETTE[2])
    axes.bar_label(bars, fontsize=7)
    axes.set_xticks(range(len(counts)), labels, rotation=20, ha="right")
    axes.set_title("Events by kind", fontsize=9)
    _style(axes)
    return _render("Events by kind", figure)


def incident_charts(
    incident: PacketIncident,
    events: list[PacketEvent],
    policy: Policy,
    escalation: EscalationPath | None = None,
) -> list[Chart]:
    charts = [
        timeline_chart(incident, events),
        phases_chart(incident, policy),
        sources_chart(events),
        kinds_chart(events),
    ]
    if escalation is not None:
        title = "Escalation against the service's policy"
        charts.append(rendered(metric_charts.escalation_chart(escalation, title, incident.id)))
    return charts
