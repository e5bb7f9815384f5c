"""After the incident: action-item follow-through, recurrence, postmortem compliance,
and customer-reported vs internal severity.
"""

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from irdesk.domain import tiering
from irdesk.domain.enums import ReviewTier, Severity
from irdesk.domain.metrics.data import (
    ACTION_STATUSES,
    COMPLETED_REVIEW,
    NONE_ID,
    MetricData,
    from_epoch,
)
from irdesk.domain.metrics.kernels.calendar import DAY
from irdesk.domain.metrics.kernels.grouping import (
    distinct_per_group,
    first_appearances,
    split_by_code,
)
from irdesk.domain.metrics.kernels.lookups import lookup, position_in, row_mask
from irdesk.domain.metrics.kernels.sorting import distinct, run_starts
from irdesk.domain.metrics.selection import (
    Group,
    Period,
    groups,
    merged_exclusion,
    restricted,
    time_order,
    without,
)
from irdesk.domain.policy import Policy
from irdesk.domain.tiering import TierFacts, TieringRules

# --- action items -------------------------------------------------------------

ACTION_OUTCOMES = ("done_on_time", "done_late", "open_overdue", "open", "wont_do")


@dataclass(frozen=True)
class FollowThroughRow:
    owner_kind: str  # team or person
    key: str
    label: str
    done_on_time: int
    done_late: int
    open_overdue: int
    open: int
    wont_do: int
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    @property
    def on_time_share(self) -> float:
        """Done on time among the items already due (done, or open past their date)."""
        due = self.done_on_time + self.done_late + self.open_overdue
        return self.done_on_time / due if due else float("nan")


def _day_of(value: datetime) -> float:
    return float(np.floor(value.timestamp() / DAY))


def follow_through_rows(
    data: MetricData, period: Period, as_of: date
) -> tuple[FollowThroughRow, ...]:
    """Items due in the period (or, without a due date, created in it), per owning team and
    person; a person's items count for their team too.

    Won't do; done after its due day (UTC) is late, else on time (also without a due
    date); open or in progress past its due day on `as_of` is overdue, else open.
    """
    items = data.actions
    when = np.where(np.isnan(items.due_day), items.created_day, items.due_day)
    chosen = np.flatnonzero((when >= _day_of(period.start)) & (when < _day_of(period.end)))
    status = items.status[chosen]
    due, done_day = items.due_day[chosen], items.completed_day[chosen]
    today = float((as_of - date(1970, 1, 1)).days)
    done = status == ACTION_STATUSES.index("done")
    code = np.select(
        [
            status == ACTION_STATUSES.index("wont_do"),
            done & (done_day > due),  # NaN (no due date or no completion time) compares False
            done,
            due < today,
        ],
        [
            ACTION_OUTCOMES.index(o)
            for o in ("wont_do", "done_late", "done_on_time", "open_overdue")
        ],
        default=ACTION_OUTCOMES.index("open"),
    )
    person = items.owner_person[chosen]
    team_of = {
        pid: (p.team_id if p.team_id is not None else NONE_ID) for pid, p in data.people.items()
    }
    person_team = lookup(person, team_of, NONE_ID, np.int64)
    team = np.where(person != NONE_ID, person_team, items.owner_team[chosen])
    incident = items.incident[chosen]
    kinds = len(ACTION_OUTCOMES)
    result = []
    for kind, owners in (("team", team), ("person", person)):
        names = data.teams if kind == "team" else data.people
        owned = owners != NONE_ID
        known = distinct(owners[owned])
        # Owners as 0 … n-1, and each (owner, outcome) as one cell number, owner-major: one
        # count and one sort serve every cell.
        who = position_in(known, owners[owned])
        cell = who * kinds + code[owned]
        counts = np.bincount(cell, minlength=len(known) * kinds)
        per_cell = distinct_per_group(cell, incident[owned], len(known) * kinds)
        per_owner = distinct_per_group(who, incident[owned], len(known))
        for k, owner in enumerate(known.tolist()):
            cells = range(k * kinds, (k + 1) * kinds)
            result.append(
                FollowThroughRow(
                    owner_kind=kind,
                    key=str(owner),
                    label=names[owner].name if owner in names else f"{kind} {owner}",
                    **{o: int(counts[c]) for o, c in zip(ACTION_OUTCOMES, cells, strict=True)},
                    ids={
                        **{o: per_cell[c] for o, c in zip(ACTION_OUTCOMES, cells, strict=True)},
                        "count": per_owner[k],
                    },
                )
            )
    result.sort(key=lambda r: (r.owner_kind != "team", r.label))
    return tuple(result)


# --- recurrence ---------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}")
# Per service; beyond this, comparing every pair of distinct titles takes too long.
MAX_WORDINGS_COMPARED = 500


