"""The Review tab, driven with mouse and keys: review record, findings, blame flags, action items."""

import json
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QHelpEvent, QTextCharFormat
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton, QToolTip, QWidget
from pytestqt.qtbot import QtBot
from review_driver import click_cell, open_review, query, wait_settled
from sample_incidents import IncidentFile
from window_driver import activate, click_row, row_of

from irdesk.gui.common.autosave import SAVE_DELAY_MS
from irdesk.gui.main_window import MainWindow
from irdesk.gui.review.checklist_dialog import ChecklistDialog
from irdesk.gui.review.models import A_DUE, A_TITLE, F_FLAGS, F_TEXT, OVERDUE_COLOUR, local_today

pytestmark = pytest.mark.usefixtures("opened")


def test_an_incident_without_a_review_offers_one_with_the_proposed_tier(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-102")
    assert tab.stack.currentIndex() == 1
    assert "full postmortem (built-in policy defaults: severity SEV1)" in tab.start_label.text()
    qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    assert tab.stack.currentIndex() == 2
    assert query(
        incident_file.path,
        "SELECT tier, status FROM review WHERE incident_id = ?",
        incident_file.ids["INC-102"],
    ) == [("full", "draft")]
    assert tab.header.status_label.text() == "Draft"
    assert tab.header.tier_combo.currentText() == "Full postmortem"
    assert "severity SEV1" in tab.header.proposal_label.text()
    actions = [a[0] for a in query(incident_file.path, "SELECT action FROM audit_entry")]
    assert actions == ["create_review"]


def _add_finding(qtbot: QtBot, window: MainWindow, text: str) -> None:
    panel = window.review_tab.findings
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, window)
    assert panel.editor.hasFocus() or panel.editor.isVisible()
    qtbot.keyClicks(panel.editor, text)


def test_typing_a_finding_saves_it_within_a_second_and_underlines_blame(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    typed = "Ada Lovelace should have rolled back sooner"
    # Saved by the autosave timer, with no pause or focus change: within SAVE_DELAY_MS.
    assert SAVE_DELAY_MS <= 1000
    with qtbot.waitSignal(tab.autosaver.saved, timeout=10_000):
        _add_finding(qtbot, opened, typed)
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT text FROM finding") == [(typed,)]

    # The editor underlines the name and the phrase, each with its hint as tooltip.
    editor = tab.findings.editor
    block = editor.document().firstBlock()
    underlined = {}
    for r in block.layout().formats():
        fmt = r.format
        if fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline:
            underlined[block.text()[r.start : r.start + r.length]] = fmt.toolTip()
    assert set(underlined) == {"Ada Lovelace", "should have"}
    assert "Hindsight" in underlined["should have"]
    assert "Feedback Notes" in underlined["Ada Lovelace"]
    assert editor.flag_at(typed.index("should") + 2).hint.startswith("Hindsight")
    # Hovering the underline shows the hint.
    cursor = editor.textCursor()
    cursor.setPosition(typed.index("should") + 2)
    where = editor.cursorRect(cursor).center()
    QApplication.sendEvent(
        editor.viewport(),
        QHelpEvent(QEvent.Type.ToolTip, where, editor.viewport().mapToGlobal(where)),
    )
    assert QToolTip.text().startswith("Hindsight")
    QToolTip.hideText()
    # …and the count is shown, in the tab, the list and under the editor.
    assert tab.header.flag_label.text().startswith("⚑ 2 blameless-language flags")
    model = tab.findings.model
    assert model.index(0, F_FLAGS).data() == "⚑ 2"
    assert model.index(0, F_TEXT).data() == typed
    assert "“should have”: Hindsight" in tab.findings.hints_label.text()

    # Rewording it about the system clears the flags.
    editor.selectAll()
    qtbot.keyClicks(editor, "The rollback runbook needed a manual approval step")
    qtbot.waitUntil(lambda: tab.header.flag_label.text().startswith("✓"), timeout=1000)
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT text FROM finding") == [
        ("The rollback runbook needed a manual approval step",)
    ]
    edits = query(
        incident_file.path, "SELECT detail_json FROM audit_entry WHERE action = 'edit_finding'"
    )
    assert edits and json.loads(edits[-1][0])["text"].startswith("The rollback runbook")


