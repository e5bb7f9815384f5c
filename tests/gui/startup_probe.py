"""The window's start-up in a process of its own, where sys.modules starts empty.

    python startup_probe.py DB OUT_JSON

Imports what `irdesk --db DB` imports before its window (the command line and
irdesk.gui.app) and notes the modules loaded; runs `run_gui` on DB as the command does
and notes them again when the first look at the file lists its incidents (the list shown,
the count with it), and once the file is open and listed; presses Ctrl+Shift+P (Export ›
Review Packet…) and notes them once the dialog's preview is read; closes the dialog and
presses Ctrl+Shift+M (View › Metrics Dashboard), noting what the user sees while the
dashboard's module is being imported (the cursor, the status bar's busy indicator) and
after. Writes it all as JSON to OUT_JSON and closes the window.
"""

import importlib.abc
import json
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import irdesk.cli.main  # noqa: F401  (the start path: the command line first)
from irdesk.cli.parser import build_parser
from irdesk.gui import app as gui_app
from irdesk.gui.app import run_gui

AFTER_IMPORT = sorted(sys.modules)

from PySide6.QtCore import Qt, QTimer  # noqa: E402  (loaded by irdesk.gui.app already)
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from irdesk.gui.main_window import MainWindow  # noqa: E402

DASHBOARD_MODULE = "irdesk.gui.metrics.dashboard"
GIVE_UP_MS = 60_000
POLL_MS = 10

SEEN: dict[str, Any] = {"after_import": AFTER_IMPORT}


class WatchedWindow(MainWindow):
    """The window run_gui makes, noting the moment the first look's rows are listed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # After the window's own slot: the rows are in the list when this runs.
        self.files.previewed.connect(self._first_look_listed)

    def _first_look_listed(self, _path: Path, _rows: object) -> None:
        SEEN["first_look"] = {"modules": sorted(sys.modules), "count": self.count_label.text()}


gui_app.MainWindow = WatchedWindow  # type: ignore[misc]


def what_is_shown(window: MainWindow) -> dict[str, Any]:
    cursor = QApplication.overrideCursor()
    return {
        "cursor": cursor.shape().name if cursor is not None else None,
        "busy_visible": window.busy.visible,
        "busy_text": window.busy.label.text(),
    }


class WatchDashboardImport(importlib.abc.MetaPathFinder):
    """Looks at the window when the dashboard's module starts to import; finds nothing."""

    def __init__(self, window: MainWindow, seen: dict[str, Any]) -> None:
        self.window = window
        self.seen = seen

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == DASHBOARD_MODULE:
            self.seen["while_importing"] = what_is_shown(self.window)
        return None


def main() -> int:
    db_path, out_path = Path(sys.argv[1]), Path(sys.argv[2])
    build_parser()  # as the command does before it starts the window
    app = QApplication(sys.argv[:1])
    seen = SEEN

    def window() -> MainWindow | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        return found[0] if found and found[0].isVisible() else None

    def press(main: MainWindow, key: Qt.Key) -> None:
        main.activateWindow()
        QTest.qWaitForWindowActive(main)
        QTest.keyClick(
            main, key, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )

    def poll() -> None:
        main = window()
        if main is None or main.db is None or main.tasks.busy:
            return  # each step below starts once the work of the one before is done
        if "listed" not in seen:
            seen["listed"] = sorted(sys.modules)
            seen["count"] = main.count_label.text()
            # A first start (IRDESK_HOME is new) asks the user's name beside the window.
            seen["name_dialog_visible"] = (
                main.name_dialog is not None and main.name_dialog.isVisible()
            )
            if main.name_dialog is not None:
                main.name_dialog.reject()  # Later, as a user who goes straight to work
            press(main, Qt.Key.Key_P)
            dialog = main.packet_actions.dialog
            seen["packet_dialog_visible"] = dialog is not None and dialog.isVisible()
        elif "packet_dialog" not in seen:
            seen["packet_dialog"] = sorted(sys.modules)
            if main.packet_actions.dialog is not None:
                main.packet_actions.dialog.close()
            seen["dashboard_loaded_before"] = DASHBOARD_MODULE in sys.modules
            sys.meta_path.insert(0, WatchDashboardImport(main, seen))
            press(main, Qt.Key.Key_M)
            dashboard = main.metrics.dashboard
            seen["after"] = {
                **what_is_shown(main),
                "dashboard_visible": dashboard is not None and dashboard.isVisible(),
            }
        else:  # the dashboard's figures are loaded: nothing is left running
            timer.stop()
            main.close()
            app.quit()

    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(poll)
    timer.start()
    QTimer.singleShot(GIVE_UP_MS, app.quit)  # never hang the suite
    code = run_gui(db_path)
    out_path.write_text(json.dumps(seen), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
