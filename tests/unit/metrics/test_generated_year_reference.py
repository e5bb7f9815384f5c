"""One year's figures of a generated organisation (tests/benchmarks/scale_org.py: the
bench_scale organisation, 3,000 incidents over ten years) read as the dashboard reads
them (the year's part of the file), against the same figures computed in plain Python
from the rows: no numpy, no irdesk code, one incident at a time."""

import sqlite3
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from irdesk.domain.metrics.figures import Figures, compute_figures
from irdesk.domain.metrics.selection import Period
from irdesk.domain.policy import Policy
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import open_database

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import scale_org

YEAR = Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
SPANS = {
    "time_to_detect": ("started_at", "detected_at"),
    "time_to_acknowledge": ("detected_at", "acknowledged_at"),
    "time_to_mitigate": ("started_at", "mitigated_at"),
    "time_to_resolve": ("started_at", "resolved_at"),
}


def seconds(text: str | None) -> float | None:
    return None if text is None else datetime.fromisoformat(f"{text}+00:00").timestamp()


def quantile(values: list[float], q: float) -> float:
    """The linear quantile (numpy's and pandas' default), by hand."""
    ordered = sorted(values)
    place = q * (len(ordered) - 1)
    below = int(place)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (place - below)


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("org") / "org.db"
    scale_org.write_database(path, incidents=3000, events=60000, seed=3)
    return path


@pytest.fixture(scope="module")
def figures(organisation: Path) -> Figures:
    db = open_database(organisation)
    try:
        return compute_figures(load_metric_data(db, YEAR, Policy()), Policy(), YEAR, "severity")
    finally:
        db.close()


def reference(path: Path) -> dict[str, object]:
    """The year's incident count, per severity and duration (count, median, p90), and
    pages per person, from the rows."""
    low, high = YEAR.start.timestamp(), YEAR.end.timestamp()
    conn = sqlite3.connect(path)
    try:
        # The generated organisation holds no merges, corrections or classifications:
        # each incident counts as its source had it.
        for table in ("incident_merge", "lifecycle_override", "incident_classification"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        incidents = conn.execute(
            "SELECT severity, started_at, detected_at, acknowledged_at, mitigated_at,"
            " resolved_at FROM incident"
        ).fetchall()
        pages = conn.execute(
            "SELECT actor_person_id, occurred_at FROM timeline_event"
            " WHERE kind = 'page' AND actor_person_id IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    count = 0
    minutes: dict[tuple[str, str], list[float]] = defaultdict(list)
    columns = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")
    for severity, *times in incidents:
        at = dict(zip(columns, (seconds(t) for t in times), strict=True))
        anchor = at["started_at"] if at["started_at"] is not None else at["detected_at"]
        if anchor is None or not low <= anchor < high:
            continue
        count += 1
        for kpi, (start, end) in SPANS.items():
            if at[start] is not None and at[end] is not None and at[end] >= at[start]:
                minutes[(kpi, severity or "no severity")].append((at[end] - at[start]) / 60.0)
    paged = Counter(person for person, when in pages if low <= seconds(when) < high)
    return {
        "incidents": count,
        "durations": {
            key: (len(v), quantile(v, 0.5), quantile(v, 0.9)) for key, v in minutes.items()
        },
        "pages": dict(paged),
    }


def test_a_year_of_a_generated_organisation_is_its_plain_python_reference(
    organisation: Path, figures: Figures
) -> None:
    expected = reference(organisation)
    assert figures.incidents == expected["incidents"] > 200  # about 300 a year
    shown = {
        (kpi, row.label): (row.count, row.median, row.p90)
        for kpi, rows in figures.durations.items()
        for row in rows[1:]  # the first row is "all"
        if row.count
    }
    durations = expected["durations"]
    assert isinstance(durations, dict)
    assert shown.keys() == durations.keys()
    for key, (count, median, p90) in durations.items():
        assert shown[key][0] == count, key
        assert shown[key][1:] == pytest.approx((median, p90), rel=1e-12), key
    assert {row.person_id: row.pages for row in figures.load if row.pages} == expected["pages"]
