"""Help › Keyboard Shortcuts and Help › Report a Problem: the menu entries and the session log.

The entries are made with the window; their windows (help_windows) load the first
time one opens, so the window starts without them. The session log listens from
the start: a problem report holds what irdesk told the user, and when, in memory only.
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QMenuBar, QWidget

LOGGER_NAME = "irdesk"
SESSION_LOG_LINES = 500


class SessionLog(logging.Handler):
    """The last SESSION_LOG_LINES records of irdesk's own logger, in memory."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: deque[str] = deque(maxlen=SESSION_LOG_LINES)

    def emit(self, record: logging.LogRecord) -> None:
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        self.lines.append(f"{when}  {record.levelname.lower()}  {record.getMessage()}")


_session_log: SessionLog | None = None


def session_log() -> SessionLog:
    """The one session log, attached to irdesk's logger the first time it is asked for."""
    global _session_log
    if _session_log is None:
        _session_log = SessionLog()
        logger = logging.getLogger(LOGGER_NAME)
        logger.addHandler(_session_log)
        logger.setLevel(logging.INFO)
    return _session_log


def add_help_entries(
    help_menu: QMenu, bar: QMenuBar, window: QWidget, other_keys: list[tuple[str, str, str]]
) -> tuple[QAction, QAction]:
    """Help › Keyboard Shortcuts and Help › Report a Problem, shown over `window`.

    `other_keys` are (where, command, keys) for keys that work without a menu entry.
    """
    session_log()
    shortcuts = help_menu.addAction("&Keyboard Shortcuts")
    shortcuts.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Slash))
    shortcuts.triggered.connect(lambda: _show_shortcuts(bar, other_keys, window))
    report = help_menu.addAction("&Report a Problem…")
    report.triggered.connect(lambda: _show_problem_report(window))
    return shortcuts, report


def _show_shortcuts(bar: QMenuBar, other_keys: list[tuple[str, str, str]], window: QWidget) -> None:
    from irdesk.gui.common.help_windows import ShortcutsDialog

    _open(ShortcutsDialog(bar, other_keys, window))


def _show_problem_report(window: QWidget) -> None:
    from irdesk.gui.common.help_windows import ProblemReportDialog

    _open(ProblemReportDialog(window))


def _open(dialog: QDialog) -> None:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
