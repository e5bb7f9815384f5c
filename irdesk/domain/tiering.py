"""Which kind of review an incident deserves: a full postmortem or a lightweight summary.

The rule is a proposal; a facilitator may choose the other tier and must say why.
`TieringRules` holds the thresholds with the defaults below, so that a policy can
later set them without this module changing.
"""

from dataclasses import dataclass

from irdesk.domain.enums import ReviewTier, Severity


@dataclass(frozen=True)
class TieringRules:
    """Any one of these makes a review a full postmortem."""

    # SEV1 and SEV2 (rank 1 and 2) are full postmortems.
    full_at_severity_rank: int = 2
    # The customer's view of the severity counts on its own: an internally minor
    # incident that customers felt as SEV2 still gets the full treatment.
    full_at_customer_severity_rank: int = 2
    full_at_users_affected: int = 1000
    # The same service failing this often within the window is a pattern, not bad luck.
    full_at_recurrences: int = 2
    recurrence_window_days: int = 90
    full_if_regulatory: bool = True


DEFAULT_RULES = TieringRules()


@dataclass(frozen=True)
class TierFacts:
    """What the rule looks at, taken from the incident and its service's history."""

    severity: Severity | None
    customer_severity: Severity | None
    users_affected: int | None
    recurrences: int
    regulatory_exposure: bool = False


@dataclass(frozen=True)
class TierProposal:
    tier: ReviewTier
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)


def propose_tier(facts: TierFacts, rules: TieringRules = DEFAULT_RULES) -> TierProposal:
    """Full postmortem when any rule fires, each firing rule named; otherwise lightweight."""
    reasons: list[str] = []
    if facts.severity is not None and facts.severity.rank <= rules.full_at_severity_rank:
        reasons.append(f"severity {facts.severity.value}")
    if (
        facts.customer_severity is not None
        and facts.customer_severity.rank <= rules.full_at_customer_severity_rank
    ):
        reasons.append(f"customer impact {facts.customer_severity.value}")
    if facts.users_affected is not None and facts.users_affected >= rules.full_at_users_affected:
        reasons.append(f"{facts.users_affected:,} users affected")
    if facts.recurrences >= rules.full_at_recurrences:
        reasons.append(
            f"recurring: {facts.recurrences} earlier incidents on the service "
            f"in {rules.recurrence_window_days} days"
        )
    if rules.full_if_regulatory and facts.regulatory_exposure:
        reasons.append("regulatory exposure")
    if reasons:
        return TierProposal(ReviewTier.FULL, tuple(reasons))
    return TierProposal(
        ReviewTier.LIGHTWEIGHT, ("no severity, customer-impact or recurrence rule applies",)
    )
