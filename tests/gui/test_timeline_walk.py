"""The Timeline tab: events with their phase, the ruler, filters and search, walk mode by keys.

The sample database (tests/gui/sample_incidents.py) has INC-101 with four events:
an alert 4 minutes after impact (09:36 UTC), Ada's acknowledgement at 09:38,
the rollback at 10:12 (a key moment) and the resolution at 10:47 (corrected by a
facilitator); its lifecycle: started 09:32, detected 09:36, acknowledged 09:38,
mitigated 10:12, resolved 10:47, no verification.
"""

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile, write_incidents
from sqlmodel import select
from timeline_driver import open_timeline, press, shown, shown_phases, time_cell
from window_driver import activate, open_and_wait

from irdesk.domain.models import TimelineEvent
from irdesk.gui.main_window import MainWindow
from irdesk.gui.timeline.tab import TimelineTab
from irdesk.storage.database import open_database

TEXTS = [
    "p99 latency above 2 s on checkout-api",
    "Acknowledged",
    "Rolled back release 4.2.1",
    "Resolved after cache warm-up",
]


def test_the_timeline_lists_events_in_order_with_their_phase_and_corrections(
    qtbot: QtBot, opened: MainWindow, local_zone
) -> None:
    local_zone("UTC")
    tab = open_timeline(qtbot, opened, "INC-101")

    assert shown(tab) == TEXTS
    assert shown_phases(tab) == ["responding", "mitigating", "recovering", "after"]
    assert tab.count_label.text() == "4 events"
    # The corrected event says so, and who corrected it.
    clock, tip = time_cell(tab, 3)
    assert clock == "10:47:00 ✎"
    assert "Corrected by facilitator" in tip and "“Resolved”" in tip
    # The ruler: one tick per event, the markers of the effective lifecycle, scale from 09:32.
    ruler = tab.ruler
    assert len(ruler.times) == 4 and ruler.key_moments == [False, False, True, False]
    assert ruler.lifecycle["started_at"] is not None and ruler.lifecycle["verified_at"] is None
    assert ruler.x_of(ruler.lifecycle["started_at"].timestamp()) < ruler.x_of(ruler._stamps[0])
    assert tab.current_event() is not None and tab.current_event().text == TEXTS[0]


def test_search_with_ctrl_f_and_filters_by_source_and_kind(
    qtbot: QtBot, opened: MainWindow
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    tab.table.setFocus()
    activate(qtbot, opened)

    # Ctrl+F in the tab searches the timeline, not the incident list.
    qtbot.keyClick(tab.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.search_edit.hasFocus()
    qtbot.keyClicks(tab.search_edit, "ROLLED back")
    assert shown(tab) == ["Rolled back release 4.2.1"]
    assert tab.count_label.text() == "1 of 4 events"
    assert len(tab.ruler.times) == 1
    assert opened.filter_edit.text() == ""
    qtbot.keyClick(tab.search_edit, Qt.Key.Key_Escape)
    assert shown(tab) == TEXTS

    # Typing a name in a closed combo box picks it, as on any desktop.
    tab.source_combo.setFocus()
    qtbot.keyClicks(tab.source_combo, "pagerduty")
    assert shown(tab) == ["Acknowledged", "Resolved after cache warm-up"]
    tab.kind_combo.setFocus()
    qtbot.keyClicks(tab.kind_combo, "resolve")
    assert shown(tab) == ["Resolved after cache warm-up"]
    # The actor is searched too (Ada acknowledged).
    tab.source_combo.setCurrentIndex(0)
    tab.kind_combo.setCurrentIndex(0)
    qtbot.keyClicks(tab.search_edit, "ada")
    assert shown(tab) == ["Acknowledged"]


def test_walk_mode_steps_with_arrows_clicker_keys_space_home_and_end(
    qtbot: QtBot, opened: MainWindow
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    activate(qtbot, opened)
    tab.table.setFocus()

    press(qtbot, opened, Qt.Key.Key_F5)
    assert tab.walking and tab.pages.currentWidget() is tab.walk_page
    assert tab.walk_page.hasFocus()
    card = tab.card
    assert card.text_label.text() == TEXTS[0]
    assert card.position_label.text() == "1 of 4"
    assert card.elapsed_label.text() == "T+4m since impact started  ·  first event"

    steps = [
        (Qt.Key.Key_Right, 1),
        (Qt.Key.Key_PageDown, 2),
        (Qt.Key.Key_Space, 3),
        (Qt.Key.Key_Right, 3),  # the last event stays
        (Qt.Key.Key_PageUp, 2),
        (Qt.Key.Key_Left, 1),
        (Qt.Key.Key_End, 3),
        (Qt.Key.Key_Home, 0),
    ]
    for key, expected in steps:
        qtbot.keyClick(tab.walk_page, key)
        assert card.text_label.text() == TEXTS[expected], key
        assert tab.ruler.current == expected
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Right)
    assert card.elapsed_label.text() == "T+6m since impact started  ·  +2m after the previous event"
    assert card.phase_label.text() == "MITIGATING"
    assert card.heading_label.text() == "acknowledge · pagerduty · Ada Lovelace"
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_End)
    assert card.heading_label.text().startswith("✎ resolve")
    assert "Corrected by facilitator" in card.note_label.text()

    # Esc goes back to the list, on the event the walk reached.
    assert tab.walk_button.text() == "&Back to List (Esc)"
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Escape)
    assert not tab.walking and tab.pages.currentWidget() is tab.table
    assert tab.table.currentIndex().row() == 3
    assert not opened.timeline.walk_action.isChecked()
    assert tab.walk_button.text() == "Walk (F5)"
    # Enter on an event in the table walks from there.
    qtbot.keyClick(tab.table, Qt.Key.Key_Up)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert tab.walking and tab.card.text_label.text() == TEXTS[2]


