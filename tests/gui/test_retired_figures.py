"""Tools › Policy…: retiring a figure with a reason hides it from the dashboard under the new
version, while the version before still shows it; the version list names what was retired."""

from datetime import date
from pathlib import Path

import metric_fixture as fx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from window_driver import activate, choose_from_menu, open_and_wait

from irdesk.domain.policy import Policy
from irdesk.gui.main_window import MainWindow
from irdesk.gui.metrics.dashboard import MetricsDashboard, _qdate
from irdesk.gui.metrics.policy_dialog import PolicyDialog
from irdesk.storage.database import open_database
from irdesk.storage.records.policies import policy_versions, save_policy

TIMEOUT_MS = 10_000
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
REASON = "finance owns cost now"


@pytest.fixture
def fixture_file(tmp_path: Path) -> Path:
    """The hand-worked organisation with policy version 1, the defaults, saved."""
    path = tmp_path / "metrics.db"
    db = open_database(path)
    try:
        with db.transaction() as session:
            fx.write_to(session)
        save_policy(db, Policy(), note="the defaults", author="Ana")
    finally:
        db.close()
    return path


def titles(board: MetricsDashboard) -> list[str]:
    return [board.table_list.item(i).text() for i in range(board.table_list.count())]


def test_a_retired_figure_leaves_the_dashboard_under_its_version_only(
    qtbot: QtBot, window: MainWindow, fixture_file: Path
) -> None:
    open_and_wait(qtbot, window, fixture_file)
    activate(qtbot, window)
    with qtbot.waitSignal(window.tasks.idle, timeout=TIMEOUT_MS):
        qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
    board = window.metrics.dashboard
    assert board is not None
    with qtbot.waitSignal(board.figures_shown, timeout=TIMEOUT_MS):
        board.from_edit.setDate(_qdate(date(2026, 1, 5)))
        board.to_edit.setDate(_qdate(date(2026, 1, 14)))
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert "Incident cost" in titles(board)

    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_P)
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, PolicyDialog) and w.isVisible()
    )
    cost = dialog.retire_checks["cost"]
    reason = dialog.retire_reasons["cost"]
    assert not reason.isEnabled()
    cost.setFocus()  # far down the scrolling form: reached by Tab, ticked with Space
    qtbot.keyClick(cost, Qt.Key.Key_Space)
    assert cost.isChecked() and reason.isEnabled()
    qtbot.keyClicks(dialog.note_edit, "Cost leaves the dashboard")
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == (
        "Retired figures: say why Cost is retired; the reason is kept with the version."
    )
    assert dialog.focusWidget() is reason
    qtbot.keyClicks(reason, REASON)
    with qtbot.waitSignal(board.figures_shown, timeout=TIMEOUT_MS):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert "policy version 2" in board.status_label.text()
    assert "Incident cost" not in titles(board)
    assert "SLO adherence per service" in titles(board)

    # The version list names what each version retired; version 1 still shows the figure.
    combo = board.version_combo
    qtbot.waitUntil(lambda: combo.findData(1) >= 0, timeout=TIMEOUT_MS)
    tip = combo.itemData(combo.findData(2), Qt.ItemDataRole.ToolTipRole)
    assert f"retired: cost ({REASON})" in tip
    with qtbot.waitSignal(board.figures_shown, timeout=TIMEOUT_MS):
        combo.setCurrentIndex(combo.findData(1))
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert "Incident cost" in titles(board)

    db = open_database(fixture_file, create=False)
    try:
        versions = policy_versions(db)
    finally:
        db.close()
    assert [(v.version, v.policy.retired_figures) for v in versions] == [
        (2, {"cost": REASON}),
        (1, {}),
    ]
