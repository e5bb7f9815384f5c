"""The figures of an executive packet: the metrics module's, for the period and policy version.

No arithmetic of its own: `compute_from_database` makes the figures, once
grouped by severity (response times, trend) and once by service (SLO, cost),
from one read of the database, under the version the packet names. So the
packet, the dashboard and `irdesk metrics` show the same numbers for the same
period and version.
"""

from dataclasses import dataclass

from irdesk.domain.metrics.figures import Figures
from irdesk.domain.metrics.selection import Period, in_period
from irdesk.storage.bulk.metric_data import compute_from_database, load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.records.policies import PolicyRecord


@dataclass(frozen=True)
class ExecutiveFigures:
    label: str
    period: Period
    policy: PolicyRecord
    by_severity: Figures
    by_service: Figures
    incident_ids: list[int]  # every incident of the period, as the figures count them
    merged: int  # of them, linked into another incident (counted once, there)
    external: int  # of the others, caused by a third party
    regulatory: int  # of the others, flagged for regulatory exposure


def executive_figures(
    db: Database, label: str, period: Period, policy: PolicyRecord
) -> ExecutiveFigures:
    data = load_metric_data(db, period, policy.policy)

    def figures(by: str) -> Figures:
        return compute_from_database(db, period, by, policy_version=policy.version, data=data)

    rows = in_period(data, period)
    incidents = data.incidents
    own = rows[~incidents.merged[rows]]
    return ExecutiveFigures(
        label=label,
        period=period,
        policy=policy,
        by_severity=figures("severity"),
        by_service=figures("service"),
        incident_ids=sorted(int(i) for i in incidents.ids[rows]),
        merged=len(rows) - len(own),
        external=int(incidents.external_cause[own].sum()),
        regulatory=int(incidents.regulatory[own].sum()),
    )
