"""The incident list read a page at a time (storage/bulk/incident_pages) lists what the
plain list does, sorted and filtered in Python the way the list always did.

Samples: every export in /work/shared/data that imports on its own (all but
opsgenie_alert_logs.json, which needs its alert's id in its name), and the demo
organisation (it adds reviews and classifications that correct a severity).
"""

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from testdata import SHARED_DATA, CopyDemo

from irdesk.demo.generator import DEFAULT_SEED
from irdesk.domain.enums import IncidentStatus, ReviewStatus
from irdesk.domain.models import Incident, Service
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.incident_pages import SORT_KEYS, IncidentPages, ListQuery
from irdesk.storage.database import open_database
from irdesk.storage.reads.incident_row import IncidentRow
from irdesk.storage.reads.incident_view import incident_list

SAMPLES = sorted(
    p
    for p in SHARED_DATA.iterdir()
    if p.suffix in {".json", ".jsonl", ".csv"} and p.name != "opsgenie_alert_logs.json"
)
# SQLite's NOCASE folds ASCII letters only; so does the list's sort.
ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _enum_position(value: Any) -> int | None:
    return None if value is None else list(type(value)).index(value)


# What each column sorts on, written from what the list shows (missing: None).
PYTHON_KEYS: dict[str, Callable[[IncidentRow], Any]] = {
    "external_id": lambda r: r.external_id.translate(ASCII_FOLD),
    "severity": lambda r: r.severity.rank if r.severity else None,
    "title": lambda r: r.title.translate(ASCII_FOLD),
    "service": lambda r: r.service.translate(ASCII_FOLD) if r.service else None,
    "status": lambda r: _enum_position(r.status),
    "started": lambda r: r.started_at,
    "duration": lambda r: r.duration_seconds,
    "review": lambda r: _enum_position(r.review_status),
}


def sorted_in_python(rows: list[IncidentRow], sort: str, descending: bool) -> list[IncidentRow]:
    """Missing values last both ways; ties keep the list's own order (`rows`)."""
    key = PYTHON_KEYS[sort]
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    return sorted(present, key=key, reverse=descending) + missing


def filtered_in_python(rows: list[IncidentRow], text: str) -> list[IncidentRow]:
    """Every word typed is part of the title, id, source, service, severity or status."""

    def words(r: IncidentRow) -> str:
        parts = (r.title, r.external_id, r.source, r.service or "")
        extra = (r.severity.value if r.severity else "", r.status.value)
        return " ".join((*parts, *extra)).casefold()

    return [r for r in rows if all(w in words(r) for w in text.casefold().split())]


def read_in_pages(pages: IncidentPages, query: ListQuery, size: int = 7) -> list[IncidentRow]:
    rows: list[IncidentRow] = []
    while page := pages.page(query, len(rows), size):
        rows += page
    return rows


@pytest.fixture(scope="module", params=["samples", "demo"])
def listed(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    copy_demo: CopyDemo,
) -> Iterator[tuple[IncidentPages, list[IncidentRow]]]:
    path = tmp_path_factory.mktemp(request.param) / "incidents.db"
    if request.param == "demo":
        copy_demo(path, seed=DEFAULT_SEED, anchor=date(2026, 12, 1))
    db = open_database(path)
    if request.param == "samples":
        # The Jira CSV's dates have no zone of their own.
        run_import(db, SAMPLES, ImportOptions(zone=ZoneInfo("Europe/Madrid")))
    plain = incident_list(db)
    pages = IncidentPages.of_open_file(db.path)
    yield pages, plain
    pages.close()
    db.close()


def test_the_pages_read_in_turn_are_the_plain_list(
    listed: tuple[IncidentPages, list[IncidentRow]],
) -> None:
    pages, plain = listed
    assert len(plain) > 20
    assert read_in_pages(pages, ListQuery()) == plain
    assert pages.count() == len(plain)


