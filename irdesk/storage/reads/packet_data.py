"""What a review packet holds, read from the database as plain, detached records.

Three shapes, one per kind of packet: one incident (legal, insurance,
postmortem), one period (executive) and one person (manager). Feedback notes
are read only by `person_packet_data`: no other packet can carry them because
no other reader fetches them.

The records hold what a packet prints: names instead of ids, enums as their
text. `PacketIncident`, `PacketEvent` and `PacketReview` are named for the packet
so they are not taken for the importers' records or the review being edited.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, type_coerce
from sqlmodel import Session, and_, col, or_, select

from irdesk.domain.classification import Classification, effective_impact
from irdesk.domain.enums import Severity
from irdesk.domain.escalation import EscalationPath
from irdesk.domain.lifecycle import LIFECYCLE_FIELDS
from irdesk.domain.models import (
    ActionItem,
    AuditEntry,
    Finding,
    Incident,
    IncidentAlias,
    IncidentSourceFile,
    LifecycleOverride,
    Person,
    Review,
    ReviewAttendee,
    Service,
    SourceFile,
    Team,
    TimelineEvent,
    stored_id,
)
from irdesk.domain.register import ContinuityRow, recovery_minutes
from irdesk.storage.bulk.stored_text import from_db_time
from irdesk.storage.reads.queries import merged_ids
from irdesk.storage.records.classifications import classifications
from irdesk.storage.records.feedback import list_notes
from irdesk.storage.sealing import Keyring


class PacketDataError(LookupError):
    """The incident, period or person asked for is not in the database."""


@dataclass(frozen=True)
class PersonRecord:
    id: int
    name: str
    email: str | None
    role: str | None
    team: str | None


@dataclass(frozen=True)
class PacketEvent:
    """A timeline event as the packet lists it, with what a correction kept."""

    id: int
    occurred_at: datetime
    kind: str
    source: str
    actor: str | None
    text: str
    is_key_moment: bool
    original_occurred_at: datetime | None
    original_text: str | None
    corrected_by: str | None
    correction_reason: str | None


@dataclass(frozen=True)
class FindingRecord:
    id: int
    category: str
    text: str


@dataclass(frozen=True)
class ActionRecord:
    id: int
    title: str
    description: str | None
    owner: str | None
    due_on: date | None
    status: str
    external_key: str | None


@dataclass(frozen=True)
class AuditRecord:
    id: int
    occurred_at: datetime
    actor: str
    action: str
    entity: str
    detail: str
    entity_id: int | None = None


@dataclass(frozen=True)
class SourceFileRecord:
    name: str
    sha256: str
    format: str


@dataclass(frozen=True)
class PacketIncident:
    """An incident as a packet describes it: its service by name, its effective lifecycle."""

    id: int
    source: str
    external_id: str
    title: str
    summary: str | None
    url: str | None
    service: str | None
    cost_per_minute: float | None
    severity: str | None
    status: str
    lifecycle: dict[str, datetime | None]
    overridden: tuple[str, ...]
    users_affected: int | None
    downtime_cost: float | None
    external_cause: bool
    approved_tech_debt: bool
    regulatory_exposure: bool
    # What backs each yes above, from the facilitator's classification (None: not said).
    external_vendor: str | None = None
    external_evidence: str | None = None
    debt_approver: str | None = None
    debt_decision: str | None = None
    regulation: str | None = None
    notification_deadline: datetime | None = None


@dataclass(frozen=True)
class PacketReview:
    """The review as a packet states it: facilitator and attendees by name."""

    id: int
    tier: str
    status: str
    facilitator: str | None
    due_on: date | None
    summary: str | None
    approved_at: datetime | None
    attendees: tuple[str, ...]


@dataclass(frozen=True)
class IncidentPacketData:
    incident: PacketIncident
    review: PacketReview | None
    events: list[PacketEvent]
    findings: list[FindingRecord]
    actions: list[ActionRecord]
    audit: list[AuditRecord]
    people: list[PersonRecord]
    source_files: list[SourceFileRecord]
    # Its escalation against the service's policy, when the directory gives one.
    escalation: EscalationPath | None = None


@dataclass(frozen=True)
class PersonIncident:
    incident: PacketIncident
    part: str
    events: int


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    kind: str
    text: str
    incident: str | None
    author: str | None
    written_at: datetime
    deviation_justified: bool | None
    dimensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonPacketData:
    person: PersonRecord
    incidents: list[PersonIncident]
    feedback: list[FeedbackRecord]
    people: list[PersonRecord]
    source_files: list[SourceFileRecord]
    # Notes the packet's maker could not open (locked session, or not one of their
    # readers), and who can: the packet says they exist rather than leaving them out.
    locked_notes: int = 0
    locked_readers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeriodIncidents:
    """The incidents behind a period packet's figures (which come from the metrics module)."""

    label: str
    incidents: list[PacketIncident]
    people: list[PersonRecord]
    source_files: list[SourceFileRecord]
    # Each incident's recovery against its service's RTO, by incident id: from the same
    # records, so the period is read once.
    continuity: list[ContinuityRow] = field(default_factory=list)


