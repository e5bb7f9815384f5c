"""The compliance register: regulatory notices against their deadlines, recovery against RTO.

One row per incident with regulatory exposure (the effective classification's).
Its notice is due at the earlier of the deadline the facilitator classified it
with and what the regulation's rule allows after detection (a contract or counsel
may set a stricter date than the regulation; never a later one). A notice given
after its deadline is late; none given by then is overdue, measured against a
"now" the caller names, so the window, the command line and a packet made at the
same moment say the same.

Business continuity: an incident's recovery time runs from the start of its impact
(its detection when the start is unknown) to its resolution, and is held to its
service's recovery time objective (RTO).

`cells` is the one way a row becomes text: the window, `irdesk register` and the
register packet show the same words.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

WARNING = "⚠"
NOTHING = "—"


@dataclass(frozen=True)
class Rule:
    """A regulation's notice rule, as stored (`RegulationRule`)."""

    regulation: str
    notice: str
    within_hours: float
    revision: int = 0

    @property
    def text(self) -> str:
        return f"{self.notice} within {self.within_hours:g} h of detection"


def rule_for(regulation: str | None, rules: Sequence[Rule]) -> Rule | None:
    """The rule governing `regulation`: the longest rule name it starts with, in any case."""
    if not regulation:
        return None
    wanted = regulation.strip().casefold()
    matching = [r for r in rules if wanted.startswith(r.regulation.strip().casefold())]
    return max(matching, key=lambda r: len(r.regulation), default=None)


class NoticeStatus(StrEnum):
    ON_TIME = "on time"
    LATE = "late"
    OVERDUE = "overdue"
    PENDING = "pending"
    NO_DEADLINE = "no deadline"


@dataclass(frozen=True)
class Notice:
    deadline: datetime | None
    status: NoticeStatus
    # late by, overdue by, or (pending) due in; None when there is nothing to measure
    minutes: float | None

    @property
    def breached(self) -> bool:
        return self.status in (NoticeStatus.LATE, NoticeStatus.OVERDUE)

    @property
    def text(self) -> str:
        s = self.status
        if s is NoticeStatus.LATE:
            return f"{WARNING} late by {span(self.minutes or 0)}"
        if s is NoticeStatus.OVERDUE:
            return f"{WARNING} overdue by {span(self.minutes or 0)}"
        if s is NoticeStatus.PENDING:
            return f"due in {span(self.minutes or 0)}"
        return s.value


def notice_deadline(
    *, detected_at: datetime | None, classified: datetime | None, rule: Rule | None
) -> datetime | None:
    """The earlier of the classified deadline and the rule's hours after detection."""
    candidates = [classified] if classified is not None else []
    if rule is not None and detected_at is not None:
        candidates.append(detected_at + timedelta(hours=rule.within_hours))
    return min(candidates, default=None)


