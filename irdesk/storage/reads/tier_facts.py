"""What the tiering rule needs to know about one incident, read as the metrics read it.

The lifecycle times are the ones in force (a facilitator's corrections replace the
source's), severity, users affected and regulatory exposure the classified ones, and recurrence is the metrics' own `recurrence_groups`, run over the
incident's service. The one difference from the dashboard: the dashboard groups only
the incidents of the period it shows, while the Review tab looks at every incident
of the service on file, before and after this one. An incident near the edge of a
dashboard period can therefore recur here and not there; over a period that holds
the whole chain the two agree.
"""

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from irdesk.domain.classification import Classification, effective_impact
from irdesk.domain.enums import MERGE_UNLINKED
from irdesk.domain.metrics.data import IncidentInput, MetricData, incident_columns
from irdesk.domain.metrics.followup import RecurrenceGroup, recurrence_groups
from irdesk.domain.metrics.selection import anchor_times
from irdesk.domain.models import (
    Incident,
    IncidentClassification,
    IncidentMerge,
    LifecycleOverride,
)
from irdesk.domain.policy import Policy
from irdesk.domain.tiering import TierFacts
from irdesk.domain.utc import as_utc
from irdesk.storage.records.classifications import classifications

TIMES = ("started_at", "detected_at", "resolved_at")


@dataclass(frozen=True)
class IncidentTiering:
    facts: TierFacts
    resolved_on: date | None  # UTC day the incident was resolved (as corrected), if it was


def times_in_force(
    session: Session, which: ColumnElement[bool]
) -> dict[int, dict[str, datetime | None]]:
    """Started, detected and resolved of the incidents `which` selects, a correction
    replacing the source's time."""
    rows = session.exec(
        select(Incident.id, Incident.started_at, Incident.detected_at, Incident.resolved_at).where(
            which
        )
    ).all()
    times = {r[0]: dict(zip(TIMES, r[1:], strict=True)) for r in rows if r[0] is not None}
    overrides = session.exec(
        select(LifecycleOverride)
        .join(Incident, col(Incident.id) == col(LifecycleOverride.incident_id))
        .where(which, col(LifecycleOverride.field).in_(TIMES))
    ).all()
    for override in overrides:
        times[override.incident_id][override.field] = override.value
    return times


def _merged(session: Session, which: ColumnElement[bool]) -> set[int]:
    """Incidents linked into another: the same outage, counted (and grouped) there."""
    rows = session.exec(
        select(IncidentMerge.incident_id)
        .join(Incident, col(Incident.id) == col(IncidentMerge.incident_id))
        .where(which, IncidentMerge.how != MERGE_UNLINKED)
    ).all()
    return set(rows)


def _service_groups(session: Session, service_id: int, policy: Policy) -> list[RecurrenceGroup]:
    """The recurrence groups among the service's incidents."""
    same_service = col(Incident.service_id) == service_id
    # Tickets classified as no incident are in no figure, and recur with nothing.
    not_incidents = select(IncidentClassification.incident_id).where(
        col(IncidentClassification.not_incident)
    )
    rows = session.exec(
        select(Incident.id, Incident.title).where(
            same_service, col(Incident.id).not_in(not_incidents)
        )
    ).all()
    if len(rows) < 2:
        return []
    times = times_in_force(session, same_service)
    merged = _merged(session, same_service)

    columns = incident_columns(
        [
            IncidentInput(
                id=incident_id,
                title=title,
                service_id=service_id,
                started_at=times[incident_id]["started_at"],
                detected_at=times[incident_id]["detected_at"],
                merged=incident_id in merged,
            )
            for incident_id, title in rows
            if incident_id is not None
        ]
    )
    data = MetricData(incidents=columns)
    everything = np.arange(len(columns), dtype=np.int64)
    return list(recurrence_groups(data, policy, everything, anchor_times(data)))


def service_recurrences(session: Session, service_id: int, policy: Policy) -> dict[int, int]:
    """Every recurring incident of the service: how many others share its recurrence group."""
    out: dict[int, int] = {}
    for group in _service_groups(session, service_id, policy):
        for member in group.ids["count"]:
            out[int(member)] = group.count - 1
    return out


def recurrence_group_of(
    session: Session, incident: Incident, policy: Policy
) -> RecurrenceGroup | None:
    """The recurrence group of the incident's service that holds it, if it recurs."""
    if incident.service_id is None or incident.id is None:
        return None
    for group in _service_groups(session, incident.service_id, policy):
        if incident.id in group.ids["count"]:
            return group
    return None


def tier_facts_of(
    incident: Incident, classification: Classification | None, recurrences: int
) -> TierFacts:
    """What the tiering rule looks at: the classified values, as the compliance figures
    count them, and the recurrences found on the service."""
    impact = effective_impact(incident, classification)
    return TierFacts(
        severity=impact.severity,
        customer_severity=impact.customer_severity,
        users_affected=impact.users_affected,
        recurrences=recurrences,
        regulatory_exposure=impact.regulatory_exposure,
    )


def incident_tiering(session: Session, incident: Incident, policy: Policy) -> IncidentTiering:
    assert incident.id is not None
    resolved = times_in_force(session, col(Incident.id) == incident.id)[incident.id]["resolved_at"]
    recurring = {}
    if incident.service_id is not None:
        recurring = service_recurrences(session, incident.service_id, policy)
    classified = classifications(session, [incident.id]).get(incident.id)
    facts = tier_facts_of(incident, classified, recurring.get(incident.id, 0))
    return IncidentTiering(facts, as_utc(resolved).date() if resolved is not None else None)
