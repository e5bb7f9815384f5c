"""What a directory export becomes: plain records of teams, people, services, rotations
and escalation policies, before any database id exists.

Records name each other by the source's own keys (PagerDuty's user id, Backstage's
"giantswarm/team-atlas"), always within one source; the write step turns the keys into
rows (`writing/directory.py`). Times are aware UTC.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

# RotationMemberRecord.how: what a membership's dates come from.
FROM_LAYER = "layer"  # a schedule layer's own start and end
FROM_RENDERED = "rendered"  # a layer's rendered entries
FROM_FINAL = "final"  # the schedule's final (authoritative) rendered entries
FROM_ONCALL = "oncall"  # an on-call interval
FROM_PARTICIPANT = "participant"  # an Opsgenie rotation's participants, over its dates
FROM_SNAPSHOT = "snapshot"  # an on-call answer at one instant (a whole UTC day here)


@dataclass
class TeamRecord:
    source: str
    key: str
    name: str
    location: str
    description: str | None = None
    complete: bool = True  # False: only named in a reference; fills, never overwrites


@dataclass
class PersonRecord:
    source: str
    key: str
    location: str
    name: str | None = None
    email: str | None = None
    role: str | None = None
    time_zone: str | None = None  # IANA, already mapped
    hourly_rate: float | None = None
    start_date: date | None = None
    seniority: str | None = None
    # False for someone only named in passing (a reference in a schedule): such a
    # record fills what is unknown and never overwrites what a full record said.
    complete: bool = True


@dataclass
class TeamMemberRecord:
    source: str
    team_key: str
    person_key: str
    role: str | None = None


@dataclass
class ServiceRecord:
    source: str
    key: str
    name: str
    location: str
    description: str | None = None
    owner_team_key: str | None = None
    # A team of any source, by name: the owner when owner_team_key names none.
    oncall_team_name: str | None = None
    tier: str | None = None
    slo_target: float | None = None
    slo_window_days: int | None = None
    cost_per_minute: float | None = None
    rto_minutes: float | None = None
    rpo_minutes: float | None = None
    # (source, key) of the same service in an on-call tool: a Backstage component's
    # pagerduty.com/service-id annotation.
    also_known_as: list[tuple[str, str]] = field(default_factory=list)
    # The escalation policy the service pages through, by the same source's key.
    policy_key: str | None = None


@dataclass
class RotationRecord:
    source: str
    key: str
    name: str
    location: str
    kind: str = "schedule"  # or "layer", under parent_key
    parent_key: str | None = None
    team_key: str | None = None
    time_zone: str | None = None
    turn_seconds: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    complete: bool = True  # False: only named in a reference; fills, never overwrites


@dataclass
class RotationMemberRecord:
    source: str
    rotation_key: str
    person_key: str
    how: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    position: int | None = None
    escalation_level: int | None = None


@dataclass
class TargetRecord:
    kind: str  # person, rotation or team
    key: str
    name: str | None = None


@dataclass
class LevelRecord:
    delay_minutes: float
    targets: list[TargetRecord] = field(default_factory=list)
    notify: str | None = None
    condition: str | None = None


@dataclass
class PolicyRecord:
    source: str
    key: str
    name: str
    location: str
    team_key: str | None = None
    loops: int | None = None
    levels: list[LevelRecord] = field(default_factory=list)


@dataclass
class Directory:
    teams: list[TeamRecord] = field(default_factory=list)
    people: list[PersonRecord] = field(default_factory=list)
    team_members: list[TeamMemberRecord] = field(default_factory=list)
    services: list[ServiceRecord] = field(default_factory=list)
    rotations: list[RotationRecord] = field(default_factory=list)
    members: list[RotationMemberRecord] = field(default_factory=list)
    policies: list[PolicyRecord] = field(default_factory=list)
    # (source, service key, policy key): a policy's own list of the services it serves.
    service_policies: list[tuple[str, str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(
            (
                self.teams,
                self.people,
                self.team_members,
                self.services,
                self.rotations,
                self.members,
                self.policies,
                self.service_policies,
            )
        )
