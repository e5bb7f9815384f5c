"""Calibration: teams side by side on how they apply the review standards over a period.

For each team, from its reviews approved in the period: the tier chosen against the
tier `domain.tiering` proposes under the policy then in force, the overrides and
their reasons, the blame flags overridden at approval, the time from the incident's
resolution to the approved review, and the quality of the action items (an owner, a
due date, a linked finding, done on time). A recorded session names who came, what
was discussed and decided, and the policy version it led to.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from irdesk.domain.enums import ReviewTier
from irdesk.domain.review_health import ReviewFact


@dataclass(frozen=True)
class Override:
    label: str
    chosen: ReviewTier
    proposed: ReviewTier
    reason: str


@dataclass(frozen=True)
class BlameOverride:
    label: str
    reason: str


@dataclass(frozen=True)
class TeamCalibration:
    team: str
    reviews: int
    chosen_full: int
    proposed_full: int
    overrides: tuple[Override, ...]
    blame_overrides: tuple[BlameOverride, ...]
    hours_to_approval: float | None  # median, over reviews whose incident was resolved
    actions: int
    with_owner: int
    with_due: int
    linked: int
    done_on_time: int
    due_by_now: int  # with a due date on or before the day the figures are for


def share(part: int, whole: int) -> str:
    return "—" if whole == 0 else f"{part} of {whole} ({part / whole:.0%})"


def hours_text(hours: float | None) -> str:
    if hours is None:
        return "—"
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} d"


def calibrate(reviews: list[ReviewFact], as_of: date) -> list[TeamCalibration]:
    """One entry per team with an approved review among `reviews`, by team name."""
    by_team: dict[str, list[ReviewFact]] = defaultdict(list)
    for review in reviews:
        by_team[review.team].append(review)
    out = []
    for team in sorted(by_team):
        members = sorted(by_team[team], key=lambda r: (r.approved_at, r.label))
        waits = [
            (r.approved_at - r.resolved_at).total_seconds() / 3600
            for r in members
            if r.resolved_at is not None
        ]
        actions = [a for r in members for a in r.actions]
        out.append(
            TeamCalibration(
                team=team,
                reviews=len(members),
                chosen_full=sum(r.tier == ReviewTier.FULL for r in members),
                proposed_full=sum(r.proposed == ReviewTier.FULL for r in members),
                overrides=tuple(
                    Override(r.label, r.tier, r.proposed, r.tier_reason or "(no reason recorded)")
                    for r in members
                    if r.tier != r.proposed
                ),
                blame_overrides=tuple(
                    BlameOverride(r.label, r.blame_override) for r in members if r.blame_override
                ),
                hours_to_approval=statistics.median(waits) if waits else None,
                actions=len(actions),
                with_owner=sum(a.has_owner for a in actions),
                with_due=sum(a.due_on is not None for a in actions),
                linked=sum(a.linked for a in actions),
                done_on_time=sum(a.done_on_time() for a in actions),
                due_by_now=sum(a.due_on is not None and a.due_on <= as_of for a in actions),
            )
        )
    return out


# The side-by-side table's rows: one per measure, one column per team.
MEASURES: tuple[tuple[str, str], ...] = (
    ("reviews", "Reviews approved"),
    ("tiers", "Full reviews: chosen / proposed"),
    ("overrides", "Tier overrides"),
    ("blame", "Blame flags overridden"),
    ("wait", "Resolution to approval (median)"),
    ("owner", "Action items with an owner"),
    ("due", "… with a due date"),
    ("linked", "… linked to a finding"),
    ("on_time", "… done on time (of those due)"),
)


def team_cells(team: TeamCalibration) -> dict[str, str]:
    """The team's column as text, one way for the window, the command and the packet."""
    return {
        "reviews": str(team.reviews),
        "tiers": f"{team.chosen_full} / {team.proposed_full}",
        "overrides": str(len(team.overrides)),
        "blame": str(len(team.blame_overrides)),
        "wait": hours_text(team.hours_to_approval),
        "owner": share(team.with_owner, team.actions),
        "due": share(team.with_due, team.actions),
        "linked": share(team.linked, team.actions),
        "on_time": share(team.done_on_time, team.due_by_now),
    }


@dataclass(frozen=True)
class SessionRecord:
    """A calibration session as recorded; `policy_version` the one it led to, if any."""

    id: int
    held_on: date
    period_from: date
    period_to: date
    attendees: tuple[str, ...]
    discussed: str
    decisions: str
    policy_version: int | None
    policy_note: str | None
    recorded_by: str | None
    revision: int


def calibration_json(
    teams: list[TeamCalibration], sessions: list[SessionRecord], first: date, last: date
) -> dict[str, object]:
    """Teams side by side and the sessions held over the period, for scripts."""
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "measures": [{"key": k, "label": label} for k, label in MEASURES],
        "teams": [
            {
                "team": t.team,
                "cells": team_cells(t),
                "reviews": t.reviews,
                "chosen_full": t.chosen_full,
                "proposed_full": t.proposed_full,
                "overrides": [
                    {
                        "incident": o.label,
                        "chosen": o.chosen.value,
                        "proposed": o.proposed.value,
                        "reason": o.reason,
                    }
                    for o in t.overrides
                ],
                "blame_overrides": [
                    {"incident": b.label, "reason": b.reason} for b in t.blame_overrides
                ],
                "hours_to_approval": t.hours_to_approval,
                "actions": {
                    "total": t.actions,
                    "with_owner": t.with_owner,
                    "with_due": t.with_due,
                    "linked": t.linked,
                    "done_on_time": t.done_on_time,
                    "due_by_now": t.due_by_now,
                },
                # Feedback notes are sealed to their readers; the command holds no key.
                "feedback_notes": None,
            }
            for t in teams
        ],
        "sessions": [
            {
                "id": s.id,
                "held_on": s.held_on.isoformat(),
                "period": [s.period_from.isoformat(), s.period_to.isoformat()],
                "attendees": list(s.attendees),
                "discussed": s.discussed,
                "decisions": s.decisions,
                "policy_version": s.policy_version,
                "policy_note": s.policy_note,
                "recorded_by": s.recorded_by,
            }
            for s in sessions
        ],
    }
