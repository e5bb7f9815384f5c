"""The kernels that keep an order they are given instead of sorting again give exactly what
a plain Python version gives.

Events arrive grouped per incident, so their incident ids are in order; the per-group
distinct values, the fullest bucket by counting, the merge of two sorted lists, each
run's first appearances, the intervals searched person by person and the policy's
exclusions use that (or a count) instead of a sort. Each is held here to a plain Python
version written out below: on seeded random data (small, so that both the ordered path
and the general one are taken, with ties, empty groups and far-apart values) and on the
incidents of a real sample.
"""

from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest
from testdata import SHARED_DATA

from irdesk.domain.metrics.data import IncidentInput, MetricData, incident_columns
from irdesk.domain.metrics.kernels.grouping import (
    distinct_per_group,
    distinct_per_group_of_sorted,
    first_appearances,
    fullest_bucket_per_group,
    inside_intervals,
)
from irdesk.domain.metrics.kernels.lookups import position_in
from irdesk.domain.metrics.kernels.sorting import is_sorted, merge_order
from irdesk.domain.metrics.selection import EXTERNAL, TECH_DEBT, policy_exclusions
from irdesk.domain.policy import Policy
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database

SEEDS = range(40)

# --- plain Python versions -------------------------------------------------------


def plain_distinct_per_group(group: list[int], values: list[int], groups: int) -> list[list[int]]:
    return [
        sorted({v for g, v in zip(group, values, strict=True) if g == k}) for k in range(groups)
    ]


def plain_fullest_bucket(group: list[int], buckets: list[float], groups: int) -> list[int]:
    counts = Counter(zip(group, [int(b) for b in buckets], strict=True))
    return [max((n for (g, _), n in counts.items() if g == k), default=0) for k in range(groups)]


def plain_first_appearances(run: list[int], values: list[int]) -> list[bool]:
    seen: set[tuple[int, int]] = set()
    keep = []
    for pair in zip(run, values, strict=True):
        keep.append(pair not in seen)
        seen.add(pair)
    return keep


def plain_inside(
    keys: list[int], times: list[float], intervals: list[tuple[int, float, float]]
) -> list[bool]:
    return [
        any(k == o and s <= t < e for o, s, e in intervals)
        for k, t in zip(keys, times, strict=True)
    ]


def as_lists(parts: list[np.ndarray]) -> list[list[int]]:
    return [p.tolist() for p in parts]


# --- seeded random data ----------------------------------------------------------


