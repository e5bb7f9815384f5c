"""A packet manifest's record hashes are the same bytes whichever way the encoder is fed
its times: on /work/shared/data/pagerduty_incidents_page.json (26 incidents, May–June
2021) imported, and on hand-built records holding every kind of value a record carries
(times with and without microseconds and zones, days, None, a nested dataclass, tuples,
a dict of times)."""

import hashlib
import json
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import select
from testdata import SHARED_DATA

from irdesk.domain.models import Incident
from irdesk.domain.policy import Policy
from irdesk.importers.pipeline import run_import
from irdesk.reports.packets.manifest import build_manifest
from irdesk.storage.database import open_database
from irdesk.storage.reads import packet_data
from irdesk.storage.reads.packet_data import packet_incidents, records_sha256
from irdesk.storage.records.policies import PolicyRecord

PAGE = SHARED_DATA / "pagerduty_incidents_page.json"


def reference_sha256(records: object) -> str:
    """The manifest's hash as irdesk wrote it before: the encoder's default called for
    every time and dataclass, through isinstance against a union."""

    def default(value: object) -> object:
        if isinstance(value, datetime | date):
            return value.isoformat()
        if is_dataclass(value) and not isinstance(value, type):
            return asdict(value)  # type: ignore[arg-type]
        raise TypeError(type(value).__name__)

    def plain(record: object) -> object:
        if is_dataclass(record) and not isinstance(record, type):
            own = getattr(record, "__dict__", None)
            return dict(own) if own is not None else asdict(record)  # type: ignore[arg-type]
        return record

    items = records if isinstance(records, list) else [records]
    text = json.dumps(
        [plain(r) for r in items], default=default, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Inner:
    at: datetime | None
    day: date
    names: tuple[str, ...]


@dataclass(frozen=True)
class Outer:
    id: int
    title: str
    cost: float | None
    flag: bool
    times: dict[str, datetime | None]
    inner: Inner
    inners: tuple[Inner, ...]


class DayStamp(datetime):
    """A datetime subclass (as pandas' Timestamp is): encoded as any datetime is."""


BERLIN = timezone(timedelta(hours=1))
HAND = [
    Outer(
        1,
        "Checkout “errors” — 5xx",
        12.5,
        True,
        {
            "started_at": datetime(2025, 3, 1, 9, 0, tzinfo=UTC),
            "resolved_at": datetime(2025, 3, 1, 10, 0, 0, 250, tzinfo=UTC),
            "closed_at": None,
        },
        Inner(datetime(2025, 3, 1, 9, 30, tzinfo=BERLIN), date(2025, 3, 2), ("Ana", "Ben")),
        (Inner(None, date(2024, 12, 31), ()),),
    ),
    Outer(
        2,
        "naive and subclassed times",
        None,
        False,
        {
            "started_at": datetime(2025, 1, 1),  # noqa: DTZ001 (naive, as an old row may be)
            "resolved_at": DayStamp(2025, 1, 2, tzinfo=UTC),
        },
        Inner(DayStamp(2025, 1, 1, 12, tzinfo=UTC), date(2025, 1, 1), ()),
        (),
    ),
]


def test_hand_built_records_hash_as_before() -> None:
    # Worked by hand: record 1's resolved time keeps its microseconds, record 2's
    # naive start has no zone, the Berlin time keeps +01:00.
    assert records_sha256(HAND) == reference_sha256(HAND)
    assert records_sha256(HAND[0].inner) == reference_sha256(HAND[0].inner)
    assert records_sha256([]) == reference_sha256([])
    assert "2025-03-01T10:00:00.000250+00:00" in json.dumps(
        HAND[0].times, default=packet_data._json_default
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("manifest") / "page.db"
    db = open_database(path)
    try:
        run_import(db, [PAGE])
    finally:
        db.close()
    return path


def test_a_packets_manifest_is_byte_identical_on_the_sample(
    page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(page, create=False)
    try:
        with db.session() as session:
            ids = sorted(i for i in session.exec(select(Incident.id)) if i is not None)
            incidents = packet_incidents(session, ids)
    finally:
        db.close()
    assert len(incidents) == 26
    assert all(i.lifecycle for i in incidents)

    def manifest() -> bytes:
        return build_manifest(
            packet_uid="hand-1",
            profile="executive",
            subject="2021",
            created_at=datetime(2026, 12, 8, tzinfo=UTC),
            created_by="tester",
            policy=PolicyRecord(None, Policy()),
            definitions={},
            records={"incidents": incidents, "hand": HAND},
            source_files=[],
            redaction=[],
            patterns=[],
        ).to_json()

    now = manifest()
    monkeypatch.setattr(packet_data, "records_sha256", reference_sha256)
    monkeypatch.setattr("irdesk.reports.packets.manifest.records_sha256", reference_sha256)
    assert manifest() == now
    assert json.loads(now)["records"]["incidents"]["sha256"] == reference_sha256(incidents)
