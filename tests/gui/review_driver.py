"""Steps a test takes on the Review tab as a user would, and looks at the file behind it."""

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView
from pytestqt.qtbot import QtBot
from window_driver import click_row, row_of

from irdesk.gui.main_window import MainWindow
from irdesk.gui.review.tab import ReviewTab


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """What another process would read from the file now."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, params).fetchall()


def settled(window: MainWindow) -> bool:
    return not window.tasks.busy and not window.review_tab.autosaver.busy


# A ceiling, not a pace: the wait ends as soon as the window has settled; 5 s ran out on a
# loaded two-core runner with the suite in parallel.
def wait_settled(qtbot: QtBot, window: MainWindow, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: settled(window), timeout=timeout)


def open_review(qtbot: QtBot, window: MainWindow, external_id: str) -> ReviewTab:
    """Select the incident in the list, then click the Review tab."""
    click_row(qtbot, window, row_of(window, external_id))
    bar = window.incident_tabs.tabBar()
    index = window.incident_tabs.indexOf(window.review_tab)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.incident_tabs.currentWidget() is window.review_tab
    wait_settled(qtbot, window)
    return window.review_tab


def click_cell(qtbot: QtBot, table: QTableView, row: int, column: int) -> None:
    index = table.model().index(row, column)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )


def model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[str]:
    """Every display and tooltip text of a model, children included."""
    parent = parent or QModelIndex()
    texts: list[str] = []
    for row in range(model.rowCount(parent)):
        for column in range(max(1, model.columnCount(parent))):
            index = model.index(row, column, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = index.data(role)
                if value is not None:
                    texts.append(str(value))
            if column == 0 and model.rowCount(index) > 0:
                texts += model_texts(model, index)
    return texts


def view_models(window: Any) -> list[QAbstractItemModel]:
    models = []
    for view in window.findChildren(QAbstractItemView):
        model = view.model()
        if model is not None:
            models.append(model)
    return models


def popup() -> Any:
    return QApplication.activePopupWidget()