def _json_default(value: object) -> object:
    # The encoder calls this once per time in the records, a million in a year of a large
    # file: the exact types first, as isinstance against a union costs several times more.
    kind = type(value)
    if kind is datetime or kind is date or isinstance(value, (datetime, date)):
        return value.isoformat()  # type: ignore[attr-defined]
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot hash {type(value).__name__}")


def _plain(record: object) -> object:
    """A record as JSON sees it. A dataclass's own fields, not `asdict`'s deep copy: a
    dataclass inside one becomes a dict when the encoder meets it (`_json_default`),
    so the text is the same and a year of incidents is not copied twice."""
    if is_dataclass(record) and not isinstance(record, type):
        own = getattr(record, "__dict__", None)
        return dict(own) if own is not None else asdict(record)
    return record


def records_sha256(records: object) -> str:
    """SHA-256 of records as canonical JSON: the same rows give the same hash on any machine."""
    items = records if isinstance(records, list) else [records]
    text = json.dumps(
        [_plain(r) for r in items], default=_json_default, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _people(session: Session) -> list[PersonRecord]:
    rows = session.exec(
        select(Person, Team.name).join(Team, col(Person.team_id) == col(Team.id), isouter=True)
    )
    return [
        PersonRecord(id=stored_id(p.id), name=p.name, email=p.email, role=p.role, team=team)
        for p, team in rows
    ]


def _packet_incident(session: Session, incident: Incident) -> PacketIncident:
    return packet_incidents(session, [stored_id(incident.id)])[0]


# Ids a query names at once: under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
ID_CHUNK = 10_000


def _id_filters(column: Any, ids: Sequence[int]) -> list[Any]:
    """Conditions that together select `ids` (sorted, distinct) from `column`, one a query.

    Ids close together (a period's incidents, imported in order) are one range, read in
    one query and narrowed in Python; scattered ones (a person's over ten years) go in
    chunks of ids, so no query names more of them than either database accepts.
    """
    if not ids:
        return []
    if ids[-1] - ids[0] + 1 <= 2 * len(ids):
        return [col(column).between(ids[0], ids[-1])]
    return [col(column).in_(ids[n : n + ID_CHUNK]) for n in range(0, len(ids), ID_CHUNK)]


def _severity(stored: str | None) -> Severity | None:
    return Severity(stored) if stored else None


@dataclass(frozen=True)
class _Facts:
    """An incident's source values, as `effective_impact` reads them from a row."""

    severity: Severity | None
    customer_severity: Severity | None
    users_affected: int | None
    downtime_cost: float | None
    external_cause: bool
    approved_tech_debt: bool
    regulatory_exposure: bool


def packet_incidents(session: Session, incident_ids: Sequence[int]) -> list[PacketIncident]:
    """`incident_ids` as packets describe them, in the order given, read in bulk: one query
    per table (per range or chunk of ids), never one per incident, so a year of a large
    file costs what its rows cost."""
    ids = sorted(set(incident_ids))
    wanted = set(ids)
    rows: dict[int, tuple[Any, ...]] = {}
    columns: list[Any] = [
        Incident.id,
        Incident.source,
        Incident.external_id,
        Incident.title,
        Incident.summary,
        Incident.url,
        Service.name,
        Service.cost_per_minute,
        # Times and enums as stored, turned into values below: SQLAlchemy's own result
        # processing of them is most of the cost of a year's rows.
        type_coerce(Incident.severity, String),
        type_coerce(Incident.customer_severity, String),
        type_coerce(Incident.status, String),
        *(type_coerce(getattr(Incident, name), String) for name in LIFECYCLE_FIELDS),
        Incident.users_affected,
        Incident.downtime_cost,
        Incident.external_cause,
        Incident.approved_tech_debt,
        Incident.regulatory_exposure,
    ]
    overrides: dict[int, dict[str, datetime | None]] = {}
    found: dict[int, Classification] = {}
    for where in _id_filters(Incident.id, ids):
        statement = (
            select(*columns)
            .join(Service, col(Incident.service_id) == col(Service.id), isouter=True)
            .where(where)
        )
        rows.update((r[0], tuple(r)) for r in session.exec(statement) if r[0] in wanted)
    for where in _id_filters(LifecycleOverride.incident_id, ids):
        for o in session.exec(select(LifecycleOverride).where(where)):
            if o.incident_id in wanted:
                overrides.setdefault(o.incident_id, {})[o.field] = o.value
    # Few incidents have a classification: their ids in chunks cost less than a range.
    for n in range(0, len(ids), ID_CHUNK):
        found.update(classifications(session, ids[n : n + ID_CHUNK]))
    lifecycle_at = 11  # where the lifecycle columns start in the row above
    nothing = Classification()
    out = []
    for incident_id in incident_ids:
        r = rows.get(incident_id)
        if r is None:
            continue
        times = r[lifecycle_at : lifecycle_at + 6]
        lifecycle = dict(zip(LIFECYCLE_FIELDS, map(from_db_time, times), strict=True))
        own = overrides.get(incident_id, {})
        lifecycle.update(own)
        classified = found.get(incident_id)
        if classified is None:
            # Most incidents: their source values count as they are (what effective_impact
            # would return), without building the impact for each of a year's incidents.
            severity = r[8]
            users, cost, external, debt, regulatory = r[lifecycle_at + 6 :]
            c = nothing
        else:
            facts = _Facts(_severity(r[8]), _severity(r[9]), *r[lifecycle_at + 6 :])
            impact = effective_impact(facts, classified)
            severity = impact.severity.value if impact.severity else None
            users, cost = impact.users_affected, impact.downtime_cost
            external, debt = impact.external_cause, impact.approved_tech_debt
            regulatory, c = impact.regulatory_exposure, impact.classification
        out.append(
            PacketIncident(
                id=incident_id,
                source=r[1],
                external_id=r[2],
                title=r[3],
                summary=r[4],
                url=r[5],
                service=r[6],
                cost_per_minute=r[7],
                severity=severity or None,
                status=r[10],
                lifecycle=lifecycle,
                overridden=tuple(f for f in own if f in LIFECYCLE_FIELDS),
                users_affected=users,
                downtime_cost=cost,
                external_cause=bool(external),
                approved_tech_debt=bool(debt),
                regulatory_exposure=bool(regulatory),
                external_vendor=c.external_vendor,
                external_evidence=c.external_evidence,
                debt_approver=c.debt_approver,
                debt_decision=c.debt_decision,
                regulation=c.regulation,
                notification_deadline=c.notification_deadline,
            )
        )
    return out


def _source_files(session: Session, incident_ids: list[int]) -> list[SourceFileRecord]:
    ids = sorted(set(incident_ids))
    wanted = set(ids)
    found: dict[int, SourceFile] = {}
    for where in _id_filters(IncidentSourceFile.incident_id, ids):
        statement = (
            select(SourceFile, IncidentSourceFile.incident_id)
            .join(IncidentSourceFile, col(IncidentSourceFile.source_file_id) == col(SourceFile.id))
            .where(where)
        )
        found.update((stored_id(f.id), f) for f, i in session.exec(statement) if i in wanted)
    ordered = sorted(found.values(), key=lambda f: (f.name, stored_id(f.id)))
    return [SourceFileRecord(name=f.name, sha256=f.sha256, format=f.format) for f in ordered]


def _name(people: dict[int, PersonRecord], person_id: int | None) -> str | None:
    person = people.get(person_id) if person_id is not None else None
    return person.name if person else None


def incident_packet_data(session: Session, incident_id: int) -> IncidentPacketData:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise PacketDataError(f"incident {incident_id} does not exist")
    people = _people(session)
    by_id = {p.id: p for p in people}
    ids = merged_ids(session, incident_id)
    events = [
        PacketEvent(
            id=stored_id(e.id),
            occurred_at=e.occurred_at,
            kind=e.kind.value,
            source=e.source,
            actor=_name(by_id, e.actor_person_id) or e.actor_name,
            text=e.text,
            is_key_moment=e.is_key_moment,
            original_occurred_at=e.original_occurred_at,
            original_text=e.original_text,
            corrected_by=e.corrected_by,
            correction_reason=e.correction_reason,
        )
        for e in session.exec(
            select(TimelineEvent)
            .where(col(TimelineEvent.incident_id).in_(ids))
            .order_by(col(TimelineEvent.occurred_at), col(TimelineEvent.id))
        )
    ]
    review = session.exec(select(Review).where(Review.incident_id == incident_id)).first()
    packet_review = None
    findings: list[FindingRecord] = []
    actions: list[ActionRecord] = []
    entity_filters = [
        and_(col(AuditEntry.entity) == "incident", col(AuditEntry.entity_id).in_(ids))
    ]
    if review is not None:
        attendees = session.exec(
            select(ReviewAttendee.person_id).where(ReviewAttendee.review_id == review.id)
        ).all()
        packet_review = PacketReview(
            id=stored_id(review.id),
            tier=review.tier.value,
            status=review.status.value,
            facilitator=_name(by_id, review.facilitator_id),
            due_on=review.due_on,
            summary=review.summary,
            approved_at=review.approved_at,
            attendees=tuple(sorted(n for a in attendees if (n := _name(by_id, a)))),
        )
        findings = [
            FindingRecord(id=stored_id(f.id), category=f.category.value, text=f.text)
            for f in session.exec(
                select(Finding)
                .where(Finding.review_id == review.id)
                .order_by(col(Finding.position), col(Finding.id))
            )
        ]
        teams = {t.id: t.name for t in session.exec(select(Team))}
        actions = [
            ActionRecord(
                id=stored_id(a.id),
                title=a.title,
                description=a.description,
                owner=_name(by_id, a.owner_person_id)
                or (teams.get(a.owner_team_id) if a.owner_team_id else None),
                due_on=a.due_on,
                status=a.status.value,
                external_key=a.external_key,
            )
            for a in session.exec(
                select(ActionItem)
                .where(ActionItem.review_id == review.id)
                .order_by(col(ActionItem.id))
            )
        ]
        finding_ids = [f.id for f in findings]
        entity_filters.append(
            and_(col(AuditEntry.entity) == "review", col(AuditEntry.entity_id) == review.id)
        )
        if finding_ids:
            entity_filters.append(
                and_(
                    col(AuditEntry.entity) == "finding", col(AuditEntry.entity_id).in_(finding_ids)
                )
            )
    audit = [
        AuditRecord(
            id=stored_id(a.id),
            occurred_at=a.occurred_at,
            actor=a.actor,
            action=a.action,
            entity=a.entity,
            detail=a.detail_json,
            entity_id=a.entity_id,
        )
        for a in session.exec(
            select(AuditEntry).where(or_(*entity_filters)).order_by(col(AuditEntry.id))
        )
    ]
    return IncidentPacketData(
        incident=_packet_incident(session, incident),
        review=packet_review,
        events=events,
        findings=findings,
        actions=actions,
        audit=audit,
        people=people,
        source_files=_source_files(session, ids),
        escalation=_escalation_path(session, incident_id),
    )


def _escalation_path(session: Session, incident_id: int) -> EscalationPath | None:
    from irdesk.storage.reads.escalations import incident_escalation

    found = incident_escalation(session, incident_id)
    # No policy, or nobody paged (a ticket): no path to draw.
    if found is None or not found.path.levels or found.path.started_at is None:
        return None
    return found.path


def find_person(session: Session, name: str) -> Person:
    """The person called `name` (case-insensitive, exact), or a clear error."""
    wanted = name.strip().casefold()
    matches = [p for p in session.exec(select(Person)) if p.name.casefold() == wanted]
    if not matches:
        raise PacketDataError(f"no person named {name!r}")
    if len(matches) > 1:
        raise PacketDataError(
            f"{len(matches)} people are named {name!r}; they cannot be told apart"
        )
    return matches[0]


def person_packet_data(
    session: Session, person_name: str, keyring: Keyring | None = None
) -> PersonPacketData:
    """`keyring`: the unlocked reader making the packet; notes it cannot open are counted
    as locked, with their readers, so the packet says so instead of leaving them out."""
    person = find_person(session, person_name)
    people = _people(session)
    by_id = {p.id: p for p in people}
    counts: dict[int, int] = {}
    for incident_id in session.exec(
        select(TimelineEvent.incident_id).where(TimelineEvent.actor_person_id == person.id)
    ):
        counts[incident_id] = counts.get(incident_id, 0) + 1
    parts: dict[int, set[str]] = {i: {"responder"} for i in counts}
    for review in session.exec(select(Review).where(Review.facilitator_id == person.id)):
        parts.setdefault(review.incident_id, set()).add("facilitator")
    for incident_id in session.exec(
        select(Review.incident_id)
        .join(ReviewAttendee, col(ReviewAttendee.review_id) == col(Review.id))
        .where(ReviewAttendee.person_id == person.id)
    ):
        parts.setdefault(incident_id, set()).add("review attendee")
    for incident_id in session.exec(
        select(Review.incident_id)
        .join(ActionItem, col(ActionItem.review_id) == col(Review.id))
        .where(ActionItem.owner_person_id == person.id)
    ):
        parts.setdefault(incident_id, set()).add("action owner")
    incidents = [
        PersonIncident(incident=i, part=", ".join(sorted(parts[i.id])), events=counts.get(i.id, 0))
        for i in _by_start(packet_incidents(session, list(parts)))
    ]
    titles = {i.incident.id: f"{i.incident.external_id}" for i in incidents}
    notes = list_notes(session, person_id=stored_id(person.id), keyring=keyring)
    feedback = [
        FeedbackRecord(
            id=n.id,
            kind=n.kind.value,
            text=n.text,
            incident=titles.get(n.incident_id) if n.incident_id else None,
            author=_name(by_id, n.author_id),
            written_at=n.created_at,
            deviation_justified=n.deviation_justified,
            dimensions=n.dimensions,
        )
        for n in notes
        if n.readable and n.kind is not None
    ]
    locked = [n for n in notes if not (n.readable and n.kind is not None)]
    readers = sorted({r for n in locked for r in n.readers})
    return PersonPacketData(
        person=by_id[stored_id(person.id)],
        incidents=incidents,
        feedback=feedback,
        locked_notes=len(locked),
        locked_readers=tuple(readers),
        people=people,
        source_files=_source_files(session, [i.incident.id for i in incidents]),
    )


def _by_start(incidents: list[PacketIncident]) -> list[PacketIncident]:
    """By start (those without one first, as SQLite orders them), then by id."""
    return sorted(
        incidents,
        key=lambda i: (
            (started := i.lifecycle["started_at"]) is not None,
            started.timestamp() if started is not None else 0.0,
            i.id,
        ),
    )


def person_packet_in_period(
    data: PersonPacketData, incident_ids: set[int], first_day: date, last_day: date
) -> PersonPacketData:
    """`data` cut to a period: the incidents of it (`incident_ids`, as the Period section
    counts them) and the notes about them, or about no incident and written in it."""
    incidents = [i for i in data.incidents if i.incident.id in incident_ids]
    labels = {i.incident.external_id for i in incidents}
    feedback = [
        n
        for n in data.feedback
        if (n.incident in labels if n.incident else first_day <= n.written_at.date() <= last_day)
    ]
    return replace(data, incidents=incidents, feedback=feedback)


def period_incidents(session: Session, label: str, incident_ids: list[int]) -> PeriodIncidents:
    """The records of the incidents a period's figures counted (`incident_ids`), by start."""
    records = packet_incidents(session, sorted(incident_ids))
    rto = dict(session.exec(select(Service.name, Service.rto_minutes)).all())
    continuity = [
        ContinuityRow(
            incident_id=i.id,
            label=f"{i.source}:{i.external_id}",
            service=i.service,
            recovery_minutes=recovery_minutes(i.lifecycle),
            rto_minutes=rto.get(i.service) if i.service is not None else None,
        )
        for i in records
    ]
    return PeriodIncidents(
        label=label,
        incidents=_by_start(records),
        people=_people(session),
        source_files=_source_files(session, [i.id for i in records]),
        continuity=continuity,
    )


def find_incident(session: Session, text: str) -> int:
    """An incident as people name it: the ID the list shows (INC-1022), SOURCE:ID
    (demo:INC-1022), a number it goes by in its tool (PagerDuty's 12728, "#12728",
    or 1022 for INC-1022), or, failing those, irdesk's own row number."""
    text = text.strip()
    source, sep, external = text.partition(":")
    if sep and "://" not in text:
        statement = select(Incident.id).where(
            Incident.source == source, Incident.external_id == external
        )
    else:
        # "#12728" names an incident keyed by its number as well (as imports link it).
        statement = select(Incident.id).where(
            or_(
                col(Incident.external_id).in_({text, text.removeprefix("#")}),
                col(Incident.url) == text,
            )
        )
    found = {i for i in session.exec(statement).all() if i is not None}
    number = text.removeprefix("#")
    if not found and number:
        alias = session.exec(
            select(IncidentAlias.incident_id).where(IncidentAlias.alias == number.casefold())
        ).all()
        found = set(alias)
    if not found and number.isdigit():
        # "1022" for INC-1022: the number part of the ID the list shows.
        suffix = session.exec(
            select(Incident.id).where(col(Incident.external_id).endswith(f"-{number}"))
        ).all()
        found = {i for i in suffix if i is not None}
    if not found and text.isdigit() and session.get(Incident, int(text)) is not None:
        return int(text)
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        raise PacketDataError(
            f"{len(found)} incidents go by {text!r}; write SOURCE:ID, such as demo:INC-1022"
        )
    raise PacketDataError(
        f"no incident {text!r}: use the ID the incident list shows (INC-1022), SOURCE:ID "
        "(demo:INC-1022) or its number in its tool (12728)"
    )
