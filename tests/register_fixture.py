"""A compliance register built by hand: `from register_fixture import …` in a test module.

Three incidents exposed under GDPR, whose rule gives 72 hours from detection for
the initial notice, as of NOW (2026-12-07 12:00 UTC):

- demo:REG-1 (payments, RTO 60 min): detected 2026-10-01 08:00, notice due
  2026-10-04 08:00, given 2026-10-03 15:00 by the DPO: on time. Impact 07:50 to
  09:25: recovered in 95 minutes, missing the RTO by 35. Its legal packet was
  countersigned by Lee Counsel (the legal sign-off).
- demo:REG-2 (payments): detected 2026-11-02 10:00, due 2026-11-05 10:00, given
  2026-11-05 13:30: late by 3 h 30 min. Recovered in 40 minutes: met.
- demo:REG-3 (search, no RTO): detected 2026-12-01 06:00, due 2026-12-04 06:00,
  no notice: overdue by 3 d 6 h. Not resolved.

demo:OPS-4 (payments, no exposure) is in no register row, and recovered in 50
minutes (met).
"""

from datetime import UTC, datetime

from irdesk.domain.classification import Classification
from irdesk.domain.enums import IncidentStatus, ServiceTier, Severity
from irdesk.domain.models import Incident, Service, stored_id
from irdesk.storage.database import Database
from irdesk.storage.records import classifications
from irdesk.storage.records.packets import record_countersignature, record_packet
from irdesk.storage.records.register import NoticeState, record_notice, save_rule

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
ACTOR = "Facilitator Fox"
LEGAL_PACKET = "PKT-20261005-0000AAAA"


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def build_register(database: Database) -> dict[str, int]:
    """Write the organisation above into `database`; the incidents' ids by external id."""
    save_rule(database, "GDPR", 0, within_hours=72, notice="initial notice", actor=ACTOR)
    ids: dict[str, int] = {}
    with database.transaction() as session:
        payments = Service(
            name="payments", tier=ServiceTier.TIER1, slo_target=99.9, rto_minutes=60, rpo_minutes=15
        )
        search = Service(name="search", tier=ServiceTier.TIER2, slo_target=99.5)
        session.add_all([payments, search])
        session.flush()
        specs = [
            (
                "REG-1",
                "Card data visible to wrong tenant",
                payments,
                at(10, 1, 7, 50),
                at(10, 1, 8),
                at(10, 1, 9, 25),
            ),
            (
                "REG-2",
                "Export job mailed reports to old address",
                payments,
                at(11, 2, 10),
                at(11, 2, 10),
                at(11, 2, 10, 40),
            ),
            (
                "REG-3",
                "Search index exposed customer emails",
                search,
                at(12, 1, 5, 45),
                at(12, 1, 6),
                None,
            ),
            (
                "OPS-4",
                "Checkout latency",
                payments,
                at(11, 20, 9),
                at(11, 20, 9, 5),
                at(11, 20, 9, 50),
            ),
        ]
        for external_id, title, service, started, detected, resolved in specs:
            incident = Incident(
                source="demo",
                external_id=external_id,
                title=title,
                service_id=service.id,
                severity=Severity.SEV2,
                status=IncidentStatus.RESOLVED if resolved else IncidentStatus.ACKNOWLEDGED,
                started_at=started,
                detected_at=detected,
                acknowledged_at=detected,
                resolved_at=resolved,
            )
            session.add(incident)
            session.flush()
            ids[external_id] = stored_id(incident.id)
        for external_id in ("REG-1", "REG-2", "REG-3"):
            classifications.set_classification(
                session,
                ids[external_id],
                0,
                Classification(
                    regulatory_exposure=True,
                    regulation="GDPR Art. 33",
                    # Later than the rule allows: the rule's 72 hours govern.
                    notification_deadline=at(12, 31, 0),
                ),
                actor=ACTOR,
            )
    record_notice(
        database, ids["REG-1"], 0, NoticeState(at(10, 3, 15), "Dana Privacy (DPO)"), actor=ACTOR
    )
    record_notice(
        database, ids["REG-2"], 0, NoticeState(at(11, 5, 13, 30), "Dana Privacy (DPO)"), actor=ACTOR
    )
    record_packet(
        database,
        packet_uid=LEGAL_PACKET,
        profile="legal",
        incident_id=ids["REG-1"],
        review_id=None,
        subject=None,
        policy_version_id=None,
        sha256="a" * 64,
        file_name="REG-1-legal.pdf",
        signers=["Facilitator Fox"],
        created_by=ACTOR,
        created_at=at(10, 5, 9),
        write=lambda: None,
    )
    record_countersignature(
        database,
        packet_uid=LEGAL_PACKET,
        signer="Lee Counsel",
        sha256="b" * 64,
        actor="Lee Counsel",
        write=lambda: None,
    )
    return ids


# Every cell of the register as of NOW, written out by hand.
EXPECTED_CELLS = [
    {
        "incident": "demo:REG-1",
        "title": "Card data visible to wrong tenant",
        "service": "payments",
        "regulation": "GDPR Art. 33",
        "rule": "initial notice within 72 h of detection",
        "detected": "2026-10-01 08:00 UTC",
        "deadline": "2026-10-04 08:00 UTC",
        "notified_at": "2026-10-03 15:00 UTC",
        "notified_by": "Dana Privacy (DPO)",
        "status": "on time",
        "legal_signoff": "Lee Counsel",
        "packets": "legal to counsel and auditors, 2026-10-05 (PKT-20261005-0000AAAA)",
        "recovery": "1 h 35 min",
        "rto": "1 h",
        "continuity": "⚠ missed by 35 min",
    },
    {
        "incident": "demo:REG-2",
        "title": "Export job mailed reports to old address",
        "service": "payments",
        "regulation": "GDPR Art. 33",
        "rule": "initial notice within 72 h of detection",
        "detected": "2026-11-02 10:00 UTC",
        "deadline": "2026-11-05 10:00 UTC",
        "notified_at": "2026-11-05 13:30 UTC",
        "notified_by": "Dana Privacy (DPO)",
        "status": "⚠ late by 3 h 30 min",
        "legal_signoff": "none",
        "packets": "none",
        "recovery": "40 min",
        "rto": "1 h",
        "continuity": "met",
    },
    {
        "incident": "demo:REG-3",
        "title": "Search index exposed customer emails",
        "service": "search",
        "regulation": "GDPR Art. 33",
        "rule": "initial notice within 72 h of detection",
        "detected": "2026-12-01 06:00 UTC",
        "deadline": "2026-12-04 06:00 UTC",
        "notified_at": "—",
        "notified_by": "—",
        "status": "⚠ overdue by 3 d 6 h",
        "legal_signoff": "none",
        "packets": "none",
        "recovery": "—",
        "rto": "—",
        "continuity": "no RTO",
    },
]
