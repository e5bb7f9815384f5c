"""Editing the record from the Timeline tab: add, correct, key moments, lifecycle times; undo.

Each test drives the keys a facilitator presses and then checks the database
(the event, its revision, the audit log) and what the tab shows. Times are
typed in the user's zone: these tests run in Europe/Madrid (UTC+2 in October).
"""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sample_incidents import T0, IncidentFile
from sqlmodel import col, select
from timeline_driver import open_timeline, press, shown, shown_sources, time_cell
from window_driver import activate, choose_from_menu, visible_boxes

from irdesk.domain.models import AuditEntry, LifecycleOverride, TimelineEvent
from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import open_database
from irdesk.storage.records import event_edits
from irdesk.storage.records.audit import verify_chain

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def events_of(incident_file: IncidentFile) -> list[TimelineEvent]:
    db = open_database(incident_file.path)
    try:
        with db.session() as session:
            return list(
                session.exec(
                    select(TimelineEvent)
                    .where(TimelineEvent.incident_id == incident_file.ids["INC-101"])
                    .order_by(col(TimelineEvent.occurred_at))
                )
            )
    finally:
        db.close()


def audit_actions(incident_file: IncidentFile) -> list[str]:
    db = open_database(incident_file.path)
    try:
        with db.session() as session:
            assert verify_chain(session) is None
            return list(session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))))
    finally:
        db.close()


def replace_text(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def test_add_an_event_then_undo_and_redo(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile, local_zone
) -> None:
    local_zone("Europe/Madrid")
    tab = open_timeline(qtbot, opened, "INC-101")
    activate(qtbot, opened)
    tab.table.setFocus()

    qtbot.keyClick(tab.table, Qt.Key.Key_E, CTRL)
    dialog = opened.timeline.dialog
    assert dialog is not None and dialog.isVisible()
    # A time irdesk cannot read is named, and nothing is written.
    replace_text(qtbot, dialog.time_edit, "25:99")
    qtbot.keyClicks(dialog.text_edit, "called the database team")
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and "“25:99” is not a time" in dialog.error_label.text()
    assert len(events_of(incident_file)) == 4

    replace_text(qtbot, dialog.time_edit, "2026-10-14 11:50")  # 09:50 UTC
    dialog.kind_combo.setFocus()
    qtbot.keyClicks(dialog.kind_combo, "escalate")
    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not opened.tasks.busy, timeout=5000)

    added = [e for e in events_of(incident_file) if e.added_by_facilitator]
    assert len(added) == 1
    event = added[0]
    assert event.occurred_at == datetime(2026, 10, 14, 9, 50, tzinfo=UTC)
    assert (event.text, event.kind.value, event.source) == (
        "called the database team",
        "escalate",
        "facilitator",
    )
    assert shown(tab)[2] == "called the database team"
    assert shown_sources(tab)[2] == "+ facilitator"
    assert tab.current_event() is not None and tab.current_event().id == event.id
    assert time_cell(tab, 2)[0] == "11:50:00"
    assert audit_actions(incident_file) == ["add_event"]

    press(qtbot, opened, Qt.Key.Key_Z, CTRL)
    assert [e.text for e in events_of(incident_file)] == [
        "p99 latency above 2 s on checkout-api",
        "Acknowledged",
        "Rolled back release 4.2.1",
        "Resolved after cache warm-up",
    ]
    assert "called the database team" not in shown(tab)

    press(qtbot, opened, Qt.Key.Key_Z, CTRL | SHIFT)
    again = [e for e in events_of(incident_file) if e.added_by_facilitator]
    assert [(e.id, e.text) for e in again] == [(event.id, "called the database team")]
    assert shown(tab)[2] == "called the database team"
    assert audit_actions(incident_file) == ["add_event", "remove_added_event", "add_event"]


