"""Presenter mode with a laptop and a projector: it goes to the screen the facilitator is not on.

pytest-qt's application has the one offscreen screen, so this runs a fresh
process whose offscreen platform is configured with two screens (the
platform's `configfile` option), drives the window there and reports back.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sample_incidents import IncidentFile

SCREENS = {
    "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1400, "height": 900},
        {"name": "projector", "x": 1400, "y": 0, "width": 1920, "height": 1080},
    ]
}

DRIVER = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from irdesk.gui.main_window import MainWindow

app = QApplication(sys.argv[:1])

def settle(ms=50):
    loop = QEventLoop(); QTimer.singleShot(ms, loop.quit); loop.exec()

def wait_idle(window):
    for _ in range(200):
        settle(10)
        if not window.tasks.busy:
            return

db_path, settings_path = Path(sys.argv[1]), sys.argv[2]
window = MainWindow(QSettings(settings_path, QSettings.Format.IniFormat))
laptop, projector = QGuiApplication.screens()
window.setScreen(laptop)
window.move(laptop.geometry().topLeft())
window.show()
window.open_database(db_path)
wait_idle(window)
ids = [window.incident_model.row_at(r).external_id for r in range(window.incident_model.rowCount())]
row = window.incident_model.index(ids.index("INC-101"), 2)
window.table.setCurrentIndex(row)
wait_idle(window)
window.activateWindow(); settle()
QTest.keyClick(window.table, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
presenter = window.timeline.presenter
for _ in range(100):
    if presenter is not None and presenter.isFullScreen():
        break
    settle(10)
result = {
    "default_screen": presenter.screen().name(),
    "default_geometry": list(presenter.geometry().getRect()),
    "window_screen": window.screen().name(),
    "text": presenter.card.text_label.text(),
}
menu = window.timeline.present_menu
menu.aboutToShow.emit()
result["menu"] = [a.text() for a in menu.actions()]
menu.actions()[0].trigger()  # the laptop: a rehearsal on the facilitator's own screen
for _ in range(100):
    if presenter.screen() is laptop and presenter.isFullScreen():
        break
    settle(10)
result["chosen_screen"] = presenter.screen().name()
result["chosen_geometry"] = list(presenter.geometry().getRect())
window.close()
print(json.dumps(result))
"""


@pytest.mark.slow
def test_present_goes_to_the_other_screen_and_present_on_picks_one(
    incident_file: IncidentFile, tmp_path: Path
) -> None:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(incident_file.path), str(tmp_path / "irdesk.ini")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["window_screen"] == "laptop"
    assert result["default_screen"] == "projector"
    assert result["default_geometry"] == [1400, 0, 1920, 1080]
    assert result["text"] == "p99 latency above 2 s on checkout-api"
    assert result["menu"] == ["&1  laptop (1400×900)", "&2  projector (1920×1080)"]
    assert result["chosen_screen"] == "laptop"
    assert result["chosen_geometry"] == [0, 0, 1400, 900]
