"""The parts of the big tables the figures of one period read (`period_parts`), so that a
year of a decade's file costs what a year costs.

The incidents are found by the index on their start (`selection.reach` says how far back
the figures look), together with those the index cannot place: no start, an impact still
going at the reach's start (their SLO impact counts), a facilitator's corrected times, a
merge. Their ids make runs; each run is read in parts as the whole table is, and with it
every timeline event of its incidents (from the timeline's index alone, which holds what
the figures read of an event: `metric_scans.events_of_incidents`). An incident that is read although no figure of
the period counts it (an id inside a run) changes no figure: only the period's incidents,
and impacts or pages within the period, are counted. One thing the index cannot find
without reading every event: a page within the period of an incident that began before
the reach and whose impact ended before it (a page weeks after the outage was over);
such a page (or one before the start of an incident that began after the period) is not
counted by a period read.

Stored times are compared as stored text, one day wider on either side than asked: a
time stored in another form (an offset, a "T") still sorts within a day of its instant.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from irdesk.domain.metrics.kernels.sorting import distinct
from irdesk.domain.metrics.selection import Period, reach
from irdesk.domain.policy import Policy
from irdesk.storage.bulk.column_scan import Column, read_columns
from irdesk.storage.bulk.metric_scans import (
    EVENT_PART_INCIDENTS,
    INCIDENT_PART_ROWS,
    Cursor,
    event_ranges,
    incident_ranges,
    split_range,
)

STORED = "%Y-%m-%d %H:%M:%S.%f"
MARGIN = timedelta(days=1)
# Ids further apart than this start a new run: reading the incidents between costs more
# than a statement of its own. At most MAX_RUNS runs: beyond that, the closest merge.
GAP = 4 * INCIDENT_PART_ROWS
MAX_RUNS = 32

# Each of these is cheap on its own: an index range or a small table. The impacts still
# going at the reach's start (an end, the mitigation else the resolution, that is missing
# or later) are three ranges of the index on (mitigation, resolution, start), each read
# from the index alone: mitigated since; not mitigated and resolved since; neither.
REACHED = """
SELECT id FROM incident INDEXED BY ix_incident_started_at
WHERE started_at >= :low AND started_at < :high
UNION ALL
SELECT id FROM incident INDEXED BY ix_incident_started_at WHERE started_at IS NULL
UNION ALL
SELECT id FROM incident INDEXED BY ix_incident_impact_end
WHERE mitigated_at >= :low AND started_at < :low
UNION ALL
SELECT id FROM incident INDEXED BY ix_incident_impact_end
WHERE mitigated_at IS NULL AND resolved_at >= :low AND started_at < :low
UNION ALL
SELECT id FROM incident INDEXED BY ix_incident_impact_end
WHERE mitigated_at IS NULL AND resolved_at IS NULL AND started_at < :low
UNION ALL
SELECT incident_id FROM lifecycle_override
UNION ALL
SELECT incident_id FROM incident_merge
UNION ALL
SELECT into_id FROM incident_merge
"""
# The first and last start, each from one end of the index on it.
STARTS = """
SELECT (SELECT min(started_at) FROM incident INDEXED BY ix_incident_started_at),
       (SELECT max(started_at) FROM incident INDEXED BY ix_incident_started_at)
"""
REACHED_IDS = (Column("id", "id", "int", nullable=False),)


@dataclass(frozen=True)
class Parts:
    incidents: list[tuple[int, int]]  # id ranges, inclusive
    # The events: either ranges of event ids (the whole table, in id order) or ranges of
    # incident ids whose events are read from the timeline's index (in its order).
    events: list[tuple[int, int]]
    events_by_incident: bool = False


def whole_parts(cur: Cursor) -> Parts:
    """Every incident and event."""
    return Parts(incident_ranges(cur), event_ranges(cur))


def runs(ids: np.ndarray) -> list[tuple[int, int]]:
    """Sorted distinct `ids` as (first, last) runs: split where ids lie more than GAP apart,
    at the MAX_RUNS - 1 widest such gaps."""
    if len(ids) == 0:
        return []
    gaps = np.diff(ids)
    wide = np.flatnonzero(gaps > GAP)
    if len(wide) >= MAX_RUNS:
        wide = np.sort(wide[np.argsort(gaps[wide], kind="stable")[-(MAX_RUNS - 1) :]])
    firsts = np.r_[ids[0], ids[wide + 1]]
    lasts = np.r_[ids[wide], ids[-1]]
    return list(zip(firsts.tolist(), lasts.tolist(), strict=True))


def period_parts(cur: Cursor, period: Period, policy: Policy) -> Parts:
    """The parts whose incidents and events the figures of `period` under `policy` read."""
    longest = cur.execute("SELECT max(slo_window_days) FROM service").fetchone()[0] or 0
    span = reach(period, policy, longest)
    bounds = {
        "low": (span.start - MARGIN).strftime(STORED),
        "high": (span.end + MARGIN).strftime(STORED),
    }
    first, last = cur.execute(STARTS).fetchone()
    if first is None or (first >= bounds["low"] and last < bounds["high"]):
        return whole_parts(cur)  # every start within the reach (ten years of ten): all
    # A year of a decade's file reaches some hundred thousand ids: one string, not a row each.
    reached = read_columns(cur, REACHED_IDS, f"FROM ({REACHED})", bounds)
    found_ids = (
        reached["id"]
        if reached is not None
        else np.array([r[0] for r in cur.execute(REACHED, bounds)], dtype=np.int64)
    )
    ids = distinct(found_ids)  # not np.unique, which hashes: slow on this many ids
    # Two subqueries: SQLite finds a lone min() or max() of the rowid at once, and scans
    # the table for both in one SELECT (`metric_scans.id_ranges`).
    whole = cur.execute(
        "SELECT (SELECT min(id) FROM incident), (SELECT max(id) FROM incident)"
    ).fetchone()
    found = runs(ids)
    if found == [tuple(whole)]:
        return whole_parts(cur)  # the whole table: no need to pick its events
    incidents: list[tuple[int, int]] = []
    events: list[tuple[int, int]] = []
    for first, last in found:
        incidents += split_range(first, last, INCIDENT_PART_ROWS)
        events += split_range(first, last, EVENT_PART_INCIDENTS)
    return Parts(incidents, events, events_by_incident=True)
