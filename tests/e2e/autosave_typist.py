"""The app as a facilitator uses it, in a process of its own, typing a finding until killed.

    python autosave_typist.py DB INCIDENT_ID TEXT PROGRESS_FILE SETTINGS_DIR

It opens the window (offscreen) on DB, selects the incident, opens the Review
tab and the incident's first finding, then types TEXT into the finding editor
one character every TYPE_INTERVAL_MS, driven by a QTimer inside the process,
exactly as key presses arrive. After each character it appends
"<characters typed> <wall-clock time>" to PROGRESS_FILE. It exits by itself
only when everything is typed (the crash test kills it long before).
"""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from irdesk.gui.main_window import MainWindow

TYPE_INTERVAL_MS = 15


def main() -> int:
    db_path, incident_id, text, progress_path, settings_dir = sys.argv[1:6]
    app = QApplication(sys.argv[:1])
    settings = QSettings(str(Path(settings_dir) / "irdesk.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.show()
    progress = Path(progress_path).open("a", encoding="utf-8")  # noqa: SIM115 (lives to the kill)
    typed = 0

    def type_next() -> None:
        nonlocal typed
        editor = window.review_tab.findings.editor
        if typed >= len(text):
            timer.stop()
            progress.write("done\n")
            progress.flush()
            return
        QTest.keyClicks(editor, text[typed])
        typed += 1
        progress.write(f"{typed} {time.time():.6f}\n")
        progress.flush()

    timer = QTimer()
    timer.setInterval(TYPE_INTERVAL_MS)
    timer.timeout.connect(type_next)

    def ready() -> bool:
        tab = window.review_tab
        return not window.tasks.busy and tab.sheet is not None and tab.findings.bound_id is not None

    def step() -> None:
        if window.db is None or window.tasks.busy:
            return
        if window.current_incident_id() is None:
            window.incident_list.select_incident(int(incident_id))
            window.incident_tabs.setCurrentWidget(window.review_tab)
            return
        if ready():
            poll.stop()
            window.review_tab.findings.editor.setFocus()
            progress.write("ready\n")
            progress.flush()
            timer.start()

    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(step)
    poll.start()
    window.open_database(Path(db_path))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
