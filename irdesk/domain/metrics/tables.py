"""The figures as tables: what the CLI prints and the dashboard shows, cell for cell.

Each cell keeps its raw value (for JSON and CSV) and the incidents behind it
(for drill-down); `format_cell` is the one way a value becomes text, so the
command line and the window show the same numbers.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from irdesk.domain.metrics.durations import KPI_LABELS, DurationRow
from irdesk.domain.metrics.figures import Figures
from irdesk.domain.policy import KPIS

# Cell kinds: how a raw value reads.
TEXT, COUNT, MINUTES, SHARE, PERCENT, MONEY, HOURS, RATIO, DATE = (
    "text",
    "count",
    "minutes",
    "share",
    "percent",
    "money",
    "hours",
    "ratio",
    "date",
)
NOTHING = "—"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    optional: bool = False  # shown only when asked for (the mean: never the default)


@dataclass(frozen=True)
class Row:
    values: dict[str, Any]  # column key → raw value (None when there is none)
    # column key → (what the incidents are, their ids); "" is the whole row's.
    incidents: dict[str, tuple[str, np.ndarray]] = field(default_factory=dict)

    def drill(self, column: str) -> tuple[str, np.ndarray]:
        return self.incidents.get(column) or self.incidents[""]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def visible_columns(self, with_optional: bool = False) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if with_optional or not c.optional)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def format_minutes(minutes: float) -> str:
    if abs(minutes) < 60:
        return f"{minutes:.1f} min"
    if abs(minutes) < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"


def format_cell(value: Any, kind: str) -> str:
    """The text of a cell; the same in the terminal and the window."""
    if kind == TEXT:
        return NOTHING if value in (None, "") else str(value)
    if kind == DATE:
        return NOTHING if value is None else datetime.fromisoformat(value).strftime("%Y-%m-%d")
    number = _number(value)
    if number is None:
        return NOTHING
    if kind == COUNT:
        return f"{int(number):,}"
    if kind == MINUTES:
        return format_minutes(number)
    if kind == SHARE:
        return f"{100 * number:.0f}%"
    if kind == PERCENT:
        return f"{number:.3f}%"
    if kind == MONEY:
        return f"{number:,.0f}"
    if kind == HOURS:
        return f"{number:,.1f} h"
    if kind == RATIO:
        return f"{number:.2f}"
    if kind == "signed_minutes":
        return ("+" if number > 0 else "") + format_minutes(number)
    raise ValueError(f"unknown cell kind {kind!r}")


def _clean(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, np.integer):
        return int(value)
    return value


def _row(values: dict[str, Any], incidents: dict[str, tuple[str, np.ndarray]]) -> Row:
    return Row({k: _clean(v) for k, v in values.items()}, incidents)


def _why(excluded: dict[str, int]) -> str:
    return "; ".join(f"{reason}: {n}" for reason, n in sorted(excluded.items()))


# Columns that belong to one way of evaluating (Policy.evaluation); the other hides them.
THRESHOLD_COLUMNS = ("attainment",)
TREND_COLUMNS = ("previous_median", "change")


def _duration_table(
    kpi: str, rows: tuple[DurationRow, ...], by: str, evaluation: str, *, target_live: bool = True
) -> Table:
    columns: tuple[Column, ...] = (
        Column("group", by.capitalize()),
        Column("count", "Counted", COUNT),
        Column("missing", "Missing data", COUNT),
        Column("excluded", "Excluded", COUNT),
        Column("why", "Why excluded"),
        Column("median", "Median", MINUTES),
        Column("p90", "p90", MINUTES),
        Column("mean", "Mean", MINUTES, optional=True),
        Column("attainment", "Within target", SHARE),
        Column("previous_median", "Previous median", MINUTES),
        Column("change", "Change", "signed_minutes"),
    )
    hidden = {"threshold": TREND_COLUMNS, "trend": THRESHOLD_COLUMNS}.get(evaluation, ())
    if not target_live:
        hidden = (*hidden, *THRESHOLD_COLUMNS)
    columns = tuple(c for c in columns if c.key not in hidden)
    out = []
    for r in rows:
        counted = ("incidents counted", r.ids["count"])
        out.append(
            _row(
                {
                    "group": r.label,
                    "count": r.count,
                    "missing": r.missing,
                    "excluded": r.excluded_count,
                    "why": _why(r.excluded),
                    "median": r.median,
                    "p90": r.p90,
                    "mean": r.mean,
                    "attainment": r.attainment,
                    "previous_median": r.previous_median,
                    "change": r.change,
                },
                {
                    "": counted,
                    "missing": ("incidents missing a timestamp", r.ids["missing"]),
                    "excluded": ("incidents excluded", r.ids["excluded"]),
                    "why": ("incidents excluded", r.ids["excluded"]),
                    "attainment": ("incidents outside their target", r.ids["missed"]),
                },
            )
        )
    return Table(kpi, KPI_LABELS[kpi], columns, tuple(out))


def figure_tables(figures: Figures) -> list[Table]:
    """Every figure as a table, the primary KPI first; none the policy version retired."""
    by = figures.by
    policy = figures.policy
    kpis = [policy.primary_kpi, *[k for k in KPIS if k != policy.primary_kpi]]
    evaluation = policy.evaluation
    tables = [
        _duration_table(
            k, figures.durations[k], by, evaluation, target_live=policy.shows(f"{k}_target")
        )
        for k in kpis
    ]

    tables.append(
        Table(
            "severity_mismatch",
            "Customer-reported vs internal severity",
            (
                Column("group", by.capitalize()),
                Column("compared", "Both rated", COUNT),
                Column("mismatched", "Mismatched", COUNT),
                Column("share", "Share", SHARE),
                Column("customer_worse", "Customers rated worse", COUNT),
                Column("internal_worse", "We rated worse", COUNT),
            ),
            tuple(
                _row(
                    {
                        "group": m.label,
                        "compared": m.compared,
                        "mismatched": m.mismatched,
                        "share": m.share,
                        "customer_worse": m.customer_worse,
                        "internal_worse": m.internal_worse,
                    },
                    {
                        "": ("incidents rated by both", m.ids["count"]),
                        "mismatched": ("mismatched incidents", m.ids["mismatched"]),
                        "share": ("mismatched incidents", m.ids["mismatched"]),
                        "customer_worse": ("customers rated worse", m.ids["customer_worse"]),
                        "internal_worse": ("we rated worse", m.ids["internal_worse"]),
                    },
                )
                for m in figures.mismatches
            ),
        )
    )
    tables.append(
        Table(
            "slo",
            "SLO adherence per service",
            (
                Column("service", "Service"),
                Column("target", "SLO", PERCENT),
                Column("availability", "Availability", PERCENT),
                Column("impact_minutes", "Impact", MINUTES),
                Column("budget_minutes", "Error budget", MINUTES),
                Column("budget_consumed", "Budget used", SHARE),
                Column("met", "Met"),
                Column("missing", "Missing data", COUNT),
                Column("excluded", "Excluded", COUNT),
                Column("still_open", "Still open", COUNT),
                Column("target_from", "SLO from"),
                Column("window_days", "Window (days)", COUNT),
            ),
            tuple(
                _row(
                    {
                        "service": s.service,
                        "target": s.target,
                        "target_from": "directory" if s.target_stated else "default",
                        "window_days": s.window_days,
                        "availability": s.availability,
                        "impact_minutes": s.impact_minutes,
                        "budget_minutes": s.budget_minutes,
                        "budget_consumed": s.budget_consumed,
                        "met": "yes" if s.met else "no",
                        "missing": s.missing,
                        "excluded": sum(s.excluded.values()),
                        "still_open": s.still_open,
                    },
                    {
                        "": ("incidents with impact in the window", s.ids["count"]),
                        "missing": ("incidents without a start time", s.ids["missing"]),
                        "still_open": (
                            "incidents not mitigated or resolved, counted to the window's end",
                            s.ids["still_open"],
                        ),
                    },
                )
                for s in figures.slo
            ),
        )
    )
    tables.append(
        Table(
            "cost",
            "Incident cost",
            (
                Column("group", by.capitalize()),
                Column("count", "Incidents", COUNT),
                Column("downtime_minutes", "Downtime", MINUTES),
                Column("downtime_cost", "Downtime cost", MONEY),
                Column("responder_hours", "Responder time", HOURS),
                Column("responder_cost", "Responder cost", MONEY),
                Column("total", "Total", MONEY),
                Column("missing", "Missing data", COUNT),
            ),
            tuple(
                _row(
                    {
                        "group": c.label,
                        "count": c.count,
                        "downtime_minutes": c.downtime_minutes,
                        "downtime_cost": c.downtime_cost,
                        "responder_hours": c.responder_hours,
                        "responder_cost": c.responder_cost,
                        "total": c.total,
                        "missing": c.missing,
                    },
                    {
                        "": ("incidents", c.ids["count"]),
                        "missing": (
                            "incidents without downtime",
                            c.ids.get("missing", c.ids["count"][:0]),
                        ),
                    },
                )
                for c in figures.cost
            ),
        )
    )
    tables.append(
        Table(
            "load",
            "On-call load per person",
            (
                Column("person", "Person"),
                Column("team", "Team"),
                Column("pages", "Pages", COUNT),
                Column("after_hours_pages", "After hours", COUNT),
                Column("after_hours_share", "After-hours share", SHARE),
                Column("incident_hours", "Incident time", HOURS),
                Column("most_pages_in_a_shift", "Most in a shift", COUNT),
                Column("most_after_hours_pages_in_a_week", "Most after hours in a week", COUNT),
                Column("flags", "Alert fatigue"),
                Column("time_zone", "After hours in"),
            ),
            tuple(
                _row(
                    {
                        "person": p.person,
                        "team": p.team,
                        "time_zone": p.time_zone
                        if p.own_zone
                        else f"{p.time_zone} (policy default: their zone is unknown)",
                        "pages": p.pages,
                        "after_hours_pages": p.after_hours_pages,
                        "after_hours_share": p.after_hours_share,
                        "incident_hours": p.incident_hours,
                        "most_pages_in_a_shift": p.most_pages_in_a_shift,
                        "most_after_hours_pages_in_a_week": p.most_after_hours_pages_in_a_week,
                        "flags": "; ".join(p.flags),
                    },
                    {
                        "": ("incidents they were paged for or worked on", p.ids["count"]),
                        "pages": ("incidents they were paged for", p.ids["pages"]),
                        "after_hours_pages": ("paged after hours", p.ids["after_hours"]),
                        "after_hours_share": ("paged after hours", p.ids["after_hours"]),
                    },
                )
                for p in figures.load
            ),
        )
    )
    tables.append(
        Table(
            "rotations",
            "Load spread per rotation",
            (
                Column("rotation", "Rotation"),
                Column("team", "Team"),
                Column("members", "Members", COUNT),
                Column("pages", "Pages", COUNT),
                Column("gini", "Gini", RATIO),
            ),
            tuple(
                _row(
                    {
                        "rotation": r.rotation,
                        "team": r.team,
                        "members": r.members,
                        "pages": r.pages,
                        "gini": r.gini,
                    },
                    {"": ("incidents that paged the rotation", r.ids["count"])},
                )
                for r in figures.rotations
            ),
        )
    )
    tables.append(
        Table(
            "concentration",
            "Concentration: who resolves a team's incidents",
            (
                Column("team", "Team"),
                Column("resolved", "Resolved", COUNT),
                Column("top_person", "Resolved most"),
                Column("top_share", "Their share", SHARE),
                Column("signal", "Hero-culture signal"),
                Column("excluded", "Excluded", COUNT),
            ),
            tuple(
                _row(
                    {
                        "team": c.team,
                        "resolved": c.resolved,
                        "top_person": c.top_person,
                        "top_share": c.top_share,
                        "signal": "yes" if c.flagged else "no",
                        "excluded": sum(c.excluded.values()),
                    },
                    {
                        "": ("incidents with a known resolver", c.ids["count"]),
                        "top_person": (f"resolved by {c.top_person}", c.ids["top"]),
                        "top_share": (f"resolved by {c.top_person}", c.ids["top"]),
                    },
                )
                for c in figures.concentration
            ),
        )
    )
    outcome_columns = ("done_on_time", "done_late", "open_overdue", "open", "wont_do")
    tables.append(
        Table(
            "follow_through",
            "Action-item follow-through",
            (
                Column("owner", "Owner"),
                Column("kind", "Kind"),
                Column("done_on_time", "Done on time", COUNT),
                Column("done_late", "Done late", COUNT),
                Column("open_overdue", "Open, overdue", COUNT),
                Column("open", "Open", COUNT),
                Column("wont_do", "Won't do", COUNT),
                Column("on_time_share", "On time", SHARE),
            ),
            tuple(
                _row(
                    {
                        "owner": f.label,
                        "kind": f.owner_kind,
                        **{k: getattr(f, k) for k in outcome_columns},
                        "on_time_share": f.on_time_share,
                    },
                    {
                        "": ("incidents the items came from", f.ids["count"]),
                        **{
                            k: (f"incidents with items {k.replace('_', ' ')}", f.ids[k])
                            for k in outcome_columns
                        },
                    },
                )
                for f in figures.follow_through
            ),
        )
    )
    tables.append(
        Table(
            "recurrence",
            "Recurring incidents",
            (
                Column("service", "Service"),
                Column("title", "First title"),
                Column("count", "Incidents", COUNT),
                Column("first", "First", DATE),
                Column("last", "Last", DATE),
                Column("owners", "Owners"),
            ),
            tuple(
                _row(
                    {
                        "service": g.service,
                        "title": g.title,
                        "count": g.count,
                        "first": g.first.isoformat(),
                        "last": g.last.isoformat(),
                        "owners": ", ".join(g.owners),
                    },
                    {"": ("the recurring incidents", g.ids["count"])},
                )
                for g in figures.recurrence
            ),
        )
    )
    tables.append(
        Table(
            "compliance",
            "Postmortem compliance",
            (
                Column("tier", "Review"),
                Column("required", "Required", COUNT),
                Column("on_time", "On time", COUNT),
                Column("late", "Late", COUNT),
                Column("undated", "Done, no date", COUNT),
                Column("overdue", "Overdue", COUNT),
                Column("pending", "Not yet due", COUNT),
                Column("compliance", "Compliance", SHARE),
            ),
            tuple(
                _row(
                    {
                        "tier": c.tier,
                        "required": c.required,
                        "on_time": c.on_time,
                        "late": c.late,
                        "undated": c.undated,
                        "overdue": c.overdue,
                        "pending": c.pending,
                        "compliance": c.compliance,
                    },
                    {
                        "": ("incidents needing a review", c.ids["count"]),
                        **{
                            k: (f"reviews {k.replace('_', ' ')}", c.ids[k])
                            for k in ("on_time", "late", "undated", "overdue", "pending")
                        },
                    },
                )
                for c in figures.compliance
            ),
        )
    )
    return [t for t in tables if policy.shows(t.key)]


def undated_note(figures: Figures) -> str:
    """A sentence about incidents no period can hold, or ""."""
    n = len(figures.undated)
    if not n:
        return ""
    if n == 1:
        return "1 incident has neither a start nor a detection time, so it is in no period."
    return f"{n} incidents have neither a start nor a detection time, so they are in no period."


def figures_json(figures: Figures, *, with_optional: bool = True) -> dict[str, Any]:
    """The tables as plain JSON-able data, with the policy and period they were computed under."""
    return {
        "period": {"from": figures.period.start.isoformat(), "to": figures.period.end.isoformat()},
        "by": figures.by,
        "policy_version": figures.policy_version,
        "policy": figures.policy.to_dict(),
        "incidents": figures.incidents,
        "undated_incidents": figures.undated.tolist(),
        "excluded_incidents": [
            {"id": incident_id, "reasons": reasons}
            for incident_id, reasons in figures.excluded_by_policy.items()
        ],
        "tables": {
            t.key: {
                "title": t.title,
                "columns": [c.key for c in t.visible_columns(with_optional)],
                "rows": [
                    {c.key: r.values[c.key] for c in t.visible_columns(with_optional)}
                    for r in t.rows
                ],
            }
            for t in figure_tables(figures)
        },
    }
