"""The sections of an executive packet: the metrics module's figures, no operational detail.

Every number is a cell of `figure_tables`, written by `format_cell`: the text
`irdesk metrics` prints and the dashboard shows. The charts are the
dashboard's (`irdesk.reports.charts`). On-call load appears per rotation
(team) only: a board packet names no person, and roles would name them too
in a small team, so the per-person load table and chart stay out.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from reportlab.platypus import Flowable, KeepTogether

from irdesk.domain.metrics.definitions import metric_definitions
from irdesk.domain.metrics.durations import KPI_LABELS
from irdesk.domain.metrics.figures import Figures
from irdesk.domain.metrics.tables import (
    COUNT,
    MINUTES,
    MONEY,
    Row,
    Table,
    figure_tables,
    format_cell,
)
from irdesk.domain.policy import KPIS, RETIRABLE
from irdesk.domain.register import (
    ContinuityRow,
    RegisterRow,
    Rule,
    continuity_misses,
    continuity_summary,
)
from irdesk.domain.themes import COLUMNS as THEME_COLUMNS
from irdesk.domain.themes import Theme, theme_cells
from irdesk.reports import charts as metric_charts
from irdesk.reports.packets.charts import Chart, rendered
from irdesk.reports.packets.executive_figures import ExecutiveFigures
from irdesk.reports.packets.layout import Layout, column_shares
from irdesk.reports.packets.retired import retired_note
from irdesk.reports.register import register_cells

Cells = list[list[str | None]]
# Inches on the page: a little under the dashboard's size, so a table and a chart share a page.
CHART_WIDTH = 5.4
TOP_THEMES = 5  # a board reads the few that matter; the Themes window has them all
# Per-service tables and the RTO misses are cut to the rows that matter most: a year of a
# large organisation has hundreds of services and thousands of misses, which would make a
# summary of dozens of pages; `irdesk metrics --by service` and the register list them all.
MOST_ROWS = 20


def period_charts(figures: ExecutiveFigures) -> dict[str, Chart]:
    """The dashboard's charts that name no person: distribution, SLO burn-down, trend."""
    return {
        "distribution": rendered(
            metric_charts.distribution_chart(figures.by_severity), CHART_WIDTH
        ),
        "slo_burn": rendered(metric_charts.slo_burn_chart(figures.by_service), CHART_WIDTH),
        "trend": rendered(metric_charts.trend_chart(figures.by_severity), CHART_WIDTH),
    }


def _tables(figures: Figures) -> dict[str, Table]:
    return {t.key: t for t in figure_tables(figures)}


def _largest(table: Table, key: str, keep: int = 0) -> tuple[Table, tuple[Row, ...]]:
    """`table` with its first `keep` rows (a total) and the MOST_ROWS others with the largest
    `key`, in the table's order; and the rows left out."""
    head, rest = table.rows[:keep], table.rows[keep:]
    if len(rest) <= MOST_ROWS:
        return table, ()
    ranked = sorted(range(len(rest)), key=lambda n: -(rest[n].values.get(key) or 0.0))
    chosen = set(ranked[:MOST_ROWS])
    shown = tuple(r for n, r in enumerate(rest) if n in chosen)
    left = tuple(r for n, r in enumerate(rest) if n not in chosen)
    return replace(table, rows=(*head, *shown)), left


def _cells(table: Table, keys: list[str]) -> Cells:
    """The table's header and rows for the columns `keys` (those it has), as the CLI writes them."""
    columns = [c for key in keys for c in table.columns if c.key == key]
    rows: Cells = [[c.label for c in columns]]
    rows += [[format_cell(r.values[c.key], c.kind) for c in columns] for r in table.rows]
    return rows


