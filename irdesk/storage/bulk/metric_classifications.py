"""Facilitators' classifications laid over the metrics' incident columns.

The columns are read from the incident table as the source had it; the classified
incidents (few, beside the many imported) are then given their effective values by
`domain.classification.effective_impact`, the one function the packets and windows
use too, so a figure and a packet cannot disagree about an incident. An incident
classified as not an incident (a backlog ticket imported with the real ones) leaves
the columns altogether: it is in no incident figure.
"""

from typing import Any

import numpy as np

from irdesk.domain.classification import Classification, SourceValues, effective_impact
from irdesk.domain.enums import Severity
from irdesk.domain.metrics.data import severity_rank
from irdesk.storage.bulk.metric_scans import Cursor, IncidentFields

# CLASSIFICATIONS' columns after the incident id, for other readers to select too.
COLUMNS = (
    "customer_severity, severity, users_affected, downtime_cost, external_cause,"
    " approved_tech_debt, regulatory_exposure, not_incident"
)
# The one IncidentFields entry that is no column of rows.
_NOT_ROWS = ("title_texts",)


CLASSIFICATIONS = f"SELECT incident_id, {COLUMNS} FROM incident_classification"


def read_classifications(cur: Cursor) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = cur.execute(CLASSIFICATIONS).fetchall()
    return rows


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def classification_of_row(row: tuple[Any, ...]) -> Classification:
    """A row of CLASSIFICATIONS (after its incident id) as the classification it holds."""
    customer, severity, users, cost, external, debt, regulatory, not_incident = row
    return Classification(
        customer_severity=Severity(customer) if customer else None,
        severity=Severity(severity) if severity else None,
        users_affected=users,
        downtime_cost=cost,
        external_cause=_flag(external),
        approved_tech_debt=_flag(debt),
        regulatory_exposure=_flag(regulatory),
        not_incident=bool(not_incident),
    )


def _severity(rank: int) -> Severity | None:
    return Severity(f"SEV{rank}") if rank else None


def _row_facts(fields: IncidentFields, n: int) -> SourceValues:
    """One row of the columns as the source facts `effective_impact` reads."""
    users = float(fields["users_affected"][n])
    cost = float(fields["downtime_cost"][n])
    return SourceValues(
        severity=_severity(int(fields["severity"][n])),
        customer_severity=_severity(int(fields["customer_severity"][n])),
        users_affected=None if np.isnan(users) else int(users),
        downtime_cost=None if np.isnan(cost) else cost,
        external_cause=bool(fields["external_cause"][n]),
        approved_tech_debt=bool(fields["tech_debt"][n]),
        regulatory_exposure=bool(fields["regulatory"][n]),
    )


def apply_classifications(rows: list[tuple[Any, ...]], fields: IncidentFields) -> IncidentFields:
    """`fields` with each classified incident's effective values; not-incidents left out."""
    if not rows:
        return fields
    position = {int(i): n for n, i in enumerate(fields["ids"].tolist())}
    keep = np.ones(len(fields["ids"]), dtype=bool)
    for row in rows:
        n = position.get(int(row[0]))
        if n is None:
            continue
        effective = effective_impact(_row_facts(fields, n), classification_of_row(row[1:]))
        if effective.not_incident:
            keep[n] = False
            continue
        fields["severity"][n] = severity_rank(effective.severity)
        fields["customer_severity"][n] = severity_rank(effective.customer_severity)
        users = effective.users_affected
        fields["users_affected"][n] = np.nan if users is None else float(users)
        cost = effective.downtime_cost
        fields["downtime_cost"][n] = np.nan if cost is None else cost
        fields["external_cause"][n] = effective.external_cause
        fields["tech_debt"][n] = effective.approved_tech_debt
        fields["regulatory"][n] = effective.regulatory_exposure
    if keep.all():
        return fields
    return {name: value if name in _NOT_ROWS else value[keep] for name, value in fields.items()}
