"""One line of the incident list, apart from the queries that read it.

Its own module, importing no SQLModel, so the window's first look at a file
(storage/bulk/incident_list) and the incident table model can hold rows before the
ORM and the tables are loaded.
"""

from dataclasses import dataclass
from datetime import datetime

from irdesk.domain.enums import IncidentStatus, ReviewStatus, Severity


@dataclass(frozen=True)
class IncidentRow:
    """One line of the incident list."""

    id: int
    source: str
    external_id: str
    title: str
    service: str | None
    severity: Severity | None
    status: IncidentStatus
    started_at: datetime | None
    resolved_at: datetime | None
    review_status: ReviewStatus | None
    external_cause: bool
    flags: tuple[str, ...]

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.resolved_at is None:
            return None
        return (self.resolved_at - self.started_at).total_seconds()
