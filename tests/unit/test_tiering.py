"""The tier a review is proposed: full postmortem or lightweight summary, and why, by the policy."""

from datetime import date

import pytest

from irdesk.domain.enums import ReviewTier, Severity
from irdesk.domain.policy import Policy
from irdesk.domain.tiering import TierFacts, TieringRules, propose_tier, required_tier

DEFAULTS = TieringRules.from_policy(Policy())


def facts(**changes: object) -> TierFacts:
    base: dict[str, object] = {
        "severity": Severity.SEV3,
        "customer_severity": None,
        "users_affected": None,
        "recurrences": 0,
    }
    return TierFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_a_minor_one_off_incident_gets_a_lightweight_summary() -> None:
    proposal = propose_tier(facts(), DEFAULTS)
    assert (proposal.tier, proposal.required) == (ReviewTier.LIGHTWEIGHT, ReviewTier.LIGHTWEIGHT)
    assert proposal.explanation.startswith("built-in policy defaults: SEV3 is not a full-post")


def test_each_rule_alone_makes_it_a_full_postmortem_and_says_so() -> None:
    # Default policy: SEV1–SEV2, customers' SEV1–SEV2, 50,000 users, recurrence, regulatory.
    cases = {
        "severity SEV2": facts(severity=Severity.SEV2),
        "customer impact SEV1": facts(customer_severity=Severity.SEV1),
        "50,000 users affected": facts(users_affected=50_000),
        "recurring: 3 similar incidents": facts(recurrences=3),
        "regulatory exposure": facts(regulatory_exposure=True),
    }
    for reason, case in cases.items():
        proposal = propose_tier(case, DEFAULTS)
        assert proposal.tier == ReviewTier.FULL, reason
        assert reason in proposal.explanation
    assert propose_tier(facts(users_affected=49_999), DEFAULTS).tier == ReviewTier.LIGHTWEIGHT


def test_the_rules_are_the_policys_and_the_proposal_names_its_version() -> None:
    strict = Policy(
        full_review_severities=("SEV1",),
        lightweight_review_severities=("SEV2", "SEV3"),
        full_review_customer_severities=(),
        full_review_users_affected=10,
        full_review_on_recurrence=False,
    )
    rules = TieringRules.from_policy(strict, version=2)
    sev2 = propose_tier(facts(severity=Severity.SEV2, customer_severity=Severity.SEV1), rules)
    assert sev2.tier == ReviewTier.LIGHTWEIGHT
    assert sev2.explanation.startswith("policy version 2: SEV2 is not a full-postmortem severity")
    assert propose_tier(facts(severity=Severity.SEV5, users_affected=10), rules).tier == (
        ReviewTier.FULL
    )
    assert propose_tier(facts(severity=Severity.SEV2, recurrences=5), rules).tier == (
        ReviewTier.LIGHTWEIGHT
    )


def test_an_incident_the_policy_does_not_require_a_review_for_is_proposed_lightweight() -> None:
    proposal = propose_tier(facts(severity=Severity.SEV5), DEFAULTS)
    assert required_tier(facts(severity=Severity.SEV5), DEFAULTS) is None
    assert (proposal.tier, proposal.required) == (ReviewTier.LIGHTWEIGHT, None)
    assert "requires no review" in proposal.explanation


@pytest.mark.parametrize("tier", list(ReviewTier))
def test_deadlines_are_the_policys(tier: ReviewTier) -> None:
    policy = Policy(postmortem_deadline_days=3, lightweight_deadline_days=21)
    rules = TieringRules.from_policy(policy)
    assert rules.deadline_days(tier) == policy.review_deadline_days(tier.value)
    resolved, today = date(2026, 11, 2), date(2026, 11, 28)
    assert rules.due_on(tier, resolved, today) == date(2026, 11, 2 + rules.deadline_days(tier))
    assert rules.due_on(tier, None, today).toordinal() == today.toordinal() + (
        policy.review_deadline_days(tier.value)
    )
