"""The one place bugs end up: a dialog with versions and a traceback to copy.

Expected problems (a file that is not an irdesk database, …) never come here;
they become messages where they happen. Everything else is a bug, and the
user should be able to hand us the whole story with one click.
"""

import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.versions import version_text

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def crash_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    trace = "".join(traceback.format_exception(exc_type, exc, tb))
    return f"{version_text()}\n\n{trace}"


class CrashDialog(QDialog):
    """Non-modal, so the user can still save work in the main window."""

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("irdesk hit a bug")
        self.report = report

        intro = QLabel(
            "Something went wrong inside irdesk. This is a bug, not something you did.\n"
            "Please copy the report below and send it to whoever looks after irdesk for you."
        )
        intro.setWordWrap(True)

        self.text_box = QPlainTextEdit(report)
        self.text_box.setReadOnly(True)
        self.text_box.setAccessibleName("Crash report")
        self.text_box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text_box.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy to clipboard")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text_box, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 480)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText("Copied")


def show_crash_dialog(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    parent: QWidget | None = None,
) -> CrashDialog:
    dialog = CrashDialog(crash_report(exc_type, exc, tb), parent)
    dialog.show()
    return dialog


def install_excepthook(parent: Callable[[], QWidget | None] = lambda: None) -> ExceptHook:
    """Send uncaught exceptions to a crash dialog; returns the previous hook to restore.

    `parent` is asked at crash time, because the window may not exist yet (or
    any more) when the hook is installed.
    """
    previous = sys.excepthook
    dialogs: list[CrashDialog] = []  # keeps parentless dialogs alive

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        # Always on stderr too: a dialog can be dismissed, a terminal log stays.
        previous(exc_type, exc, tb)
        if issubclass(exc_type, KeyboardInterrupt) or QApplication.instance() is None:
            return
        try:
            dialogs.append(show_crash_dialog(exc_type, exc, tb, parent()))
        except Exception:
            # The crash display itself failed: say so on stderr rather than loop.
            previous(*sys.exc_info())

    sys.excepthook = hook
    return previous