@functools.lru_cache(maxsize=4096)  # the same titles come back on every recomputation
def title_words(title: str) -> frozenset[str]:
    """Words of three letters or more, lower-cased: ids, numbers and hosts drop out."""
    return frozenset(w.lower() for w in _WORD.findall(title))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard: shared words over all words."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True)
class RecurrenceGroup:
    service_id: int
    service: str
    owner_team: str
    title: str  # the earliest incident's
    count: int
    first: datetime
    last: datetime
    owners: tuple[str, ...]  # the owning team, then who resolved them
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)


def _title_classes(words: list[frozenset[str]], threshold: float) -> list[int]:
    """A class per title, joining titles at least `threshold` alike (transitively)."""
    parent = list(range(len(words)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(words)):
        for j in range(i):
            if similarity(words[i], words[j]) >= threshold:
                parent[find(i)] = find(j)
    return [find(i) for i in range(len(words))]


def _class_per_pair(
    data: MetricData, policy: Policy, pairs: np.ndarray, titles: int
) -> tuple[np.ndarray, int]:
    """For each distinct (service code × `titles` + title code) of `pairs` (sorted), its
    title class, numbered service by service and within one by the class's label: the
    order the groups were always found in. Returns (class per pair, number of classes)."""
    inc = data.incidents
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64), 0
    words_of: dict[int, frozenset[str]] = {}
    result = np.zeros(len(pairs), dtype=np.int64)
    starts = run_starts(pairs // titles)  # where each service's pairs begin
    classes_so_far = 0
    for first, last in zip(starts.tolist(), np.r_[starts[1:], len(pairs)].tolist(), strict=True):
        # Compare each distinct wording once, not every pair of incidents.
        wordings: dict[frozenset[str], int] = {}
        word_class = []
        for code in (pairs[first:last] % titles).tolist():
            if code not in words_of:
                words_of[code] = title_words(inc.title_texts[code])
            word_class.append(wordings.setdefault(words_of[code], len(wordings)))
        if len(wordings) <= MAX_WORDINGS_COMPARED:
            classes = _title_classes(list(wordings), policy.recurrence_title_similarity)
        else:  # comparing every pair would take minutes: only identical wordings recur
            classes = list(range(len(wordings)))
        labels = np.array(classes, dtype=np.int64)[word_class]
        known, numbered = np.unique(labels, return_inverse=True)
        result[first:last] = classes_so_far + numbered
        classes_so_far += len(known)
    return result, classes_so_far


def recurrence_groups(
    data: MetricData,
    policy: Policy,
    rows: np.ndarray,
    anchors: np.ndarray,
    timeline: np.ndarray | None = None,
) -> tuple[RecurrenceGroup, ...]:
    """Incidents of one service with similar titles, each within the window of the previous.
    `timeline`: `time_order(data, anchors)`, when the caller has it already."""
    inc, ev = data.incidents, data.events
    rows = without(rows, merged_exclusion(data, rows))
    if timeline is None:
        timeline = time_order(data, anchors)
    # In time order, at the same moment by id; no anchor time, no place in time: left out.
    ordered = timeline[row_mask(rows, len(inc))[timeline]]
    window = policy.recurrence_window_days * DAY
    resolver = np.full(len(inc), -1, dtype=np.int64)  # person id per incident row
    resolved_rows = data.resolver_rows
    known = resolved_rows >= 0
    resolver[resolved_rows[known]] = ev.resolver_person[known]
    services = distinct(inc.service[ordered])
    titles = len(inc.title_texts)
    # (service, title) as one number, service-major, as `_class_per_pair` takes them.
    pair = position_in(services, inc.service[ordered]) * titles + inc.title_codes[ordered]
    pairs = distinct(pair)
    class_of_pair, classes = _class_per_pair(data, policy, pairs, titles)
    # One split of the incidents by class; each class's incidents stay in time order.
    order, bounds = split_by_code(class_of_pair[position_in(pairs, pair)], classes)
    service_of_class = np.zeros(classes, dtype=np.int64)
    service_of_class[class_of_pair] = services[pairs // titles]
    seq = ordered[order]  # class by class, each class in time order
    # A chain starts with each class and after each gap longer than the window.
    starts = np.zeros(len(seq), dtype=bool)
    starts[1:] = np.diff(anchors[seq]) > window
    starts[bounds[:-1]] = True
    first = np.flatnonzero(starts)
    lengths = np.diff(np.append(first, len(seq)))
    # Only chains of two or more recur: most are single incidents, dropped here at once.
    # `entries` are the incidents of the chains that recur, chain after chain.
    recurs = lengths >= 2
    entries = seq[np.repeat(recurs, lengths)]
    first, lengths = first[recurs], lengths[recurs]
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    chain_class = np.searchsorted(bounds, first, side="right") - 1
    # Who resolved each chain's incidents, each person once, in order of first appearance.
    chain_of = np.repeat(np.arange(len(lengths)), lengths)
    who = resolver[entries]
    # Only people of the directory are named (-1, nobody, is not among them).
    named_person = np.isin(who, np.fromiter(data.people, dtype=np.int64, count=len(data.people)))
    new = first_appearances(chain_of, who) & named_person
    resolvers_before = np.zeros(len(entries) + 1, dtype=np.int64)
    np.cumsum(new, out=resolvers_before[1:])
    resolver_bounds = resolvers_before[offsets].tolist()
    resolver_names = [data.people[p].name for p in who[new].tolist()]
    # Per chain, every value the rows below need, taken from numpy once for all chains.
    first_rows, last_rows = entries[offsets[:-1]], entries[offsets[1:] - 1]
    first_times, last_times = anchors[first_rows].tolist(), anchors[last_rows].tolist()
    chain_titles = [inc.title_texts[code] for code in inc.title_codes[first_rows].tolist()]
    ids = inc.ids[entries]
    chain_services = service_of_class[chain_class].tolist()
    chain_bounds = offsets.tolist()
    # Per service once: its name, its owning team's name, and the owners that team starts.
    named: dict[int, tuple[str, str, tuple[str, ...]]] = {}
    for service_id in set(chain_services):
        info = data.services.get(service_id)
        team = data.teams.get(info.owner_team_id) if info and info.owner_team_id else None
        named[service_id] = (
            info.name if info else "no service",
            team.name if team else "",
            (team.name,) if team else (),
        )
    result = []
    for k, (service_id, length) in enumerate(zip(chain_services, lengths.tolist(), strict=True)):
        service, owner_team, owned_by = named[service_id]
        names = resolver_names[resolver_bounds[k] : resolver_bounds[k + 1]]
        result.append(
            RecurrenceGroup(
                service_id=service_id,
                service=service,
                owner_team=owner_team,
                title=chain_titles[k],
                count=length,
                first=from_epoch(first_times[k]),
                last=from_epoch(last_times[k]),
                owners=owned_by + tuple(names),
                ids={"count": ids[chain_bounds[k] : chain_bounds[k + 1]]},
            )
        )
    # The title last: chains of different classes may start at the same moment.
    result.sort(key=lambda g: (-g.count, g.service, g.first, g.title))
    return tuple(result)


# --- postmortem compliance ----------------------------------------------------

COMPLETED = COMPLETED_REVIEW


@dataclass(frozen=True)
class ComplianceRow:
    tier: str  # full, lightweight, all
    required: int
    on_time: int
    late: int
    undated: int  # completed, but the approval time is unknown
    overdue: int  # not completed, deadline passed
    pending: int  # not completed, deadline ahead (or the incident still open)
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    @property
    def compliance(self) -> float:
        """Completed on time among the reviews already due."""
        due = self.on_time + self.late + self.undated + self.overdue
        return self.on_time / due if due else float("nan")


def _severity(rank: int) -> Severity | None:
    return Severity(f"SEV{rank}") if rank else None


def required_tier(data: MetricData, policy: Policy, row: int, recurring: bool) -> str | None:
    """full, lightweight or None, by `tiering.required_tier`: the rule the Review tab
    proposes from. `recurring`: the incident is in one of `recurrence_groups`."""
    inc = data.incidents
    users = inc.users_affected[row]
    facts = TierFacts(
        severity=_severity(int(inc.severity[row])),
        customer_severity=_severity(int(inc.customer_severity[row])),
        users_affected=None if np.isnan(users) else int(users),
        recurrences=1 if recurring else 0,
        regulatory_exposure=bool(inc.regulatory[row]),
    )
    tier = tiering.required_tier(facts, TieringRules.from_policy(policy))
    return tier.value if tier is not None else None


# Tier codes of `tier_codes`, standing for "", "full" and "lightweight".
NO_TIER, FULL, LIGHTWEIGHT = 0, 1, 2
TIER_NAMES = ("", "full", "lightweight")


def tier_codes(
    data: MetricData, policy: Policy, rows: np.ndarray, recurring: np.ndarray
) -> np.ndarray:
    """`required_tiers` as the codes NO_TIER, FULL or LIGHTWEIGHT (int8): the compliance
    figures compare tiers over every incident, and small numbers compare in one vectorised
    pass where strings compare character by character."""
    inc = data.incidents
    rules = TieringRules.from_policy(policy)
    sev = inc.severity[rows]

    def among(severities: frozenset[str]) -> np.ndarray:
        """Whether each severity rank (0 … 5) is one of `severities`: a table to index."""
        table = np.zeros(6, dtype=bool)
        table[[int(s[-1]) for s in severities]] = True
        return table

    full = among(rules.full_severities)[sev]
    full |= among(rules.full_customer_severities)[inc.customer_severity[rows]]
    if rules.full_at_users_affected is not None:
        full |= inc.users_affected[rows] >= rules.full_at_users_affected  # NaN compares False
    if rules.full_if_regulatory:
        full |= inc.regulatory[rows]
    if rules.full_on_recurrence:
        full |= recurring
    light = ~full & among(rules.lightweight_severities)[sev]
    codes = np.full(len(rows), NO_TIER, dtype=np.int8)
    codes[full] = FULL
    codes[light] = LIGHTWEIGHT
    return codes


def required_tiers(
    data: MetricData, policy: Policy, rows: np.ndarray, recurring: np.ndarray
) -> np.ndarray:
    """`required_tier` for many incidents at once: "full", "lightweight" or "" per row;
    `recurring` is a mask over `rows`. The same rule over columns (a test holds them equal)."""
    names: np.ndarray = np.array(TIER_NAMES)[tier_codes(data, policy, rows, recurring)]
    return names


OUTCOMES = ("on_time", "late", "undated", "overdue", "pending")


def compliance_rows(
    data: MetricData,
    policy: Policy,
    rows: np.ndarray,
    recurring: np.ndarray,
    as_of: datetime,
) -> tuple[ComplianceRow, ...]:
    inc = data.incidents
    rows = without(rows, merged_exclusion(data, rows))
    ids = inc.ids[rows]
    tiers = tier_codes(data, policy, rows, recurring[rows])
    rules = TieringRules.from_policy(policy)
    days = np.where(
        tiers == FULL,
        rules.deadline_days(ReviewTier.FULL),
        rules.deadline_days(ReviewTier.LIGHTWEIGHT),
    )
    deadline = inc.resolved[rows] + days * DAY  # NaN while unresolved
    done = np.zeros(len(rows), dtype=bool)
    approved = np.full(len(rows), np.nan)
    position = np.full(len(inc), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    review_rows, review_approved = data.completed_reviews
    n = position[review_rows]
    done[n[n >= 0]] = True
    approved[n[n >= 0]] = review_approved[n >= 0]
    now = as_of.timestamp()
    undated = done & np.isnan(approved)
    # A completed review of a still-open incident has no deadline yet: on time.
    on_time = done & ~undated & (np.isnan(deadline) | (approved <= deadline))
    late = done & ~undated & ~on_time
    overdue = ~done & (deadline < now)
    pending = ~done & ~overdue
    masks = dict(zip(OUTCOMES, (on_time, late, undated, overdue, pending), strict=True))
    result = []
    for tier in ("all", "full", "lightweight"):
        chosen = tiers != NO_TIER if tier == "all" else tiers == TIER_NAMES.index(tier)
        parts = {k: ids[chosen & m] for k, m in masks.items()}
        result.append(
            ComplianceRow(
                tier=tier,
                required=int(chosen.sum()),
                **{k: len(v) for k, v in parts.items()},
                ids={"count": ids[chosen], **parts},
            )
        )
    return tuple(result)


# --- severity mismatch --------------------------------------------------------


@dataclass(frozen=True)
class MismatchRow:
    key: str
    label: str
    compared: int  # incidents with both severities
    mismatched: int
    customer_worse: int  # customers rated it more severe than we did
    internal_worse: int
    ids: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    @property
    def share(self) -> float:
        return self.mismatched / self.compared if self.compared else float("nan")


def mismatch_rows(
    data: MetricData, rows: np.ndarray, by: str, grouped: list[Group] | None = None
) -> tuple[MismatchRow, ...]:
    """`grouped`: `groups(data, rows, by)`, when the caller has it already."""
    inc = data.incidents
    rows = without(rows, merged_exclusion(data, rows))
    grouped = groups(data, rows, by) if grouped is None else restricted(grouped, ~inc.merged)
    result = []
    for group in [Group("all", "All", rows), *grouped]:
        r = group.rows
        ours, theirs = inc.severity[r], inc.customer_severity[r]
        both = (ours > 0) & (theirs > 0)
        worse_for_customer = both & (theirs < ours)  # SEV1 is rank 1: lower is worse
        worse_inside = both & (theirs > ours)
        result.append(
            MismatchRow(
                key=group.key,
                label=group.label,
                compared=int(both.sum()),
                mismatched=int((worse_for_customer | worse_inside).sum()),
                customer_worse=int(worse_for_customer.sum()),
                internal_worse=int(worse_inside.sum()),
                ids={
                    "count": inc.ids[r[both]],
                    "mismatched": inc.ids[r[worse_for_customer | worse_inside]],
                    "customer_worse": inc.ids[r[worse_for_customer]],
                    "internal_worse": inc.ids[r[worse_inside]],
                },
            )
        )
    return tuple(result)
