"""What the metrics read, as columns: one numpy array per field, one entry per row.

Times are float seconds since the Unix epoch (UTC), NaN where the source has
none, so a missing time stays missing instead of becoming zero. Storage fills
these in bulk from SQL; tests and small callers build them from plain rows
with aware datetimes in any zone (`incident_columns`, `MetricData.build`).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from irdesk.domain.metrics.kernels.grouping import (
    inside_intervals,
    last_per_group,
    pair_spans,
)
from irdesk.domain.metrics.kernels.lookups import find_keys, lookup
from irdesk.domain.utc import as_utc

LIFECYCLE = ("started", "detected", "acknowledged", "mitigated", "resolved", "verified")
NONE_ID = -1


def epoch(value: datetime | None) -> float:
    """Seconds since the epoch of an aware datetime; NaN for None. Naive times are refused."""
    return float("nan") if value is None else as_utc(value).timestamp()


def impact_start_of(
    incidents: "IncidentColumns", rows: np.ndarray | slice = slice(None)
) -> np.ndarray:
    """When each incident's impact started: its start, else its detection (NaN: neither)."""
    started = incidents.started[rows]
    start: np.ndarray = np.where(np.isnan(started), incidents.detected[rows], started)
    return start


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def severity_rank(value: str | None) -> int:
    """SEV1 → 1 … SEV5 → 5; 0 for none."""
    return int(value[-1]) if value else 0


def factorize_titles(titles: Sequence[str]) -> dict[str, Any]:
    """`title_codes` and `title_texts` for IncidentColumns."""
    texts = tuple(dict.fromkeys(titles))  # in order of first appearance
    code = {t: n for n, t in enumerate(texts)}
    numbers = np.fromiter(map(code.__getitem__, titles), dtype=np.int64, count=len(titles))
    return {"title_codes": numbers, "title_texts": texts}


def epoch_from_text(values: Sequence[str | None]) -> np.ndarray:
    """Epoch seconds from SQLite's stored UTC text ("YYYY-MM-DD HH:MM:SS.ffffff"); NaN for None."""
    parsed = np.array(values, dtype="datetime64[us]")
    seconds = parsed.astype(np.int64).astype(np.float64) / 1e6
    seconds[np.isnat(parsed)] = np.nan
    return seconds


