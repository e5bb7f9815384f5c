"""Edit › Link to Incident, the details pane's Unlink, and Ctrl+Z for both."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot
from sample_incidents import T0, IncidentFile, write_incidents
from sqlmodel import select
from window_driver import (
    activate,
    click_row,
    open_and_wait,
    row_of,
    shown_column,
    timeline_texts,
    visible_boxes,
)

from irdesk.domain.enums import EventKind
from irdesk.domain.models import AuditEntry, TimelineEvent
from irdesk.gui.common.incident_table_model import COL_ID, COL_TITLE
from irdesk.gui.incidents.link_dialog import LinkIncidentDialog
from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import open_database
from irdesk.storage.records import merges

TIMEOUT_MS = 10_000
CTRL = Qt.KeyboardModifier.ControlModifier


def add_event(path: Path, incident_id: int, text: str) -> None:
    db = open_database(path, create=False)
    try:
        with db.transaction() as session:
            session.add(
                TimelineEvent(
                    incident_id=incident_id,
                    occurred_at=T0 + timedelta(minutes=20),
                    kind=EventKind.NOTE,
                    source="jira",
                    text=text,
                )
            )
    finally:
        db.close()


@pytest.fixture
def incident_file(tmp_path: Path) -> IncidentFile:
    """The five sample incidents; jira:OPS-7 has a timeline event of its own."""
    written = write_incidents(tmp_path / "incidents.db")
    add_event(written.path, written.ids["OPS-7"], "Index rebuild started")
    return written


def links(path: Path) -> dict[int, tuple[int, str, str | None]]:
    """incident → (into, how, evidence), read through a connection of our own."""
    db = open_database(path, create=False)
    try:
        with db.session() as session:
            return {
                item.id: (into, item.how, item.evidence)
                for into in (1, 2, 3, 4, 5)
                for item in merges.linked_into(session, into)
            }
    finally:
        db.close()


def audit_actions(path: Path) -> list[tuple[str, str]]:
    db = open_database(path, create=False)
    try:
        with db.session() as session:
            entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
            return [(e.action, json.loads(e.detail_json)["incident"]) for e in entries]
    finally:
        db.close()


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)


def also_seen_as(window: MainWindow) -> list[str]:
    if not window.details.linked_box.isVisible():
        return []
    return [label.text() for label in window.details.linked_labels]


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifiers: object = CTRL) -> None:
    """A shortcut pressed with the incident list focused; waits for what it set off."""
    activate(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, key, modifiers)  # type: ignore[arg-type]
    wait_idle(qtbot, window)


def test_ctrl_l_links_the_selected_incident_into_one_picked_by_keyboard_and_ctrl_z_undoes(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    ids, path = incident_file.ids, incident_file.path
    click_row(qtbot, opened, row_of(opened, "OPS-7"))
    assert opened.merging.link_action.isEnabled()

    activate(qtbot, opened)
    qtbot.keyClick(opened.table, Qt.Key.Key_L, CTRL)
    dialog = opened.merging.dialog
    assert isinstance(dialog, LinkIncidentDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Link to Incident"
    assert "<b>jira:OPS-7</b> (Search index lagging)" in dialog.intro.text()
    picker_ids = [dialog.proxy.index(r, COL_ID).data() for r in range(dialog.proxy.rowCount())]
    assert sorted(picker_ids) == ["INC-101", "INC-102", "OPS-11", "OPS-9"]  # not itself

    qtbot.keyClicks(dialog.filter_edit, "checkout lat")
    assert dialog.proxy.rowCount() == 1
    assert dialog.chosen_id() == ids["INC-101"]
    with qtbot.waitSignal(opened.tasks.idle, timeout=TIMEOUT_MS):
        qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Return)
    wait_idle(qtbot, opened)

    assert links(path) == {ids["OPS-7"]: (ids["INC-101"], "manual", None)}
    assert audit_actions(path) == [("link_incident", "jira:OPS-7")]
    assert "OPS-7" not in shown_column(opened, COL_ID)
    assert opened.count_label.text() == "4 incidents"
    # The target is selected, with the linked incident's events in its timeline.
    assert opened.table.currentIndex().data() == "Checkout latency spike"
    assert also_seen_as(opened) == ["jira:OPS-7 (linked by hand)"]
    assert "Index rebuild started" in timeline_texts(opened)
    assert opened.details.timeline_label.text() == "Timeline (5 events)"
    assert "Linked jira:OPS-7 into pagerduty:INC-101" in opened.statusBar().currentMessage()
    assert opened.undo_action.text() == "&Undo Link jira:OPS-7 into pagerduty:INC-101"

    press(qtbot, opened, Qt.Key.Key_Z)  # Ctrl+Z

    assert links(path) == {}
    assert "OPS-7" in shown_column(opened, COL_ID)
    assert also_seen_as(opened) == []
    assert "Index rebuild started" not in timeline_texts(opened)
    assert audit_actions(path)[-1] == ("unlink_incident", "jira:OPS-7")

    press(qtbot, opened, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo

    assert links(path) == {ids["OPS-7"]: (ids["INC-101"], "manual", None)}
    assert "OPS-7" not in shown_column(opened, COL_ID)
    assert also_seen_as(opened) == ["jira:OPS-7 (linked by hand)"]


def test_the_list_context_menu_links_into_an_incident_double_clicked_in_the_picker(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    ids, path = incident_file.ids, incident_file.path
    table = opened.table
    centre = table.visualRect(
        opened.incident_model.index(row_of(opened, "OPS-9"), COL_TITLE)
    ).center()

    activate(qtbot, opened)
    # A right click: the press, then the context menu event the platform sends with it.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.RightButton, pos=centre)
    QApplication.sendEvent(
        table.viewport(),
        QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, centre, table.viewport().mapToGlobal(centre)
        ),
    )
    menu = opened.merging.context_menu
    assert isinstance(menu, QMenu)
    qtbot.waitUntil(menu.isVisible, timeout=TIMEOUT_MS)
    assert table.currentIndex().data() == "⚠ Login emails delayed"  # the row clicked on
    [action] = [a for a in menu.actions() if not a.isSeparator()]
    assert action is opened.merging.link_action
    assert action.text() == "&Link to Incident…"
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())

    dialog = opened.merging.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()
    row = [dialog.proxy.index(r, COL_ID).data() for r in range(dialog.proxy.rowCount())].index(
        "INC-102"
    )
    cell = dialog.table.visualRect(dialog.proxy.index(row, COL_TITLE)).center()
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    with qtbot.waitSignal(opened.tasks.idle, timeout=TIMEOUT_MS):
        qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    wait_idle(qtbot, opened)

    assert links(path) == {ids["OPS-9"]: (ids["INC-102"], "manual", None)}
    assert "OPS-9" not in shown_column(opened, COL_ID)
    assert opened.table.currentIndex().data() == "Payment provider outage"


def test_unlink_in_the_details_pane_restores_a_link_found_in_the_source_data_on_ctrl_z(
    qtbot: QtBot, window: MainWindow, incident_file: IncidentFile
) -> None:
    ids, path = incident_file.ids, incident_file.path
    db = open_database(path, create=False)
    with db.transaction() as session:
        merges.link_incidents(
            session, ids["OPS-7"], ids["INC-101"], actor="import", how="reference", evidence="OPS-7"
        )
    db.close()
    open_and_wait(qtbot, window, path)
    assert "OPS-7" not in shown_column(window, COL_ID)

    click_row(qtbot, window, row_of(window, "INC-101"))
    assert also_seen_as(window) == ["jira:OPS-7 (found in the source data)"]
    assert window.details.linked_labels[0].toolTip() == "Search index lagging\nLinked by OPS-7"
    [unlink] = window.details.unlink_buttons
    assert unlink.text() == "Unlink"

    with qtbot.waitSignal(window.tasks.idle, timeout=TIMEOUT_MS):
        qtbot.mouseClick(unlink, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)

    assert links(path) == {}
    assert "OPS-7" in shown_column(window, COL_ID)
    assert window.table.currentIndex().data() == "Checkout latency spike"  # still shown
    assert also_seen_as(window) == []
    assert "Index rebuild started" not in timeline_texts(window)
    assert "jira:OPS-7 is an incident of its own again" in window.statusBar().currentMessage()

    press(qtbot, window, Qt.Key.Key_Z)

    assert links(path) == {ids["OPS-7"]: (ids["INC-101"], "reference", "OPS-7")}
    assert also_seen_as(window) == ["jira:OPS-7 (found in the source data)"]
    assert "OPS-7" not in shown_column(window, COL_ID)
    assert audit_actions(path) == [
        ("link_incident", "jira:OPS-7"),
        ("unlink_incident", "jira:OPS-7"),
        ("link_incident", "jira:OPS-7"),
    ]


def test_a_refused_link_says_why_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, incident_file: IncidentFile
) -> None:
    ids, path = incident_file.ids, incident_file.path
    db = open_database(path, create=False)
    with db.transaction() as session:
        merges.link_incidents(session, ids["OPS-7"], ids["INC-101"], actor="a")
    db.close()
    open_and_wait(qtbot, window, path)
    click_row(qtbot, window, row_of(window, "INC-101"))

    dialog = window.merging.link_current_incident()
    assert dialog is not None
    assert dialog.choose(ids["INC-102"])
    with qtbot.waitSignal(window.tasks.idle, timeout=TIMEOUT_MS):
        qtbot.mouseClick(dialog.link_button, Qt.MouseButton.LeftButton)

    [box] = visible_boxes(window)
    assert box.windowTitle() == "Cannot link"
    assert box.text().startswith("jira:OPS-7 is linked into pagerduty:INC-101; link the other way")
    assert box.informativeText() == "Nothing was changed."
    assert links(path) == {ids["OPS-7"]: (ids["INC-101"], "manual", None)}
    assert not window.undo_action.isEnabled()
    box.accept()


def test_link_needs_a_selected_incident_and_the_edit_menu_has_its_keys(
    qtbot: QtBot, window: MainWindow, incident_file: IncidentFile
) -> None:
    assert not window.merging.link_action.isEnabled()  # no database
    open_and_wait(qtbot, window, incident_file.path)
    assert not window.merging.link_action.isEnabled()  # nothing selected
    click_row(qtbot, window, 0)
    assert window.merging.link_action.isEnabled()

    shortcut = {a.text(): a.shortcut().toString() for a in window.findChildren(QAction)}
    assert shortcut["&Link to Incident…"] == "Ctrl+L"
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in [key.toString() for key in window.redo_action.shortcuts()]
    assert not window.undo_action.isEnabled()
    edit_menu = window.menuBar().actions()[1].menu()
    assert [a.text() for a in edit_menu.actions() if a.text()][:2] == ["&Undo", "&Redo"]
    assert window.merging.link_action in edit_menu.actions()


def test_escape_in_the_picker_links_nothing(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    click_row(qtbot, opened, row_of(opened, "OPS-7"))
    dialog = opened.merging.link_current_incident()
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: opened.merging.dialog is None, timeout=TIMEOUT_MS)
    wait_idle(qtbot, opened)
    assert links(incident_file.path) == {}
    assert not opened.undo_action.isEnabled()
    assert QApplication.activeModalWidget() is None
