"""The figures an executive packet shows for a period, behind one function.

`period_figures` is the only thing the packet asks for; when the metrics
module lands it can answer instead, with the same result shape. Definitions
follow DESIGN.md: time to resolve = resolved − started (verified − started
when the policy counts verification); incidents missing a time are counted as
missing, never as zero.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from irdesk.storage.packet_data import IncidentRecord, PeriodIncidents

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5")

METRIC_DEFINITIONS = {
    "time_to_resolve": "resolved_at − started_at, in minutes (verified_at − started_at when the "
    "policy counts verification); incidents without both times are counted as missing",
    "median": "middle value of the incidents' times; p90: the nearest-rank 90th percentile",
    "impact_minutes": "minutes from started_at to mitigated_at (resolved_at when not mitigated)",
    "slo_adherence": "availability = 1 − impact minutes / minutes in the period, per service, "
    "against the service's SLO target",
    "cost": "the incident's recorded downtime cost, else impact minutes × the service's cost "
    "per minute",
}


@dataclass(frozen=True)
class SeverityFigures:
    severity: str
    count: int
    missing: int
    median_minutes: float | None
    p90_minutes: float | None
    target_minutes: float | None
    within_target: int


@dataclass(frozen=True)
class ServiceFigures:
    service: str
    incidents: int
    impact_minutes: float
    availability: float
    slo_target: float
    cost: float

    @property
    def meets_slo(self) -> bool:
        return self.availability * 100 >= self.slo_target


@dataclass(frozen=True)
class MonthFigures:
    month: str
    counts: dict[str, int]
    median_minutes: float | None


@dataclass(frozen=True)
class PeriodFigures:
    label: str
    start: datetime
    end: datetime
    incidents: int
    external: int
    regulatory: int
    by_severity: list[SeverityFigures]
    by_service: list[ServiceFigures]
    by_month: list[MonthFigures]
    total_cost: float
    definitions: dict[str, str]


def parse_period(text: str) -> tuple[str, date, date]:
    """'2026-Q3', '2026-07' or '2026' as (label, first day, day after the last)."""
    text = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return text, start, end
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            return text, date(year, month, 1), end
    if re.fullmatch(r"\d{4}", text):
        return text, date(int(text), 1, 1), date(int(text) + 1, 1, 1)
    raise ValueError(f"expected a period like 2026-Q3, 2026-07 or 2026, got {text!r}")


def _minutes(first: datetime | None, second: datetime | None) -> float | None:
    if first is None or second is None or second < first:
        return None
    return (second - first).total_seconds() / 60


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _resolve_minutes(incident: IncidentRecord, verification_counts: bool) -> float | None:
    end = "verified_at" if verification_counts else "resolved_at"
    return _minutes(incident.lifecycle["started_at"], incident.lifecycle[end])


def _impact_minutes(incident: IncidentRecord) -> float:
    times = incident.lifecycle
    end = times["mitigated_at"] or times["resolved_at"]
    return _minutes(times["started_at"], end) or 0.0


def _cost(incident: IncidentRecord) -> float:
    if incident.downtime_cost is not None:
        return incident.downtime_cost
    return _impact_minutes(incident) * (incident.cost_per_minute or 0.0)


def period_figures(data: PeriodIncidents) -> PeriodFigures:
    settings = data.policy.settings
    verification = bool(settings.get("verification_counts", False))
    targets = settings.get("threshold_minutes", {}).get("time_to_resolve", {})
    incidents = data.incidents
    by_severity = []
    for severity in SEVERITIES:
        chosen = [i for i in incidents if i.severity == severity]
        times = [t for i in chosen if (t := _resolve_minutes(i, verification)) is not None]
        target = targets.get(severity)
        by_severity.append(
            SeverityFigures(
                severity=severity,
                count=len(chosen),
                missing=len(chosen) - len(times),
                median_minutes=_median(times),
                p90_minutes=_percentile(times, 0.9),
                target_minutes=target,
                within_target=sum(1 for t in times if target is not None and t <= target),
            )
        )
    window = (data.end - data.start).total_seconds() / 60
    by_service = []
    for name, (slo, _cost_per_minute) in sorted(data.services.items()):
        chosen = [i for i in incidents if i.service == name]
        impact = sum(_impact_minutes(i) for i in chosen)
        by_service.append(
            ServiceFigures(
                service=name,
                incidents=len(chosen),
                impact_minutes=impact,
                availability=max(0.0, 1 - impact / window) if window else 1.0,
                slo_target=slo,
                cost=sum(_cost(i) for i in chosen),
            )
        )
    months: dict[str, list[IncidentRecord]] = {}
    cursor = data.start
    while cursor < data.end:
        months[cursor.strftime("%Y-%m")] = []
        cursor = datetime(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1, tzinfo=UTC)
    for incident in incidents:
        started = incident.lifecycle["started_at"]
        if started is not None:
            months.setdefault(started.strftime("%Y-%m"), []).append(incident)
    by_month = [
        MonthFigures(
            month=month,
            counts={s: sum(1 for i in chosen if i.severity == s) for s in SEVERITIES},
            median_minutes=_median(
                [t for i in chosen if (t := _resolve_minutes(i, verification)) is not None]
            ),
        )
        for month, chosen in months.items()
    ]
    return PeriodFigures(
        label=data.label,
        start=data.start,
        end=data.end,
        incidents=len(incidents),
        external=sum(1 for i in incidents if i.external_cause),
        regulatory=sum(1 for i in incidents if i.regulatory_exposure),
        by_severity=by_severity,
        by_service=by_service,
        by_month=by_month,
        total_cost=sum(s.cost for s in by_service),
        definitions=METRIC_DEFINITIONS,
    )
