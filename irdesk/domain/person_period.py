"""One person's period: the facts a manager brings to a conversation, each leading to its
incidents.

The incidents they took part in (a page, an event of theirs, or a role) whose impact
started in the period, and their role in each; their pages, after-hours pages (in their
own zone) and incident hours against the medians of their rotation and of their team;
the escalations that reached them and those that left them; the action items they own;
how often the incident's status was updated; the feedback notes about them that the
reader can open. Incidents the policy leaves out of individual figures (an external
cause, approved technical debt, and under the surge treatment "exclude" the incidents of
the person's surge periods) are listed with the reason and counted nowhere else.

`sections` turns it into the one set of cells the window, `irdesk person` and the
manager packet show, so the three cannot disagree.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import pairwise

import numpy as np

from irdesk.domain.load_fairness import (
    HeldShare,
    Surge,
    counted_rows,
    surge_incidents,
    surge_reasons,
    surges,
)
from irdesk.domain.metrics.data import MetricData, from_epoch, impact_start_of
from irdesk.domain.metrics.people import after_hours, local_page_times
from irdesk.domain.metrics.selection import Period, anchor_times, in_period, policy_exclusions
from irdesk.domain.metrics.service import responder_hours
from irdesk.domain.policy import Policy

LATEST = datetime.max.replace(tzinfo=UTC)  # sorts incidents of unknown start last


@dataclass(frozen=True)
class Load:
    """One person's counted figures over the period."""

    incidents: frozenset[int] = frozenset()
    pages: frozenset[int] = frozenset()  # incidents they were paged for
    page_count: int = 0
    after_hours: frozenset[int] = frozenset()
    after_hours_count: int = 0
    hours: float = 0.0
    resolved: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Figure:
    """A figure of theirs beside the medians it is read against (None: no such group)."""

    name: str
    value: float
    rotation_median: float | None
    team_median: float | None
    incident_ids: tuple[int, ...]
    # The policy's surge treatment "adjust": the figure without their surges' incidents.
    outside_surges: float | None = None


@dataclass(frozen=True)
class IncidentPart:
    incident_id: int
    label: str  # the ID the list shows
    title: str
    started_at: datetime | None
    severity: str | None
    roles: tuple[str, ...]  # their roles' labels; empty: a part no source named
    hours: float
    pages: int
    after_hours_pages: int
    resolved_by_them: bool
    excluded: tuple[str, ...]  # why the policy leaves it out of individual figures
    surges: tuple[str, ...] = ()  # the surges of theirs it belongs to, described


@dataclass(frozen=True)
class EscalationStep:
    """A level of an escalation path that reached them (received) or that they were on
    when it moved on (passed on)."""

    incident_id: int
    label: str
    direction: str  # "received" or "passed on"
    level: int
    reached_after_min: float | None  # from the first alert or page
    due_after_min: float | None  # when the policy said the level starts
    minutes_at_level: float | None
    policy_minutes_at_level: float | None
    # Received: reached after the policy's start; passed on: time at the level beyond the
    # policy's. Positive: later than the policy; negative: earlier.
    against_min: float | None


@dataclass(frozen=True)
class OwnedAction:
    action_id: int
    incident_id: int
    label: str
    title: str
    status: str  # ActionStatus value
    due_on: date | None
    completed_on: date | None
    days_late: int | None  # done after its due day, or open past it as of the period's end


@dataclass(frozen=True)
class Cadence:
    """Status updates during one incident: from detection (else start) to resolution."""

    incident_id: int
    label: str
    updates: int
    by_them: int
    longest_gap_min: float | None
    median_gap_min: float | None


@dataclass(frozen=True)
class NoteFact:
    incident_id: int | None
    label: str
    kind: str
    written_at: datetime
    author: str | None
    text: str
    dimensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonPeriod:
    person_id: int
    person: str
    team: str
    time_zone: str
    own_zone: bool
    first_day: date
    last_day: date
    incidents: tuple[IncidentPart, ...]
    figures: tuple[Figure, ...]
    escalations: tuple[EscalationStep, ...] = ()
    actions: tuple[OwnedAction, ...] = ()
    cadence: tuple[Cadence, ...] = ()
    notes: tuple[NoteFact, ...] = ()
    locked_notes: int = 0
    shares: tuple[HeldShare, ...] = ()  # on-call time held against pages, per rotation
    surges: tuple[Surge, ...] = ()
    rotation: str = ""  # the rotations their medians come from, by name
    surge_treatment: str = "mark"  # the policy's, which the figures were made under
    # The policy's thresholds the surges were found under, for the text that says none were.
    surge_hours: float = Policy.surge_long_incident_hours
    surge_nights: int = Policy.surge_consecutive_nights
    peers: dict[str, int] = field(default_factory=dict)  # "rotation"/"team" → people
    # Every action item they own, due in the period or not: an edit of one elsewhere (its
    # due day moved into the period, say) may change what is shown.
    owned_actions: frozenset[int] = frozenset()

    def label_of(self, incident_id: int) -> str:
        """The ID the list shows, for an incident of theirs."""
        for part in self.incidents:
            if part.incident_id == incident_id:
                return part.label
        return str(incident_id)