def notice(deadline: datetime | None, notified_at: datetime | None, now: datetime) -> Notice:
    if deadline is None:
        return Notice(None, NoticeStatus.NO_DEADLINE, None)
    if notified_at is not None:
        late = _minutes(notified_at - deadline)
        if late > 0:
            return Notice(deadline, NoticeStatus.LATE, late)
        return Notice(deadline, NoticeStatus.ON_TIME, None)
    if now > deadline:
        return Notice(deadline, NoticeStatus.OVERDUE, _minutes(now - deadline))
    return Notice(deadline, NoticeStatus.PENDING, _minutes(deadline - now))


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def span(minutes: float) -> str:
    """Minutes as people say them: 35 min, 2 h 5 min, 3 d 4 h (to the nearest minute)."""
    whole = round(minutes)
    days, rest = divmod(whole, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def recovery_minutes(lifecycle: dict[str, datetime | None]) -> float | None:
    """From the start of impact (else detection) to resolution; None when either is unknown."""
    start = lifecycle.get("started_at") or lifecycle.get("detected_at")
    end = lifecycle.get("resolved_at")
    if start is None or end is None or end < start:
        return None
    return _minutes(end - start)


def rto_missed_by(recovery: float | None, rto: float | None) -> float | None:
    """Minutes beyond the RTO; 0 when met; None when either is unknown."""
    if recovery is None or rto is None:
        return None
    return max(0.0, recovery - rto)


def continuity_text(recovery: float | None, rto: float | None) -> str:
    if rto is None:
        return "no RTO"
    if recovery is None:
        return "not recovered"
    missed = rto_missed_by(recovery, rto) or 0.0
    return f"{WARNING} missed by {span(missed)}" if missed > 0 else "met"


@dataclass(frozen=True)
class PacketSent:
    packet_uid: str
    profile: str
    created_at: datetime
    created_by: str | None
    signers: tuple[str, ...]


@dataclass(frozen=True)
class RegisterRow:
    incident_id: int
    label: str  # SOURCE:ID
    title: str
    service: str | None
    regulation: str | None
    rule: Rule | None
    detected_at: datetime | None
    notice: Notice
    notified_at: datetime | None
    notified_by: str | None
    notification_revision: int  # 0: no notice recorded yet
    # Countersigners of the incident's legal packets: the named approvers of its review.
    legal_signoff: tuple[str, ...]
    packets: tuple[PacketSent, ...]
    recovery_minutes: float | None
    rto_minutes: float | None
    rpo_minutes: float | None

    @property
    def rto_missed_by(self) -> float | None:
        return rto_missed_by(self.recovery_minutes, self.rto_minutes)


@dataclass(frozen=True)
class RegisterColumn:
    key: str
    label: str


COLUMNS = (
    # What a compliance officer looks for first leads: the notice, then recovery.
    RegisterColumn("incident", "Incident"),
    RegisterColumn("status", "Notice"),
    RegisterColumn("deadline", "Notice due"),
    RegisterColumn("notified_at", "Notice given"),
    RegisterColumn("notified_by", "Given by"),
    RegisterColumn("continuity", "Against RTO"),
    RegisterColumn("regulation", "Regulation"),
    RegisterColumn("title", "Title"),
    RegisterColumn("service", "Service"),
    RegisterColumn("rule", "Rule"),
    RegisterColumn("detected", "Detected"),
    RegisterColumn("legal_signoff", "Legal sign-off"),
    RegisterColumn("packets", "Packets sent"),
    RegisterColumn("recovery", "Recovery"),
    RegisterColumn("rto", "RTO"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


def utc_text(value: datetime | None) -> str:
    return NOTHING if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def _minutes_text(value: float | None) -> str:
    return NOTHING if value is None else span(value)


def cells(row: RegisterRow, audience: Callable[[str], str]) -> dict[str, str]:
    """The row as text, by column key; `audience` names who a profile's packets are for."""
    packets = "; ".join(
        f"{p.profile} to {audience(p.profile)}, {p.created_at:%Y-%m-%d} ({p.packet_uid})"
        for p in row.packets
    )
    return {
        "incident": row.label,
        "title": row.title,
        "service": row.service or NOTHING,
        "regulation": row.regulation or NOTHING,
        "rule": row.rule.text if row.rule else "no rule (the classified deadline)",
        "detected": utc_text(row.detected_at),
        "deadline": utc_text(row.notice.deadline),
        "notified_at": utc_text(row.notified_at),
        "notified_by": row.notified_by or NOTHING,
        "status": row.notice.text,
        "legal_signoff": ", ".join(row.legal_signoff) or "none",
        "packets": packets or "none",
        "recovery": _minutes_text(row.recovery_minutes),
        "rto": _minutes_text(row.rto_minutes),
        "continuity": continuity_text(row.recovery_minutes, row.rto_minutes),
    }


@dataclass(frozen=True)
class ContinuityRow:
    """One incident's recovery against its service's RTO, for a period's packets."""

    incident_id: int
    label: str
    service: str | None
    recovery_minutes: float | None
    rto_minutes: float | None

    @property
    def missed_by(self) -> float | None:
        return rto_missed_by(self.recovery_minutes, self.rto_minutes)


def continuity_summary(rows: Sequence[ContinuityRow]) -> str:
    """One sentence over the incidents whose service has an RTO."""
    held = [r for r in rows if r.rto_minutes is not None]
    measured = [r for r in held if r.recovery_minutes is not None]
    missed = [r for r in measured if r.missed_by]
    if not held:
        return "No incident in the period belongs to a service with a recovery time objective."
    text = (
        f"{len(measured) - len(missed)} of {len(measured)} incidents of services with an RTO "
        "recovered within it"
    )
    if len(measured) < len(held):
        text += f"; {len(held) - len(measured)} not recovered or without a start"
    return text + "."


def continuity_misses(rows: Sequence[ContinuityRow]) -> list[list[str]]:
    """The incidents that missed their RTO, worst first: service, incident, RTO, recovery, by."""
    missed = sorted((r for r in rows if r.missed_by), key=lambda r: (-(r.missed_by or 0), r.label))
    return [
        [
            r.service or NOTHING,
            r.label,
            _minutes_text(r.rto_minutes),
            _minutes_text(r.recovery_minutes),
            f"missed by {span(r.missed_by or 0)}",
        ]
        for r in missed
    ]
