"""File › Import and drops on the window: a preview first, the import only on request."""

import importlib.util
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from import_driver import choose_files, click, open_empty, wait_for_preview
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile
from testdata import SHARED_DATA

from irdesk.gui.importing import work as import_work
from irdesk.gui.importing.dialog import ImportDialog
from irdesk.gui.importing.presentation import ImportFileModel
from irdesk.gui.importing.states import CANCELLED_TEXT, State
from irdesk.gui.main_window import MainWindow
from irdesk.importers import registry
from irdesk.storage.database import open_database
from irdesk.storage.reads import queries

PAGERDUTY = SHARED_DATA / "pagerduty_incidents_page.json"
JIRA_CSV_ES = SHARED_DATA / "jira_service_management_export_es.csv"
TIMEOUT_MS = 10_000


def stored_ids(path: Path) -> list[str]:
    """What is really in the file, read through a connection of our own."""
    db = open_database(path, create=False)
    try:
        with db.session() as session:
            return sorted(row.external_id for row in queries.list_incidents(session))
    finally:
        db.close()


@pytest.fixture
def empty(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> MainWindow:
    return open_empty(qtbot, window, tmp_path / "fresh.db")


def file_column(dialog: ImportDialog, column: int) -> list[str]:
    return dialog.report_view.file_model.column(column)


def test_pagerduty_sample_is_previewed_then_imported_then_seen_unchanged(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    assert empty.db is not None
    db_path = empty.db.path

    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)

    assert dialog.state is State.READY
    assert dialog.report_view.values["Incidents"].text() == "26 new · 0 updated · 0 unchanged"
    assert "26 new" in dialog.headline.text()
    assert "Nothing has been written yet" in dialog.headline.text()
    assert file_column(dialog, ImportFileModel.COL_NAME) == ["pagerduty_incidents_page.json"]
    assert file_column(dialog, ImportFileModel.COL_FORMAT) == ["PagerDuty REST API v2"]
    assert file_column(dialog, ImportFileModel.COL_SIZE) == ["104 KB"]
    assert dialog.report_view.report_text.toPlainText().startswith("Would import 1 file(s):")
    assert dialog.import_button.isEnabled() and dialog.import_button.isDefault()
    assert stored_ids(db_path) == []  # a preview writes nothing
    assert empty.incident_list.total_count() == 0

    with qtbot.waitSignal(dialog.import_finished, timeout=TIMEOUT_MS):
        click(qtbot, dialog.import_button)
    assert dialog.state is State.DONE
    assert "Imported 26 new" in dialog.headline.text()
    assert dialog.report_view.report_text.toPlainText().startswith("Imported 1 file(s):")
    assert not dialog.import_button.isVisible()
    assert dialog.cancel_button.text() == "Close"
    assert len(stored_ids(db_path)) == 26
    qtbot.waitUntil(lambda: empty.incident_list.total_count() == 26, timeout=TIMEOUT_MS)
    assert empty.statusBar().currentMessage() == "Imported 26 new, 0 updated incidents"
    assert empty.count_label.text() == "26 incidents"

    click(qtbot, dialog.cancel_button)  # Close
    assert not dialog.isVisible()

    again = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)
    assert again is dialog
    assert dialog.report_view.values["Incidents"].text() == "0 new · 0 updated · 26 unchanged"
    assert "Nothing new" in dialog.headline.text()


def test_a_bad_file_names_the_file_and_place_and_cannot_be_imported(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, opened: MainWindow, tmp_path: Path
) -> None:
    export = json.loads(PAGERDUTY.read_text(encoding="utf-8"))
    export["incidents"][3]["created_at"] = "yesterday"
    bad = tmp_path / "bad-page.json"
    bad.write_text(json.dumps(export), encoding="utf-8")
    before = stored_ids(opened.db.path)  # type: ignore[union-attr]

    dialog = choose_files(qtbot, monkeypatch, opened, bad)

    assert dialog.state is State.BLOCKED
    message = dialog.headline.text()
    assert "cannot go ahead" in message
    assert "bad-page.json, incidents[3]: field &#x27;created_at&#x27;" in message
    assert "expected an ISO 8601 timestamp" in message
    assert "found &#x27;yesterday&#x27;" in message
    assert str(dialog.problem) in dialog.headline.text().replace("&#x27;", "'")
    assert not dialog.import_button.isEnabled()

    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the default button is disabled: nothing
    assert dialog.state is State.BLOCKED
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert stored_ids(opened.db.path) == before  # type: ignore[union-attr]


