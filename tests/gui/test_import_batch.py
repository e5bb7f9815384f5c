"""File › Import with one bad file among good ones: take it out of the batch, or leave its
bad record out, without choosing the files again.

Samples: /work/shared/data/pagerduty_incidents_page.json (26 incidents) beside
jira_search_with_changelog.json (25 issues) with one issue's `created` damaged.
"""

import json
from pathlib import Path

import pytest
from import_driver import choose_files, click, open_empty, wait_for_preview
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot
from testdata import SHARED_DATA

from irdesk.gui.importing.dialog import ImportDialog
from irdesk.gui.importing.presentation import ImportFileModel
from irdesk.gui.importing.states import State
from irdesk.gui.main_window import MainWindow

PAGERDUTY = SHARED_DATA / "pagerduty_incidents_page.json"
JIRA = SHARED_DATA / "jira_search_with_changelog.json"


@pytest.fixture
def empty(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> MainWindow:
    return open_empty(qtbot, window, tmp_path / "fresh.db")


@pytest.fixture
def damaged_jira(tmp_path: Path) -> Path:
    data = json.loads(JIRA.read_text(encoding="utf-8"))
    data["issues"][4]["fields"]["created"] = "yesterday"
    path = tmp_path / "jira_search_with_changelog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def names(dialog: ImportDialog) -> list[str]:
    return dialog.report_view.file_model.column(ImportFileModel.COL_NAME)


def select_file(qtbot: QtBot, dialog: ImportDialog, row: int) -> None:
    table = dialog.report_view.files_table
    rect = table.visualRect(dialog.report_view.file_model.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_bad_file_is_taken_out_of_the_batch_with_the_delete_key(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow, damaged_jira: Path
) -> None:
    dialog = choose_files(qtbot, monkeypatch, empty, PAGERDUTY, damaged_jira)
    assert dialog.state is State.BLOCKED
    assert "issues[4].fields.created" in dialog.headline.text()
    assert names(dialog) == ["pagerduty_incidents_page.json", "jira_search_with_changelog.json"]
    remove = dialog.report_view.remove_button
    assert not remove.isEnabled()  # nothing selected yet

    select_file(qtbot, dialog, 1)
    assert remove.isEnabled()
    qtbot.keyClick(dialog.report_view.files_table, Qt.Key.Key_Delete)
    wait_for_preview(qtbot, dialog)

    assert dialog.paths == [PAGERDUTY]
    assert names(dialog) == ["pagerduty_incidents_page.json"]
    assert dialog.state is State.READY
    assert dialog.report_view.values["Incidents"].text() == "26 new · 0 updated · 0 unchanged"
    assert not remove.isEnabled()  # the last file stays: there would be nothing to import


def test_the_remove_button_and_leaving_bad_records_out(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow, damaged_jira: Path
) -> None:
    dialog = choose_files(qtbot, monkeypatch, empty, damaged_jira, PAGERDUTY)
    assert dialog.state is State.BLOCKED

    # Ticked (on its box: the row is wider than its words): the good issues are kept, the
    # bad one listed.
    check = dialog.options_box.skip_check
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    assert check.isChecked()
    wait_for_preview(qtbot, dialog)
    assert dialog.state is State.READY
    assert dialog.report_view.values["Incidents"].text() == "50 new · 0 updated · 0 unchanged"
    left_out = dialog.report_view.values["Left out"].text()
    assert left_out.startswith(f"1: {damaged_jira}, issues[4].fields.created: field 'created'")
    assert "Left out (--skip-bad-records):" in dialog.report_view.report_text.toPlainText()

    # Or the whole file goes, by the button.
    select_file(qtbot, dialog, 0)
    click(qtbot, dialog.report_view.remove_button)
    wait_for_preview(qtbot, dialog)
    assert dialog.paths == [PAGERDUTY]
    assert dialog.report_view.values["Incidents"].text() == "26 new · 0 updated · 0 unchanged"
    assert not dialog.report_view.values["Left out"].isVisible()
