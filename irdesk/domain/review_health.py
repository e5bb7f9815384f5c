"""Review health: what attendees said of their reviews, per tier, team and quarter.

A group (one tier, one team, one quarter of approval) shows its survey figures only
when at least `MIN_GROUP` answers fall in it, so that no answer, anonymous or not,
can be read back from a group of one or two. The overdue rate of its action items
is not survey data and is always shown. Each row names the policy versions in
force when its reviews were approved, so a change to the process can be judged by
what followed it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from irdesk.domain.enums import ActionStatus, ReviewTier

# The smallest group whose survey figures are shown.
MIN_GROUP = 3
NO_TEAM = "no team"


@dataclass(frozen=True)
class SurveyAnswer:
    review_id: int
    useful: int
    safe: int
    hours: float


@dataclass(frozen=True)
class ActionFact:
    due_on: date | None
    status: ActionStatus
    completed_on: date | None
    has_owner: bool
    linked: bool

    def overdue(self, as_of: date) -> bool:
        """Done after its due date, or still not done once the date has passed."""
        if self.due_on is None or self.status == ActionStatus.WONT_DO:
            return False
        if self.status == ActionStatus.DONE:
            return self.completed_on is not None and self.completed_on > self.due_on
        return self.due_on < as_of

    def done_on_time(self) -> bool:
        return (
            self.status == ActionStatus.DONE
            and self.due_on is not None
            and self.completed_on is not None
            and self.completed_on <= self.due_on
        )


@dataclass(frozen=True)
class ReviewFact:
    """One approved review, as calibration and review health read it."""

    review_id: int
    label: str  # the incident, SOURCE:ID
    team: str
    tier: ReviewTier
    proposed: ReviewTier
    tier_reason: str | None
    blame_override: str | None
    resolved_at: datetime | None
    approved_at: datetime
    policy_version: int | None  # in force when it was approved; None: built-in defaults
    actions: tuple[ActionFact, ...]


def quarter(moment: datetime | date) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def version_label(version: int | None) -> str:
    return "defaults" if version is None else f"v{version}"


@dataclass(frozen=True)
class HealthRow:
    tier: ReviewTier
    team: str
    period: str
    reviews: int
    policy_versions: tuple[str, ...]
    answers: int | None  # None: fewer than MIN_GROUP, withheld with every survey figure
    hours_per_review: float | None
    useful: float | None
    safe: float | None
    useful_trend: float | None  # against the same tier and team's previous shown quarter
    safe_trend: float | None
    actions_due: int
    overdue: int

    @property
    def withheld(self) -> bool:
        return self.answers is None

    @property
    def overdue_rate(self) -> float | None:
        return self.overdue / self.actions_due if self.actions_due else None


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def health_rows(
    reviews: list[ReviewFact], answers: list[SurveyAnswer], as_of: date
) -> list[HealthRow]:
    """One row per tier, team and quarter with an approved review; by tier, team, quarter."""
    by_review: dict[int, list[SurveyAnswer]] = defaultdict(list)
    for answer in answers:
        by_review[answer.review_id].append(answer)
    groups: dict[tuple[ReviewTier, str, str], list[ReviewFact]] = defaultdict(list)
    for review in reviews:
        groups[(review.tier, review.team, quarter(review.approved_at))].append(review)
    rows: list[HealthRow] = []
    previous: dict[tuple[ReviewTier, str], HealthRow] = {}
    for key in sorted(groups, key=lambda k: (k[0].value, k[1], k[2])):
        tier, team, period = key
        members = groups[key]
        said = [a for r in members for a in by_review.get(r.review_id, [])]
        actions = [a for r in members for a in r.actions if a.due_on is not None]
        versions = sorted({r.policy_version for r in members}, key=lambda v: (v is not None, v))
        shown = len(said) >= MIN_GROUP
        answered = len({a.review_id for a in said})
        useful = _mean([a.useful for a in said]) if shown else None
        safe = _mean([a.safe for a in said]) if shown else None
        before = previous.get((tier, team))
        row = HealthRow(
            tier=tier,
            team=team,
            period=period,
            reviews=len(members),
            policy_versions=tuple(version_label(v) for v in versions),
            answers=len(said) if shown else None,
            hours_per_review=sum(a.hours for a in said) / answered if shown else None,
            useful=useful,
            safe=safe,
            useful_trend=_trend(useful, before.useful if before else None),
            safe_trend=_trend(safe, before.safe if before else None),
            actions_due=len(actions),
            overdue=sum(a.overdue(as_of) for a in actions),
        )
        if shown:
            previous[(tier, team)] = row
        rows.append(row)
    return rows


def _trend(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


# The table's columns, in order: the window, `irdesk review-health` and the JSON share them.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("tier", "Tier"),
    ("team", "Team"),
    ("period", "Quarter"),
    ("policy", "Policy in force"),
    ("reviews", "Reviews"),
    ("answers", "Answers"),
    ("hours", "Hours per review"),
    ("useful", "Useful (1–5)"),
    ("safe", "Safe to speak (1–5)"),
    ("overdue", "Overdue actions"),
)
WITHHELD = f"fewer than {MIN_GROUP}"


def _signed(value: float | None) -> str:
    if value is None:
        return ""
    if round(value, 1) == 0:
        return "  = 0.0"
    return f"  {'▲' if value > 0 else '▼'} {value:+.1f}"


def health_cells(row: HealthRow) -> dict[str, str]:
    """The row as text, one way for the window, the command and the JSON."""
    rate = row.overdue_rate
    return {
        "tier": row.tier.value,
        "team": row.team,
        "period": row.period,
        "policy": ", ".join(row.policy_versions),
        "reviews": str(row.reviews),
        "answers": WITHHELD if row.answers is None else str(row.answers),
        "hours": "—" if row.hours_per_review is None else f"{row.hours_per_review:.1f}",
        "useful": "—" if row.useful is None else f"{row.useful:.1f}{_signed(row.useful_trend)}",
        "safe": "—" if row.safe is None else f"{row.safe:.1f}{_signed(row.safe_trend)}",
        "overdue": "no due dates"
        if rate is None
        else f"{row.overdue} of {row.actions_due} ({rate:.0%})",
    }


def health_json(
    rows: list[HealthRow],
    versions: list[tuple[int, datetime, str | None]],
    first: date,
    last: date,
    as_of: date,
) -> dict[str, object]:
    """The table for scripts: each row's cells as the window shows them, and raw values.

    A withheld group's survey values are null here too, never the numbers behind them.
    """
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "as_of": as_of.isoformat(),
        "min_group": MIN_GROUP,
        "columns": [{"key": k, "label": label} for k, label in COLUMNS],
        "policy_versions": [
            {"version": n, "saved_at": at.isoformat(), "note": note} for n, at, note in versions
        ],
        "rows": [
            {
                "tier": r.tier.value,
                "team": r.team,
                "period": r.period,
                "policy_versions": list(r.policy_versions),
                "reviews": r.reviews,
                "withheld": r.withheld,
                "answers": r.answers,
                "hours_per_review": r.hours_per_review,
                "useful": r.useful,
                "safe": r.safe,
                "useful_trend": r.useful_trend,
                "safe_trend": r.safe_trend,
                "actions_due": r.actions_due,
                "overdue": r.overdue,
                "cells": health_cells(r),
            }
            for r in rows
        ],
    }