def test_correct_an_event_keeps_the_original_shows_who_and_why_and_undoes(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile, local_zone
) -> None:
    local_zone("Europe/Madrid")
    tab = open_timeline(qtbot, opened, "INC-101")
    activate(qtbot, opened)
    tab.table.setFocus()
    assert tab.current_event() is not None and tab.current_event().text.startswith("p99")

    qtbot.keyClick(tab.table, Qt.Key.Key_E, CTRL | SHIFT)
    dialog = opened.timeline.dialog
    assert dialog is not None
    assert dialog.time_edit.text() == "2026-10-14 11:36:00"
    # No reason: refused, and said so.
    replace_text(qtbot, dialog.time_edit, "11:33")
    qtbot.keyClick(dialog.time_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and "Reason: say why" in dialog.error_label.text()

    replace_text(qtbot, dialog.text_edit, "p99 latency above 2 s (synthetic probe)")
    qtbot.keyClicks(dialog.reason_edit, "Prometheus clock was 3 minutes slow")
    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not opened.tasks.busy, timeout=5000)

    alert = events_of(incident_file)[0]
    assert alert.occurred_at == T0 + timedelta(minutes=1)
    assert alert.text == "p99 latency above 2 s (synthetic probe)"
    assert alert.original_occurred_at == T0 + timedelta(minutes=4)
    assert alert.original_text == "p99 latency above 2 s on checkout-api"
    assert alert.corrected_by == opened.actor
    assert alert.correction_reason == "Prometheus clock was 3 minutes slow"
    assert alert.revision == 1
    clock, tip = time_cell(tab, 0)
    assert clock == "11:33:00 ✎"
    assert f"Corrected by {opened.actor}: Prometheus clock was 3 minutes slow" in tip
    assert "Originally 2026-10-14 11:36:00 “p99 latency above 2 s on checkout-api”" in tip
    # Now before detection: the phase follows the corrected time.
    assert tab.model.index(0, 1).data() == "detecting"

    press(qtbot, opened, Qt.Key.Key_Z, CTRL)
    alert = events_of(incident_file)[0]
    assert (alert.text, alert.occurred_at, alert.corrected_at, alert.original_text) == (
        "p99 latency above 2 s on checkout-api",
        T0 + timedelta(minutes=4),
        None,
        None,
    )
    assert time_cell(tab, 0)[0] == "11:36:00"
    press(qtbot, opened, Qt.Key.Key_Z, CTRL | SHIFT)
    assert events_of(incident_file)[0].text == "p99 latency above 2 s (synthetic probe)"
    assert audit_actions(incident_file) == ["correct_event", "restore_event", "restore_event"]


def test_k_in_walk_mode_marks_a_key_moment_and_ctrl_z_takes_it_back(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    activate(qtbot, opened)
    qtbot.keyClick(tab.table, Qt.Key.Key_F5)
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Right)  # Ada's acknowledgement

    press(qtbot, opened, Qt.Key.Key_K)
    assert [e.is_key_moment for e in events_of(incident_file)] == [False, True, True, False]
    assert tab.card.heading_label.text().startswith("★ acknowledge")
    assert tab.walking and tab.card.text_label.text() == "Acknowledged"
    assert tab.ruler.key_moments == [False, True, True, False]
    # K twice in a row is no conflict: the second press knows the first one's revision.
    press(qtbot, opened, Qt.Key.Key_K)
    press(qtbot, opened, Qt.Key.Key_K)
    assert events_of(incident_file)[1].is_key_moment and events_of(incident_file)[1].revision == 3

    press(qtbot, opened, Qt.Key.Key_Z, CTRL)
    press(qtbot, opened, Qt.Key.Key_Z, CTRL)
    press(qtbot, opened, Qt.Key.Key_Z, CTRL)
    assert [e.is_key_moment for e in events_of(incident_file)] == [False, False, True, False]
    assert tab.card.heading_label.text() == "acknowledge · pagerduty · Ada Lovelace"
    assert audit_actions(incident_file) == [
        "mark_key_moment",
        "unmark_key_moment",
        "mark_key_moment",
        "unmark_key_moment",
        "mark_key_moment",
        "unmark_key_moment",
    ]


