"""The metrics' big tables read the ordinary way, row by row, for a table whose column
scan (`metric_scans`) met a value it could not parse. Slower, and exactly as complete:
tests hold both ways to the same columns, dtypes included."""

from typing import Any

import numpy as np

from irdesk.domain.enums import EventKind
from irdesk.domain.metrics.data import (
    ACTION_STATUSES,
    LIFECYCLE,
    NONE_ID,
    ActionColumns,
    epoch_from_text,
    factorize_titles,
)
from irdesk.domain.metrics.kernels.calendar import DAY
from irdesk.storage.bulk.metric_scans import OF_PERIOD, Cursor, EventArrays, IncidentFields

RANK = "CAST(substr({0}, 4, 1) AS INTEGER)"  # SEV3 → 3
# Times as stored (UTC text), parsed by numpy: julianday() per row would cost more.
INCIDENTS = f"""
SELECT i.id, i.title, i.service_id, {RANK.format("i.severity")}, {RANK.format("i.customer_severity")},
       {", ".join(f"i.{name}_at" for name in LIFECYCLE)},
       i.users_affected, i.downtime_cost, i.external_cause, i.approved_tech_debt,
       i.regulatory_exposure
FROM incident i WHERE i.id BETWEEN ? AND ? ORDER BY i.id
"""
# Beyond any id SQLite gives: the whole table.
ALL_IDS = (-(2**63), 2**63 - 1)
EVENTS = f"""
SELECT incident_id, actor_person_id, occurred_at,
       kind = '{EventKind.PAGE}', kind = '{EventKind.RESOLVE}'
FROM timeline_event WHERE actor_person_id IS NOT NULL ORDER BY id
"""
ACTIONS = """
SELECT a.id, r.incident_id, a.title, a.owner_person_id, a.owner_team_id, a.due_on, a.status,
       a.completed_at, a.created_at
FROM action_item a JOIN review r ON r.id = a.review_id
"""


def _columns(rows: list[tuple[Any, ...]], count: int) -> list[list[Any]]:
    return [[r[i] for r in rows] for i in range(count)]


def _ids(values: list[Any]) -> np.ndarray:
    return np.array([NONE_ID if v is None else v for v in values], dtype=np.int64)


def incident_fields_by_rows(cur: Cursor, ids: tuple[int, int] = ALL_IDS) -> IncidentFields:
    """The incidents of ids `ids` (an inclusive range; by default all)."""
    c = _columns(cur.execute(INCIDENTS, ids).fetchall(), 16)
    return {
        "ids": np.array(c[0], dtype=np.int64),
        **factorize_titles(c[1]),
        "service": _ids(c[2]),
        "severity": np.array([s or 0 for s in c[3]], dtype=np.int8),
        "customer_severity": np.array([s or 0 for s in c[4]], dtype=np.int8),
        **{name: epoch_from_text(c[5 + n]) for n, name in enumerate(LIFECYCLE)},
        "users_affected": np.array(c[11], dtype=np.float64),
        "downtime_cost": np.array(c[12], dtype=np.float64),
        "external_cause": np.array(c[13], dtype=bool),
        "tech_debt": np.array(c[14], dtype=bool),
        "regulatory": np.array(c[15], dtype=bool),
    }


def events_by_rows(cur: Cursor) -> EventArrays:
    c = _columns(cur.execute(EVENTS).fetchall(), 5)
    return EventArrays(
        incident=np.array(c[0], dtype=np.int64),
        person=np.array(c[1], dtype=np.int64),
        time=epoch_from_text(c[2]),
        is_page=np.array(c[3], dtype=bool),
        is_resolve=np.array(c[4], dtype=bool),
    )


def actions_by_rows(cur: Cursor, bounds: dict[str, str] | None = None) -> ActionColumns:
    """The action items; with `bounds`, those a period can count (`metric_scans.OF_PERIOD`)."""
    sql = ACTIONS if bounds is None else ACTIONS + OF_PERIOD
    c = _columns(cur.execute(sql, bounds or ()).fetchall(), 9)

    def days(seconds: np.ndarray) -> np.ndarray:
        return np.floor(seconds / DAY)

    due = np.array(c[5], dtype="datetime64[D]")  # None becomes NaT
    due_day = due.astype(np.int64).astype(np.float64)
    due_day[np.isnat(due)] = np.nan
    return ActionColumns(
        incident=_ids(c[1]),
        owner_person=_ids(c[3]),
        owner_team=_ids(c[4]),
        due_day=due_day,
        created_day=days(epoch_from_text(c[8])),
        completed_day=days(epoch_from_text(c[7])),
        status=np.array([ACTION_STATUSES.index(v) for v in c[6]], dtype=np.int8),
    )
