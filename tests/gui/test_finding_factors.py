"""Confirming a finding's contributing factors in the Review tab, on GitHub's webhook
delay of /work/shared/data/statuspage_incident_github_2019.json: the suggestion is
shown with the words that led to it, the dialog is reached with Alt+G and starts with
the suggested factors ticked, the choice is stored, audited and undone with Ctrl+Z."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot
from review_driver import open_review, query, wait_settled
from testdata import SHARED_DATA
from window_driver import open_and_wait

from irdesk.domain.enums import FindingCategory
from irdesk.gui.main_window import MainWindow
from irdesk.gui.review.checklist_dialog import ChecklistDialog
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.reads.timeline_records import record_events
from irdesk.storage.records import findings, reviews

GITHUB = SHARED_DATA / "statuspage_incident_github_2019.json"


@pytest.fixture
def reviewed(tmp_path: Path) -> Path:
    """The incident, its review and one finding linked to the Identified and Monitoring
    updates ("…via the Slack integration are behind…", "…we are monitoring…")."""
    path = tmp_path / "github.db"
    db = open_database(path)
    try:
        run_import(db, [GITHUB])
        with db.transaction() as session:
            incident = find_incident(session, "rgy28jwprr1c")
            review = reviews.create_review(session, incident, actor="ana")
            finding = findings.add_finding(
                session,
                review.id,
                FindingCategory.CONTRIBUTING_FACTOR,
                actor="ana",
                text="Webhooks queued for an hour.",
            )
            linked = [
                e.id
                for e in record_events(session, incident)
                if e.text.startswith(("Identified", "Monitoring"))
            ]
            findings.set_events(session, finding.id, linked, actor="ana")
    finally:
        db.close()
    return path


def test_confirming_the_suggested_factors(qtbot: QtBot, window: MainWindow, reviewed: Path) -> None:
    open_and_wait(qtbot, window, reviewed)
    tab = open_review(qtbot, window, "rgy28jwprr1c")
    panel = tab.findings
    qtbot.waitUntil(lambda: panel.factors is not None, timeout=10_000)
    assert panel.factors_label.text() == (
        "Factors: none confirmed\n"
        "Suggested by the words: communication (“slack”); detection (“monitoring”)"
    )

    panel.editor.setFocus()
    qtbot.keyClick(panel.editor, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), ChecklistDialog), timeout=10_000
    )
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ChecklistDialog)
    ticked = [
        dialog.model.item(r).text()
        for r in range(dialog.model.rowCount())
        if dialog.model.item(r).checkState() == Qt.CheckState.Checked
    ]
    assert ticked == [
        "communication — suggested by “slack”",
        "detection — suggested by “monitoring”",
    ]
    # The facilitator adds tooling with the keyboard and confirms.
    tooling = [dialog.model.item(r).text() for r in range(dialog.model.rowCount())].index("tooling")
    dialog.list.setFocus()
    dialog.list.setCurrentIndex(dialog.proxy.index(tooling, 0))
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(panel.factors_shown, timeout=10_000):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, window)
    assert query(reviewed, "SELECT factors_json, revision FROM finding_factors") == [
        ('["communication", "detection", "tooling"]', 1)
    ]
    assert query(
        reviewed, "SELECT count(*) FROM audit_entry WHERE action = 'tag_finding_factors'"
    ) == [(1,)]
    qtbot.waitUntil(
        lambda: panel.factors_label.text().startswith("Factors: communication, detection, tooling"),
        timeout=10_000,
    )
    assert window.undo_action.text() == "&Undo Tag factors"

    window.undo_action.trigger()
    wait_settled(qtbot, window)
    qtbot.waitUntil(
        lambda: panel.factors_label.text().startswith("Factors: none confirmed"), timeout=10_000
    )
    assert query(reviewed, "SELECT factors_json, revision FROM finding_factors") == [("[]", 2)]