def loads(
    data: MetricData,
    policy: Policy,
    rows: np.ndarray,
    people: Sequence[int],
    left_out: Mapping[int, frozenset[int]] | None = None,
) -> dict[int, Load]:
    """Each person's figures over the incidents of `rows` (everyone asked for, even at 0);
    `left_out`: person → incidents not counted for them (their surges, when the policy
    excludes those)."""
    ev, inc = data.events, data.incidents
    counted = set(inc.ids[rows].tolist())
    wanted = set(people)
    page_mine = np.isin(ev.page_incident, list(counted)) & np.isin(ev.page_person, list(wanted))
    p_person, p_time = ev.page_person[page_mine], ev.page_time[page_mine]
    p_incident = ev.page_incident[page_mine]
    late = after_hours(local_page_times(data, p_person, p_time, policy), policy)
    r_rows, r_people, r_hours = responder_hours(data)
    row_set = np.isin(r_rows, rows) & np.isin(r_people, list(wanted))
    r_rows, r_people, r_hours = r_rows[row_set], r_people[row_set], r_hours[row_set]
    resolved_rows = data.resolver_rows
    res_ok = (resolved_rows >= 0) & np.isin(resolved_rows, rows)
    result = {}
    r_ids, s_ids = inc.ids[r_rows], inc.ids[np.maximum(resolved_rows, 0)]
    for pid in people:
        skip = list((left_out or {}).get(pid, ()))
        paged = (p_person == pid) & ~np.isin(p_incident, skip)
        acted = (r_people == pid) & ~np.isin(r_ids, skip)
        incidents = set(p_incident[paged].tolist()) | set(r_ids[acted].tolist())
        result[pid] = Load(
            incidents=frozenset(incidents),
            pages=frozenset(p_incident[paged].tolist()),
            page_count=int(paged.sum()),
            after_hours=frozenset(p_incident[paged & late].tolist()),
            after_hours_count=int((paged & late).sum()),
            hours=float(r_hours[acted].sum()),
            resolved=frozenset(
                s_ids[res_ok & (ev.resolver_person == pid) & ~np.isin(s_ids, skip)].tolist()
            ),
        )
    return result


def rotation_peers(data: MetricData, period: Period, person_id: int) -> tuple[set[int], str]:
    """Everyone on a rotation with them during the period (them included), and its names."""
    m = data.memberships
    low, high = period.bounds
    meets = (m.start < high) & (m.end > low)
    theirs = set(m.rotation[meets & (m.person == person_id)].tolist())
    if not theirs:
        return set(), ""
    peers = set(m.person[meets & np.isin(m.rotation, list(theirs))].tolist())
    names = sorted(
        data.rotations[r].name if r in data.rotations else f"rotation {r}" for r in theirs
    )
    return peers, ", ".join(names)


def team_peers(data: MetricData, person_id: int) -> set[int]:
    person = data.people.get(person_id)
    if person is None or person.team_id is None:
        return set()
    return {pid for pid, p in data.people.items() if p.team_id == person.team_id}


FIGURES: tuple[tuple[str, Callable[[Load], float], str], ...] = (
    ("Incidents taken part in", lambda load: float(len(load.incidents)), "incidents"),
    ("Pages", lambda load: float(load.page_count), "pages"),
    ("After-hours pages", lambda load: float(load.after_hours_count), "after_hours"),
    ("Incident hours", lambda load: load.hours, "incidents"),
    ("Incidents resolved", lambda load: float(len(load.resolved)), "resolved"),
)


def figures(
    data: MetricData, policy: Policy, period: Period, person_id: int
) -> tuple[tuple[Figure, ...], Load, str, dict[str, int]]:
    """Their figures against their rotation's and team's medians, their own load, the
    rotations' names and how many people each median is over."""
    rows, _ = counted_rows(data, policy, period)
    rotation, rotation_names = rotation_peers(data, period, person_id)
    team = team_peers(data, person_id)
    everyone = sorted(rotation | team | {person_id})
    treatment = policy.surge_treatment
    surged: dict[int, frozenset[int]] = {}
    if treatment != "mark":
        # Under "exclude" everyone's own surges are left out, so the medians compare like
        # with like; "adjust" needs only theirs.
        asked = everyone if treatment == "exclude" else [person_id]
        surged = surge_incidents(data, policy, period, asked)
    load = loads(data, policy, rows, everyone, surged if treatment == "exclude" else None)
    mine = load[person_id]
    outside = (
        loads(data, policy, rows, [person_id], surged)[person_id] if treatment == "adjust" else None
    )
    out = []
    for name, value_of, ids in FIGURES:
        values = {p: value_of(load[p]) for p in everyone}
        out.append(
            Figure(
                name=name,
                value=values[person_id],
                rotation_median=_median([values[p] for p in rotation]),
                team_median=_median([values[p] for p in team]),
                incident_ids=tuple(sorted(getattr(mine, ids))),
                outside_surges=None if outside is None else value_of(outside),
            )
        )
    return tuple(out), mine, rotation_names, {"rotation": len(rotation), "team": len(team)}


