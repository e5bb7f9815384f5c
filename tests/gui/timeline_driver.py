"""Steps a test takes on the Timeline tab, the way a facilitator would."""

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from window_driver import activate, click_row, row_of

from irdesk.gui.main_window import MainWindow
from irdesk.gui.timeline.tab import TimelineTab
from irdesk.gui.timeline.walk_model import COL_PHASE, COL_SOURCE, COL_TEXT, COL_TIME


def open_timeline(qtbot: QtBot, window: MainWindow, external_id: str) -> TimelineTab:
    """Select the incident in the list and show its Timeline tab, loaded."""
    click_row(qtbot, window, row_of(window, external_id))
    tab = window.timeline.tab
    window.incident_tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.record is not None, timeout=5000)
    return tab


def shown(tab: TimelineTab, column: int = COL_TEXT) -> list[str]:
    model = tab.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def shown_phases(tab: TimelineTab) -> list[str]:
    return shown(tab, COL_PHASE)


def shown_sources(tab: TimelineTab) -> list[str]:
    return shown(tab, COL_SOURCE)


def time_cell(tab: TimelineTab, row: int) -> tuple[str, str]:
    index = tab.model.index(row, COL_TIME)
    return index.data(), index.data(Qt.ItemDataRole.ToolTipRole)


def press(
    qtbot: QtBot,
    window: MainWindow,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A key press where the focus is (the window active), waiting for any work it started."""
    activate(qtbot, window)
    widget = window.focusWidget() or window
    qtbot.keyClick(widget, key, modifiers)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
