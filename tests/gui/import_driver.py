"""Steps a test takes through File › Import and the dialogs it opens, as a user would."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from window_driver import activate, open_and_wait

from irdesk.gui.importing.dialog import ImportDialog
from irdesk.gui.importing.states import State
from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import open_database

TIMEOUT_MS = 10_000


def open_empty(qtbot: QtBot, window: MainWindow, path: Path) -> MainWindow:
    """A new, empty database opened in `window`."""
    open_database(path).close()
    open_and_wait(qtbot, window, path)
    return window


def choose_files(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, *paths: Path
) -> ImportDialog:
    """File › Import… (Ctrl+I) with `paths` picked in the file dialog; waits for the preview."""
    monkeypatch.setattr(window, "ask_import_paths", lambda: list(paths))
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible()
    wait_for_preview(qtbot, dialog)
    return dialog


def wait_for_preview(qtbot: QtBot, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.state is not State.PREVIEWING, timeout=TIMEOUT_MS)
    # The window's queue (incidents for the completers, a reload) has finished too.
    qtbot.waitUntil(lambda: not dialog.tasks.busy, timeout=TIMEOUT_MS)


def click(qtbot: QtBot, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def import_and_close(qtbot: QtBot, window: MainWindow, dialog: ImportDialog) -> None:
    """Import, wait for the list to show the result, and close the dialog."""
    with qtbot.waitSignal(dialog.import_finished, timeout=TIMEOUT_MS):
        click(qtbot, dialog.import_button)
    assert dialog.state is State.DONE, dialog.headline.text()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    click(qtbot, dialog.cancel_button)  # Close
    assert not dialog.isVisible()
