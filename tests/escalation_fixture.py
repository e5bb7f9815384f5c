"""A hand-built organisation for the escalation tests, every value written out here.

Team Payments owns service checkout, which pages through policy "Payments EP":
level 1 Ana (30 minutes), level 2 Ben (30 minutes), level 3 the schedule "Payments
leads" (Cal on call 2026-03-01 00:00 to 2026-03-08 00:00, Dee before that).

- PAY-1, 2026-03-02 09:00: Ana paged at T0, escalated to Ben at T0+42, Ben
  acknowledges at T0+50. Level 1 took 42 minutes of 30: 12 late; nothing skipped.
- PAY-2, 2026-03-09 14:00: Ana paged at T0, escalated straight to Cal at T0+10,
  acknowledged at T0+20. Level 2 was skipped; level 1 left 20 minutes early.
- PAY-3, 2026-04-01: no page at all (a ticket); no level reached.
"""

from datetime import UTC, datetime, timedelta

from irdesk.domain.enums import EventKind, ServiceTier
from irdesk.domain.models import (
    EscalationLevel,
    EscalationPolicy,
    EscalationTarget,
    Incident,
    Person,
    Rotation,
    RotationMember,
    Service,
    ServicePolicy,
    Team,
    TimelineEvent,
)
from irdesk.storage.database import Database

T1 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
T3 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def build(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        team = Team(name="Payments")
        s.add(team)
        s.flush()
        ana, ben, cal, dee = (Person(name=n, team_id=team.id) for n in ("Ana", "Ben", "Cal", "Dee"))
        s.add_all([ana, ben, cal, dee])
        service = Service(
            name="checkout", tier=ServiceTier.TIER1, slo_target=99.9, owner_team_id=team.id
        )
        leads = Rotation(name="Payments leads", source="hand", external_id="leads")
        policy = EscalationPolicy(name="Payments EP", source="pagerduty", external_id="EP1")
        s.add_all([service, leads, policy])
        s.flush()
        s.add_all(
            [
                RotationMember(
                    rotation_id=leads.id,
                    person_id=cal.id,
                    how="final",
                    starts_at=datetime(2026, 3, 1, tzinfo=UTC),
                    ends_at=datetime(2026, 3, 8, tzinfo=UTC),
                ),
                RotationMember(
                    rotation_id=leads.id,
                    person_id=dee.id,
                    how="final",
                    starts_at=datetime(2026, 3, 8, tzinfo=UTC),
                    ends_at=None,
                ),
                ServicePolicy(service_id=service.id, policy_id=policy.id, source="hand"),
            ]
        )
        levels = [
            EscalationLevel(policy_id=policy.id, level=n, delay_minutes=d)
            for n, d in ((1, 30), (2, 30), (3, 30))
        ]
        s.add_all(levels)
        s.flush()
        s.add_all(
            [
                EscalationTarget(
                    level_id=levels[0].id, position=1, kind="person", person_id=ana.id
                ),
                EscalationTarget(
                    level_id=levels[1].id, position=1, kind="person", person_id=ben.id
                ),
                EscalationTarget(
                    level_id=levels[2].id, position=1, kind="rotation", rotation_id=leads.id
                ),
            ]
        )
        ids: dict[str, int] = {}
        for key, start in (("PAY-1", T1), ("PAY-2", T2), ("PAY-3", T3)):
            incident = Incident(
                source="hand",
                external_id=key,
                title=key,
                started_at=start,
                detected_at=start,
                service_id=service.id,
            )
            s.add(incident)
            s.flush()
            assert incident.id is not None
            ids[key] = incident.id

        def event(key: str, start: datetime, minutes: int, kind: EventKind, who: Person) -> None:
            s.add(
                TimelineEvent(
                    incident_id=ids[key],
                    occurred_at=start + timedelta(minutes=minutes),
                    kind=kind,
                    source="hand",
                    actor_person_id=who.id,
                )
            )

        event("PAY-1", T1, 0, EventKind.PAGE, ana)
        event("PAY-1", T1, 42, EventKind.ESCALATE, ben)
        event("PAY-1", T1, 50, EventKind.ACKNOWLEDGE, ben)
        # Cal, Dee: Dee is on call for the leads on 9 March; Cal's turn ended on the 8th.
        event("PAY-2", T2, 0, EventKind.PAGE, ana)
        event("PAY-2", T2, 10, EventKind.ESCALATE, dee)
        event("PAY-2", T2, 20, EventKind.ACKNOWLEDGE, dee)
        for name, person in (("Ana", ana), ("Ben", ben), ("Cal", cal), ("Dee", dee)):
            assert person.id is not None
            ids[name] = person.id
    return ids