def test_set_a_lifecycle_time_from_an_event_through_the_edit_menu(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile, local_zone
) -> None:
    local_zone("UTC")
    tab = open_timeline(qtbot, opened, "INC-101")
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_End, CTRL)  # the resolution, at 10:47
    assert tab.current_event() is not None and tab.current_event().text.startswith("Resolved")

    # Edit › Set Lifecycle Time from Event › Verified: "this is when we verified".
    choose_from_menu(qtbot, opened, Qt.Key.Key_E, Qt.Key.Key_T)
    qtbot.waitUntil(
        lambda: QApplication.activePopupWidget() is opened.timeline.lifecycle_menu, timeout=2000
    )
    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        qtbot.keyClick(opened.timeline.lifecycle_menu, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: not opened.tasks.busy, timeout=5000)

    db = open_database(incident_file.path)
    with db.session() as session:
        override = session.get(LifecycleOverride, (incident_file.ids["INC-101"], "verified_at"))
        assert override is not None
        assert override.value == T0 + timedelta(hours=1, minutes=15)
        assert override.set_by == opened.actor and "Resolved after cache warm-up" in override.reason
    db.close()
    assert tab.ruler.lifecycle["verified_at"] == T0 + timedelta(hours=1, minutes=15)
    assert opened.details.values["Verified"].text().startswith("2026-10-14 10:47  ✎")
    assert tab.model.index(3, 1).data() == "after"

    press(qtbot, opened, Qt.Key.Key_Z, CTRL)
    db = open_database(incident_file.path)
    with db.session() as session:
        assert session.get(LifecycleOverride, (incident_file.ids["INC-101"], "verified_at")) is None
    db.close()
    assert tab.ruler.lifecycle["verified_at"] is None
    assert opened.details.values["Verified"].text() == "—"
    assert audit_actions(incident_file) == ["override_lifecycle", "clear_lifecycle_override"]


def test_an_event_changed_in_another_window_is_a_conflict_not_an_overwrite(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    activate(qtbot, opened)
    tab.table.setFocus()
    alert_id = tab.current_event().id
    # Someone else, on the same file, corrects the alert meanwhile.
    db = open_database(incident_file.path)
    with db.transaction() as session:
        event_edits.correct_event(
            session, alert_id, revision=0, text="their text", reason="theirs", actor="li"
        )
    db.close()

    press(qtbot, opened, Qt.Key.Key_K, CTRL)

    boxes = visible_boxes(opened)
    assert len(boxes) == 1 and "changed elsewhere" in boxes[0].text()
    alert = events_of(incident_file)[0]
    assert (alert.text, alert.is_key_moment, alert.revision) == ("their text", False, 1)
    # The tab reloads and shows their change; the next edit works on it.
    assert shown(tab)[0] == "their text"
    assert opened.undo_stack.count() == 0
    boxes[0].accept()
    press(qtbot, opened, Qt.Key.Key_K, CTRL)
    assert events_of(incident_file)[0].is_key_moment


def test_edit_keys_work_in_the_timeline_tab_only_and_the_menu_shows_the_tab(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_timeline(qtbot, opened, "INC-101")
    opened.incident_tabs.setCurrentIndex(0)
    opened.table.setFocus()

    # Ctrl+K in the incident list is not a timeline edit: other panes may use the key.
    press(qtbot, opened, Qt.Key.Key_K, CTRL)
    assert not any(e.is_key_moment for e in events_of(incident_file)[:1])
    assert audit_actions(incident_file) == []

    # Edit › Mark Key Moment brings the timeline to the front and marks its current event.
    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        choose_from_menu(qtbot, opened, Qt.Key.Key_E, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: not opened.tasks.busy, timeout=5000)
    assert opened.incident_tabs.currentWidget() is tab
    assert events_of(incident_file)[0].is_key_moment
    assert audit_actions(incident_file) == ["mark_key_moment"]
