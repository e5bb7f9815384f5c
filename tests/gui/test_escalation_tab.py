"""The Escalation tab beside the Timeline, on incidents imported from /work/shared/data
(pagerduty_incidents_page.json, pagerduty_incident_and_log_entry.jsonl) under the
directory of tests/org_samples.py with its escalation policies.

PGW5XNE (ID: Production, "Critical: Office 365 Server Offline"): the policy pages Giran
Moodley, then Bryce Blake after 2 minutes. The first alert came at 13:48:51, Giran was
paged at 13:48:52 and Bryce at 13:52:01, who acknowledged at 13:54:10: 3.15 minutes at
level 1 against the policy's 2 (1.15 beyond), acknowledged 5 minutes (319 s) after the
first page. Q2U8NVNBMCM7JW ("admin", service "asd") has no policy in the directory.
"""

from pathlib import Path

import pytest
from matplotlib.text import Text
from org_samples import import_organisation
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from window_driver import activate, click_row, open_and_wait, row_of

from irdesk.gui.main_window import MainWindow
from irdesk.gui.timeline.escalation_panel import NO_POLICY

TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, _ = import_organisation(tmp_path_factory.mktemp("escalation"), escalations=True)
    return db


def test_the_path_against_the_policy_beside_the_timeline(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    click_row(qtbot, window, row_of(window, "PGW5XNE"))
    panel = window.timeline.escalation
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # Escalation
    assert window.incident_tabs.currentWidget() is panel
    qtbot.waitUntil(lambda: panel.canvas is not None, timeout=TIMEOUT_MS)
    assert panel.summary_label.text() == (
        "Policy ID: Production on call: 2 levels; acknowledged 5.32 min after the first page; "
        "1.15 min beyond the prescribed windows."
    )
    # From the first alert (13:48:51): level 1 paged after 1 s (0.02 min), level 2 after
    # 190 s (3.17 min), the acknowledgement after 319 s (5.32 min); 189 s at level 1
    # (13:48:52 to 13:52:01) is 3.15 min, 1.15 beyond its 2. The table writes the minutes
    # as the chart does.
    assert [panel.model.cells(panel.model.row_at(r)) for r in range(panel.model.rowCount())] == [
        ("1", "Giran Moodley", "0 min", "2 min", "0.02 min", "3.15 min", "1.15 min", ""),
        ("2", "Bryce Blake", "2 min", "open", "3.17 min", "", "", "acknowledged here"),
    ]
    drawn = [t.get_text() for t in panel.canvas.figure.findobj(Text) if t.get_text()]
    assert "  +1.15 min" in drawn
    assert panel.canvas.accessibleDescription() == panel.summary_label.text()
    # The levels are reached from the keyboard: Tab moves from the tab bar into the table.
    window.incident_tabs.tabBar().setFocus()
    for _ in range(6):
        if panel.table.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert panel.table.hasFocus()

    # Another incident, whose service no policy names, says so and draws nothing.
    click_row(qtbot, window, row_of(window, "Q2U8NVNBMCM7JW"))
    qtbot.waitUntil(lambda: panel.summary_label.text() == NO_POLICY, timeout=TIMEOUT_MS)
    assert panel.canvas is None and panel.model.rowCount() == 0
