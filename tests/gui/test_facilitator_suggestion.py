"""The Review tab's Suggest button: the pool's choice for an incident's review, taken
with one click and saved like a choice from the list. On the shared PagerDuty page
(pagerduty_incidents_page.json), whose three responders make up the pool."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from review_driver import open_review, query, wait_settled
from sqlmodel import select
from testdata import SHARED_DATA
from window_driver import open_and_wait

from irdesk.domain.models import Person
from irdesk.gui.main_window import MainWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.reads.facilitation import responders
from irdesk.storage.records.facilitators import join_pool


@pytest.fixture
def pooled_file(tmp_path: Path) -> tuple[Path, str, list[str]]:
    """The file, the responder of PE8XPNI, and the two others in name order."""
    path = tmp_path / "pd.db"
    db = open_database(path)
    try:
        run_import(db, [SHARED_DATA / "pagerduty_incidents_page.json"])
        with db.transaction() as session:
            names = sorted(session.exec(select(Person.name)).all())
            for name in names:
                join_pool(session, name, None, actor="Ana")
        with db.session() as session:
            [incident_id] = query(path, "SELECT id FROM incident WHERE external_id = 'PE8XPNI'")[0]
            [responder_id] = responders(session, incident_id)
            responder = session.get(Person, responder_id).name
    finally:
        db.close()
    return path, responder, [n for n in names if n != responder]


def test_suggest_sets_a_facilitator_who_was_not_in_the_incident(
    qtbot: QtBot, window: MainWindow, pooled_file: tuple[Path, str, list[str]]
) -> None:
    path, responder, others = pooled_file
    open_and_wait(qtbot, window, path)
    tab = open_review(qtbot, window, "PE8XPNI")
    qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, window)

    button = tab.header.suggest_button
    assert button.isEnabled()
    assert button.toolTip().splitlines() == [
        f"Suggested: {others[0]} (backup: {others[1]}).",
        f"Not {responder}: took part in the incident.",
    ]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, window)

    assert tab.header.facilitator_combo.currentText() == others[0]
    assert query(path, "SELECT p.name FROM review r JOIN person p ON p.id = r.facilitator_id") == [
        (others[0],)
    ]
    assert not button.isEnabled()  # the review has its facilitator now
    [(detail,)] = query(path, "SELECT detail_json FROM audit_entry WHERE action = 'edit_review'")
    assert "facilitator_id" in detail
