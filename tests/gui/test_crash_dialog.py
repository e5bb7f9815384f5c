"""The crash dialog: versions and traceback, copied with one click."""

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from irdesk import __version__
from irdesk.gui.common.crash_dialog import CrashDialog, install_excepthook, show_crash_dialog


def raise_and_catch() -> BaseException:
    try:
        {}["missing-key"]
    except KeyError as exc:
        return exc
    raise AssertionError("unreachable")


def test_crash_dialog_shows_versions_and_traceback_and_copies_it(qtbot: QtBot) -> None:
    exc = raise_and_catch()
    dialog = show_crash_dialog(type(exc), exc, exc.__traceback__)
    qtbot.addWidget(dialog)

    text = dialog.text_box.toPlainText()
    assert dialog.isVisible()
    assert dialog.text_box.isReadOnly()
    assert f"irdesk: {__version__}" in text
    assert "PySide6: " in text
    assert "SQLite: " in text
    assert "Traceback (most recent call last):" in text
    assert "in raise_and_catch" in text
    assert "KeyError: 'missing-key'" in text

    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == text

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


@pytest.fixture
def restore_excepthook() -> Iterator[None]:
    previous = sys.excepthook
    yield
    sys.excepthook = previous


@pytest.mark.qt_no_exception_capture
def test_excepthook_shows_the_dialog_and_still_prints(
    qtbot: QtBot, restore_excepthook: None, capsys: pytest.CaptureFixture[str]
) -> None:
    install_excepthook()
    exc = raise_and_catch()
    sys.excepthook(type(exc), exc, exc.__traceback__)

    [dialog] = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()
    ]
    qtbot.addWidget(dialog)
    assert "KeyError: 'missing-key'" in dialog.text_box.toPlainText()
    assert "KeyError: 'missing-key'" in capsys.readouterr().err