class PeriodSections:
    def __init__(
        self,
        layout: Layout,
        figures: ExecutiveFigures,
        charts: dict[str, Chart],
        *,
        continuity: Sequence[ContinuityRow] = (),
        register: Sequence[RegisterRow] = (),
        rules: Sequence[Rule] = (),
        themes: Sequence[Theme] = (),
    ) -> None:
        self.layout = layout
        self.figures = figures
        self.charts = charts
        self.continuity = continuity
        self.register = register
        self.rules = rules
        self.themes = themes
        self.severity = _tables(figures.by_severity)
        self.service = _tables(figures.by_service)

    def draw(self, name: str) -> list[Flowable]:
        return {
            "Overview": self.overview,
            "Response times by severity": self.response,
            "SLO adherence": self.slo,
            "Cost": self.cost,
            "On-call load": self.load,
            "Postmortem compliance": self.compliance,
            "Trend": self.trend,
            "Metric definitions": self.definitions,
            "Controls": self.controls,
            "Business continuity": self.business_continuity,
            "Top themes": self.top_themes,
            "Notifications": self.notifications,
            "Legal sign-off and packets sent": self.signoff,
            "Notice rules": self.notice_rules,
        }[name]()

    def _chart(self, key: str) -> Flowable:
        if key != "slo_burn" and not self.figures.by_severity.incidents:
            # Empty axes say nothing a sentence cannot (the error budget is still worth a line).
            return self.layout.para("No incidents in the period: nothing to chart.", redact=False)
        return KeepTogether([self.layout.gap(4), self.layout.chart(self.charts[key])])

    def overview(self) -> list[Flowable]:
        f = self.figures
        period, policy = f.period, f.policy
        kpi = policy.policy.primary_kpi
        everything = self.severity[kpi].rows[0].values
        live = policy.policy.shows
        last_day = (period.end - timedelta(days=1)).date()
        version = "" if policy.version is None else f" --policy-version {policy.version}"
        return [
            self.layout.facts(
                [
                    ("Period", f"{f.label}: {period.start:%Y-%m-%d} to {last_day} (UTC days)"),
                    (
                        "Incidents",
                        f"{format_cell(f.by_severity.incidents, COUNT)}"
                        + (
                            f", of which {f.merged} linked into another (counted there)"
                            if f.merged
                            else ""
                        ),
                    ),
                    ("Caused by third parties", format_cell(f.external, COUNT)),
                    ("Flagged for regulatory exposure", format_cell(f.regulatory, COUNT)),
                    (
                        f"{KPI_LABELS[kpi]} (primary)",
                        f"median {format_cell(everything['median'], MINUTES)}, "
                        f"p90 {format_cell(everything['p90'], MINUTES)}",
                    ),
                    *self._cost_and_slo(live("cost"), live("slo")),
                    ("Policy", policy.label),
                    *(
                        [("Retired by this policy", retired_note(policy.policy))]
                        if policy.policy.retired_figures
                        else []
                    ),
                    (
                        "The same figures",
                        f"irdesk metrics --from {period.start:%Y-%m-%d} --to {last_day} "
                        f"--by severity{version}",
                    ),
                ],
                redact=False,
            )
        ]

    def _cost_and_slo(self, cost: bool, slo: bool) -> list[tuple[str, str]]:
        """The overview's lines of the two figures a policy version may have retired."""
        out = []
        if cost:
            total = self.service["cost"].rows[0].values["total"]
            out.append(("Estimated cost", format_cell(total, MONEY)))
        if slo:
            rows = self.figures.by_service.slo
            out.append(("Services meeting their SLO", f"{sum(s.met for s in rows)} of {len(rows)}"))
        return out

    def response(self) -> list[Flowable]:
        policy = self.figures.policy.policy
        kpi = policy.primary_kpi
        table = self.severity[kpi]
        keys = ["group", "count", "missing", "excluded", "median", "p90", "attainment"]
        keys += ["previous_median", "change"]
        rows = _cells(table, keys)
        layout = self.layout
        out: list[Flowable] = [
            layout.para(
                f"{KPI_LABELS[kpi]}, the policy's primary measure, per severity; targets are the "
                "policy's. Change is against the previous period of the same length.",
                redact=False,
            ),
            layout.gap(4),
            layout.table(rows, column_shares(rows), redact=False),
        ]
        why = table.rows[0].values["why"]
        if why:
            out += [layout.gap(2), layout.para(f"Excluded: {why}.", "small", redact=False)]
        others: Cells = [["Measure, all incidents", "Counted", "Missing", "Median", "p90"]]
        for other in (k for k in KPIS if k != kpi and k in self.severity):
            values = self.severity[other].rows[0].values
            others.append(
                [
                    KPI_LABELS[other],
                    format_cell(values["count"], COUNT),
                    format_cell(values["missing"], COUNT),
                    format_cell(values["median"], MINUTES),
                    format_cell(values["p90"], MINUTES),
                ]
            )
        out += [layout.gap(8), layout.table(others, column_shares(others), redact=False)]
        out.append(self._chart("distribution"))
        return out

    def _every_service(self) -> str:
        period = self.figures.period
        last_day = (period.end - timedelta(days=1)).date()
        return f"irdesk metrics --from {period.start:%Y-%m-%d} --to {last_day} --by service"

    def slo(self) -> list[Flowable]:
        keys = ["service", "target", "availability", "impact_minutes", "budget_minutes"]
        table, left = _largest(self.service["slo"], "budget_consumed")
        rows = _cells(table, [*keys, "budget_consumed", "met", "missing"])
        out: list[Flowable] = [self.layout.table(rows, column_shares(rows))]
        if left:
            met = sum(r.values.get("met") == "yes" for r in left)
            out += [
                self.layout.gap(2),
                self.layout.para(
                    f"The {len(rows) - 1} services that used the most of their error budget, "
                    f"of {len(rows) - 1 + len(left)}; of the other {len(left)}, {met} met "
                    f"their SLO. Every service: {self._every_service()}.",
                    "small",
                    redact=False,
                ),
            ]
        return [*out, self._chart("slo_burn")]

    def cost(self) -> list[Flowable]:
        keys = ["group", "count", "downtime_minutes", "downtime_cost", "responder_hours"]
        table, left = _largest(self.service["cost"], "total", keep=1)
        rows = _cells(table, [*keys, "responder_cost", "total", "missing"])
        out: list[Flowable] = [self.layout.table(rows, column_shares(rows))]
        if left:
            together = sum(r.values.get("total") or 0.0 for r in left)
            out += [
                self.layout.gap(2),
                self.layout.para(
                    f"All, then the {len(rows) - 2} costliest services of "
                    f"{len(rows) - 2 + len(left)}; the other {len(left)} together cost "
                    f"{format_cell(together, MONEY)}. Every service: {self._every_service()}.",
                    "small",
                    redact=False,
                ),
            ]
        return out

    def load(self) -> list[Flowable]:
        flagged: dict[str, int] = {}
        for person in self.figures.by_severity.load:
            flagged[person.team] = flagged.get(person.team, 0) + bool(person.flags)
        rows = _cells(self.service["rotations"], ["rotation", "members", "pages", "gini"])
        rows[0].append("Over the alert-fatigue limits")
        for row, rotation in zip(rows[1:], self.figures.by_service.rotations, strict=True):
            row.append(f"{flagged.get(rotation.team, 0)} of {rotation.members}")
        return [
            self.layout.para(
                "Per rotation; no person is named. Gini 0 means pages were spread evenly across "
                "the people paged, 1 that one person took them all.",
                redact=False,
            ),
            self.layout.gap(4),
            self.layout.table(rows, column_shares(rows)),
        ]

    def compliance(self) -> list[Flowable]:
        keys = ["tier", "required", "on_time", "late", "overdue", "pending", "compliance"]
        rows = _cells(self.severity["compliance"], keys)
        return [self.layout.table(rows, column_shares(rows), redact=False)]

    def trend(self) -> list[Flowable]:
        return [self._chart("trend")]

    def controls(self) -> list[Flowable]:
        """Which control or clause each figure and target satisfies, as the policy says."""
        policy = self.figures.policy.policy
        rows: Cells = [["Figure or target", "Control or clause it satisfies", "Shown"]]
        for figure in RETIRABLE:
            if figure in policy.controls:
                shown = "yes" if policy.shows(figure) else "retired under this version"
                rows.append([figure.replace("_", " "), policy.controls[figure], shown])
        return [
            self.layout.para(
                f"As mapped by {self.figures.policy.label}; the figures themselves are in the "
                "sections above.",
                redact=False,
            ),
            self.layout.gap(4),
            self.layout.table(rows, [0.3, 0.5, 0.2], redact=False),
        ]

    def definitions(self) -> list[Flowable]:
        rows: Cells = [["Figure", "Definition"]]
        definitions = metric_definitions(self.figures.policy.policy)
        rows += [[k.replace("_", " "), v] for k, v in definitions.items()]
        return [self.layout.table(rows, [0.25, 0.75], redact=False)]

    # ------------------------------------------------ continuity and the register

    def business_continuity(self) -> list[Flowable]:
        """The services whose incidents took longer to recover than their RTO, and by how much."""
        layout = self.layout
        out: list[Flowable] = [
            layout.para(
                "Recovery runs from the start of impact (its detection when the start is "
                "unknown) to resolution, against the service's recovery time objective (RTO) "
                f"from the directory. {continuity_summary(self.continuity)}",
                redact=False,
            )
        ]
        misses = continuity_misses(self.continuity)
        if misses:
            rows: Cells = [["Service", "Incident", "RTO", "Recovery", "Against RTO"]]
            rows += [list(m) for m in misses[:MOST_ROWS]]
            out += [layout.gap(4), layout.table(rows, column_shares(rows))]
        if len(misses) > MOST_ROWS:
            out += [
                layout.gap(2),
                layout.para(
                    f"The {MOST_ROWS} incidents that missed it by most, of {len(misses)}.",
                    "small",
                    redact=False,
                ),
            ]
        return out

    def top_themes(self) -> list[Flowable]:
        """The contributing factors behind the most incidents, with near misses beside them."""
        layout = self.layout
        top = [t for t in self.themes if t.incidents or t.near_misses][:TOP_THEMES]
        if not top:
            return [
                layout.para(
                    "No finding of an incident in the period has a confirmed contributing factor.",
                    redact=False,
                )
            ]
        keys = ["factor", "incidents", "near_misses", "previous", "trend"]
        labels = dict(THEME_COLUMNS)
        rows: Cells = [[labels[k] for k in keys]]
        rows += [[theme_cells(t)[k] for k in keys] for t in top]
        return [
            layout.para(
                "The contributing factors facilitators confirmed on the period's findings, "
                "by the incidents they contributed to; near misses are findings of what "
                "went right by luck. The trend compares the period of the same length before.",
                redact=False,
            ),
            layout.gap(4),
            layout.table(rows, column_shares(rows), redact=False),
        ]

    def _register_table(self, keys: list[str], shares: list[float]) -> list[Flowable]:
        if not self.register:
            return [
                self.layout.para(
                    "No incident detected in the period has regulatory exposure.", redact=False
                )
            ]
        from irdesk.domain.register import COLUMNS

        labels = {c.key: c.label for c in COLUMNS}
        rows: Cells = [[labels[k] for k in keys]]
        for row in self.register:
            cells = register_cells(row)
            rows.append([cells[k] for k in keys])
        return [self.layout.table(rows, shares)]

    def notifications(self) -> list[Flowable]:
        breached = sum(r.notice.breached for r in self.register)
        return [
            self.layout.para(
                f"Incidents with regulatory exposure detected in the period: {len(self.register)}; "
                f"notices late or overdue: {breached} (marked ⚠). A notice is due at the earlier "
                "of the classified deadline and the regulation's rule.",
                redact=False,
            ),
            self.layout.gap(4),
            # Fixed shares: measured ones let the long dates squeeze the incident's name.
            *self._register_table(
                ["incident", "regulation", "deadline", "notified_at", "notified_by", "status"],
                [0.14, 0.13, 0.15, 0.15, 0.17, 0.26],
            ),
        ]

    def signoff(self) -> list[Flowable]:
        return [
            self.layout.para(
                "Legal sign-off is the countersignature on the incident's legal packet.",
                redact=False,
            ),
            self.layout.gap(4),
            *self._register_table(["incident", "legal_signoff", "packets"], [0.14, 0.2, 0.66]),
        ]

    def notice_rules(self) -> list[Flowable]:
        if not self.rules:
            return [self.layout.para("No regulation's rule is recorded.", redact=False)]
        rows: Cells = [["Regulation", "Rule"]]
        rows += [[r.regulation, r.text] for r in self.rules]
        return [self.layout.table(rows, [0.3, 0.7], redact=False)]
