"""The import dialog's clock offset: a source whose clock ran fast is moved back."""

import contextlib
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from import_driver import choose_files, click, import_and_close, open_empty, wait_for_preview
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from testdata import SHARED_DATA

from irdesk.gui.importing.states import State
from irdesk.gui.main_window import MainWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database

# ../shared/data/pagerduty_incidents_page.json: 26 incidents, each with its trigger time.
PAGERDUTY = SHARED_DATA / "pagerduty_incidents_page.json"


def started_times(path: Path) -> dict[str, datetime]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT external_id, started_at FROM incident").fetchall()
    return {key: datetime.fromisoformat(text) for key, text in rows}


def test_an_offset_typed_for_pagerduty_moves_its_times_back(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, tmp_path: Path
) -> None:
    reference = tmp_path / "reference.db"
    db = open_database(reference)
    run_import(db, [PAGERDUTY])
    db.close()

    open_empty(qtbot, window, tmp_path / "corrected.db")
    dialog = choose_files(qtbot, monkeypatch, window, PAGERDUTY)
    box = dialog.options_box.clock_box
    assert box.isVisible()
    assert [box.source_combo.itemText(i) for i in range(box.source_combo.count())] == ["pagerduty"]
    assert box.seconds.value() == 0

    box.seconds.setFocus()
    box.seconds.selectAll()
    qtbot.keyClicks(box.seconds, "90")
    qtbot.keyClick(box.seconds, Qt.Key.Key_Return)  # applies the value: a new preview
    assert dialog.state is State.PREVIEWING
    wait_for_preview(qtbot, dialog)
    assert dialog.state is State.READY
    assert dialog.options().clock_offsets == {"pagerduty": timedelta(seconds=90)}
    import_and_close(qtbot, window, dialog)

    corrected = started_times(tmp_path / "corrected.db")
    expected = started_times(reference)
    assert corrected.keys() == expected.keys() and len(corrected) == 26
    assert all((expected[key] - corrected[key]).total_seconds() == 90 for key in corrected)


def test_new_files_start_without_the_last_imports_offset(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, tmp_path: Path
) -> None:
    open_empty(qtbot, window, tmp_path / "fresh.db")
    dialog = choose_files(qtbot, monkeypatch, window, PAGERDUTY)
    dialog.options_box.clock_box.seconds.setValue(-30)
    wait_for_preview(qtbot, dialog)
    assert dialog.options().clock_offsets
    click(qtbot, dialog.cancel_button)

    again = choose_files(qtbot, monkeypatch, window, PAGERDUTY)
    assert again.options().clock_offsets == {}
    assert again.options_box.clock_box.seconds.value() == 0