def _median(values: list[float]) -> float | None:
    return float(np.median(values)) if values else None


def incident_parts(
    data: MetricData,
    policy: Policy,
    period: Period,
    person_id: int,
    roles: dict[int, tuple[str, ...]],
    labels: dict[int, tuple[str, str, str | None]],
) -> tuple[IncidentPart, ...]:
    """Every incident of the period they were paged for, acted in or had a role in, by
    start. `roles`: incident id → their roles' labels; `labels`: incident id → (ID shown,
    title, severity)."""
    inc, ev = data.incidents, data.events
    rows = in_period(data, period, anchor_times(data))
    rows = rows[~inc.merged[rows]]
    excluded = policy_exclusions(data, policy, rows)
    ids = inc.ids[rows]
    mine = set(ev.page_incident[ev.page_person == person_id].tolist())
    mine |= set(ev.part_incident[ev.part_person == person_id].tolist())
    mine |= set(roles)
    load = loads(data, policy, rows, [person_id])[person_id]
    in_surges = surge_reasons(surges(data, policy, period, person_id))
    r_rows, r_people, r_hours = responder_hours(data)
    starts = impact_start_of(inc)
    out = []
    for row, incident_id in zip(rows.tolist(), ids.tolist(), strict=True):
        if incident_id not in mine:
            continue
        acted = (r_rows == row) & (r_people == person_id)
        pages = (ev.page_incident == incident_id) & (ev.page_person == person_id)
        label, title, severity = labels.get(incident_id, (str(incident_id), "", None))
        late_pages = 0
        if pages.any():
            local = local_page_times(data, ev.page_person[pages], ev.page_time[pages], policy)
            late_pages = int(after_hours(local, policy).sum())
        out.append(
            IncidentPart(
                incident_id=incident_id,
                label=label,
                title=title,
                started_at=None if np.isnan(starts[row]) else from_epoch(float(starts[row])),
                severity=severity,
                roles=roles.get(incident_id, ()),
                hours=float(r_hours[acted].sum()),
                pages=int(pages.sum()),
                after_hours_pages=late_pages,
                resolved_by_them=incident_id in load.resolved,
                excluded=tuple(excluded.get(incident_id, ()))
                + (
                    tuple(f"surge ({r})" for r in in_surges.get(incident_id, ()))
                    if policy.surge_treatment == "exclude"
                    else ()
                ),
                surges=in_surges.get(incident_id, ()),
            )
        )
    out.sort(key=lambda p: (p.started_at or LATEST, p.incident_id))
    return tuple(out)


def cadence(
    incident_id: int,
    label: str,
    begin: datetime | None,
    end: datetime | None,
    updates: Sequence[tuple[datetime, bool]],
) -> Cadence:
    """Gaps between status updates from `begin` (detection, else start) to `end`
    (resolution): the first gap runs from `begin`, so a silent start counts too.
    `updates`: (when, whether by them)."""
    inside = sorted(
        (at, theirs)
        for at, theirs in updates
        if (begin is None or at >= begin) and (end is None or at <= end)
    )
    # The last gap runs to the resolution: a silence until the end counts too.
    marks = ([begin] if begin is not None else []) + [at for at, _ in inside]
    if end is not None:
        marks.append(end)
    gaps = [(b - a).total_seconds() / 60.0 for a, b in pairwise(marks)]
    return Cadence(
        incident_id=incident_id,
        label=label,
        updates=len(inside),
        by_them=sum(1 for _, theirs in inside if theirs),
        longest_gap_min=max(gaps) if gaps else None,
        median_gap_min=float(np.median(gaps)) if gaps else None,
    )


def days_late(
    status: str, due_on: date | None, completed_on: date | None, as_of: date
) -> int | None:
    """Days past due: done late, or still open past its due day as of `as_of`."""
    if due_on is None or status == "wont_do":
        return None
    if status == "done":
        if completed_on is None:
            return None
        late = (completed_on - due_on).days
    else:
        late = (as_of - due_on).days
    return late if late > 0 else None