@pytest.mark.parametrize("sort", sorted(SORT_KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_each_column_sorts_in_sql_as_in_python(
    listed: tuple[IncidentPages, list[IncidentRow]], sort: str, descending: bool
) -> None:
    pages, plain = listed
    query = ListQuery(sort=sort, descending=descending)
    assert read_in_pages(pages, query) == sorted_in_python(plain, sort, descending)


def filter_texts(rows: list[IncidentRow]) -> list[str]:
    """Words to type, taken from the rows themselves, and some that match nothing."""
    first, last = rows[0], rows[-1]
    title_word = max(first.title.split(), key=len)
    return [
        title_word,  # a whole word of a title
        title_word[1:4].upper(),  # three letters from inside it, another case
        title_word[:2],  # too short for the index
        "e",
        last.external_id,
        last.external_id[-2:],
        first.source,
        next((r.service for r in rows if r.service), "x")[:5],
        "sev2",
        "SEV",
        "resolv",
        "acknowledged",
        f"{title_word} {first.source}",  # every word, any order
        f"{first.source[:3]} {title_word[:3]}",
        "zzqx",
        'say "hello',  # quotes are text, not query syntax
        "%",
        "_",
    ]


def test_every_filter_keeps_what_the_python_filter_keeps(
    listed: tuple[IncidentPages, list[IncidentRow]],
) -> None:
    pages, plain = listed
    for text in filter_texts(plain):
        for sort, descending in (("started", True), ("title", False)):
            query = ListQuery.filtered(text, sort=sort, descending=descending)
            expected = sorted_in_python(filtered_in_python(plain, text), sort, descending)
            assert read_in_pages(pages, query) == expected, text
            assert pages.count(query) == len(expected), text
            assert pages.count(query, limit=3) == min(3, len(expected)), text


def test_the_search_index_finds_a_title_word_after_import_and_after_edits(
    tmp_path: Path,
) -> None:
    # pagerduty_incidents_page.json: PH4UE4E is titled as the export says.
    db = open_database(tmp_path / "pd.db")
    try:
        run_import(db, [SHARED_DATA / "pagerduty_incidents_page.json"])
        pages = IncidentPages.of_open_file(db.path)
        with db.session() as session:
            incident = session.exec(select(Incident).where(Incident.external_id == "PH4UE4E")).one()
            incident_id, title = incident.id, incident.title
        word = max(title.split(), key=len)

        def found(text: str) -> list[int]:
            return [r.id for r in read_in_pages(pages, ListQuery.filtered(text))]

        assert incident_id in found(word)
        with db.transaction() as session:
            edited = session.get(Incident, incident_id)
            assert edited is not None
            edited.title = "Quarterly zebracorn outage"
        assert found("zebracorn") == [incident_id]
        assert incident_id not in found(word) or word.casefold() in "quarterly zebracorn outage"
        with db.transaction() as session:
            service = Service(name="unicornfarm", tier="tier2", slo_target=99.9, cost_per_minute=0)
            session.add(service)
            session.flush()
            edited = session.get(Incident, incident_id)
            assert edited is not None
            edited.service_id = service.id
        assert found("unicornfarm") == [incident_id]
        with db.transaction() as session:
            renamed = session.exec(select(Service).where(Service.name == "unicornfarm")).one()
            renamed.name = "pegasusranch"
        assert found("unicornfarm") == []
        assert found("pegasusranch") == [incident_id]
        pages.close()
    finally:
        db.close()


def test_the_upgrade_fills_the_search_index_for_incidents_already_stored(
    tmp_path: Path,
) -> None:
    from sqlalchemy import create_engine

    from irdesk.storage import schema

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, "0014")
    engine.dispose()
    db = open_database(path)  # upgraded to the head with a backup first
    try:
        run_import(db, [SHARED_DATA / "pagerduty_incidents_page.json"])
    finally:
        db.close()
    # Back to 0014 and up again: the index is rebuilt from the incidents stored.
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        from alembic import command

        command.downgrade(schema.alembic_config(conn), "0014")
        command.upgrade(schema.alembic_config(conn), "head")
    engine.dispose()
    db = open_database(path)
    try:
        plain = incident_list(db)
        pages = IncidentPages.of_open_file(db.path)
        word = max(plain[0].title.split(), key=len)
        assert read_in_pages(pages, ListQuery.filtered(word)) == filtered_in_python(plain, word)
        pages.close()
    finally:
        db.close()


def test_statuses_and_review_statuses_are_sorted_in_the_order_they_are_declared() -> None:
    # The sort keys name every status, so none sorts as missing.
    for status in IncidentStatus:
        assert f"'{status.value}'" in SORT_KEYS["status"]
    for review in ReviewStatus:
        assert f"'{review.value}'" in SORT_KEYS["review"]
