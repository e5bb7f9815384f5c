"""Who should facilitate a review: spreading facilitation across a trained pool.

A review is best led by someone who was not in the incident (they ask the questions
the responders no longer see) and who is not already carrying more than their share,
so that facilitation does not become one person's job and reviews do not queue
behind them. The suggestion is a proposal: the facilitator chooses.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

# Reviews facilitated within this many days count towards a person's share.
SHARE_WINDOW_DAYS = 90


@dataclass(frozen=True)
class FacilitatorLoad:
    person_id: int
    name: str
    trained_on: date | None
    open_reviews: int  # facilitating now: not yet approved
    recent_reviews: int  # facilitated reviews started within SHARE_WINDOW_DAYS
    last_review_on: date | None  # the latest review they facilitated, started on


@dataclass(frozen=True)
class Suggestion:
    suggested: FacilitatorLoad | None
    backup: FacilitatorLoad | None
    fair_share: int  # recent reviews each, rounded up, had the pool shared them evenly
    # Pool members passed over, each with why, in words for the review header.
    passed_over: tuple[tuple[str, str], ...]

    def sentence(self) -> str:
        if self.suggested is None:
            why = "; ".join(f"{name} {reason}" for name, reason in self.passed_over)
            return "No one in the facilitator pool" + (f" is free: {why}." if why else ".")
        text = f"Suggested: {self.suggested.name}"
        if self.backup is not None:
            text += f" (backup: {self.backup.name})"
        return text + "."


def fair_share(pool: Sequence[FacilitatorLoad]) -> int:
    if not pool:
        return 0
    return math.ceil(sum(p.recent_reviews for p in pool) / len(pool))


def suggest(pool: Sequence[FacilitatorLoad], responders: Iterable[int]) -> Suggestion:
    """The least loaded pool member who did not respond and is within the fair share,
    and the next as backup.

    Least loaded: fewest open reviews, then fewest recent ones, then the longest
    since their last review (never first), then by name so the answer is stable.
    """
    took_part = set(responders)
    share = fair_share(pool)
    passed: list[tuple[str, str]] = []
    free: list[FacilitatorLoad] = []
    for member in pool:
        if member.person_id in took_part:
            passed.append((member.name, "took part in the incident"))
        elif member.recent_reviews > share:
            passed.append(
                (
                    member.name,
                    f"facilitated {member.recent_reviews} reviews in {SHARE_WINDOW_DAYS} days, "
                    f"over the fair share of {share}",
                )
            )
        else:
            free.append(member)
    free.sort(
        key=lambda m: (m.open_reviews, m.recent_reviews, m.last_review_on or date.min, m.name)
    )
    return Suggestion(
        suggested=free[0] if free else None,
        backup=free[1] if len(free) > 1 else None,
        fair_share=share,
        passed_over=tuple(passed),
    )


@dataclass(frozen=True)
class Facilitated:
    """One review as the facilitation figures see it."""

    facilitator_id: int
    started_at: datetime
    approved_at: datetime | None


def reviews_that_waited(reviews: Sequence[Facilitated]) -> int:
    """Reviews started while their facilitator still had an earlier one open: the
    queue that forms when one person facilitates for everybody."""
    waited = 0
    for review in reviews:
        if any(
            other is not review
            and other.facilitator_id == review.facilitator_id
            and other.started_at < review.started_at
            and (other.approved_at is None or other.approved_at > review.started_at)
            for other in reviews
        ):
            waited += 1
    return waited
