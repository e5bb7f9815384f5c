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

from irdesk.domain.enums import NoteDimension, ReviewTier
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


# ------------------------------------------------------------ feedback-note dimensions


@dataclass(frozen=True)
class NoteFact:
    """One feedback note on an incident whose review is calibrated: its team, and what
    it speaks to when this reader could open it (nothing is read from a locked note)."""

    team: str
    readable: bool
    dimensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamNotes:
    team: str
    notes: int
    locked: int  # sealed to other readers (or not yet sealed): counted, never read
    dimensions: tuple[tuple[str, int], ...]  # in NoteDimension's order, every one
    none_named: int  # readable notes that name no dimension

    @property
    def readable(self) -> int:
        return self.notes - self.locked


def team_notes(teams: list[str], notes: list[NoteFact]) -> list[TeamNotes]:
    """One entry per calibrated team, in `teams`' order; notes of other teams are left out."""
    out = []
    for team in teams:
        mine = [n for n in notes if n.team == team]
        readable = [n for n in mine if n.readable]
        out.append(
            TeamNotes(
                team=team,
                notes=len(mine),
                locked=len(mine) - len(readable),
                dimensions=tuple(
                    (d.value, sum(d.value in n.dimensions for n in readable)) for d in NoteDimension
                ),
                none_named=sum(not n.dimensions for n in readable),
            )
        )
    return out


NOTE_MEASURES: tuple[tuple[str, str], ...] = (
    ("notes", "Feedback notes"),
    ("locked", "… locked (counted, not read)"),
    *((d.value, f"… about {d.value.replace('_', ' ')}") for d in NoteDimension),
    ("none", "… naming no dimension"),
)


def note_cells(team: TeamNotes, unlocked: bool) -> dict[str, str]:
    """The team's notes column as text. Without a reader's keys only the counts show;
    with them, each dimension's share of the notes this reader could open."""
    cells = {"notes": str(team.notes), "locked": str(team.locked)}
    for dimension, count in team.dimensions:
        cells[dimension] = share(count, team.readable) if unlocked else "—"
    cells["none"] = share(team.none_named, team.readable) if unlocked else "—"
    return cells


def notes_reader_text(reader: str | None, teams: list[TeamNotes]) -> str:
    """Whose keys opened the notes, and how many stayed locked: the window's and the
    packet's one sentence on it."""
    locked = sum(t.locked for t in teams)
    total = sum(t.notes for t in teams)
    if reader is None:
        return (
            f"No reader's keys were used: {total} feedback notes counted, none read. "
            "Unlock the notes to compare what they speak to."
        )
    return (
        f"Feedback-note dimensions read with the keys of {reader}: "
        f"{total - locked} of {total} notes opened; {locked} locked to other readers, "
        "counted and not read."
    )


# ----------------------------------------------------- how teams tag contributing factors

# A factor an organisation may add for what fits no other: its use is compared, not its share.
OTHER_FACTOR = "other"
# A team is flagged when a share of its differs from the other teams' together by this
# much, each side counted over at least MIN_BASE findings (or suggestions): below that
# one finding moves a share by a third or more, which says nothing about practice.
FLAG_GAP = 0.25
MIN_BASE = 3


@dataclass(frozen=True)
class TagFact:
    """A contributing-factor or near-miss finding on a calibrated review."""

    team: str
    factors: tuple[str, ...]  # confirmed by the facilitator
    decided: bool  # the facilitator has set its factors (even to none)
    suggested: tuple[str, ...]  # what its words suggest, under the policy in force then


@dataclass(frozen=True)
class TeamTagging:
    team: str
    findings: int
    tagged: int
    factors: tuple[tuple[str, int], ...]  # findings naming each factor, by name
    other: int  # findings tagged OTHER_FACTOR
    confirmed: int  # suggestions the facilitator confirmed
    rejected: int  # suggestions on decided findings left out
    added: int  # factors confirmed without a suggestion
    pending: int  # suggestions on findings not yet decided

    @property
    def untagged(self) -> int:
        return self.findings - self.tagged

    def count(self, factor: str) -> int:
        return dict(self.factors).get(factor, 0)


def team_tagging(teams: list[str], facts: list[TagFact]) -> list[TeamTagging]:
    """One entry per calibrated team, in `teams`' order."""
    out = []
    for team in teams:
        mine = [f for f in facts if f.team == team]
        counts: dict[str, int] = defaultdict(int)
        for fact in mine:
            for factor in set(fact.factors):
                counts[factor] += 1
        decided = [f for f in mine if f.decided]
        out.append(
            TeamTagging(
                team=team,
                findings=len(mine),
                tagged=sum(bool(f.factors) for f in mine),
                factors=tuple(sorted(counts.items())),
                other=counts.get(OTHER_FACTOR, 0),
                confirmed=sum(len(set(f.suggested) & set(f.factors)) for f in decided),
                rejected=sum(len(set(f.suggested) - set(f.factors)) for f in decided),
                added=sum(len(set(f.factors) - set(f.suggested)) for f in decided),
                pending=sum(len(set(f.suggested)) for f in mine if not f.decided),
            )
        )
    return out


def factor_names(teams: list[TeamTagging]) -> list[str]:
    """Every factor a team used, by name; "other" has a row of its own."""
    return sorted({f for t in teams for f, _ in t.factors if f != OTHER_FACTOR})


