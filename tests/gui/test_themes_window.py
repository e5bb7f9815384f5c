"""Review › Themes… on incidents imported from
/work/shared/data/pagerduty_incidents_page.json, with factors confirmed on their
findings: the table says what `irdesk themes` says, cell for cell, and a finding leads
to its incident's review with the finding selected."""

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from review_driver import wait_settled
from testdata import SHARED_DATA
from window_driver import open_and_wait

from irdesk.cli.main import main as irdesk_main
from irdesk.domain.enums import FindingCategory
from irdesk.domain.policy import Policy
from irdesk.gui.main_window import MainWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.records import finding_factors, findings, reviews

PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

# (incident, category, text, factors): PTVD0IY and PS8TBIQ (WD: Payments) and
# PGW5XNE (ID: Production) started on 2021-05-04; PE8XPNI (WD: Storage) the day before.
TAGGED = (
    ("PTVD0IY", FindingCategory.CONTRIBUTING_FACTOR, "The deploy had no canary.", ("change",)),
    ("PTVD0IY", FindingCategory.LUCKY, "Someone watched the graph.", ("detection",)),
    ("PS8TBIQ", FindingCategory.CONTRIBUTING_FACTOR, "The rollout filled the pool.", ("change",)),
    ("PGW5XNE", FindingCategory.CONTRIBUTING_FACTOR, "No alert fired.", ("detection",)),
    ("PE8XPNI", FindingCategory.CONTRIBUTING_FACTOR, "Config push.", ("change",)),
)


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    path = tmp_path / "themes.db"
    db = open_database(path)
    try:
        run_import(db, [PAGE])
        with db.transaction() as session:
            for ref, category, text, factors in TAGGED:
                incident = find_incident(session, ref)
                review = reviews.get_review(session, incident) or reviews.create_review(
                    session, incident, actor="ana"
                )
                finding = findings.add_finding(session, review.id, category, actor="ana", text=text)
                finding_factors.set_finding_factors(
                    session, finding.id, factors, 0, taxonomy=Policy().factor_names(), actor="ana"
                )
    finally:
        db.close()
    return path


def test_themes_window_agrees_with_the_command_and_leads_to_findings(
    qtbot: QtBot, window: MainWindow, tagged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_and_wait(qtbot, window, tagged)
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL_SHIFT)
    themes = window.review_tab.themes_window
    assert themes is not None and themes.isVisible()
    wait_settled(qtbot, window)
    themes.first_edit.setDate(QDate(2021, 5, 4))
    themes.last_edit.setDate(QDate(2021, 5, 4))
    with qtbot.waitSignal(themes.loaded, timeout=10_000):
        qtbot.mouseClick(themes.refresh_button, Qt.MouseButton.LeftButton)
    shown = [
        [themes.model.index(r, c).data() for c in range(themes.model.columnCount())]
        for r in range(themes.model.rowCount())
    ]
    # change: PTVD0IY and PS8TBIQ against PE8XPNI the day before; detection: PGW5XNE,
    # and PTVD0IY's lucky finding as a near miss.
    assert shown == [
        ["change", "2", "0", "1", "▲ up", "WD: Payments (2)", "—", "2"],
        ["detection", "1", "1", "0", "▲ up", "ID: Production (1), WD: Payments (1)", "—", "2"],
    ]
    assert (
        irdesk_main(
            [
                "themes",
                "--db",
                str(tagged),
                "--from",
                "2021-05-04",
                "--to",
                "2021-05-04",
                "--format",
                "json",
            ]
        )
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert [list(t["cells"].values()) for t in printed["themes"]] == shown
    # Backwards, the window says so in its own words and counts nothing.
    themes.first_edit.setDate(QDate(2021, 5, 5))
    qtbot.mouseClick(themes.refresh_button, Qt.MouseButton.LeftButton)
    assert themes.summary.text() == "To (2021-05-04) is before From (2021-05-05); nothing to count."
    assert not window.tasks.busy and themes.model.rowCount() == 2
    themes.first_edit.setDate(QDate(2021, 5, 4))

    # The detection theme's findings; Enter on the near miss opens its review.
    themes.table.setCurrentIndex(themes.model.index(1, 0))
    assert [
        themes.findings_model.index(r, 0).data() + " " + themes.findings_model.index(r, 2).data()
        for r in range(themes.findings_model.rowCount())
    ] == ["PTVD0IY near miss", "PGW5XNE incident"]
    themes.findings_table.setFocus()
    themes.findings_table.setCurrentIndex(themes.findings_model.index(0, 0))
    qtbot.keyClick(themes.findings_table, Qt.Key.Key_Return)
    wait_settled(qtbot, window)
    tab = window.review_tab
    assert window.incident_tabs.currentWidget() is tab
    qtbot.waitUntil(
        lambda: (
            (row := tab.findings.current_row()) is not None
            and row.text == "Someone watched the graph."
        ),
        timeout=10_000,
    )
    near_miss = themes.findings_model.row_at(0)
    assert near_miss.incident_ref == "PTVD0IY"
    assert window.incident_list.selected_incident_ids() == [near_miss.incident_id]