def test_choosing_the_source_previews_again_with_that_format(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)
    combo = dialog.options_box.source_combo
    assert combo.currentText() == "Detect automatically"
    assert combo.count() == 1 + len(registry.formats())

    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        combo.setCurrentIndex(combo.findData("statuspage"))
    assert dialog.options().format == "statuspage"
    assert dialog.state is State.BLOCKED
    assert "pagerduty_incidents_page.json, incidents[0].name" in dialog.headline.text()
    assert not dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        combo.setCurrentIndex(0)
    assert dialog.options().format is None
    assert dialog.state is State.READY
    assert dialog.report_view.values["Incidents"].text() == "26 new · 0 updated · 0 unchanged"
    assert stored_ids(empty.db.path) == []  # type: ignore[union-attr]


def test_a_csv_without_zones_asks_for_one_and_previews_with_the_zone_typed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    dialog = choose_files(qtbot, monkeypatch, empty, JIRA_CSV_ES)

    assert dialog.state is State.BLOCKED
    assert "expected a time zone for these dates" in dialog.headline.text()
    assert "Time zone field" in dialog.headline.text()
    assert dialog.focusWidget() is dialog.options_box.zone_edit
    assert not dialog.import_button.isEnabled()

    qtbot.keyClicks(dialog.options_box.zone_edit, "Mars/Olympus")
    qtbot.keyClick(dialog.options_box.zone_edit, Qt.Key.Key_Return)
    assert "not a time zone irdesk knows" in dialog.options_box.zone_note.text()
    assert not dialog.import_button.isEnabled()

    dialog.options_box.zone_edit.clear()
    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        qtbot.keyClicks(dialog.options_box.zone_edit, "Europe/Madrid")
        qtbot.keyClick(dialog.options_box.zone_edit, Qt.Key.Key_Return)
    assert dialog.state is State.READY
    assert dialog.options().zone is not None
    assert str(dialog.options().zone) == "Europe/Madrid"
    assert dialog.report_view.values["Incidents"].text() == "3 new · 0 updated · 0 unchanged"
    assert file_column(dialog, ImportFileModel.COL_FORMAT) == ["Jira CSV export, all fields"]
    assert dialog.import_button.isEnabled()
    assert dialog.options_box.zone_note.text() == ""
    assert stored_ids(empty.db.path) == []  # type: ignore[union-attr]


def test_editing_the_zone_holds_the_import_until_the_preview_matches(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)
    assert dialog.import_button.isEnabled()

    qtbot.keyClicks(dialog.options_box.zone_edit, "UT")
    assert not dialog.import_button.isEnabled()  # the preview shown is for no zone
    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        qtbot.keyClicks(dialog.options_box.zone_edit, "C")  # applied by itself after a pause
    assert str(dialog.options().zone) == "UTC"
    assert dialog.import_button.isEnabled()


