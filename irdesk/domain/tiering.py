"""Which kind of review an incident deserves, by the policy's tiering rules: one rule for
the Review tab's proposal and for the postmortem-compliance figures.

`required_tier` is the rule: a full postmortem when any full-review trigger fires, a
lightweight summary for the policy's lightweight severities, otherwise no review is
required (the compliance figures then do not count the incident). `propose_tier` says
the same with reasons, naming the policy version, and proposes a lightweight summary
when a facilitator starts a review the policy does not require. The facilitator may
choose the other tier and must say why.

What "recurring" means is the metrics' recurrence (`metrics.followup.recurrence_groups`):
another incident on the same service, with a similar title, within the policy's window
of it (or of a chain of such incidents). The caller works it out and passes
`TierFacts.recurrences`; see `storage.tier_facts`.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from irdesk.domain.enums import ReviewTier, Severity
from irdesk.domain.policy import Policy


@dataclass(frozen=True)
class TieringRules:
    """The policy's tiering rules and review deadlines (`from_policy`); nothing of its own."""

    full_severities: frozenset[str]
    lightweight_severities: frozenset[str]
    # The customer's view of the severity counts on its own: an internally minor
    # incident that customers felt as SEV2 may still get the full treatment.
    full_customer_severities: frozenset[str]
    full_at_users_affected: int | None
    full_on_recurrence: bool
    full_if_regulatory: bool
    recurrence_window_days: int
    recurrence_title_similarity: float
    full_deadline_days: int
    lightweight_deadline_days: int
    source: str  # "policy version 2", or "built-in policy defaults"

    @classmethod
    def from_policy(cls, policy: Policy, version: int | None = None) -> "TieringRules":
        return cls(
            full_severities=frozenset(policy.full_review_severities),
            lightweight_severities=frozenset(policy.lightweight_review_severities),
            full_customer_severities=frozenset(policy.full_review_customer_severities),
            full_at_users_affected=policy.full_review_users_affected,
            full_on_recurrence=policy.full_review_on_recurrence,
            full_if_regulatory=policy.full_review_regulatory,
            recurrence_window_days=policy.recurrence_window_days,
            recurrence_title_similarity=policy.recurrence_title_similarity,
            full_deadline_days=policy.review_deadline_days(ReviewTier.FULL.value),
            lightweight_deadline_days=policy.review_deadline_days(ReviewTier.LIGHTWEIGHT.value),
            source="built-in policy defaults" if version is None else f"policy version {version}",
        )

    def deadline_days(self, tier: ReviewTier) -> int:
        return (
            self.full_deadline_days if tier == ReviewTier.FULL else self.lightweight_deadline_days
        )

    def due_on(self, tier: ReviewTier, resolved_on: date | None, today: date) -> date:
        """The review's default due date: the policy's deadline counted from the day the
        incident was resolved, which is what postmortem compliance measures against; from
        `today` while the incident is unresolved (it has no deadline yet)."""
        return (resolved_on or today) + timedelta(days=self.deadline_days(tier))


DEFAULT_RULES = TieringRules.from_policy(Policy())


@dataclass(frozen=True)
class TierFacts:
    """What the rule looks at, taken from the incident and its service's history."""

    severity: Severity | None
    customer_severity: Severity | None
    users_affected: int | None
    # Other incidents in this one's recurrence group (0: it does not recur).
    recurrences: int = 0
    regulatory_exposure: bool = False


@dataclass(frozen=True)
class TierProposal:
    tier: ReviewTier
    required: ReviewTier | None  # what the policy requires; None: no review required
    reasons: tuple[str, ...]
    source: str

    @property
    def explanation(self) -> str:
        return f"{self.source}: {'; '.join(self.reasons)}"


def _full_reasons(facts: TierFacts, rules: TieringRules) -> list[str]:
    reasons: list[str] = []
    if facts.severity is not None and facts.severity.value in rules.full_severities:
        reasons.append(f"severity {facts.severity.value}")
    if (
        facts.customer_severity is not None
        and facts.customer_severity.value in rules.full_customer_severities
    ):
        reasons.append(f"customer impact {facts.customer_severity.value}")
    if (
        rules.full_at_users_affected is not None
        and facts.users_affected is not None
        and facts.users_affected >= rules.full_at_users_affected
    ):
        reasons.append(f"{facts.users_affected:,} users affected")
    if rules.full_on_recurrence and facts.recurrences > 0:
        others = facts.recurrences
        reasons.append(
            f"recurring: {others} similar incident{'s' if others != 1 else ''} on the service "
            f"within {rules.recurrence_window_days} days"
        )
    if rules.full_if_regulatory and facts.regulatory_exposure:
        reasons.append("regulatory exposure")
    return reasons


def required_tier(facts: TierFacts, rules: TieringRules = DEFAULT_RULES) -> ReviewTier | None:
    """The tier the policy requires: full, lightweight, or None (no review required)."""
    if _full_reasons(facts, rules):
        return ReviewTier.FULL
    if facts.severity is not None and facts.severity.value in rules.lightweight_severities:
        return ReviewTier.LIGHTWEIGHT
    return None


def _listed(severities: frozenset[str]) -> str:
    return ", ".join(sorted(severities)) or "none"


def propose_tier(facts: TierFacts, rules: TieringRules = DEFAULT_RULES) -> TierProposal:
    """Full postmortem when any rule fires, each firing rule named; otherwise lightweight,
    saying why the full-review rules did not apply."""
    required = required_tier(facts, rules)
    if required == ReviewTier.FULL:
        return TierProposal(
            ReviewTier.FULL, required, tuple(_full_reasons(facts, rules)), rules.source
        )
    severity = facts.severity.value if facts.severity is not None else None
    full = _listed(rules.full_severities)
    if severity is None:
        why = f"no severity (full postmortems: {full})"
    else:
        why = f"{severity} is not a full-postmortem severity ({full})"
    if required is None:
        why += "; the policy requires no review, so a lightweight summary if you hold one"
    reasons = (why, "no customer-impact, users-affected, recurrence or regulatory rule applies")
    return TierProposal(ReviewTier.LIGHTWEIGHT, required, reasons, rules.source)