def tagging_measures(teams: list[TeamTagging]) -> list[tuple[str, str]]:
    """The factor table's rows: key and label, one row per factor any team used."""
    return [
        ("findings", "Findings: contributing factors and near misses"),
        ("tagged", "… tagged with a factor"),
        ("untagged", "… untagged"),
        ("other", f"… tagged “{OTHER_FACTOR}”"),
        *((f"factor:{f}", f"Factor: {f} (of tagged)") for f in factor_names(teams)),
        ("confirmed", "Suggestions confirmed"),
        ("rejected", "Suggestions rejected"),
        ("added", "Factors added without a suggestion"),
        ("pending", "Suggestions not yet decided"),
    ]


def tagging_cells(team: TeamTagging, factors: list[str]) -> dict[str, str]:
    """The team's factor column as text; `factors`: `factor_names` of every team."""
    decided = team.confirmed + team.rejected
    cells = {
        "findings": str(team.findings),
        "tagged": share(team.tagged, team.findings),
        "untagged": share(team.untagged, team.findings),
        "other": share(team.other, team.tagged),
    }
    for factor in factors:
        cells[f"factor:{factor}"] = share(team.count(factor), team.tagged)
    cells["confirmed"] = share(team.confirmed, decided)
    cells["rejected"] = share(team.rejected, decided)
    cells["added"] = str(team.added)
    cells["pending"] = str(team.pending)
    return cells


def _compared(teams: list[TeamTagging]) -> list[tuple[str, str, dict[str, tuple[int, int]]]]:
    """(what, plural noun, per team (part, whole)) for every share the flags compare."""
    measures = [
        ("tags", "findings", {t.team: (t.tagged, t.findings) for t in teams}),
        (
            f"tags “{OTHER_FACTOR}” on",
            "tagged findings",
            {t.team: (t.other, t.tagged) for t in teams},
        ),
        (
            "rejects",
            "suggestions",
            {t.team: (t.rejected, t.confirmed + t.rejected) for t in teams},
        ),
    ]
    for factor in factor_names(teams):
        measures.append(
            (
                f"tags {factor} on",
                "tagged findings",
                {t.team: (t.count(factor), t.tagged) for t in teams},
            )
        )
    return measures


def tagging_flags(teams: list[TeamTagging]) -> list[str]:
    """Where a team tags differently from the other teams together, one sentence each.

    Two teams differ from each other alike, so between two only the first is named."""
    flags = []
    for what, noun, shares in _compared(teams):
        for team in teams[:1] if len(teams) == 2 else teams:
            part, whole = shares[team.team]
            others = [name for name in shares if name != team.team]
            rest_part = sum(shares[name][0] for name in others)
            rest_whole = sum(shares[name][1] for name in others)
            if whole < MIN_BASE or rest_whole < MIN_BASE:
                continue
            if abs(part / whole - rest_part / rest_whole) >= FLAG_GAP:
                rest = others[0] if len(others) == 1 else "the other teams"
                flags.append(
                    f"{team.team} {what} {share(part, whole)} {noun}; "
                    f"{rest} {share(rest_part, rest_whole)}."
                )
    return flags


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
    teams: list[TeamCalibration],
    sessions: list[SessionRecord],
    first: date,
    last: date,
    *,
    notes: list[TeamNotes] | None = None,
    notes_reader: str | None = None,
    tagging: list[TeamTagging] | None = None,
) -> dict[str, object]:
    """Teams side by side, their notes and factor tagging, and the sessions held over the
    period, for scripts: every `cells` as the window shows it."""
    notes_of = {n.team: n for n in notes or []}
    tagging = tagging or []
    tags_of = {t.team: t for t in tagging}
    factors = factor_names(tagging)
    unlocked = notes_reader is not None
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "measures": [{"key": k, "label": label} for k, label in MEASURES],
        "note_measures": [{"key": k, "label": label} for k, label in NOTE_MEASURES],
        "factor_measures": [{"key": k, "label": label} for k, label in tagging_measures(tagging)],
        # Whose keys opened the notes; None: nobody's, and the dimensions show no figure.
        "notes_reader": notes_reader,
        "notes_summary": notes_reader_text(notes_reader, list(notes_of.values())),
        "factor_flags": tagging_flags(tagging),
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
                "feedback_notes": _notes_json(notes_of.get(t.team), unlocked),
                "factor_tagging": _tagging_json(tags_of.get(t.team), factors),
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


def _notes_json(team: TeamNotes | None, unlocked: bool) -> dict[str, object] | None:
    if team is None:
        return None
    return {
        "cells": note_cells(team, unlocked),
        "notes": team.notes,
        "locked": team.locked,
        # Counts only for a reader who opened the notes: without keys nothing was read.
        "dimensions": dict(team.dimensions) if unlocked else None,
        "none_named": team.none_named if unlocked else None,
    }


def _tagging_json(team: TeamTagging | None, factors: list[str]) -> dict[str, object] | None:
    if team is None:
        return None
    return {
        "cells": tagging_cells(team, factors),
        "findings": team.findings,
        "tagged": team.tagged,
        "untagged": team.untagged,
        "other": team.other,
        "factors": dict(team.factors),
        "suggestions": {
            "confirmed": team.confirmed,
            "rejected": team.rejected,
            "added": team.added,
            "pending": team.pending,
        },
    }