@pytest.fixture
def gated_import(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Holds the real import at its first progress step until the test says go."""
    reached, go = threading.Event(), threading.Event()
    real_run_import = import_work.run_import

    def run_import(*args: Any, dry_run: bool, progress: Callable[..., None]) -> Any:
        def gated(what: str, done: int, total: int) -> None:
            if not dry_run and not reached.is_set():
                reached.set()
                go.wait(TIMEOUT_MS / 1000)
            progress(what, done, total)

        return real_run_import(*args, dry_run=dry_run, progress=gated)

    monkeypatch.setattr(import_work, "run_import", run_import)
    yield reached, go
    go.set()


def test_cancel_during_the_import_writes_nothing(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    empty: MainWindow,
    gated_import: tuple[threading.Event, threading.Event],
) -> None:
    reached, go = gated_import
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)

    click(qtbot, dialog.import_button)
    qtbot.waitUntil(reached.is_set, timeout=TIMEOUT_MS)
    assert dialog.state is State.IMPORTING
    assert dialog.progress_bar.isVisible()
    assert dialog.cancel_button.isEnabled() and dialog.cancel_button.text() == "Cancel"
    assert not dialog.options_box.isEnabled()

    click(qtbot, dialog.cancel_button)
    assert dialog.state is State.CANCELLING
    assert dialog.isVisible()  # it stays until the worker confirms nothing was written
    with qtbot.waitSignal(dialog.import_finished, timeout=TIMEOUT_MS):
        go.set()

    assert dialog.state is State.CANCELLED
    assert dialog.headline.text() == CANCELLED_TEXT
    assert not dialog.progress_bar.isVisible()
    assert dialog.import_button.isEnabled()  # the preview still holds: the user may retry
    assert stored_ids(empty.db.path) == []  # type: ignore[union-attr]
    assert empty.incident_list.total_count() == 0


def test_closing_the_window_mid_import_rolls_it_back(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    empty: MainWindow,
    gated_import: tuple[threading.Event, threading.Event],
) -> None:
    reached, go = gated_import
    db_path = empty.db.path  # type: ignore[union-attr]
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(reached.is_set, timeout=TIMEOUT_MS)

    # Closing waits for the worker; let it go on once the window has asked it to stop.
    threading.Timer(0.2, go.set).start()
    empty.close()

    assert stored_ids(db_path) == []


def test_dropping_a_file_on_the_window_previews_it(
    qtbot: QtBot, empty: MainWindow, incident_file: IncidentFile
) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(PAGERDUTY))])
    enter = QDragEnterEvent(
        QPoint(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(empty, enter)
    assert enter.isAccepted()

    drop = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(empty, drop)
    assert drop.isAccepted()

    dialog = empty.import_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.paths == [PAGERDUTY]
    wait_for_preview(qtbot, dialog)
    assert dialog.report_view.values["Incidents"].text() == "26 new · 0 updated · 0 unchanged"
    assert stored_ids(empty.db.path) == []  # type: ignore[union-attr]


def test_drags_of_anything_but_local_files_are_refused(empty: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("INC-101")
    mime.setUrls([QUrl("https://example.com/export.json")])
    enter = QDragEnterEvent(
        QPoint(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(empty, enter)
    assert not enter.isAccepted()
    assert empty.import_dialog is None


def test_import_needs_an_open_database(window: MainWindow) -> None:
    assert not window.import_action.isEnabled()
    assert not window.import_folder_action.isEnabled()
    assert window.import_action.shortcut().toString() == "Ctrl+I"


def test_a_folder_is_imported_through_file_import_folder(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "page-1.json").write_bytes(PAGERDUTY.read_bytes())
    (folder / "status.json").write_bytes(
        (SHARED_DATA / "statuspage_incident_github_2019.json").read_bytes()
    )
    monkeypatch.setattr(empty, "ask_import_folder", lambda: folder)

    empty.import_folder_action.trigger()
    dialog = empty.import_dialog
    assert dialog is not None
    wait_for_preview(qtbot, dialog)

    assert file_column(dialog, ImportFileModel.COL_NAME) == ["page-1.json", "status.json"]
    assert dialog.report_view.values["Incidents"].text() == "27 new · 0 updated · 0 unchanged"


def test_entries_of_a_folder_left_unread_are_listed_in_the_report(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow, tmp_path: Path
) -> None:
    outside = tmp_path / "private.json"
    outside.write_bytes(PAGERDUTY.read_bytes())
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "page-1.json").write_bytes(PAGERDUTY.read_bytes())
    (folder / ".draft.json").write_text("{}")
    (folder / "linked.json").symlink_to(outside)
    monkeypatch.setattr(empty, "ask_import_folder", lambda: folder)

    empty.import_folder_action.trigger()
    dialog = empty.import_dialog
    assert dialog is not None
    wait_for_preview(qtbot, dialog)

    assert file_column(dialog, ImportFileModel.COL_NAME) == ["page-1.json"]
    assert dialog.report_view.values["Warnings"].text().startswith("2: ")
    report = dialog.report_view.report_text.toPlainText().splitlines()
    assert f"  {folder / '.draft.json'}: skipped, a hidden file (its name starts with a dot)" in (
        report
    )
    assert any(
        line.startswith(f"  {folder / 'linked.json'}: skipped, a symbolic link") for line in report
    )


def test_screenshot_script_renders_the_preview(tmp_path: Path) -> None:
    """packaging/screenshot_import.py keeps working: the README's picture is made by it."""
    script = Path(__file__).resolve().parents[2] / "packaging" / "screenshot_import.py"
    spec = importlib.util.spec_from_file_location("irdesk_screenshot_import", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    out = tmp_path / "shots" / "import-preview.png"
    assert module.main([str(out), "--data", str(SHARED_DATA)]) == 0
    image = QImage(str(out))
    assert image.width() >= 700 and image.height() >= 500


@pytest.fixture
def gated_write(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Holds the real import once it has started writing rows, until the test says go."""
    reached, go = threading.Event(), threading.Event()
    real_run_import = import_work.run_import

    def run_import(*args: Any, dry_run: bool, progress: Callable[..., None]) -> Any:
        def gated(what: str, done: int, total: int) -> None:
            progress(what, done, total)  # the dialog hears "Writing…" first
            if not dry_run and what == "Writing timeline events" and not reached.is_set():
                reached.set()
                go.wait(TIMEOUT_MS / 1000)
                progress(what, done, total)  # where a cancel takes effect

        return real_run_import(*args, dry_run=dry_run, progress=gated)

    monkeypatch.setattr(import_work, "run_import", run_import)
    yield reached, go
    go.set()


def test_cancel_while_writing_rolls_everything_back(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    empty: MainWindow,
    gated_write: tuple[threading.Event, threading.Event],
) -> None:
    reached, go = gated_write
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(reached.is_set, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: dialog.state is State.WRITING, timeout=TIMEOUT_MS)
    # The worker's progress reaches the window as a queued signal: wait for it, not race it.
    qtbot.waitUntil(
        lambda: dialog.progress_label.text().startswith("Writing timeline events (0 of "),
        timeout=TIMEOUT_MS,
    )
    assert dialog.cancel_button.isEnabled()

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.state is State.CANCELLING
    with qtbot.waitSignal(dialog.import_finished, timeout=TIMEOUT_MS):
        go.set()

    assert dialog.state is State.CANCELLED
    assert dialog.headline.text() == CANCELLED_TEXT
    assert stored_ids(empty.db.path) == []  # type: ignore[union-attr]


def test_the_next_batch_is_not_read_in_the_last_zone_unless_the_user_says_so(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    """jira_service_management_export_es.csv: its dates carry no zone, so one must be chosen."""
    dialog = choose_files(qtbot, monkeypatch, empty, JIRA_CSV_ES)
    assert not dialog.options_box.last_zone_button.isVisible()
    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        qtbot.keyClicks(dialog.options_box.zone_edit, "Europe/Madrid")
        qtbot.keyClick(dialog.options_box.zone_edit, Qt.Key.Key_Return)
    assert dialog.state is State.READY
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    again = choose_files(qtbot, monkeypatch, empty, JIRA_CSV_ES)
    box = again.options_box
    assert box.zone_edit.text() == "" and again.options().zone is None
    assert again.state is State.BLOCKED  # asked again, not read in Madrid time unseen
    assert "Europe/Madrid" in box.zone_edit.placeholderText()
    assert box.last_zone_button.isVisible() and box.last_zone_button.text() == "Use Europe/Madrid"
    with qtbot.waitSignal(again.preview_finished, timeout=TIMEOUT_MS):
        qtbot.mouseClick(box.last_zone_button, Qt.MouseButton.LeftButton)
    assert again.state is State.READY and str(again.options().zone) == "Europe/Madrid"


@pytest.fixture
def impatient_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Databases opened from now on wait 0.1 s, not 5, for another writer's lock."""
    from irdesk.storage import database as storage_database

    original = storage_database.make_engine
    monkeypatch.setattr(
        storage_database, "make_engine", lambda path, busy_timeout_ms=100: original(path, 100)
    )


def test_an_import_while_another_program_writes_says_so_and_writes_nothing(
    impatient_engines: None, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    import sqlite3

    assert empty.db is not None
    db_path = empty.db.path
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with qtbot.waitSignal(dialog.import_finished, timeout=TIMEOUT_MS):
            click(qtbot, dialog.import_button)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert dialog.state is State.FAILED
    # The sentence the command line prints, naming the file as the window names files.
    assert (
        "“fresh.db” is being written by another irdesk or another program; "
        "try again when it has finished (nothing was changed)."
    ) in dialog.headline.text()
    assert stored_ids(db_path) == []
