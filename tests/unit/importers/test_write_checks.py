"""The checks an import makes in Python for the CHECKs its inserts skip."""

from pathlib import Path

import pytest

from irdesk.storage.bulk import import_writer
from irdesk.storage.bulk.import_transaction import import_transaction
from irdesk.storage.bulk.import_writer import NewIncident
from irdesk.storage.database import open_database


def _incident(key: str, *, status: str = "resolved", severity: str | None = "SEV2") -> NewIncident:
    at = "2026-03-01 10:00:00.000000"
    return NewIncident(
        *("pagerduty", key, "Disk full", None, None, severity, "P2", status, at, at),
        *(None, None, None, None, None, ""),
    )


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        (_incident("PB1", status="closed"), "status 'closed'"),
        (_incident("PB1", severity="SEV9"), "severity 'SEV9'"),
        (_incident(""), "key ''"),
    ],
)
def test_a_bad_incident_row_is_refused_by_name_and_nothing_is_written(
    tmp_path: Path, bad: NewIncident, named: str
) -> None:
    db = open_database(tmp_path / "checks.db")
    rows = [_incident("PA1"), _incident("PA2", severity=None), bad, _incident("PA3")]
    with pytest.raises(ValueError, match=named), import_transaction(db) as tx:
        import_writer.insert_incidents(tx, rows)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM incident").scalar() == 0


def test_good_incident_rows_are_written(tmp_path: Path) -> None:
    db = open_database(tmp_path / "checks.db")
    with import_transaction(db) as tx:
        ids = import_writer.insert_incidents(
            tx, [_incident("PA1"), _incident("PA2", severity=None)]
        )
    assert sorted(ids) == [("pagerduty", "PA1"), ("pagerduty", "PA2")]