def test_f5_from_the_incident_list_walks_the_selected_incident(
    qtbot: QtBot, opened: MainWindow
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    opened.incident_tabs.setCurrentIndex(0)
    opened.table.setFocus()
    activate(qtbot, opened)

    qtbot.keyClick(opened.table, Qt.Key.Key_F5)

    assert opened.incident_tabs.currentWidget() is tab
    assert tab.walking and tab.card.text_label.text() == TEXTS[0]
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_F5)
    assert not tab.walking


def test_menu_accelerators_and_shortcuts_stay_unique(window: MainWindow) -> None:
    """Two entries with one accelerator (or one key) make the key do nothing useful."""

    def accelerators(menu: QMenu) -> list[str]:
        keys = []
        for action in menu.actions():
            text = action.text().replace("&&", "")
            if "&" in text:
                keys.append(text[text.index("&") + 1].lower())
        return keys

    menus = [action.menu() for action in window.menuBar().actions()]
    menus += [window.timeline.lifecycle_menu]
    for menu in menus:
        assert isinstance(menu, QMenu)
        keys = accelerators(menu)
        assert len(keys) == len(set(keys)), (menu.title(), keys)
    shortcuts = [
        key.toString()
        for action in window.findChildren(QAction)
        for key in action.shortcuts()
        if not key.isEmpty()
    ]
    assert len(shortcuts) == len(set(shortcuts)), sorted(shortcuts)
    assert {"F5", "Shift+F5", "Ctrl+E", "Ctrl+Shift+E", "Ctrl+K"} <= set(shortcuts)


def test_opening_another_database_clears_the_timeline(
    qtbot: QtBot, opened: MainWindow, tmp_path: Path
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    qtbot.keyClick(tab.table, Qt.Key.Key_F5)
    assert tab.walking

    other = write_incidents(tmp_path / "other.db")
    open_and_wait(qtbot, opened, other.path)

    qtbot.waitUntil(lambda: tab.record is None, timeout=2000)
    assert not tab.walking and tab.model.rowCount() == 0
    assert tab.title_label.full_text() == TimelineTab.PLACEHOLDER
    # Selecting an incident of the new file shows its own timeline.
    tab = open_timeline(qtbot, opened, "INC-101")
    assert tab.record is not None and tab.record.detail.incident.external_id == "INC-101"
    assert shown(tab) == TEXTS


def test_clicking_the_ruler_moves_to_the_nearest_event(qtbot: QtBot, opened: MainWindow) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    ruler = tab.ruler
    rollback = ruler.x_of(ruler.times[2].timestamp())
    resolution = ruler.x_of(ruler.times[3].timestamp())
    # A little to the right of the rollback, well short of the resolution.
    x = rollback + (resolution - rollback) * 0.2
    qtbot.mouseClick(
        ruler, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(ruler.height() / 2))
    )
    assert tab.current_event() is not None and tab.current_event().text == TEXTS[2]
    assert ruler.current == 2 and tab.table.currentIndex().row() == 2


def test_the_timeline_model_passes_the_model_tester(
    qtbot: QtBot, opened: MainWindow, qtmodeltester: ModelTester
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    qtmodeltester.check(tab.model)


def test_an_incident_without_events_says_so_and_can_still_be_walked(
    qtbot: QtBot, opened: MainWindow
) -> None:
    tab = open_timeline(qtbot, opened, "INC-102")
    assert tab.count_label.text() == "0 events" and tab.current_event() is None
    activate(qtbot, opened)
    qtbot.keyClick(tab.table, Qt.Key.Key_F5)
    assert tab.walking
    assert tab.card.text_label.text() == "This incident has no timeline events yet"
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Right)
    assert tab.current_event() is None
    # Filtering everything away is told apart from an empty timeline.
    tab = open_timeline(qtbot, opened, "INC-101")
    qtbot.keyClicks(tab.search_edit, "nothing matches this")
    assert tab.card.text_label.text() == "No event matches the filters"


def test_a_long_event_text_is_set_smaller_so_it_still_fits(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    db = open_database(incident_file.path)
    with db.transaction() as session:
        event = session.exec(
            select(TimelineEvent).where(TimelineEvent.text == "Acknowledged")
        ).one()
        event.text = "Acknowledged. " + "Checking the replica lag on every shard first. " * 20
    db.close()
    tab = open_timeline(qtbot, opened, "INC-101")
    activate(qtbot, opened)
    qtbot.keyClick(tab.table, Qt.Key.Key_F5)
    full = tab.card.text_label.font().pointSizeF()
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Right)
    assert tab.card.text_label.text().startswith("Acknowledged. Checking")
    assert tab.card.text_label.font().pointSizeF() < full * 0.6
    assert tab.card.text_label.sizeHint().height() < tab.walk_page.height()
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Right)
    assert tab.card.text_label.font().pointSizeF() == full
