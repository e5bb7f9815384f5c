"""What the main window reads about incidents: the list, and one incident's overview.

Each read takes the open `Database` and uses one session of its own, so the
window can run it on a worker thread and hand the plain rows back to the GUI.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from irdesk.domain.classification import Classification, EffectiveImpact, effective_impact
from irdesk.domain.models import Incident
from irdesk.storage.database import Database
from irdesk.storage.reads import queries, timeline_records
from irdesk.storage.reads.incident_row import IncidentRow
from irdesk.storage.records import classifications, merges


def incident_list(db: Database) -> list[IncidentRow]:
    """The rows of the incident list (merged incidents are shown through their target)."""
    with db.session() as session:
        return queries.list_incidents(session)


@dataclass(frozen=True)
class IncidentView:
    """Everything the Overview pane shows of one incident, read in one go; `timeline` is
    the same read as the Timeline tab shows it, so selecting an incident reads it once."""

    detail: queries.IncidentDetail
    events: list[queries.EventRow]
    # Incidents merged into this one: the same outage as other tools saw it.
    linked: tuple[merges.LinkedIncident, ...] = ()
    timeline: timeline_records.IncidentTimeline | None = None


def load_incident_view(db: Database, incident_id: int) -> IncidentView | None:
    """The overview of `incident_id`, or None if it no longer exists."""
    with db.session() as session:
        record = timeline_records.incident_timeline(session, incident_id)
        if record is None:
            return None
        return IncidentView(
            detail=record.detail,
            events=[_event_row(event) for event in record.events],
            linked=tuple(merges.linked_into(session, incident_id)),
            timeline=record,
        )


def _event_row(event: timeline_records.RecordEvent) -> queries.EventRow:
    return queries.EventRow(
        id=event.id,
        occurred_at=event.occurred_at,
        kind=event.kind,
        source=event.source,
        actor=event.actor,
        text=event.text,
        is_key_moment=event.is_key_moment,
        corrected=event.corrected,
    )


@dataclass(frozen=True)
class ClassificationTarget:
    """One incident as the Classify dialog starts from: its classification, the revision
    an edit must name, and the source's own values to show beside it."""

    incident_id: int
    label: str  # SOURCE:ID
    title: str
    classification: Classification
    revision: int
    source: EffectiveImpact  # the source's values alone


def classification_targets(db: Database, incident_ids: Sequence[int]) -> list[ClassificationTarget]:
    """The incidents of `incident_ids` that still exist, in that order."""
    with db.session() as session:
        targets = []
        for incident_id in incident_ids:
            incident = session.get(Incident, incident_id)
            if incident is None:
                continue
            classification, revision = classifications.classification_of(session, incident_id)
            targets.append(
                ClassificationTarget(
                    incident_id=incident_id,
                    label=f"{incident.source}:{incident.external_id}",
                    title=incident.title,
                    classification=classification,
                    revision=revision,
                    source=effective_impact(incident, None),
                )
            )
        return targets