def test_continuous_typing_is_saved_while_it_goes_on(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    """The autosave timer is not restarted by each key: a long burst is saved as it goes."""
    open_review(qtbot, opened, "INC-101")
    editor = opened.review_tab.findings.editor
    _add_finding(qtbot, opened, "")
    saved_during: list[str] = []
    for word in ("Retries ", "had ", "no ", "backoff ", "or ", "jitter ", "so ", "load ", "grew"):
        qtbot.keyClicks(editor, word)
        qtbot.wait(150)  # a typist's pace: the timer would never fire if it were restarted
        saved_during += [row[0] for row in query(incident_file.path, "SELECT text FROM finding")]
    assert any(text.startswith("Retries had") for text in saved_during)
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT text FROM finding") == [
        ("Retries had no backoff or jitter so load grew",)
    ]


def test_findings_reorder_with_alt_arrows_and_a_delete_is_undone(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    _add_finding(qtbot, opened, "first factor")
    _add_finding(qtbot, opened, "second factor")
    wait_settled(qtbot, opened)
    table = tab.findings.table

    def stored() -> list[str]:
        return [
            r[0] for r in query(incident_file.path, "SELECT text FROM finding ORDER BY position")
        ]

    def shown() -> list[str]:
        return [tab.findings.model.index(r, F_TEXT).data() for r in range(table.model().rowCount())]

    click_cell(qtbot, table, 1, F_TEXT)
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    wait_settled(qtbot, opened)
    assert stored() == ["second factor", "first factor"]
    assert shown() == ["second factor", "first factor"]
    assert tab.findings.current_row().text == "second factor"  # the moved one stays selected

    qtbot.keyClick(table, Qt.Key.Key_Delete)
    wait_settled(qtbot, opened)
    assert stored() == ["first factor"]
    assert shown() == ["first factor"]

    opened.activateWindow()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_settled(qtbot, opened)
    assert stored() == ["second factor", "first factor"]
    assert shown() == ["second factor", "first factor"]
    assert opened.undo_stack.redoText().startswith("Delete finding")
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the move
    wait_settled(qtbot, opened)
    assert stored() == ["first factor", "second factor"]
    assert shown() == ["first factor", "second factor"]


def tick_one_in_picker(
    qtbot: QtBot, panel: QWidget, opener: QWidget, title: str, words: str
) -> None:
    """Open a link picker with its button, filter to the one row matching `words`, tick it
    with Space and press OK."""
    qtbot.mouseClick(opener, Qt.MouseButton.LeftButton)
    [dialog] = [d for d in panel.findChildren(ChecklistDialog) if d.isVisible()]
    assert dialog.windowTitle() == title
    qtbot.keyClicks(dialog.filter_edit, words)
    assert dialog.proxy.rowCount() == 1
    dialog.list.setFocus()
    dialog.list.setCurrentIndex(dialog.proxy.index(0, 0))
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)
    qtbot.mouseClick(
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
        Qt.MouseButton.LeftButton,
    )


