"""A hand-built organisation for a person's period, every value written out here.

It extends tests/escalation_fixture.py (team Payments: Ana, Ben, Cal, Dee; service
checkout; policy "Payments EP": level 1 Ana 30 min, level 2 Ben 30 min, level 3 the
"Payments leads" schedule). Added here:

- Ana's zone Europe/Berlin; Ben's none recorded (the policy's, UTC).
- Rotation "Payments primary": Ana and Ben, 2026-03-01 to 2026-04-01.
- PAY-1 (2026-03-02 09:00 UTC, a Monday; 10:00 in Berlin): Ana paged at T0, escalated
  to Ben at +42, Ben acknowledges at +50, Ben posts status updates at +20 and +80 and
  resolves at +120. Ana typed as on-call primary, Ben as incident commander.
- PAY-2 (2026-03-09 14:00): Ana paged at T0, escalated to Dee at +10 (level 2 skipped),
  Dee acknowledges at +20 and resolves at +60. No status update.
- PAY-4 (2026-03-10 22:30 UTC, 23:30 in Berlin: after hours): Ana paged, acknowledges at
  +5 and resolves at +35.
- PAY-3 (2026-04-01 08:00): Ana writes a note at +10 and resolves at +70; classified as
  an external cause (the vendor "Stripe"), so it is in no figure of hers.
- A review of PAY-1 with three action items owned by Ana: "Add a rollback step" due
  2026-03-10, done 2026-03-13; "Alert on checkout latency" due 2026-03-20, still open;
  "Retire the old gateway" due 2026-05-15 (outside March–April).

Ana over 2026-03-01 to 2026-04-30, worked by hand:
- counted incidents PAY-1, PAY-2, PAY-4: 3 pages, 1 after hours (PAY-4), hours
  2.0 (T0 to the resolution at +120) + 1.0 + 35/60 = 3.5833, resolved 1 (PAY-4).
- Ben: PAY-1 only (escalated to him), 0 pages, 100 min (his first event, the update at
  +20, to the resolution at +120), resolved 1.
- Dee: PAY-2, 0 pages, 50 min, resolved 1. Cal: nothing.
- Rotation (Ana, Ben) medians: incidents 2, pages 1.5, after hours 0.5,
  hours (3.5833 + 1.6667) / 2 = 2.625, resolved 1.
- Team (Ana, Ben, Cal, Dee) medians: incidents (1 + 1) / 2 = 1, pages 0, after hours 0,
  hours (0.8333 + 1.6667) / 2 = 1.25, resolved 1.
- Escalations: PAY-1 level 1 passed on after 42 min of 30 (12 after the policy's time);
  PAY-2 level 1 passed on after 10 of 30 (20 before).
- Status updates: PAY-1 gaps 20, 60, 40 (longest 60, median 40); PAY-2 one gap of 60;
  PAY-4 35; PAY-3 70.
- Actions: the rollback step 3 days past due when done; the latency alert open, 41 days
  past due on 2026-04-30; the gateway not listed.
"""

from datetime import UTC, date, datetime, timedelta

from escalation_fixture import build as build_escalations

from irdesk.domain.enums import ActionStatus, EventKind, ReviewTier
from irdesk.domain.models import (
    ActionItem,
    Incident,
    Person,
    Review,
    Rotation,
    RotationMember,
    TimelineEvent,
)
from irdesk.storage.database import Database
from irdesk.storage.records.classifications import classification_of, classify
from irdesk.storage.records.database_edits import set_roles_named

T1 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
T3 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
T4 = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)
FIRST, LAST = date(2026, 3, 1), date(2026, 4, 30)


def build(db: Database) -> dict[str, int]:
    ids = build_escalations(db)
    with db.transaction() as s:
        ana = s.get(Person, ids["Ana"])
        assert ana is not None
        ana.time_zone = "Europe/Berlin"
        primary = Rotation(name="Payments primary", source="hand", external_id="primary")
        s.add(primary)
        s.flush()
        for who in ("Ana", "Ben"):
            s.add(
                RotationMember(
                    rotation_id=primary.id,
                    person_id=ids[who],
                    how="final",
                    starts_at=datetime(2026, 3, 1, tzinfo=UTC),
                    ends_at=datetime(2026, 4, 1, tzinfo=UTC),
                )
            )
        pay1 = s.get(Incident, ids["PAY-1"])
        assert pay1 is not None
        service_id = pay1.service_id
        pay4 = Incident(
            source="hand",
            external_id="PAY-4",
            title="PAY-4",
            started_at=T4,
            detected_at=T4,
            service_id=service_id,
        )
        s.add(pay4)
        s.flush()
        assert pay4.id is not None
        ids["PAY-4"] = pay4.id
        for key, start, minutes in (("PAY-1", T1, 120), ("PAY-2", T2, 60), ("PAY-3", T3, 70)):
            incident = s.get(Incident, ids[key])
            assert incident is not None
            incident.resolved_at = start + timedelta(minutes=minutes)
        pay4.resolved_at = T4 + timedelta(minutes=35)

        def event(key: str, start: datetime, minutes: int, kind: EventKind, who: str) -> None:
            s.add(
                TimelineEvent(
                    incident_id=ids[key],
                    occurred_at=start + timedelta(minutes=minutes),
                    kind=kind,
                    source="hand",
                    actor_person_id=ids[who],
                )
            )

        event("PAY-1", T1, 20, EventKind.COMMUNICATION, "Ben")
        event("PAY-1", T1, 80, EventKind.COMMUNICATION, "Ben")
        event("PAY-1", T1, 120, EventKind.RESOLVE, "Ben")
        event("PAY-2", T2, 60, EventKind.RESOLVE, "Dee")
        event("PAY-4", T4, 0, EventKind.PAGE, "Ana")
        event("PAY-4", T4, 5, EventKind.ACKNOWLEDGE, "Ana")
        event("PAY-4", T4, 35, EventKind.RESOLVE, "Ana")
        event("PAY-3", T3, 10, EventKind.NOTE, "Ana")
        event("PAY-3", T3, 70, EventKind.RESOLVE, "Ana")
        review = Review(incident_id=ids["PAY-1"], tier=ReviewTier.LIGHTWEIGHT)
        s.add(review)
        s.flush()
        assert review.id is not None
        for title, due, status, done in (
            (
                "Add a rollback step",
                date(2026, 3, 10),
                ActionStatus.DONE,
                datetime(2026, 3, 13, 16, 0, tzinfo=UTC),
            ),
            ("Alert on checkout latency", date(2026, 3, 20), ActionStatus.OPEN, None),
            ("Retire the old gateway", date(2026, 5, 15), ActionStatus.OPEN, None),
        ):
            s.add(
                ActionItem(
                    review_id=review.id,
                    title=title,
                    owner_person_id=ids["Ana"],
                    due_on=due,
                    status=status,
                    completed_at=done,
                )
            )
        _, revision = classification_of(s, ids["PAY-3"])
        classify(
            s,
            [(ids["PAY-3"], revision)],
            {
                "external_cause": True,
                "external_vendor": "Stripe",
                "external_evidence": "https://status.stripe.com/incidents/1",
            },
            actor="t",
        )
    set_roles_named(db, "hand:PAY-1", [("Ana", "oncall_primary"), ("Ben", "commander")], actor="t")
    set_roles_named(db, "hand:PAY-2", [("Ana", "oncall_primary")], actor="t")
    return ids
