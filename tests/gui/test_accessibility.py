"""Screen readers and keyboards, across every window: each control has a name a screen
reader can say, each table says what its rows are, each chart says in words what it
draws; no two controls of a window share an Alt letter; Tab reaches every control.
"""

from collections.abc import Collection, Iterator, Mapping
from pprint import pformat

from accessibility_driver import (
    accessible_description,
    accessible_name,
    clashes,
    undescribed_views,
    unnamed,
    unreachable_by_tab,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from review_driver import open_review, wait_settled
from screen_sizes_driver import window_openers
from testdata import SHARED_DATA
from timeline_driver import open_timeline
from window_driver import activate

from irdesk.domain.enums import EventKind
from irdesk.gui.main_window import MainWindow

SAMPLE = SHARED_DATA / "pagerduty_incidents_page.json"


def assert_none(found: Mapping[str, Collection[object]]) -> None:
    """Every problem of every window at once, named: one run shows all there is to fix."""
    problems = {name: what for name, what in found.items() if what}
    assert not problems, pformat(problems, width=100)


def each_main_window_state(qtbot: QtBot, window: MainWindow) -> Iterator[str]:
    """Yields the name of each state the main window is in, as a user would bring it."""
    open_timeline(qtbot, window, "INC-101")
    window.incident_tabs.setCurrentWidget(window.details)
    yield "overview"
    tab = window.timeline.tab
    window.incident_tabs.setCurrentWidget(tab)
    yield "timeline"
    qtbot.mouseClick(tab.walk_button, Qt.MouseButton.LeftButton)
    assert tab.walking
    yield "timeline walk"
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Escape)
    review = window.review_tab
    bar = window.incident_tabs.tabBar()
    index = window.incident_tabs.indexOf(review)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    wait_settled(qtbot, window)
    qtbot.mouseClick(review.findings.add_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, window)
    qtbot.keyClicks(review.findings.editor, "The cache had no warm-up")
    wait_settled(qtbot, window)
    qtbot.mouseClick(review.actions.add_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, window)
    assert review.findings.model.rowCount() == 1 and review.actions.model.rowCount() == 1
    yield "review"


def each_window(qtbot: QtBot, window: MainWindow) -> Iterator[tuple[str, QWidget]]:
    """Yields (name, window) for every window and dialog, opened the way the window opens
    them, each closed again before the next."""
    for name, kind, open_it in window_openers(window, SAMPLE):
        # Held while the window opens, so that no id is reused by a new widget.
        earlier = QApplication.topLevelWidgets()
        before = {id(w) for w in earlier}
        opened = open_it()
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=30_000)
        shown = opened if isinstance(opened, QWidget) and opened.isVisible() else None
        if shown is None:
            fresh = [
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, kind) and w.isVisible() and id(w) not in before
            ]
            shown = fresh[-1] if fresh else None
        assert shown is not None and shown is not window, f"{name} did not open"
        qtbot.waitExposed(shown)
        yield name, shown
        shown.close()
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=30_000)


def test_every_control_of_the_main_window_has_a_name_and_every_table_says_what_it_lists(
    qtbot: QtBot, opened: MainWindow
) -> None:
    missing = {}
    for state in each_main_window_state(qtbot, opened):
        missing[state] = unnamed(opened) + undescribed_views(opened)
    assert_none(missing)


def test_every_control_of_every_window_and_dialog_has_a_name(
    qtbot: QtBot, opened: MainWindow
) -> None:
    open_review(qtbot, opened, "INC-101")
    missing = {}
    for name, shown in each_window(qtbot, opened):
        missing[name] = unnamed(shown) + undescribed_views(shown)
    assert_none(missing)


def test_dashboard_charts_are_named_and_summarised_from_the_data_they_draw(
    qtbot: QtBot, opened: MainWindow
) -> None:
    dashboard = opened.metrics.show_dashboard()
    qtbot.waitUntil(lambda: len(dashboard.canvases) == 4 and not opened.tasks.busy, timeout=30_000)
    names = [accessible_name(canvas) for canvas in dashboard.canvases]
    assert names == [chart.title for chart in dashboard.charts]
    summaries = {
        chart.key: accessible_description(c)
        for chart, c in zip(dashboard.charts, dashboard.canvases, strict=True)
    }
    assert all(summaries.values()), summaries
    # The distribution chart names each group with its median and count, as drawn.
    figures = dashboard.figures
    assert figures is not None
    kpi = figures.policy.primary_kpi
    for row in figures.durations[kpi][1:]:
        if row.count:
            assert f"{row.label} median " in summaries["distribution"]
            assert f"over {row.count} incident" in summaries["distribution"]
    dashboard.close()


