"""The compliance register's rows, read in one session (`domain.register` computes them).

An incident is in the register when its effective classification says it has
regulatory exposure and it is not classified as "not an incident". Its service's
RTO and RPO are the directory's (an imported value, or one typed over it).
"""

import json
from datetime import datetime

from sqlmodel import Session, col, select

from irdesk.domain.classification import effective_impact
from irdesk.domain.lifecycle import effective_lifecycle
from irdesk.domain.models import (
    Incident,
    IncidentClassification,
    IncidentNotification,
    LifecycleOverride,
    Packet,
    RegulationRule,
    Service,
    stored_id,
)
from irdesk.domain.register import (
    ContinuityRow,
    PacketSent,
    RegisterRow,
    Rule,
    notice,
    notice_deadline,
    recovery_minutes,
    rule_for,
)
from irdesk.domain.utc import as_utc
from irdesk.storage.database import Database
from irdesk.storage.records.classifications import classifications

# The profile whose countersignature is the legal sign-off on an incident's review.
LEGAL_PROFILE = "legal"


def regulation_rules(session: Session) -> list[Rule]:
    rows = session.exec(select(RegulationRule).order_by(col(RegulationRule.regulation)))
    return [Rule(r.regulation, r.notice, r.within_hours, r.revision) for r in rows]


def _lifecycles(
    session: Session, incidents: list[Incident]
) -> dict[int, dict[str, datetime | None]]:
    ids = [stored_id(i.id) for i in incidents]
    overrides: dict[int, dict[str, datetime | None]] = {}
    for o in session.exec(
        select(LifecycleOverride).where(col(LifecycleOverride.incident_id).in_(ids))
    ):
        overrides.setdefault(o.incident_id, {})[o.field] = o.value
    return {
        stored_id(i.id): effective_lifecycle(i, overrides.get(stored_id(i.id), {}))
        for i in incidents
    }


def _packets(session: Session, ids: list[int]) -> dict[int, list[PacketSent]]:
    out: dict[int, list[PacketSent]] = {}
    statement = (
        select(Packet)
        .where(col(Packet.incident_id).in_(ids))
        .order_by(col(Packet.created_at), col(Packet.id))
    )
    for p in session.exec(statement):
        assert p.incident_id is not None
        out.setdefault(p.incident_id, []).append(
            PacketSent(
                packet_uid=p.packet_uid,
                profile=p.profile,
                created_at=as_utc(p.created_at),
                created_by=p.created_by,
                signers=tuple(json.loads(p.signers_json)),
            )
        )
    return out


def register_in(session: Session, now: datetime) -> list[RegisterRow]:
    """Every incident with regulatory exposure, oldest detection first, as of `now`."""
    classified = classifications(session)
    candidates = session.exec(
        select(Incident).where(
            col(Incident.regulatory_exposure)
            | col(Incident.id).in_(
                select(IncidentClassification.incident_id).where(
                    IncidentClassification.regulatory_exposure == True  # noqa: E712
                )
            )
        )
    ).all()
    incidents = []
    for incident in candidates:
        impact = effective_impact(incident, classified.get(stored_id(incident.id)))
        if impact.regulatory_exposure and not impact.not_incident:
            incidents.append((incident, impact))
    ids = [stored_id(i.id) for i, _ in incidents]
    rules = regulation_rules(session)
    lifecycles = _lifecycles(session, [i for i, _ in incidents])
    packets = _packets(session, ids)
    notices = {
        n.incident_id: n
        for n in session.exec(
            select(IncidentNotification).where(col(IncidentNotification.incident_id).in_(ids))
        )
    }
    services = {s.id: s for s in session.exec(select(Service))}
    rows = []
    for incident, impact in incidents:
        iid = stored_id(incident.id)
        lifecycle = lifecycles[iid]
        detected = lifecycle["detected_at"] or lifecycle["started_at"]
        regulation = impact.classification.regulation
        rule = rule_for(regulation, rules)
        classified_deadline = impact.classification.notification_deadline
        deadline = notice_deadline(detected_at=detected, classified=classified_deadline, rule=rule)
        given = notices.get(iid)
        notified_at = as_utc(given.notified_at) if given and given.notified_at else None
        sent = tuple(packets.get(iid, []))
        signoff = tuple(name for p in sent if p.profile == LEGAL_PROFILE for name in p.signers[1:])
        service = services.get(incident.service_id) if incident.service_id else None
        rows.append(
            RegisterRow(
                incident_id=iid,
                label=f"{incident.source}:{incident.external_id}",
                title=incident.title,
                service=service.name if service else None,
                regulation=regulation,
                rule=rule,
                detected_at=detected,
                notice=notice(deadline, notified_at, now),
                notified_at=notified_at,
                notified_by=given.notified_by if given else None,
                notification_revision=given.revision if given else 0,
                legal_signoff=signoff,
                packets=sent,
                recovery_minutes=recovery_minutes(lifecycle),
                rto_minutes=service.rto_minutes if service else None,
                rpo_minutes=service.rpo_minutes if service else None,
            )
        )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    rows.sort(key=lambda r: (r.detected_at or far, r.label))
    return rows


def read_register(database: Database, now: datetime) -> list[RegisterRow]:
    with database.session() as session:
        return register_in(session, now)


def read_rules(database: Database) -> list[Rule]:
    with database.session() as session:
        return regulation_rules(session)


def continuity_in(session: Session, incident_ids: list[int]) -> list[ContinuityRow]:
    """Recovery against RTO for `incident_ids`, in their order."""
    incidents = session.exec(select(Incident).where(col(Incident.id).in_(incident_ids))).all()
    lifecycles = _lifecycles(session, list(incidents))
    services = {s.id: s for s in session.exec(select(Service))}
    by_id = {stored_id(i.id): i for i in incidents}
    rows = []
    for iid in incident_ids:
        incident = by_id.get(iid)
        if incident is None:
            continue
        service = services.get(incident.service_id) if incident.service_id else None
        rows.append(
            ContinuityRow(
                incident_id=iid,
                label=f"{incident.source}:{incident.external_id}",
                service=service.name if service else None,
                recovery_minutes=recovery_minutes(lifecycles[iid]),
                rto_minutes=service.rto_minutes if service else None,
            )
        )
    return rows


def read_continuity(database: Database, incident_ids: list[int]) -> list[ContinuityRow]:
    with database.session() as session:
        return continuity_in(session, incident_ids)
