"""What an import changed, per incident and in total, for its report."""

from dataclasses import dataclass, field


@dataclass
class IncidentOutcome:
    source: str
    external_id: str
    title: str
    change: str  # "new", "updated", "unchanged"
    changed_fields: list[str] = field(default_factory=list)
    new_events: int = 0
    updated_events: int = 0

    @property
    def key(self) -> str:
        return f"{self.source}:{self.external_id}"


@dataclass
class WriteResult:
    incidents: list[IncidentOutcome] = field(default_factory=list)
    new_events: int = 0
    updated_events: int = 0
    unchanged_events: int = 0
    new_people: list[str] = field(default_factory=list)
    uncertain_people: list[str] = field(default_factory=list)
    new_services: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    # A stored value a re-import would empty, per field: "severity: 157 incidents (…)".
    kept_values: list[str] = field(default_factory=list)
    emptied_values: list[str] = field(default_factory=list)
