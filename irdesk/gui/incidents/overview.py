"""Loading the Overview tab: the selected incident's facts and timeline, off the GUI thread.

Every new request (and every other database) makes the loads still under way
stale: the user has moved on, so their results are dropped, never shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.incidents.details import IncidentDetails

if TYPE_CHECKING:
    from irdesk.storage.database import Database
    from irdesk.storage.reads.incident_view import IncidentView


def _load_view(db: Database, incident_id: int) -> IncidentView | None:
    from irdesk.storage.reads.incident_view import load_incident_view

    return load_incident_view(db, incident_id)


class OverviewLoader(QObject):
    """Fills `details` with the incident `show_incident` was last given, and hands the
    timeline it read on (`timeline_read(incident_id, IncidentTimeline or None)`)."""

    timeline_read = Signal(int, object)

    def __init__(
        self,
        details: IncidentDetails,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.details = details
        self.tasks = tasks
        self.database = database
        self._generation = 0
        database.changed.connect(self.clear)

    def show_incident(self, incident_id: int | None) -> None:
        self.drop_pending()
        db = self.database.current()
        if incident_id is None or db is None:
            self.details.clear()
            return
        generation = self._generation
        self.tasks.run(
            lambda _report: _load_view(db, incident_id),
            on_done=lambda view: self._loaded(generation, incident_id, view),
            description="Loading incident…",
        )

    def drop_pending(self) -> None:
        """Loads under way are for an incident no longer wanted: their results are dropped."""
        self._generation += 1

    def clear(self) -> None:
        self.drop_pending()
        self.details.clear()

    def _loaded(self, generation: int, incident_id: int, view: IncidentView | None) -> None:
        if generation != self._generation:
            return  # the user has moved on; a newer load is queued
        if view is None:
            self.details.show_missing()
        else:
            self.details.show_incident(view)
        self.timeline_read.emit(incident_id, None if view is None else view.timeline)
