"""What an import changed, per incident and in total, for its report."""

from collections.abc import Sequence
from dataclasses import dataclass, field

# The directory's kinds of record, in the order the report lists them.
DIRECTORY_KINDS = (
    "teams",
    "people",
    "team memberships",
    "services",
    "rotations",
    "rotation memberships",
    "escalation policies",
)


# Slots: an import keeps one outcome for each of its incidents, a million for a big file.
@dataclass(slots=True)
class IncidentOutcome:
    source: str
    external_id: str
    title: str
    change: str  # "new", "updated", "unchanged"
    # Replaced, never changed in place: a new incident keeps the one shared empty tuple.
    changed_fields: Sequence[str] = ()
    new_events: int = 0
    updated_events: int = 0

    @property
    def key(self) -> str:
        return f"{self.source}:{self.external_id}"


@dataclass
class WriteResult:
    # Every incident's outcome; an import too large to keep one each keeps a sample here
    # and counts the rest in incident_counts.
    incidents: list[IncidentOutcome] = field(default_factory=list)
    # Outcomes counted rather than kept, by change ("new", "updated", "unchanged").
    incident_counts: dict[str, int] = field(default_factory=dict)
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
    # Directory records by kind ("teams", "people", …) → change ("new", …) → how many.
    directory: dict[str, dict[str, int]] = field(default_factory=dict)
    directory_warnings: list[str] = field(default_factory=list)
    # Action items that followed their tickets: one line each, naming what changed.
    action_changes: list[str] = field(default_factory=list)

    def count_change(self, change: str) -> int:
        """Incidents whose outcome is `change`, kept or counted."""
        kept = sum(1 for outcome in self.incidents if outcome.change == change)
        return kept + self.incident_counts.get(change, 0)

    def fold_outcomes(self, keep: int) -> None:
        """Only the first `keep` outcomes kept; the rest counted in incident_counts."""
        for outcome in self.incidents[keep:]:
            self.incident_counts[outcome.change] = self.incident_counts.get(outcome.change, 0) + 1
        del self.incidents[keep:]

    def count_directory(self, kind: str, change: str) -> None:
        counts = self.directory.setdefault(kind, {"new": 0, "updated": 0, "unchanged": 0})
        counts[change] += 1

    @property
    def directory_changed(self) -> bool:
        return any(c["new"] or c["updated"] for c in self.directory.values())
