"""`irdesk packet INCIDENT`: the incident as people name it, not irdesk's row number."""

from datetime import date
from pathlib import Path

import pytest
from testdata import SHARED_DATA, CopyDemo

from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.reads.packet_data import PacketDataError, find_incident


def test_the_list_id_the_source_key_and_the_bare_number_name_one_incident(
    tmp_path: Path, copy_demo: CopyDemo
) -> None:
    path = tmp_path / "demo.db"
    copy_demo(path, anchor=date(2026, 11, 28))
    db = open_database(path)
    try:
        with db.session() as session:
            by_key = find_incident(session, "demo:INC-1022")
            assert find_incident(session, "INC-1022") == by_key
            assert find_incident(session, " 1022 ") == by_key  # the number part of INC-1022
            with pytest.raises(PacketDataError, match="the ID the incident list shows"):
                find_incident(session, "INC-99999")
    finally:
        db.close()


def test_a_pagerduty_number_finds_its_incident(tmp_path: Path) -> None:
    # ../shared/data/pagerduty_incidents_page.json: PH4UE4E is PagerDuty's incident #12728.
    db = open_database(tmp_path / "pd.db")
    try:
        run_import(db, [SHARED_DATA / "pagerduty_incidents_page.json"])
        with db.session() as session:
            key = find_incident(session, "pagerduty:PH4UE4E")
            assert find_incident(session, "12728") == key
            assert find_incident(session, "#12728") == key
            assert (
                find_incident(session, "https://pdt-giran.pagerduty.com/incidents/PH4UE4E") == key
            )
    finally:
        db.close()
