"""run_gui, as the command line calls it: a window on the file, settings under IRDESK_HOME."""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile

from irdesk import __version__
from irdesk.gui.app import run_gui
from irdesk.gui.main_window import MainWindow


def test_run_gui_opens_the_file_and_returns_when_the_window_closes(
    qtbot: QtBot, incident_file: IncidentFile, irdesk_home: Path
) -> None:
    hook_before = sys.excepthook
    seen: dict[str, object] = {}

    def close_when_loaded() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = next((w for w in windows if w.isVisible()), None)
        if window is None or window.db is None or window.tasks.busy:
            return
        seen["count"] = window.count_label.text()
        seen["hook_installed"] = sys.excepthook is not hook_before
        poll.stop()
        qtbot.addWidget(window)  # deleted after the test like any other
        window.close()

    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(close_when_loaded)
    poll.start()
    # Never hang the suite: if the window never loads, stop the loop anyway.
    QTimer.singleShot(10_000, QApplication.quit)

    assert run_gui(incident_file.path) == 0
    assert seen == {"count": "5 incidents", "hook_installed": True}
    assert sys.excepthook is hook_before
    assert QApplication.applicationVersion() == __version__
    assert QApplication.organizationName() == "irdesk"
    assert not QApplication.windowIcon().isNull()
    # Window state went to the test's irdesk home, not the user's configuration.
    assert (irdesk_home / "config" / "irdesk.ini").exists()


def test_the_shipped_cjk_font_is_available_to_the_window(qtbot: QtBot) -> None:
    # Names such as 王伟 must not turn into boxes on a machine without a CJK font.
    from PySide6.QtGui import QFontDatabase

    from irdesk.gui.app import add_shipped_fonts

    families = add_shipped_fonts()
    assert "WenQuanYi Micro Hei" in families
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(
        "WenQuanYi Micro Hei"
    )
