"""Lifecycle timestamps of an incident and the contradictions we flag.

Source data is sometimes wrong (a ticket resolved before the alert that
detected it). We store what the source says and name the problem, so a
facilitator sees it and the metrics can leave the incident out knowingly.
"""

from collections.abc import Mapping
from datetime import datetime
from operator import itemgetter
from typing import Protocol

LIFECYCLE_FIELDS = (
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "verified_at",
)

# (earlier, later): the first must not come after the second.
ORDER_RULES = (
    ("started_at", "detected_at"),
    ("detected_at", "acknowledged_at"),
    ("started_at", "mitigated_at"),
    ("detected_at", "resolved_at"),
    ("started_at", "resolved_at"),
    ("mitigated_at", "resolved_at"),
    ("resolved_at", "verified_at"),
)


class HasLifecycle(Protocol):
    started_at: datetime | None
    detected_at: datetime | None
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    verified_at: datetime | None


def _short(field: str) -> str:
    return field.removesuffix("_at")


def lifecycle_problems(incident: HasLifecycle) -> list[str]:
    """Names like ``resolved_before_detected`` for each rule the timestamps break."""
    # The rules read straight off the record, without a dict of its times: an import
    # asks this of every incident it inserts.
    problems = []
    for earlier, later in ORDER_RULES:
        first, second = getattr(incident, earlier), getattr(incident, later)
        if first is not None and second is not None and second < first:
            problems.append(f"{_short(later)}_before_{_short(earlier)}")
    return problems


def problems_in(times: "Mapping[str, datetime | None]") -> list[str]:
    """`lifecycle_problems` for times held by name (rows read straight from the database)."""
    problems = []
    for earlier, later in ORDER_RULES:
        first, second = times.get(earlier), times.get(later)
        if first is not None and second is not None and second < first:
            problems.append(f"{_short(later)}_before_{_short(earlier)}")
    return problems


# A flag about the record rather than its times: the incident was made from another
# record's reference to it (a log entry naming an incident the import did not hold), so
# most of what the source knows about it is missing. An import sets it and clears it;
# recomputing the lifecycle problems keeps it.
PARTIAL = "partial"


def joined_flags(problems: list[str], *, partial: bool) -> str:
    """What Incident.consistency_flags stores: the lifecycle problems, then PARTIAL."""
    return ",".join([*problems, *([PARTIAL] if partial else [])])


def refreshed_flags(stored: str, problems: list[str]) -> str:
    """The lifecycle problems recomputed, the record flags of `stored` kept."""
    return joined_flags(problems, partial=PARTIAL in stored.split(","))


def describe_problem(flag: str) -> str:
    """A sentence for the user: 'resolved_before_detected' → 'Resolved before detected'."""
    if flag == PARTIAL:
        return "Partial record, made from another file's reference to it (import the incident)"
    later, _, earlier = flag.partition("_before_")
    return f"{later.capitalize()} before {earlier}" if earlier else flag


# Which event kinds mark which lifecycle moment when a source states none itself:
# the first alert detects, the first acknowledgement acknowledges, and so on.
FIRST_EVENT_OF_KIND = {
    "detected_at": ("alert", "page"),
    "acknowledged_at": ("acknowledge",),
    "mitigated_at": ("mitigate",),
}
LAST_EVENT_OF_KIND = {
    "resolved_at": ("resolve",),
    "verified_at": ("verify",),
}


# The same, by kind: one pass over an incident's events finds every moment.
_FIRST_BY_KIND = {kind: name for name, kinds in FIRST_EVENT_OF_KIND.items() for kind in kinds}
_LAST_BY_KIND = {kind: name for name, kinds in LAST_EVENT_OF_KIND.items() for kind in kinds}


def derive_from_events(events: "list[tuple[str, datetime]]") -> dict[str, datetime]:
    """Lifecycle moments implied by (kind, time) pairs; the caller fills only what is missing."""
    ordered = sorted(events, key=itemgetter(1))
    derived: dict[str, datetime] = {}
    if ordered:
        derived["started_at"] = ordered[0][1]
    # One pass, not one per moment: an import derives this for each of its incidents.
    first_by_kind, last_by_kind = _FIRST_BY_KIND.get, _LAST_BY_KIND.get
    for kind, when in ordered:
        first = first_by_kind(kind)
        if first is not None and first not in derived:
            derived[first] = when
        last = last_by_kind(kind)
        if last is not None:
            derived[last] = when  # a later one of the kind replaces it
    return derived


def effective_lifecycle(
    incident: HasLifecycle, overrides: "dict[str, datetime | None]"
) -> dict[str, datetime | None]:
    """What the review and the metrics use: a facilitator's value where one was set."""
    return {
        name: overrides[name] if name in overrides else getattr(incident, name)
        for name in LIFECYCLE_FIELDS
    }
