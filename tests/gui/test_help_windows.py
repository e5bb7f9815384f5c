"""Help › Keyboard Shortcuts and Help › Report a Problem, reached as a user reaches them."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from window_driver import activate, choose_from_menu

from irdesk import __version__
from irdesk.gui.common.help_windows import ProblemReportDialog, ShortcutsDialog
from irdesk.gui.main_window import MainWindow


def shown_rows(dialog: ShortcutsDialog) -> list[tuple[str, str, str]]:
    table = dialog.table
    return [
        tuple(table.item(row, column).text() for column in range(3))  # type: ignore[misc]
        for row in range(table.rowCount())
        if not table.isRowHidden(row)
    ]


def test_ctrl_slash_lists_every_shortcut_and_the_walk_keys(
    qtbot: QtBot, opened: MainWindow
) -> None:
    activate(qtbot, opened)
    qtbot.keyClick(opened, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(opened.findChildren(ShortcutsDialog)), timeout=2000)
    [dialog] = opened.findChildren(ShortcutsDialog)
    rows = shown_rows(dialog)
    commands = {(where, command) for where, command, _keys in rows}
    assert ("Edit", "Find") in commands and ("File", "Import…") in commands
    assert ("Timeline › walk mode", "key moment", "K") in rows
    # Every menu entry that has a key is listed with it, as the menu shows it.
    assert any(keys == "Ctrl+Q" for _where, command, keys in rows if command == "Quit")

    qtbot.keyClicks(dialog.filter_edit, "moment")
    assert {command for _where, command, _keys in shown_rows(dialog)} >= {"key moment"}
    assert all("moment" in " ".join(row).casefold() for row in shown_rows(dialog))
    assert not dialog.empty_label.isVisible()
    dialog.filter_edit.clear()
    qtbot.keyClicks(dialog.filter_edit, "no such command")
    assert shown_rows(dialog) == [] and dialog.empty_label.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def test_report_a_problem_holds_the_versions_and_what_irdesk_told_the_user(
    qtbot: QtBot, opened: MainWindow, tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage-for-report.db"
    garbage.write_bytes(b"not a database")
    opened.open_database(garbage)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QMessageBox) and w.isVisible() for w in opened.findChildren(QMessageBox)
        ),
        timeout=5000,
    )
    choose_from_menu(qtbot, opened, Qt.Key.Key_H, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: bool(opened.findChildren(ProblemReportDialog)), timeout=2000)
    [dialog] = opened.findChildren(ProblemReportDialog)
    report = dialog.text_box.toPlainText()
    assert f"irdesk: {__version__}" in report
    assert "garbage-for-report.db" in report and "not an irdesk database" in report
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == report
    assert dialog.copy_button.text() == "Copied"
