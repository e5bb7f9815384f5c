"""The tier a review is proposed: full postmortem or lightweight summary, and why."""

from irdesk.domain.enums import ReviewTier, Severity
from irdesk.domain.tiering import TierFacts, TieringRules, propose_tier


def facts(**changes: object) -> TierFacts:
    base: dict[str, object] = {
        "severity": Severity.SEV4,
        "customer_severity": None,
        "users_affected": None,
        "recurrences": 0,
    }
    return TierFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_a_minor_one_off_incident_gets_a_lightweight_summary() -> None:
    proposal = propose_tier(facts())
    assert proposal.tier == ReviewTier.LIGHTWEIGHT


def test_each_rule_alone_makes_it_a_full_postmortem_and_says_so() -> None:
    cases = {
        "severity SEV2": facts(severity=Severity.SEV2),
        "customer impact SEV1": facts(customer_severity=Severity.SEV1),
        "5,000 users affected": facts(users_affected=5000),
        "recurring: 3 earlier incidents": facts(recurrences=3),
        "regulatory exposure": facts(regulatory_exposure=True),
    }
    for reason, case in cases.items():
        proposal = propose_tier(case)
        assert proposal.tier == ReviewTier.FULL, reason
        assert reason in proposal.explanation


def test_thresholds_come_from_the_rules() -> None:
    strict = TieringRules(full_at_severity_rank=4, full_at_users_affected=10)
    assert propose_tier(facts(), strict).tier == ReviewTier.FULL
    assert propose_tier(facts(severity=Severity.SEV5, users_affected=9), strict).tier == (
        ReviewTier.LIGHTWEIGHT
    )
    lax = TieringRules(full_at_severity_rank=1, full_at_recurrences=10)
    assert propose_tier(facts(severity=Severity.SEV2, recurrences=5), lax).tier == (
        ReviewTier.LIGHTWEIGHT
    )