@dataclass(frozen=True)
class IncidentColumns:
    ids: np.ndarray  # int64
    title_codes: np.ndarray  # int64 index into title_texts: equal titles share a code
    title_texts: tuple[str, ...]
    service: np.ndarray  # int64 service id, NONE_ID when none
    severity: np.ndarray  # int8 rank, 0 when none
    customer_severity: np.ndarray  # int8 rank, 0 when none
    started: np.ndarray
    detected: np.ndarray
    acknowledged: np.ndarray
    mitigated: np.ndarray
    resolved: np.ndarray
    verified: np.ndarray
    users_affected: np.ndarray  # float, NaN when unknown
    downtime_cost: np.ndarray  # float, NaN when unknown
    external_cause: np.ndarray  # bool
    tech_debt: np.ndarray  # bool
    regulatory: np.ndarray  # bool
    merged: np.ndarray  # bool: the same outage as another incident, counted there

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def id_order(self) -> tuple[np.ndarray, np.ndarray | None]:
        """(ids sorted, the row of each) for lookups; None when the rows are in id order."""
        if len(self.ids) < 2 or bool(np.all(self.ids[1:] > self.ids[:-1])):
            return self.ids, None
        order = np.argsort(self.ids, kind="stable")
        return self.ids[order], order

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Row index of each incident id; -1 for ids not among the incidents."""
        sorted_ids, order = self.id_order
        return find_keys(sorted_ids, ids, order)

    def title(self, row: int) -> str:
        return self.title_texts[int(self.title_codes[row])]

    def time(self, name: str) -> np.ndarray:
        arr: np.ndarray = getattr(self, name)
        return arr


@dataclass(frozen=True)
class IncidentInput:
    """One incident as plain values, for `incident_columns`."""

    id: int
    title: str = ""
    service_id: int | None = None
    severity: str | None = None
    customer_severity: str | None = None
    started_at: datetime | None = None
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    verified_at: datetime | None = None
    users_affected: int | None = None
    downtime_cost: float | None = None
    external_cause: bool = False
    approved_tech_debt: bool = False
    regulatory_exposure: bool = False
    merged: bool = False


def incident_columns(rows: Sequence[IncidentInput]) -> IncidentColumns:
    def times(name: str) -> np.ndarray:
        return np.array([epoch(getattr(r, f"{name}_at")) for r in rows], dtype=np.float64)

    def floats(values: Iterable[float | int | None]) -> np.ndarray:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)

    return IncidentColumns(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        **factorize_titles([r.title for r in rows]),
        service=np.array(
            [NONE_ID if r.service_id is None else r.service_id for r in rows], dtype=np.int64
        ),
        severity=np.array([severity_rank(r.severity) for r in rows], dtype=np.int8),
        customer_severity=np.array(
            [severity_rank(r.customer_severity) for r in rows], dtype=np.int8
        ),
        started=times("started"),
        detected=times("detected"),
        acknowledged=times("acknowledged"),
        mitigated=times("mitigated"),
        resolved=times("resolved"),
        verified=times("verified"),
        users_affected=floats(r.users_affected for r in rows),
        downtime_cost=floats(r.downtime_cost for r in rows),
        external_cause=np.array([r.external_cause for r in rows], dtype=bool),
        tech_debt=np.array([r.approved_tech_debt for r in rows], dtype=bool),
        regulatory=np.array([r.regulatory_exposure for r in rows], dtype=bool),
        merged=np.array([r.merged for r in rows], dtype=bool),
    )


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    name: str
    slo_target: float  # percent
    cost_per_minute: float
    owner_team_id: int | None
    # The SLO's own window in days; None: the figures' period stands in for it.
    slo_window_days: int | None = None
    # False for a service no directory describes (an incident import made it): its target
    # is the import's default, which the SLO table says rather than pass it off as chosen.
    slo_stated: bool = True


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str


@dataclass(frozen=True)
class PersonInfo:
    id: int
    name: str
    team_id: int | None
    time_zone: tzinfo | None  # for after-hours pages; None: unknown, the policy's zone counts
    hourly_rate: float | None


@dataclass(frozen=True)
class RotationInfo:
    id: int
    name: str  # a layer's as "schedule › layer"
    team_id: int | None


@dataclass(frozen=True)
class Memberships:
    """Who was on which rotation when, one entry per dated membership. An open side (a
    membership without a start or an end) is -inf or +inf, so one comparison serves both."""

    rotation: np.ndarray  # int64 rotation id
    person: np.ndarray  # int64 person id
    start: np.ndarray  # float epoch seconds
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.rotation)

    @staticmethod
    def build(rows: Sequence[tuple[int, int, datetime | None, datetime | None]]) -> "Memberships":
        """From (rotation, person, start or None, end or None)."""
        return Memberships(
            rotation=np.array([r[0] for r in rows], dtype=np.int64),
            person=np.array([r[1] for r in rows], dtype=np.int64),
            start=np.array([-np.inf if r[2] is None else epoch(r[2]) for r in rows]),
            end=np.array([np.inf if r[3] is None else epoch(r[3]) for r in rows]),
        )


@dataclass(frozen=True)
class LeaveSpan:
    """A person away, typed by hand: their days `first_day` through `last_day` (None: not
    ended yet)."""

    person_id: int
    first_day: date
    last_day: date | None = None


@dataclass(frozen=True)
class ActionInfo:
    id: int
    incident_id: int  # the incident of the review the item came from
    title: str
    owner_person_id: int | None
    owner_team_id: int | None
    due_on: date | None
    status: str  # open, in_progress, done, wont_do
    completed_at: datetime | None
    created_at: datetime


ACTION_STATUSES = ("open", "in_progress", "done", "wont_do")


def _day(value: date | None) -> float:
    return float("nan") if value is None else float((value - date(1970, 1, 1)).days)


@dataclass(frozen=True)
class ActionColumns:
    """Action items as columns; days are whole UTC days since the epoch (NaN: none)."""

    incident: np.ndarray  # int64: the incident of the review the item came from
    owner_person: np.ndarray  # int64, NONE_ID when owned by a team
    owner_team: np.ndarray  # int64, NONE_ID when owned by a person
    due_day: np.ndarray
    created_day: np.ndarray
    completed_day: np.ndarray
    status: np.ndarray  # int8 index into ACTION_STATUSES

    def __len__(self) -> int:
        return len(self.incident)

    @staticmethod
    def from_items(items: Sequence[ActionInfo]) -> "ActionColumns":
        def ids(values: Iterable[int | None]) -> np.ndarray:
            return np.array([NONE_ID if v is None else v for v in values], dtype=np.int64)

        def days(values: Iterable[date | None]) -> np.ndarray:
            return np.array([_day(v) for v in values], dtype=np.float64)

        return ActionColumns(
            incident=ids(a.incident_id for a in items),
            owner_person=ids(a.owner_person_id for a in items),
            owner_team=ids(a.owner_team_id for a in items),
            due_day=days(a.due_on for a in items),
            created_day=days(as_utc(a.created_at).date() for a in items),
            completed_day=days(
                as_utc(a.completed_at).date() if a.completed_at else None for a in items
            ),
            status=np.array([ACTION_STATUSES.index(a.status) for a in items], dtype=np.int8),
        )


COMPLETED_REVIEW = ("approved", "signed", "archived")


class ReviewInfo(NamedTuple):
    # A named tuple, not a frozen dataclass: one is made per review on every read, and a
    # frozen dataclass's __init__ sets each field through object.__setattr__.
    incident_id: int
    tier: str  # full, lightweight
    status: str  # draft, in_review, approved, signed, archived
    approved_at: datetime | None


@dataclass(frozen=True)
class EventColumns:
    """Timeline facts per (incident, person): pages received, participation, resolutions."""

    # Pages: one entry per page event with a person paged.
    page_incident: np.ndarray  # int64 incident id
    page_person: np.ndarray  # int64 person id
    page_time: np.ndarray  # float epoch seconds
    # Participation: one entry per (incident, person) who acted or was paged.
    part_incident: np.ndarray
    part_person: np.ndarray
    part_first: np.ndarray  # their first event in the incident
    part_last: np.ndarray  # their last event in the incident
    # Who resolved each incident (the actor of its last resolve event).
    resolver_incident: np.ndarray
    resolver_person: np.ndarray

    @staticmethod
    def empty() -> "EventColumns":
        i, f = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return EventColumns(i, i, f, i, i, f, f, i, i)

    @staticmethod
    def from_events(
        incident: np.ndarray,
        person: np.ndarray,
        time: np.ndarray,
        is_page: np.ndarray,
        is_resolve: np.ndarray,
    ) -> "EventColumns":
        """From every timeline event that has a person as actor (in id order)."""
        pages = is_page
        # Each (incident, person) pair's first event, in id order, and its span.
        firsts, earliest, latest = pair_spans(incident, person, time, time)
        # The resolver: the actor of the incident's latest resolve event (the last of equals).
        resolvers = last_per_group(np.flatnonzero(is_resolve), incident, time)
        return EventColumns(
            page_incident=incident[pages].astype(np.int64, copy=False),
            page_person=person[pages].astype(np.int64, copy=False),
            page_time=time[pages].astype(np.float64, copy=False),
            part_incident=incident[firsts].astype(np.int64, copy=False),
            part_person=person[firsts].astype(np.int64, copy=False),
            part_first=earliest.astype(np.float64, copy=False),
            part_last=latest.astype(np.float64, copy=False),
            resolver_incident=incident[resolvers].astype(np.int64, copy=False),
            resolver_person=person[resolvers].astype(np.int64, copy=False),
        )

    @staticmethod
    def build(
        *,
        pages: Sequence[tuple[int, int, datetime]] = (),
        participation: Sequence[tuple[int, int, datetime, datetime]] = (),
        resolvers: Sequence[tuple[int, int]] = (),
    ) -> "EventColumns":
        """From (incident, person, time), (incident, person, first, last) and (incident, person)."""

        def ints(values: Iterable[int]) -> np.ndarray:
            return np.array(list(values), dtype=np.int64)

        def times(values: Iterable[datetime]) -> np.ndarray:
            return np.array([epoch(v) for v in values], dtype=np.float64)

        return EventColumns(
            page_incident=ints(p[0] for p in pages),
            page_person=ints(p[1] for p in pages),
            page_time=times(p[2] for p in pages),
            part_incident=ints(p[0] for p in participation),
            part_person=ints(p[1] for p in participation),
            part_first=times(p[2] for p in participation),
            part_last=times(p[3] for p in participation),
            resolver_incident=ints(r[0] for r in resolvers),
            resolver_person=ints(r[1] for r in resolvers),
        )


@dataclass(frozen=True)
class DatedValues:
    """Values typed by hand from a date, per (entity, field, record id): the moments (epoch
    seconds, ascending) each took force, the values, and what stood before the first (the
    import's value). Values are as the figures use them: a zone as a tzinfo, an unknown
    rate as NaN, no team as NONE_ID."""

    changes: Mapping[tuple[str, str, int], tuple[np.ndarray, tuple[Any, ...], Any]] = field(
        default_factory=dict
    )

    def has(self, entity: str, name: str) -> bool:
        return bool(self.keys(entity, name))

    def keys(self, entity: str, name: str) -> list[int]:
        """The records with values typed for `name`."""
        return [key for e, f, key in self.changes if e == entity and f == name]

    def at(
        self, entity: str, name: str, keys: np.ndarray, times: np.ndarray, current: np.ndarray
    ) -> np.ndarray:
        """`current` (each key's latest value), except for records with typed values: there
        the value in force at the time beside the key (an unknown time keeps the latest)."""
        result = current.copy()
        for (e, f, key), (starts, values, before) in self.changes.items():
            if e != entity or f != name:
                continue
            mine = np.flatnonzero(keys == key)
            mine = mine[~np.isnan(times[mine])]
            if len(mine):
                table = np.empty(len(values) + 1, dtype=result.dtype)
                table[:] = [before, *values]
                result[mine] = table[np.searchsorted(starts, times[mine], side="right")]
        return result


@dataclass(frozen=True)
class MetricData:
    """Everything the figures are computed from, read once."""

    incidents: IncidentColumns
    events: EventColumns = field(default_factory=EventColumns.empty)
    services: dict[int, ServiceInfo] = field(default_factory=dict)
    teams: dict[int, TeamInfo] = field(default_factory=dict)
    people: dict[int, PersonInfo] = field(default_factory=dict)
    actions: ActionColumns = field(default_factory=lambda: ActionColumns.from_items(()))
    reviews: dict[int, ReviewInfo] = field(default_factory=dict)  # by incident id
    rotations: dict[int, RotationInfo] = field(default_factory=dict)
    memberships: Memberships = field(default_factory=lambda: Memberships.build(()))
    dated: DatedValues = field(default_factory=DatedValues)
    leave: tuple[LeaveSpan, ...] = ()

    @cached_property
    def part_rows(self) -> np.ndarray:
        """The incident row of each participation in `events` (-1: not among the incidents);
        found once, as several figures need it and the window recomputes them often."""
        return self.incidents.rows_of(self.events.part_incident)

    @cached_property
    def resolver_rows(self) -> np.ndarray:
        """The incident row of each entry of `events.resolver_incident` (-1: none)."""
        return self.incidents.rows_of(self.events.resolver_incident)

    @cached_property
    def incident_team(self) -> np.ndarray:
        """The team accountable for each incident; -1 for none. The owner of its service
        when the directory names one; else the team of the first person paged who was on a
        rotation when the incident started (the directory records no service's rotation,
        so the page says which rotation answered for it); else the team of who resolved
        it, or of the first to act in it."""
        owner = {
            sid: (s.owner_team_id if s.owner_team_id is not None else NONE_ID)
            for sid, s in self.services.items()
        }
        team = self.dated.at(
            "service",
            "owner_team_id",
            self.incidents.service,
            impact_start_of(self.incidents),
            lookup(self.incidents.service, owner, NONE_ID, np.int64),
        )
        open_rows = team == NONE_ID
        if not open_rows.any():
            return team
        ev, inc = self.events, self.incidents
        person_team = {pid: p.team_id for pid, p in self.people.items() if p.team_id is not None}

        def first_with_team(rows: np.ndarray, people: np.ndarray, order: np.ndarray) -> None:
            """Give each still-open row the team of its first person (by `order`) with one."""
            teams = lookup(people, person_team, NONE_ID, np.int64)
            keep = (rows >= 0) & (teams != NONE_ID)
            keep &= open_rows[np.where(rows >= 0, rows, 0)]
            rows, teams, order = rows[keep], teams[keep], order[keep]
            by = np.lexsort((order, rows))
            rows, teams = rows[by], teams[by]
            firsts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
            team[rows[firsts]] = teams[firsts]
            open_rows[rows[firsts]] = False

        page_rows = inc.rows_of(ev.page_incident)
        if len(self.memberships):
            start = impact_start_of(inc)
            at = start[np.where(page_rows >= 0, page_rows, 0)]
            on_call = self.on_call(ev.page_person, at) & (page_rows >= 0)
            first_with_team(page_rows[on_call], ev.page_person[on_call], ev.page_time[on_call])
        first_with_team(
            self.resolver_rows,
            ev.resolver_person,
            np.zeros(len(ev.resolver_person)),
        )
        first_with_team(self.part_rows, ev.part_person, ev.part_first)
        return team

    @cached_property
    def cost_per_minute(self) -> np.ndarray:
        """Each incident's service's cost per minute of downtime, as in force when its
        impact started (0 without a service)."""
        inc = self.incidents
        current = lookup(
            inc.service, {sid: s.cost_per_minute for sid, s in self.services.items()}, 0.0
        )
        return self.dated.at(
            "service", "cost_per_minute", inc.service, impact_start_of(inc), current
        )

    def on_call(self, people: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Whether each person was on any rotation at the time beside them."""
        m = self.memberships
        return inside_intervals(people, times, m.person, m.start, m.end)

    @cached_property
    def completed_reviews(self) -> tuple[np.ndarray, np.ndarray]:
        """(incident row, approval time or NaN) of each completed review."""
        done = [r for r in self.reviews.values() if r.status in COMPLETED_REVIEW]
        rows = self.incidents.rows_of(np.array([r.incident_id for r in done], dtype=np.int64))
        approved = np.array(
            [np.nan if r.approved_at is None else r.approved_at.timestamp() for r in done],
            dtype=np.float64,
        )
        known = rows >= 0
        return rows[known], approved[known]

    def team_of_service(self, service_id: int) -> int | None:
        service = self.services.get(service_id)
        return service.owner_team_id if service else None
