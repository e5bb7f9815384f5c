"""What the generator carries between its steps, before and while rows are written.

The organisation's members (with the names they go by in chat) and each incident on
its way into the database, with its story, times, people and drafted timeline.
"""

from dataclasses import dataclass, field
from datetime import datetime

from irdesk.demo.organisation import MANAGER_ROLE, ServiceSpec
from irdesk.demo.scenarios import Scenario
from irdesk.domain.enums import IncidentStatus, Severity
from irdesk.domain.models import Incident, Person, Service, Team, TimelineEvent


@dataclass(frozen=True, eq=False)  # identity: two members are never "equal" people
class Member:
    person: Person
    short: str
    handle: str
    team: str | None


@dataclass
class Org:
    teams: dict[str, Team]
    services: dict[str, Service]
    specs: dict[str, ServiceSpec]
    members: list[Member]

    def team_members(self, team: str) -> list[Member]:
        return [m for m in self.members if m.team == team]

    def rotation(self, team: str) -> list[Member]:
        return [m for m in self.team_members(team) if m.person.role != MANAGER_ROLE]

    def manager_of(self, member: Member) -> Member:
        """The line manager; managers and people outside a team report to the head of reliability."""
        if member.team is not None and member.person.role != MANAGER_ROLE:
            for m in self.team_members(member.team):
                if m.person.role == MANAGER_ROLE:
                    return m
        return self.head

    @property
    def head(self) -> Member:
        return next(m for m in self.members if m.team is None)


@dataclass
class Case:
    """One incident on its way into the database."""

    severity: Severity
    scenario: Scenario
    status: IncidentStatus
    times: dict[str, datetime | None]
    flagged: bool = False
    reviewed: bool = False
    ctx: dict[str, str] = field(default_factory=dict)
    incident: Incident | None = None
    events: list[TimelineEvent] = field(default_factory=list)
    tagged: dict[str, TimelineEvent] = field(default_factory=dict)
    participants: list[Member] = field(default_factory=list)
