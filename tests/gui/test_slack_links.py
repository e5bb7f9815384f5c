"""The import dialog's Slack options: linking the channels an export could not link."""

from pathlib import Path

import pytest
from import_driver import choose_files, import_and_close, open_empty, wait_for_preview
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from testdata import FIXTURES, SHARED_DATA

from irdesk.gui.importing.dialog import ImportDialog
from irdesk.gui.importing.slack_links import (
    PROBLEM_STYLE,
    reaction_name,
)
from irdesk.gui.importing.states import State
from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import open_database
from irdesk.storage.reads import queries

PAGERDUTY = SHARED_DATA / "pagerduty_incidents_page.json"
SLACK = FIXTURES / "slack" / "export"
TIMEOUT_MS = 10_000


@pytest.fixture
def empty(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> MainWindow:
    return open_empty(qtbot, window, tmp_path / "fresh.db")


@pytest.fixture
def with_pagerduty(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow) -> MainWindow:
    """The PagerDuty incidents already imported, PH4UE4E (#12728) among them."""
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)
    import_and_close(qtbot, empty, dialog)
    return empty


def key_moments(path: Path, external_id: str) -> list[str]:
    db = open_database(path, create=False)
    try:
        with db.session() as session:
            [row] = [r for r in queries.list_incidents(session) if r.external_id == external_id]
            return [e.text[:30] for e in queries.timeline(session, row.id) if e.is_key_moment]
    finally:
        db.close()


def slack_event_count(path: Path, external_id: str) -> int:
    db = open_database(path, create=False)
    try:
        with db.session() as session:
            [row] = [r for r in queries.list_incidents(session) if r.external_id == external_id]
            return sum(1 for e in queries.timeline(session, row.id) if e.source == "slack")
    finally:
        db.close()


def link_by_typing(qtbot: QtBot, dialog: ImportDialog, edit: QLineEdit, key: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, key)
    assert dialog.import_button.isEnabled() is False  # the preview shown is for no link
    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    wait_for_preview(qtbot, dialog)


def test_a_channel_the_export_did_not_link_can_be_linked_by_key(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY, SLACK)
    box = dialog.slack_box

    assert dialog.state is State.READY
    assert box.isVisible()
    assert list(box.edits) == ["random"]  # inc-12728 linked itself by its name
    assert "#random (1 day file(s)) not linked" in dialog.report_view.values["Warnings"].text()
    assert box.reaction_edit.text() == "pushpin"
    assert dialog.options().slack_channels == {}

    link_by_typing(qtbot, dialog, box.edits["random"], "pagerduty:PH4UE4E")

    assert dialog.state is State.READY, dialog.headline.text()
    assert dialog.options().slack_channels == {"random": "pagerduty:PH4UE4E"}
    report = dialog.report_view.report_text.toPlainText()
    assert "not linked to any incident" not in report
    # Lunch chat hours before the page: linked now, and left out by the incident's window.
    assert "channel #random: 2 event(s) outside the time window of pagerduty:PH4UE4E" in report
    assert list(box.edits) == ["random"]  # the row stays, to change or clear the link


def test_channels_are_linked_to_incidents_already_in_the_database_by_completion(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, with_pagerduty: MainWindow
) -> None:
    window = with_pagerduty
    db_path = window.db.path  # type: ignore[union-attr]
    dialog = choose_files(qtbot, monkeypatch, window, SLACK)
    box = dialog.slack_box

    # inc-12728 links itself: the earlier import stored PagerDuty's number #12728.
    assert dialog.state is State.READY
    assert dialog.report_view.values["Timeline events"].text().startswith("9 new")
    assert list(box.edits) == ["random"]

    edit = box.edits["random"]
    dialog.activateWindow()
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit, "ph4ue")
    popup = box.completers["random"].popup()
    qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT_MS)
    assert box.completers["random"].currentCompletion() == "pagerduty:PH4UE4E  —  Test"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    wait_for_preview(qtbot, dialog)

    assert edit.text() == "pagerduty:PH4UE4E"
    assert dialog.state is State.READY, dialog.headline.text()
    assert dialog.options().slack_channels == {"random": "pagerduty:PH4UE4E"}
    # Lunch chat hours before the page: linked now, and left out by the incident's window.
    report = dialog.report_view.report_text.toPlainText()
    assert "channel #random: 2 event(s) outside the time window of pagerduty:PH4UE4E" in report
    assert dialog.report_view.values["Timeline events"].text().startswith("9 new")

    # The key moment reaction: :eyes: instead of :pushpin:.
    box.reaction_edit.selectAll()
    qtbot.keyClicks(box.reaction_edit, ":eyes:")
    assert dialog.state is State.BLOCKED
    assert "Slack options have changed" in dialog.headline.text()
    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        qtbot.keyClick(box.reaction_edit, Qt.Key.Key_Return)
    wait_for_preview(qtbot, dialog)
    assert dialog.options().key_reaction == "eyes"
    assert dialog.isVisible()  # Enter in the field previews; it does not import

    import_and_close(qtbot, window, dialog)
    assert slack_event_count(db_path, "PH4UE4E") == 9
    assert key_moments(db_path, "PH4UE4E") == [
        "I'm on it. Query latency on th",  # :eyes:
        "Replica lag started right afte",  # pinned
    ]


def test_a_link_to_no_incident_stops_the_import_until_it_is_changed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, with_pagerduty: MainWindow
) -> None:
    dialog = choose_files(qtbot, monkeypatch, with_pagerduty, SLACK)
    box = dialog.slack_box

    link_by_typing(qtbot, dialog, box.edits["random"], "pagerduty:NOPE")
    assert dialog.state is State.BLOCKED
    assert "expected an incident known as &#x27;pagerduty:NOPE&#x27;" in dialog.headline.text()
    assert "Link the channel to another incident under Slack" in dialog.headline.text()
    assert box.isVisible()
    assert box.edits["random"].styleSheet() == PROBLEM_STYLE
    assert not dialog.import_button.isEnabled()

    link_by_typing(
        qtbot, dialog, box.edits["random"], "https://pdt-giran.pagerduty.com/incidents/PH4UE4E"
    )
    assert dialog.state is State.READY, dialog.headline.text()
    assert box.edits["random"].styleSheet() == ""
    assert dialog.report_view.values["Timeline events"].text().startswith("9 new")


def test_a_new_import_starts_without_the_last_ones_links(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY, SLACK)
    link_by_typing(qtbot, dialog, dialog.slack_box.edits["random"], "pagerduty:PH4UE4E")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    again = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)
    assert again is dialog
    assert not dialog.slack_box.isVisible()  # no Slack in this import
    assert dialog.options().slack_channels == {}
    assert dialog.options().key_reaction == "pushpin"


def test_a_reaction_is_named_without_its_colons() -> None:
    assert reaction_name(" :eyes: ") == "eyes"
    assert reaction_name("") == "pushpin"
