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
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime

from sqlmodel import Session, and_, col, or_, select

from irdesk.domain.escalation import EscalationPath
from irdesk.domain.lifecycle import LIFECYCLE_FIELDS, effective_lifecycle
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
from irdesk.storage.reads.queries import merged_ids
from irdesk.storage.records.classifications import effective_of
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


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def records_sha256(records: object) -> str:
    """SHA-256 of records as canonical JSON: the same rows give the same hash on any machine."""
    items = records if isinstance(records, list) else [records]
    plain = [asdict(r) if is_dataclass(r) and not isinstance(r, type) else r for r in items]
    text = json.dumps(plain, default=_json_default, sort_keys=True, ensure_ascii=False)
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
    service = session.get(Service, incident.service_id) if incident.service_id else None
    overrides = session.exec(
        select(LifecycleOverride).where(LifecycleOverride.incident_id == incident.id)
    ).all()
    impact = effective_of(session, incident)
    return PacketIncident(
        id=stored_id(incident.id),
        source=incident.source,
        external_id=incident.external_id,
        title=incident.title,
        summary=incident.summary,
        url=incident.url,
        service=service.name if service else None,
        cost_per_minute=service.cost_per_minute if service else None,
        severity=impact.severity.value if impact.severity else None,
        status=incident.status.value,
        lifecycle=effective_lifecycle(incident, {o.field: o.value for o in overrides}),
        overridden=tuple(o.field for o in overrides if o.field in LIFECYCLE_FIELDS),
        users_affected=impact.users_affected,
        downtime_cost=impact.downtime_cost,
        external_cause=impact.external_cause,
        approved_tech_debt=impact.approved_tech_debt,
        regulatory_exposure=impact.regulatory_exposure,
        external_vendor=impact.classification.external_vendor,
        external_evidence=impact.classification.external_evidence,
        debt_approver=impact.classification.debt_approver,
        debt_decision=impact.classification.debt_decision,
        regulation=impact.classification.regulation,
        notification_deadline=impact.classification.notification_deadline,
    )


def _source_files(session: Session, incident_ids: list[int]) -> list[SourceFileRecord]:
    rows = session.exec(
        select(SourceFile)
        .join(IncidentSourceFile, col(IncidentSourceFile.source_file_id) == col(SourceFile.id))
        .where(col(IncidentSourceFile.incident_id).in_(incident_ids))
        .distinct()
        .order_by(col(SourceFile.name), col(SourceFile.id))
    )
    return [SourceFileRecord(name=f.name, sha256=f.sha256, format=f.format) for f in rows]


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
    incidents = []
    for incident in session.exec(
        select(Incident).where(col(Incident.id).in_(list(parts))).order_by(col(Incident.started_at))
    ):
        assert incident.id is not None
        incidents.append(
            PersonIncident(
                incident=_packet_incident(session, incident),
                part=", ".join(sorted(parts[incident.id])),
                events=counts.get(incident.id, 0),
            )
        )
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


def period_incidents(session: Session, label: str, incident_ids: list[int]) -> PeriodIncidents:
    """The records of the incidents a period's figures counted (`incident_ids`), by start."""
    rows = session.exec(
        select(Incident)
        .where(col(Incident.id).in_(incident_ids))
        .order_by(col(Incident.started_at), col(Incident.id))
    ).all()
    incidents = [_packet_incident(session, i) for i in rows]
    return PeriodIncidents(
        label=label,
        incidents=incidents,
        people=_people(session),
        source_files=_source_files(session, [i.id for i in incidents]),
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
