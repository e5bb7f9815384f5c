"""What the main window reads about incidents: the list, and one incident's overview.

Each read takes the open `Database` and uses one session of its own, so the
window can run it on a worker thread and hand the plain rows back to the GUI.
"""

from dataclasses import dataclass

from irdesk.storage.database import Database
from irdesk.storage.reads import queries
from irdesk.storage.reads.incident_row import IncidentRow
from irdesk.storage.records import merges


def incident_list(db: Database) -> list[IncidentRow]:
    """The rows of the incident list (merged incidents are shown through their target)."""
    with db.session() as session:
        return queries.list_incidents(session)


@dataclass(frozen=True)
class IncidentView:
    """Everything the Overview pane shows of one incident, read in one go."""

    detail: queries.IncidentDetail
    events: list[queries.EventRow]
    # Incidents merged into this one: the same outage as other tools saw it.
    linked: tuple[merges.LinkedIncident, ...] = ()


def load_incident_view(db: Database, incident_id: int) -> IncidentView | None:
    """The overview of `incident_id`, or None if it no longer exists."""
    with db.session() as session:
        detail = queries.incident_detail(session, incident_id)
        if detail is None:
            return None
        return IncidentView(
            detail=detail,
            events=queries.timeline(session, incident_id),
            linked=tuple(merges.linked_into(session, incident_id)),
        )
