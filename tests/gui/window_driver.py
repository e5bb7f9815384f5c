"""Small steps a test takes on the main window, the way a user would."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from irdesk.gui.common.incident_table_model import COL_ID, COL_TITLE
from irdesk.gui.incidents.overview_timeline_model import COL_TEXT
from irdesk.gui.main_window import MainWindow


def open_and_wait(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.tasks.idle, timeout=10_000):
        window.open_database(path)


def shown_column(window: MainWindow, column: int) -> list[str]:
    model = window.incident_model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def row_of(window: MainWindow, external_id: str) -> int:
    return shown_column(window, COL_ID).index(external_id)


def click_row(qtbot: QtBot, window: MainWindow, row: int) -> None:
    table = window.table
    centre = table.visualRect(window.incident_model.index(row, COL_TITLE)).center()
    with qtbot.waitSignal(window.tasks.idle, timeout=5000):
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def timeline_texts(window: MainWindow) -> list[str]:
    model = window.details.timeline_model
    return [model.index(row, COL_TEXT).data() for row in range(model.rowCount())]


def visible_boxes(window: MainWindow) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def choose_from_menu(qtbot: QtBot, window: MainWindow, menu_key: Qt.Key, item_key: Qt.Key) -> None:
    """Alt+`menu_key` opens a menu bar menu, `item_key` picks the entry with that accelerator."""
    activate(qtbot, window)
    qtbot.keyClick(window, menu_key, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=2000)
    qtbot.keyClick(QApplication.activePopupWidget(), item_key)
