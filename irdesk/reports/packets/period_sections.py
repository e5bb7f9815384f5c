"""The sections of an executive packet: figures over a period, no operational detail."""

from reportlab.platypus import Flowable, KeepTogether

from irdesk.reports.packets.charts import Chart
from irdesk.reports.packets.formatting import minutes_text, money
from irdesk.reports.packets.layout import Layout
from irdesk.reports.packets.period_figures import PeriodFigures


class PeriodSections:
    def __init__(self, layout: Layout, figures: PeriodFigures, charts: list[Chart]) -> None:
        self.layout = layout
        self.figures = figures
        self.charts = charts

    def draw(self, name: str) -> list[Flowable]:
        return {
            "Overview": self.overview,
            "Response times by severity": self.response,
            "SLO adherence": self.slo,
            "Cost": self.cost,
            "Trend": self.trend,
            "Metric definitions": self.definitions,
        }[name]()

    def overview(self) -> list[Flowable]:
        f = self.figures
        return [
            self.layout.facts(
                [
                    (
                        "Period",
                        f"{f.label}: {f.start:%Y-%m-%d} to {f.end:%Y-%m-%d} (exclusive), UTC",
                    ),
                    ("Incidents", str(f.incidents)),
                    ("Caused by third parties", str(f.external)),
                    ("Flagged for regulatory exposure", str(f.regulatory)),
                    ("Estimated downtime cost", money(f.total_cost)),
                    (
                        "Services meeting their SLO",
                        f"{sum(s.meets_slo for s in f.by_service)} of {len(f.by_service)}",
                    ),
                ],
                redact=False,
            )
        ]

    def response(self) -> list[Flowable]:
        rows: list[list[str | None]] = [
            ["Severity", "Incidents", "Median TTR", "p90 TTR", "Target", "Within target", "Missing"]
        ]
        for s in self.figures.by_severity:
            measured = s.count - s.missing
            rows.append(
                [
                    s.severity,
                    str(s.count),
                    minutes_text(s.median_minutes) if s.count else "—",
                    minutes_text(s.p90_minutes) if s.count else "—",
                    minutes_text(s.target_minutes) if s.target_minutes else "—",
                    f"{s.within_target} of {measured}" if measured else "—",
                    str(s.missing),
                ]
            )
        return [self.layout.table(rows, [0.13, 0.13, 0.15, 0.15, 0.14, 0.17, 0.13], redact=False)]

    def slo(self) -> list[Flowable]:
        rows: list[list[str | None]] = [
            ["Service", "Incidents", "Impact", "Availability", "SLO", "Met"]
        ]
        for s in self.figures.by_service:
            rows.append(
                [
                    s.service,
                    str(s.incidents),
                    minutes_text(s.impact_minutes),
                    f"{s.availability * 100:.3f} %",
                    f"{s.slo_target:g} %",
                    "yes" if s.meets_slo else "NO",
                ]
            )
        return [self.layout.table(rows, [0.3, 0.12, 0.14, 0.16, 0.14, 0.14])]

    def cost(self) -> list[Flowable]:
        rows: list[list[str | None]] = [["Service", "Incidents", "Estimated cost"]]
        rows += [[s.service, str(s.incidents), money(s.cost)] for s in self.figures.by_service]
        rows.append(["Total", str(self.figures.incidents), money(self.figures.total_cost)])
        return [self.layout.table(rows, [0.5, 0.2, 0.3])]

    def trend(self) -> list[Flowable]:
        return [KeepTogether([self.layout.chart(c), self.layout.gap(8)]) for c in self.charts]

    def definitions(self) -> list[Flowable]:
        rows: list[list[str | None]] = [["Figure", "Definition"]]
        rows += [[k.replace("_", " "), v] for k, v in self.figures.definitions.items()]
        return [self.layout.table(rows, [0.25, 0.75], redact=False)]