def group_and_values(seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Up to 60 entries of up to 7 groups (some empty); values incident ids with repeats,
    sorted for even seeds (the events' order) and shuffled for odd ones."""
    rng = np.random.default_rng(seed)
    n, groups = int(rng.integers(0, 60)), int(rng.integers(1, 8))
    group = rng.integers(0, groups, n)
    values = rng.integers(1, 12, n) * (10 ** int(rng.integers(0, 13)))  # up to 2**40
    if seed % 2 == 0:
        values = np.sort(values)
    return group, values.astype(np.int64), groups


@pytest.mark.parametrize("seed", SEEDS)
def test_distinct_values_per_group_are_each_groups_sorted_set(seed: int) -> None:
    group, values, groups = group_and_values(seed)
    plain = plain_distinct_per_group(group.tolist(), values.tolist(), groups)
    assert as_lists(distinct_per_group(group, values, groups)) == plain
    if is_sorted(values):
        assert as_lists(distinct_per_group_of_sorted(group, values, groups)) == plain


@pytest.mark.parametrize("seed", SEEDS)
def test_positions_in_a_narrow_type_are_the_same_positions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Small ids (a table) for even seeds, far apart ones (a binary search) for odd ones.
    known = np.unique(rng.integers(0, 50 if seed % 2 == 0 else 2**40, int(rng.integers(1, 9))))
    keys = known[rng.integers(0, len(known), int(rng.integers(0, 30)))]
    plain = [known.tolist().index(k) for k in keys.tolist()]
    positions = position_in(known, keys, np.int32)
    assert positions.dtype == np.int32 and positions.tolist() == plain


@pytest.mark.parametrize("seed", SEEDS)
def test_the_fullest_bucket_counted_or_sorted_is_the_largest_count_per_group(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, groups = int(rng.integers(0, 80)), int(rng.integers(1, 6))
    group = rng.integers(0, groups, n)
    # Few buckets (a shift or week number: counted in a table) or far apart (sorted).
    spread = 5 if seed % 2 == 0 else 2**40
    buckets = (rng.integers(0, 4, n) * spread + 1000).astype(np.float64)
    expected = plain_fullest_bucket(group.tolist(), buckets.tolist(), groups)
    assert fullest_bucket_per_group(group, buckets, groups).tolist() == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_two_sorted_lists_merge_in_a_stable_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    first = np.sort(rng.integers(0, 20, int(rng.integers(0, 30))))
    second = rng.integers(0, 20, int(rng.integers(0, 30)))
    if seed % 2 == 0:
        second = np.sort(second)
    both = first.tolist() + second.tolist()
    plain = sorted(range(len(both)), key=lambda i: (both[i], i))
    assert merge_order(first, second).tolist() == plain
    assert is_sorted(np.array(both, dtype=np.int64)) == (both == sorted(both))


@pytest.mark.parametrize("seed", SEEDS)
def test_first_appearances_are_what_dict_fromkeys_keeps_of_each_run(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 50))
    run = np.sort(rng.integers(0, 6, n))
    values = rng.integers(-1, 5, n)  # -1: nobody resolved it
    assert first_appearances(run, values).tolist() == plain_first_appearances(
        run.tolist(), values.tolist()
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_times_inside_intervals_with_keys_grouped_or_not(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    keys = rng.integers(0, 5, n)
    if seed % 2 == 0:
        keys = np.sort(keys)  # person by person, as the rotations hand them over
    times = rng.integers(0, 50, n).astype(np.float64)
    intervals = [
        (int(rng.integers(0, 5)), float(s), float(s + rng.integers(0, 15)))
        for s in rng.integers(0, 50, int(rng.integers(0, 8)))
    ]
    owners = np.array([i[0] for i in intervals], dtype=np.int64)
    starts = np.array([i[1] for i in intervals], dtype=np.float64)
    ends = np.array([i[2] for i in intervals], dtype=np.float64)
    assert inside_intervals(keys, times, owners, starts, ends).tolist() == plain_inside(
        keys.tolist(), times.tolist(), intervals
    )


def plain_policy_exclusions(
    ids: list[int], external: list[bool], debt: list[bool], policy: Policy
) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = {}
    for i, e, d in sorted(zip(ids, external, debt, strict=True)):
        found = [EXTERNAL] * (e and policy.exclude_external_cause) + [TECH_DEBT] * (
            d and policy.exclude_approved_tech_debt
        )
        if found:
            reasons[i] = found
    return reasons


@pytest.mark.parametrize("seed", SEEDS)
def test_policy_exclusions_name_every_reason_in_id_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 25))
    ids = rng.permutation(np.arange(1, 100))[:n].tolist()  # out of order for some seeds
    if seed % 3 == 0:
        ids = sorted(ids)
    external = (rng.random(n) < 0.3).tolist()
    debt = (rng.random(n) < 0.3).tolist()
    data = MetricData(
        incident_columns(
            [
                IncidentInput(id=i, external_cause=e, approved_tech_debt=d)
                for i, e, d in zip(ids, external, debt, strict=True)
            ]
        )
    )
    policy = Policy(exclude_external_cause=seed % 4 != 1, exclude_approved_tech_debt=seed % 4 != 2)
    rows = np.arange(n)
    assert policy_exclusions(data, policy, rows) == plain_policy_exclusions(
        data.incidents.ids.tolist(), external, debt, policy
    )


# --- a real sample -----------------------------------------------------------------


def test_on_a_real_sample_the_kernels_match_the_plain_versions(database: Database) -> None:
    """/work/shared/data/pagerduty_incidents_page.json: 26 incidents of two services (WD:
    Payments, WD: Storage), each with who acted in it (26 participations, grouped by
    incident as every read gives them) and who resolved it (25)."""
    run_import(database, [SHARED_DATA / "pagerduty_incidents_page.json"])
    data = load_metric_data(database)
    ev = data.events
    assert len(data.incidents) == 26 and len(ev.part_person) == 26
    assert is_sorted(ev.part_incident)  # the order the faster paths rely on
    people = sorted(set(ev.part_person.tolist()))
    who = np.searchsorted(np.array(people), ev.part_person)
    plain = plain_distinct_per_group(who.tolist(), ev.part_incident.tolist(), len(people))
    assert as_lists(distinct_per_group(who, ev.part_incident, len(people))) == plain
    # The incidents each person acted in or resolved: two incident-ordered lists merged.
    resolvers = np.searchsorted(np.array(people), ev.resolver_person)
    known = np.isin(ev.resolver_person, people)
    merged = merge_order(ev.part_incident, ev.resolver_incident[known])
    both_who = np.concatenate([who, resolvers[known]])[merged]
    both_incidents = np.concatenate([ev.part_incident, ev.resolver_incident[known]])[merged]
    assert is_sorted(both_incidents)
    assert as_lists(distinct_per_group(both_who, both_incidents, len(people))) == (
        plain_distinct_per_group(
            np.concatenate([who, resolvers[known]]).tolist(),
            np.concatenate([ev.part_incident, ev.resolver_incident[known]]).tolist(),
            len(people),
        )
    )
    # The busiest hour of each person's first actions.
    hours = np.floor(ev.part_first / 3600.0)
    assert fullest_bucket_per_group(who, hours, len(people)).tolist() == plain_fullest_bucket(
        who.tolist(), hours.tolist(), len(people)
    )
    # Resolvers per service, each once, in the order of their incidents.
    service = data.incidents.service[data.resolver_rows]
    assert first_appearances(service, ev.resolver_person).tolist() == plain_first_appearances(
        service.tolist(), ev.resolver_person.tolist()
    )
    # Each action inside its person's span of 4 May 2021, 03:00 to 09:00 UTC.
    low = datetime(2021, 5, 4, 3, tzinfo=UTC).timestamp()
    high = datetime(2021, 5, 4, 9, tzinfo=UTC).timestamp()
    spans = [(p, low, high) for p in people[::2]]
    assert inside_intervals(
        ev.part_person,
        ev.part_first,
        np.array([s[0] for s in spans], dtype=np.int64),
        np.full(len(spans), low),
        np.full(len(spans), high),
    ).tolist() == plain_inside(ev.part_person.tolist(), ev.part_first.tolist(), spans)