def test_no_two_controls_of_a_window_share_an_alt_letter(qtbot: QtBot, opened: MainWindow) -> None:
    open_review(qtbot, opened, "INC-101")
    found = {}
    for name, shown in each_window(qtbot, opened):
        found[name] = clashes(shown)
    assert_none(found)


def test_tab_reaches_every_control_of_every_window_and_dialog(
    qtbot: QtBot, opened: MainWindow
) -> None:
    open_review(qtbot, opened, "INC-101")
    found = {}
    for name, shown in each_window(qtbot, opened):
        found[name] = unreachable_by_tab(shown)
    assert_none(found)


def test_tab_reaches_every_control_of_the_main_window(qtbot: QtBot, opened: MainWindow) -> None:
    found = {}
    for state in each_main_window_state(qtbot, opened):
        found[state] = unreachable_by_tab(opened)
    assert_none(found)


def press_find(qtbot: QtBot) -> None:
    """Ctrl+F where the focus is, as the user presses it."""
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_f_finds_in_the_timeline_from_inside_it_and_in_the_incident_list_elsewhere(
    qtbot: QtBot, opened: MainWindow
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    activate(qtbot, opened)
    # Each box says which key brings it, and Edit › Find says where it goes.
    assert "Ctrl+F" in opened.filter_edit.placeholderText()
    assert "Ctrl+F" in tab.search_edit.placeholderText()
    assert "Timeline" in opened.find_action.statusTip()

    for inside in (tab.table, tab.kind_combo, tab.source_combo, tab.walk_button):
        inside.setFocus()
        press_find(qtbot)
        assert tab.search_edit.hasFocus(), inside

    # From walk mode too: the walk ends and the search has the keys.
    qtbot.mouseClick(tab.walk_button, Qt.MouseButton.LeftButton)
    assert tab.walking and tab.walk_page.hasFocus()
    press_find(qtbot)
    assert not tab.walking and tab.search_edit.hasFocus()

    # Outside the tab (the list beside it, still showing the Timeline) it filters the list.
    opened.table.setFocus()
    press_find(qtbot)
    assert opened.filter_edit.hasFocus()
    # And from the list's filter it stays there, even with the Timeline tab in front.
    press_find(qtbot)
    assert opened.filter_edit.hasFocus()
    opened.incident_tabs.setCurrentWidget(opened.details)
    opened.details.timeline_view.setFocus()
    press_find(qtbot)
    assert opened.filter_edit.hasFocus()


def test_a_filter_or_search_without_a_match_says_so_over_the_empty_table(
    qtbot: QtBot, opened: MainWindow
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    activate(qtbot, opened)
    qtbot.mouseClick(tab.search_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(tab.search_edit, "plugh")
    assert tab.model.rowCount() == 0
    assert tab.no_match.isVisible() and tab.no_match.text() == "No event matches “plugh”."
    qtbot.keyClick(tab.search_edit, Qt.Key.Key_Escape)
    assert tab.model.rowCount() > 0 and not tab.no_match.isVisible()
    # A source and a kind that have nothing in common empty it too, and it says so.
    tab.source_combo.setCurrentIndex(tab.source_combo.findText("slack"))
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findData(EventKind.ALERT))
    assert tab.model.rowCount() == 0
    assert tab.no_match.isVisible() and tab.no_match.text() == "No event of this source and kind."

    notice = opened.incident_list.no_match
    assert not notice.isVisible()
    qtbot.mouseClick(opened.filter_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(opened.filter_edit, "xyzzy")
    assert opened.incident_model.rowCount() == 0
    assert notice.isVisible() and notice.text() == "No incident matches “xyzzy”."
    assert notice.geometry() == opened.table.viewport().rect()
    qtbot.keyClick(opened.filter_edit, Qt.Key.Key_Escape)
    assert opened.incident_model.rowCount() > 0 and not notice.isVisible()