def test_a_finding_is_linked_to_timeline_events_through_the_picker(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    _add_finding(qtbot, opened, "The rollback took 30 minutes")
    wait_settled(qtbot, opened)
    tick_one_in_picker(
        qtbot, tab.findings, tab.findings.events_button, "Link Finding to Events", "rolled back"
    )
    wait_settled(qtbot, opened)
    linked = query(
        incident_file.path,
        "SELECT e.text FROM finding_event fe JOIN timeline_event e ON e.id = fe.event_id",
    )
    assert linked == [("Rolled back release 4.2.1",)]
    assert "Rolled back release 4.2.1" in tab.findings.events_label.text()


def test_approving_with_open_flags_needs_a_reason_which_is_recorded(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    _add_finding(qtbot, opened, "A careless config push")
    wait_settled(qtbot, opened)
    approve = tab.findChild(type(tab.start_button), "move_to_approved")
    asked: list[int] = []

    monkeypatch.setattr(tab, "ask_override_reason", lambda count: asked.append(count))
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    assert asked == [1]
    assert query(incident_file.path, "SELECT status FROM review") == [("in_review",)]
    assert "no override reason" in tab.problem_label.text()

    monkeypatch.setattr(tab, "ask_override_reason", lambda count: "the words are the customer's")
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT status, blameless_override_reason FROM review") == [
        ("approved", "the words are the customer's")
    ]
    assert tab.header.status_label.text() == "Approved"

    def moves() -> list[str]:
        return [
            b.text()
            for b in tab.findChildren(QPushButton)
            if b.objectName().startswith("move_to_") and b.isVisible()
        ]

    # The buttons follow the reloaded record, which can come a moment after the label.
    qtbot.waitUntil(lambda: moves() == ["Reopen"], timeout=5000)  # signing: a signed packet
    assert not tab.header.summary_edit.isEnabled()  # an approved review is read-only until reopened
    detail = query(
        incident_file.path,
        "SELECT detail_json FROM audit_entry WHERE action = 'set_review_status'",
    )
    assert json.loads(detail[-1][0])["blameless_override_reason"] == "the words are the customer's"


def test_choosing_the_other_tier_waits_for_a_reason(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")  # SEV2 and 12,000 users: full is proposed
    tab.header.tier_combo.setFocus()
    qtbot.keyClick(tab.header.tier_combo, Qt.Key.Key_Down)  # Lightweight summary
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT tier, tier_reason FROM review") == [("full", None)]
    assert tab.header.tier_reason_edit.isVisible()
    assert "say why" in tab.problem_label.text()
    qtbot.keyClicks(tab.header.tier_reason_edit, "a repeat of INC-90, already reviewed")
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT tier, tier_reason FROM review") == [
        ("lightweight", "a repeat of INC-90, already reviewed")
    ]


def test_review_fields_save_and_an_overdue_review_says_so(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")  # due 2026-10-21, still in review
    assert tab.header.overdue_label.text().startswith("⚠ Overdue by")
    qtbot.keyClicks(tab.header.summary_edit, "Checkout slowed for 75 minutes after release 4.2.1.")
    tab.header.due_edit.setDate(QDate.currentDate().addDays(7))
    wait_settled(qtbot, opened)
    assert tab.header.overdue_label.text() == ""
    due = (local_today() + timedelta(days=7)).isoformat()
    assert query(incident_file.path, "SELECT summary, due_on FROM review") == [
        ("Checkout slowed for 75 minutes after release 4.2.1.", due)
    ]

    tab.header.facilitator_combo.setFocus()
    qtbot.keyClicks(tab.header.facilitator_combo, "Ada")
    qtbot.mouseClick(tab.header.attendees_button, Qt.MouseButton.LeftButton)
    [dialog] = [d for d in tab.findChildren(ChecklistDialog) if d.isVisible()]
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)  # the first (and only) person: Ada
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    wait_settled(qtbot, opened)
    assert query(
        incident_file.path,
        "SELECT p.name FROM review r JOIN person p ON p.id = r.facilitator_id "
        "JOIN review_attendee a ON a.review_id = r.id AND a.person_id = p.id",
    ) == [("Ada Lovelace",)]
    assert tab.header.attendees_label.text() == "Ada Lovelace"
    assert tab.header.facilitator_combo.currentText() == "Ada Lovelace"


def test_action_items_are_created_owned_dated_and_overdue_ones_stand_out(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    _add_finding(qtbot, opened, "Release 4.2.1 had no load test")
    panel = tab.actions
    qtbot.keyClick(
        opened,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    wait_settled(qtbot, opened)
    assert panel.model.rowCount() == 1
    qtbot.keyClicks(panel.title_edit, "Load-test checkout releases")
    qtbot.keyClicks(panel.key_edit, "OPS-321")
    panel.owner_combo.setFocus()
    qtbot.keyClicks(panel.owner_combo, "Ada")
    wait_settled(qtbot, opened)
    panel.due_edit.setDate(QDate.currentDate().addDays(-3))
    wait_settled(qtbot, opened)
    rows = query(
        incident_file.path,
        "SELECT a.title, a.external_key, p.name, a.due_on, a.status, f.text FROM action_item a "
        "JOIN person p ON p.id = a.owner_person_id "
        "JOIN action_finding af ON af.action_id = a.id JOIN finding f ON f.id = af.finding_id",
    )
    overdue_day = (local_today() - timedelta(days=3)).isoformat()
    assert rows == [
        (
            "Load-test checkout releases",
            "OPS-321",
            "Ada Lovelace",
            overdue_day,
            "open",
            "Release 4.2.1 had no load test",
        )
    ]
    model = panel.model
    assert model.index(0, A_TITLE).data() == "Load-test checkout releases"
    assert model.index(0, A_DUE).data() == f"{overdue_day} ⚠ 3 d late"
    assert model.index(0, A_DUE).data(Qt.ItemDataRole.ToolTipRole).startswith("Overdue by 3 days")
    assert model.index(0, A_DUE).data(Qt.ItemDataRole.ForegroundRole) == OVERDUE_COLOUR
    assert panel.overdue_label.text() == "⚠ 1 overdue"

    panel.status_combo.setFocus()
    qtbot.keyClicks(panel.status_combo, "Done")
    wait_settled(qtbot, opened)
    assert query(
        incident_file.path, "SELECT status, completed_at IS NOT NULL FROM action_item"
    ) == [("done", 1)]
    assert model.index(0, A_DUE).data(Qt.ItemDataRole.ForegroundRole) is None
    assert panel.overdue_label.text() == ""


def test_an_action_item_is_linked_to_findings_through_the_picker_and_undone(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    _add_finding(qtbot, opened, "Release 4.2.1 had no load test")
    _add_finding(qtbot, opened, "Paging reached the right person fast")
    wait_settled(qtbot, opened)
    panel = tab.actions
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    linked = "SELECT f.text FROM action_finding af JOIN finding f ON f.id = af.finding_id"
    before = query(incident_file.path, linked)  # a new action addresses the current finding
    tick_one_in_picker(qtbot, panel, panel.findings_button, "Findings Addressed", "load test")
    wait_settled(qtbot, opened)
    after = query(incident_file.path, linked)
    assert ("Release 4.2.1 had no load test",) in after and after != before
    assert opened.undo_action.text() == "&Undo Link action item to findings"
    opened.undo_action.trigger()
    wait_settled(qtbot, opened)
    assert query(incident_file.path, linked) == before


def test_keys_add_a_finding_and_an_action_and_undo_the_action_delete(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    activate(qtbot, opened)
    qtbot.keyClick(opened, Qt.Key.Key_N, shift_ctrl)
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT category FROM finding") == [("contributing_factor",)]
    assert tab.findings.editor.hasFocus()  # type straight away
    qtbot.keyClick(opened, Qt.Key.Key_A, shift_ctrl)
    wait_settled(qtbot, opened)
    qtbot.keyClicks(tab.actions.title_edit, "Add a canary stage")
    wait_settled(qtbot, opened)
    table = tab.actions.table
    click_cell(qtbot, table, 0, A_TITLE)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT title FROM action_item") == []
    assert tab.actions.model.rowCount() == 0
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_settled(qtbot, opened)
    assert query(
        incident_file.path,
        "SELECT a.title, f.category FROM action_item a "
        "JOIN action_finding af ON af.action_id = a.id JOIN finding f ON f.id = af.finding_id",
    ) == [("Add a canary stage", "contributing_factor")]
    assert tab.actions.model.index(0, A_TITLE).data() == "Add a canary stage"
    qtbot.keyClick(table, Qt.Key.Key_Z, shift_ctrl)  # redo: deleted again
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT title FROM action_item") == []


def test_closing_the_window_right_after_typing_keeps_the_text(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    qtbot.keyClicks(tab.header.summary_edit, "Typed just before closing")
    assert tab.autosaver.busy  # not saved yet: the timer has not fired
    opened.close()
    assert query(incident_file.path, "SELECT summary FROM review") == [
        ("Typed just before closing",)
    ]


def test_a_refused_key_is_explained_and_kept_for_fixing(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    qtbot.mouseClick(tab.actions.add_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, opened)
    qtbot.keyClicks(tab.actions.key_edit, "OPS 12")
    wait_settled(qtbot, opened)
    assert "no spaces" in tab.problem_label.text()
    assert tab.actions.key_edit.text() == "OPS 12"
    assert query(incident_file.path, "SELECT external_key FROM action_item") == [(None,)]
    tab.actions.key_edit.setCursorPosition(3)
    qtbot.keyClick(tab.actions.key_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(tab.actions.key_edit, "-")
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT external_key FROM action_item") == [("OPS-12",)]
    assert tab.problem_label.isHidden()


def test_add_finding_from_another_tab_brings_the_review_forward_and_adds(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    """Walking the timeline elsewhere, Ctrl+Shift+N captures a finding without hunting for it."""
    click_row(qtbot, opened, row_of(opened, "INC-101"))
    assert opened.incident_tabs.currentWidget() is opened.details  # the review never shown yet
    activate(qtbot, opened)
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(opened, Qt.Key.Key_N, shift_ctrl)
    wait_settled(qtbot, opened)
    assert opened.incident_tabs.currentWidget() is opened.review_tab
    assert query(incident_file.path, "SELECT category, text FROM finding") == [
        ("contributing_factor", "")
    ]
    qtbot.keyClicks(opened.review_tab.findings.editor, "Caches were cold after the deploy")
    wait_settled(qtbot, opened)
    assert query(incident_file.path, "SELECT text FROM finding") == [
        ("Caches were cold after the deploy",)
    ]

    # An incident without a review says so instead of adding anything.
    opened.incident_tabs.setCurrentWidget(opened.details)
    click_row(qtbot, opened, row_of(opened, "INC-102"))
    qtbot.keyClick(opened, Qt.Key.Key_N, shift_ctrl)
    wait_settled(qtbot, opened)
    assert opened.review_tab.stack.currentIndex() == 1  # the Start Review page
    assert "Start the review first" in opened.statusBar().currentMessage()
    assert query(incident_file.path, "SELECT count(*) FROM finding") == [(1,)]


def test_an_approved_review_stays_settled_and_shows_why_it_was_approved_with_flags(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    from irdesk.domain.enums import FindingCategory, ReviewStatus, ReviewTier
    from irdesk.domain.models import Review
    from irdesk.storage.records import findings, reviews

    assert opened.db is not None
    with opened.db.transaction() as session:
        review = reviews.get_review(session, incident_file.ids["INC-101"])
        assert review is not None
        findings.add_finding(
            session,
            review.id,
            FindingCategory.CONTRIBUTING_FACTOR,
            actor="t",
            text="Ada Lovelace should have rolled back sooner",
        )
        reviews.set_status(
            session,
            review.id,
            review.revision,
            ReviewStatus.APPROVED,
            actor="t",
            override_reason="quoted from the customer's complaint",
        )
    with opened.db.transaction() as session:
        # As if a later policy version proposed another tier for this incident.
        row = session.get(Review, review.id)
        assert row is not None
        row.tier = ReviewTier.LIGHTWEIGHT if row.tier == ReviewTier.FULL else ReviewTier.FULL
        session.add(row)

    tab = open_review(qtbot, opened, "INC-101")
    header = tab.header
    assert header.status_label.text() == "Approved"
    assert not header.tier_reason_edit.isVisible()  # no "(required)" on a settled review
    assert header.proposal_label.text() == "Settled when the review was approved."
    assert header.override_label.isVisible()
    assert "quoted from the customer's complaint" in header.override_label.text()


def test_the_finding_editor_keeps_its_size_as_flags_come_and_go(
    qtbot: QtBot, opened: MainWindow
) -> None:
    tab = open_review(qtbot, opened, "INC-101")
    _add_finding(qtbot, opened, "The deploy tool retried without backoff")
    wait_settled(qtbot, opened)
    editor = tab.findings.editor
    before = editor.geometry()
    assert tab.findings.hints_label.text() == ""
    qtbot.keyClicks(editor, "; Ada Lovelace should have noticed, obviously")
    qtbot.waitUntil(lambda: "obviously" in tab.findings.hints_label.text(), timeout=5000)
    wait_settled(qtbot, opened)
    assert editor.geometry() == before  # no jump when the hints appear
    area = tab.findings.hints_area
    assert area.isVisible() and area.height() >= 3 * tab.findings.hints_label.fontMetrics().height()
