"""Runbook adherence: what became of each step, counted per person and per team.

Only unjustified deviations count against anyone: a step skipped or done differently
for a reason someone wrote down is a necessary deviation, not a lapse. A step nobody
recorded is counted apart ("not recorded"): the review has not said what became of
it, which is not the same as its being skipped.

A step counts for the person its record names (the actor of the event that carried it
out, or whoever was named) and for that person's team; a record naming nobody counts
for the incident only.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from irdesk.domain.enums import RunbookOutcome

NOBODY = "(nobody named)"


@dataclass(frozen=True)
class StepFact:
    """One runbook step in one incident, and what became of it (None: not recorded)."""

    incident_id: int
    incident: str
    runbook: str
    step: str
    outcome: RunbookOutcome | None
    justified: bool
    person: str | None
    team: str | None


@dataclass
class AdherenceRow:
    """Steps recorded for one person, team or incident, and how they went."""

    kind: str  # person, team or incident
    name: str
    followed: int = 0
    skipped: int = 0
    deviated: int = 0
    justified: int = 0
    unjustified: int = 0
    not_recorded: int = 0
    incident_ids: list[int] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return self.followed + self.skipped + self.deviated

    @property
    def adherence(self) -> float | None:
        """Recorded steps that were followed or justifiably departed from; None without any."""
        if not self.recorded:
            return None
        return (self.recorded - self.unjustified) / self.recorded

    def add(self, fact: StepFact) -> None:
        if fact.incident_id not in self.incident_ids:
            self.incident_ids.append(fact.incident_id)
        if fact.outcome is None:
            self.not_recorded += 1
            return
        if fact.outcome == RunbookOutcome.FOLLOWED:
            self.followed += 1
            return
        if fact.outcome == RunbookOutcome.SKIPPED:
            self.skipped += 1
        else:
            self.deviated += 1
        if fact.justified:
            self.justified += 1
        else:
            self.unjustified += 1


def adherence(facts: Iterable[StepFact]) -> list[AdherenceRow]:
    """Rows per person, then per team, then per incident, each sorted by name."""
    people: dict[str, AdherenceRow] = {}
    teams: dict[str, AdherenceRow] = {}
    incidents: dict[str, AdherenceRow] = {}
    for fact in facts:
        incidents.setdefault(fact.incident, AdherenceRow("incident", fact.incident)).add(fact)
        if fact.outcome is None:
            continue
        name = fact.person or NOBODY
        people.setdefault(name, AdherenceRow("person", name)).add(fact)
        if fact.team:
            teams.setdefault(fact.team, AdherenceRow("team", fact.team)).add(fact)
    return [
        *(people[k] for k in sorted(people)),
        *(teams[k] for k in sorted(teams)),
        *(incidents[k] for k in sorted(incidents)),
    ]
