"""Review records in storage: compare-and-set edits, audit entries, approval with open flags."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from note_keys import MANAGER
from sqlmodel import Session, col, select

from irdesk.domain.enums import (
    ActionStatus,
    EventKind,
    FeedbackKind,
    FindingCategory,
    ReviewStatus,
    ReviewTier,
    ServiceTier,
    Severity,
)
from irdesk.domain.models import (
    AuditEntry,
    Incident,
    Person,
    Review,
    Service,
    Team,
    TimelineEvent,
)
from irdesk.domain.policy import Policy
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict
from irdesk.storage.records import action_items, feedback, findings, lifecycle_edits, reviews
from irdesk.storage.records.audit import verify_chain
from irdesk.storage.records.policies import save_policy

pytestmark = pytest.mark.both_backends

T0 = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)
ACTOR = "tester"


@pytest.fixture
def ids(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        team = Team(name="Payments")
        session.add(team)
        session.flush()
        service = Service(name="checkout", tier=ServiceTier.TIER1, slo_target=99.9)
        grace = Person(name="Grace Hopper", team_id=team.id)
        session.add_all([service, grace])
        session.flush()
        minor = Incident(
            source="t",
            external_id="I-1",
            title="Slow search",
            severity=Severity.SEV4,
            service_id=service.id,
            started_at=T0,
        )
        session.add(minor)
        session.flush()
        event = TimelineEvent(
            incident_id=minor.id, occurred_at=T0, kind=EventKind.ALERT, source="t", text="alert"
        )
        session.add(event)
        session.flush()
        return {
            "incident": minor.id,
            "person": grace.id,
            "team": team.id,
            "event": event.id,
            "service": service.id,
        }


def audit(session: Session, entity: str) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry).where(AuditEntry.entity == entity).order_by(col(AuditEntry.id))
        )
    )


def new_review(db: Database, incident_id: int) -> reviews.ReviewRecord:
    with db.transaction() as session:
        return reviews.create_review(session, incident_id, actor=ACTOR, today=date(2026, 10, 15))


def test_a_review_starts_with_the_proposed_tier_and_a_due_date(
    database: Database, ids: dict[str, int]
) -> None:
    review = new_review(database, ids["incident"])
    assert review.tier == ReviewTier.LIGHTWEIGHT
    assert review.status == ReviewStatus.DRAFT
    # Unresolved: the default policy's lightweight deadline (10 days) from the day it started.
    assert review.due_on == date(2026, 10, 15) + timedelta(days=10)
    with database.session() as session:
        [entry] = audit(session, "review")
        assert entry.action == "create_review"
        assert json.loads(entry.detail_json)["tier"] == "lightweight"
    with database.transaction() as session, pytest.raises(reviews.ReviewRefused):
        reviews.create_review(session, ids["incident"], actor=ACTOR)


def test_recurrence_on_the_same_service_proposes_a_full_postmortem(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        for n in (1, 2):
            session.add(
                Incident(
                    source="t",
                    external_id=f"OLD-{n}",
                    title="Slow search again",
                    service_id=ids["service"],
                    started_at=T0 - timedelta(days=10 * n),
                )
            )
    with database.session() as session:
        proposal = reviews.proposal_for(session, ids["incident"])
    assert proposal.tier == ReviewTier.FULL
    # The metrics' recurrence: "Slow search again" shares 2 of 3 words (≥ 0.5), each incident
    # within the default policy's 30 days of the previous one.
    assert "recurring: 2 similar incidents on the service" in proposal.explanation
    assert proposal.explanation.startswith("built-in policy defaults: ")


def test_an_edit_based_on_an_old_revision_is_refused_not_written(
    database: Database, ids: dict[str, int]
) -> None:
    review = new_review(database, ids["incident"])
    with database.transaction() as session:
        mine = reviews.set_summary(session, review.id, review.revision, "first window", actor="a")
    assert mine == review.revision + 1
    with database.transaction() as session, pytest.raises(EditConflict):
        reviews.set_summary(session, review.id, review.revision, "second window", actor="b")
    with database.session() as session:
        assert reviews.review_by_id(session, review.id).summary == "first window"
        assert [e.action for e in audit(session, "review")] == ["create_review", "edit_review"]
        assert verify_chain(session) is None


def test_a_different_tier_needs_a_reason_which_is_kept(
    database: Database, ids: dict[str, int]
) -> None:
    review = new_review(database, ids["incident"])
    with database.transaction() as session, pytest.raises(reviews.ReviewRefused, match="say why"):
        reviews.set_tier(session, review.id, review.revision, ReviewTier.FULL, " ", actor=ACTOR)
    with database.transaction() as session:
        reviews.set_tier(
            session, review.id, review.revision, ReviewTier.FULL, "customer trust", actor=ACTOR
        )
    with database.session() as session:
        stored = reviews.review_by_id(session, review.id)
    assert (stored.tier, stored.tier_reason) == (ReviewTier.FULL, "customer trust")


def test_approving_with_open_flags_needs_an_override_reason_that_is_recorded(
    database: Database, ids: dict[str, int]
) -> None:
    review = new_review(database, ids["incident"])
    with database.transaction() as session:
        findings.add_finding(
            session,
            review.id,
            FindingCategory.CONTRIBUTING_FACTOR,
            actor=ACTOR,
            text="Grace should have checked the dashboard.",
        )
        revision = reviews.set_status(
            session, review.id, review.revision, ReviewStatus.IN_REVIEW, actor=ACTOR
        )
    with database.transaction() as session:
        assert len(reviews.open_flags(session, review.id)) == 2  # the name and the phrase
        with pytest.raises(reviews.OpenBlameFlags, match="2 blameless-language flags"):
            reviews.set_status(session, review.id, revision, ReviewStatus.APPROVED, actor=ACTOR)
    with database.transaction() as session:
        reviews.set_status(
            session,
            review.id,
            revision,
            ReviewStatus.APPROVED,
            actor=ACTOR,
            override_reason="quoted from the customer's complaint",
        )
    with database.session() as session:
        stored = reviews.review_by_id(session, review.id)
        assert stored.status == ReviewStatus.APPROVED
        assert stored.blameless_override_reason == "quoted from the customer's complaint"
        last = audit(session, "review")[-1]
        assert json.loads(last.detail_json) == {
            "from": "in_review",
            "to": "approved",
            "open_flags": 2,
            "blameless_override_reason": "quoted from the customer's complaint",
        }
    with database.transaction() as session, pytest.raises(reviews.ReviewRefused):
        reviews.set_summary(session, review.id, stored.revision, "late edit", actor=ACTOR)
    with database.transaction() as session, pytest.raises(reviews.ReviewRefused, match="cannot go"):
        reviews.set_status(session, review.id, stored.revision, ReviewStatus.DRAFT, actor=ACTOR)


def test_findings_move_within_their_category_and_come_back_with_links_after_delete(
    database: Database, ids: dict[str, int]
) -> None:
    review = new_review(database, ids["incident"])
    cf = FindingCategory.CONTRIBUTING_FACTOR
    with database.transaction() as session:
        a = findings.add_finding(session, review.id, cf, actor=ACTOR, text="A")
        well = findings.add_finding(
            session, review.id, FindingCategory.WENT_WELL, actor=ACTOR, text="W"
        )
        b = findings.add_finding(session, review.id, cf, actor=ACTOR, text="B")
        findings.set_events(session, b.id, [ids["event"]], actor=ACTOR)
        item = action_items.add_action(
            session, review.id, actor=ACTOR, title="fix", finding_ids=(b.id,)
        )
    with database.transaction() as session:
        assert findings.move_finding(session, b.id, -1, actor=ACTOR)
        assert not findings.move_finding(session, b.id, -1, actor=ACTOR)  # first of its category
        assert [f.text for f in findings.list_findings(session, review.id)] == ["B", "A", "W"]
        deleted = findings.delete_finding(session, b.id, actor=ACTOR)
    with database.transaction() as session:
        assert [f.text for f in findings.list_findings(session, review.id)] == ["A", "W"]
        back = findings.restore_finding(session, deleted, actor=ACTOR)
        assert back.id == b.id  # its id was free: undo steps before the delete still apply
    with database.session() as session:
        assert [f.text for f in findings.list_findings(session, review.id)] == ["B", "A", "W"]
        assert back.event_ids == (ids["event"],)
        assert action_items.get_action(session, item.id).finding_ids == (back.id,)
        assert {e.action for e in audit(session, "finding")} >= {
            "add_finding",
            "move_finding",
            "delete_finding",
            "restore_finding",
            "link_finding_events",
        }
        assert verify_chain(session) is None
    with database.transaction() as session:  # not the newest: SQLite alone would not reuse it
        again = findings.restore_finding(
            session, findings.delete_finding(session, well.id, actor=ACTOR), actor=ACTOR
        )
    assert again.id == well.id
    del a


def test_action_items_owner_status_key_and_overdue(database: Database, ids: dict[str, int]) -> None:
    review = new_review(database, ids["incident"])
    with database.transaction() as session:
        item = action_items.add_action(
            session, review.id, actor=ACTOR, title="Add an index", due_on=date(2026, 10, 1)
        )
        rev = action_items.set_owner(
            session, item.id, item.revision, team_id=ids["team"], actor=ACTOR
        )
        rev = action_items.edit_action(session, item.id, rev, actor=ACTOR, external_key=" OPS-12 ")
        with pytest.raises(action_items.ActionRefused, match="no spaces"):
            action_items.edit_action(session, item.id, rev, actor=ACTOR, external_key="OPS 12")
        with pytest.raises(action_items.ActionRefused, match="not both"):
            action_items.set_owner(
                session, item.id, rev, person_id=ids["person"], team_id=ids["team"], actor=ACTOR
            )
    with database.session() as session:
        row = action_items.get_action(session, item.id)
    assert (row.owner_name, row.external_key) == ("Payments (team)", "OPS-12")
    assert row.is_overdue(date(2026, 10, 2)) and not row.is_overdue(date(2026, 10, 1))
    with database.transaction() as session:
        action_items.edit_action(
            session, item.id, row.revision, actor=ACTOR, status=ActionStatus.DONE
        )
    with database.session() as session:
        done = action_items.get_action(session, item.id)
    assert done.completed_at is not None and not done.is_overdue(date(2027, 1, 1))


def test_feedback_note_edits_are_audited_without_their_words(
    database: Database, ids: dict[str, int]
) -> None:
    secret = "Handled the escalation calmly under pressure"
    with database.transaction() as session:
        note = feedback.add_note(
            session,
            person_id=ids["person"],
            incident_id=ids["incident"],
            kind=FeedbackKind.RECOGNITION,
            actor=ACTOR,
            keyring=MANAGER,
        )
        feedback.edit_note(
            session, note.id, note.revision, actor=ACTOR, keyring=MANAGER, text=secret
        )
        with pytest.raises(EditConflict):
            feedback.edit_note(
                session, note.id, note.revision, actor=ACTOR, keyring=MANAGER, text="stale"
            )
    with database.session() as session:
        assert feedback.get_note(session, note.id, MANAGER).text == secret
        entries = audit(session, "feedback_note")
        assert [e.action for e in entries] == ["add_feedback_note", "edit_feedback_note"]
        assert all(secret not in e.detail_json for e in entries)
        # Nor the kind: it is part of what the note says.
        assert all("recognition" not in e.detail_json for e in entries)
        assert feedback.involved_people(session, ids["incident"]) == []


def test_an_approved_review_keeps_its_findings_but_tracks_action_follow_through(
    database: Database, ids: dict[str, int]
) -> None:
    review = new_review(database, ids["incident"])
    with database.transaction() as session:
        finding = findings.add_finding(
            session, review.id, FindingCategory.WENT_WELL, actor=ACTOR, text="Rollback was quick"
        )
        item = action_items.add_action(session, review.id, actor=ACTOR, title="Automate it")
        revision = reviews.set_status(
            session, review.id, review.revision, ReviewStatus.IN_REVIEW, actor=ACTOR
        )
        revision = reviews.set_status(
            session, review.id, revision, ReviewStatus.APPROVED, actor=ACTOR
        )
    refusals = [
        lambda s: findings.set_text(s, finding.id, finding.revision, "changed", actor=ACTOR),
        lambda s: findings.add_finding(s, review.id, FindingCategory.LUCKY, actor=ACTOR),
        lambda s: findings.delete_finding(s, finding.id, actor=ACTOR),
        lambda s: findings.set_events(s, finding.id, [ids["event"]], actor=ACTOR),
        lambda s: action_items.add_action(s, review.id, actor=ACTOR, title="late"),
        lambda s: action_items.delete_action(s, item.id, actor=ACTOR),
    ]
    for refused in refusals:
        with database.transaction() as session, pytest.raises(ValueError, match="reopen"):
            refused(session)
    with database.transaction() as session:  # weeks later: the item is done
        action_items.edit_action(
            session, item.id, item.revision, actor=ACTOR, status=ActionStatus.DONE
        )
        reviews.set_status(session, review.id, revision, ReviewStatus.SIGNED, actor=ACTOR)
        reviews.set_status(session, review.id, revision + 1, ReviewStatus.ARCHIVED, actor=ACTOR)
    with database.transaction() as session, pytest.raises(ValueError, match="archived"):
        action_items.edit_action(
            session, item.id, item.revision + 1, actor=ACTOR, status=ActionStatus.OPEN
        )
    with database.session() as session:
        assert findings.get_finding(session, finding.id).text == "Rollback was quick"
        assert action_items.get_action(session, item.id).status == ActionStatus.DONE


def test_the_proposal_and_due_date_follow_the_current_policy_version(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        incident = session.get(Incident, ids["incident"])
        assert incident is not None
        incident.severity = Severity.SEV2
        incident.resolved_at = T0 + timedelta(hours=2)
    with database.session() as session:
        before = reviews.proposal_for(session, ids["incident"])
    assert before.tier == ReviewTier.FULL
    assert before.explanation == "built-in policy defaults: severity SEV2"
    save_policy(
        database,
        Policy(
            full_review_severities=("SEV1",),
            lightweight_review_severities=("SEV2", "SEV3"),
            lightweight_deadline_days=7,
        ),
        note="full postmortems for SEV1 only",
        author=ACTOR,
    )
    review = new_review(database, ids["incident"])
    assert review.tier == ReviewTier.LIGHTWEIGHT
    # Due the policy's 7 days after the incident was resolved (2026-10-14), not after today.
    assert review.due_on == date(2026, 10, 21)
    with database.session() as session:
        [entry] = audit(session, "review")
        detail = json.loads(entry.detail_json)
    assert detail["proposed_because"].startswith("policy version 1: SEV2 is not a full-post")
    assert detail["due_on"] == "2026-10-21"


def test_changing_the_tier_moves_a_due_date_nobody_set_by_hand(
    database: Database, ids: dict[str, int]
) -> None:
    review = new_review(database, ids["incident"])  # lightweight, unresolved: 10 days from today
    assert review.due_on == date(2026, 10, 25)
    with database.transaction() as session:
        revision = reviews.set_tier(
            session,
            review.id,
            review.revision,
            ReviewTier.FULL,
            "customers noticed",
            actor=ACTOR,
        )
        # Still unresolved: the full postmortem's 5 days from the day the review started.
        started = session.get(Review, review.id)
        assert started is not None
        assert reviews.review_by_id(session, review.id).due_on == (
            started.created_at.date() + timedelta(days=5)
        )
        revision = reviews.set_due_on(session, review.id, revision, date(2026, 11, 2), actor=ACTOR)
    with database.transaction() as session:
        reviews.set_tier(session, review.id, revision, ReviewTier.LIGHTWEIGHT, None, actor=ACTOR)
        stored = reviews.review_by_id(session, review.id)
    assert (stored.tier, stored.due_on) == (ReviewTier.LIGHTWEIGHT, date(2026, 11, 2))


def test_a_corrected_resolution_time_is_the_one_the_due_date_counts_from(
    database: Database, ids: dict[str, int]
) -> None:
    with database.transaction() as session:
        incident = session.get(Incident, ids["incident"])
        assert incident is not None
        incident.resolved_at = T0 + timedelta(hours=1)  # the source: 2026-10-14
        lifecycle_edits.set_override(
            session,
            ids["incident"],
            "resolved_at",
            T0 + timedelta(days=3),
            reason="the fix only held on the 17th",
            actor=ACTOR,
        )
    review = new_review(database, ids["incident"])
    assert review.due_on == date(2026, 10, 17) + timedelta(days=10)  # lightweight: 10 days


def _export(database: Database, review_id: int, uid: str, signers: list[str]) -> None:
    from irdesk.storage.records.packets import record_packet

    record_packet(
        database,
        packet_uid=uid,
        profile="legal",
        incident_id=None,
        review_id=review_id,
        subject=None,
        policy_version_id=None,
        sha256="0" * 64,
        file_name=f"{uid}.pdf",
        signers=signers,
        created_by=ACTOR,
        created_at=T0,
        write=lambda: None,
    )


def test_an_approved_review_is_signed_by_its_first_signed_packet_and_can_then_be_archived(
    database: Database, ids: dict[str, int]
) -> None:
    review = new_review(database, ids["incident"])
    _export(database, review.id, "draft-packet", ["Zoë Ñúñez"])
    with database.session() as session:
        assert reviews.review_by_id(session, review.id).status == ReviewStatus.DRAFT
    with database.transaction() as session:
        revision = reviews.set_status(
            session, review.id, review.revision, ReviewStatus.IN_REVIEW, actor=ACTOR
        )
        reviews.set_status(session, review.id, revision, ReviewStatus.APPROVED, actor=ACTOR)
    _export(database, review.id, "unsigned-packet", [])
    with database.session() as session:
        assert reviews.review_by_id(session, review.id).status == ReviewStatus.APPROVED
    _export(database, review.id, "signed-packet", ["Zoë Ñúñez"])
    with database.session() as session:
        signed = reviews.review_by_id(session, review.id)
        assert signed.status == ReviewStatus.SIGNED
        last = audit(session, "review")[-1]
        assert json.loads(last.detail_json) == {"from": "approved", "to": "signed"}
        assert verify_chain(session) is None
    with database.transaction() as session:
        reviews.set_status(session, review.id, signed.revision, ReviewStatus.ARCHIVED, actor=ACTOR)
    _export(database, review.id, "later-packet", ["Zoë Ñúñez"])
    with database.session() as session:
        assert reviews.review_by_id(session, review.id).status == ReviewStatus.ARCHIVED
