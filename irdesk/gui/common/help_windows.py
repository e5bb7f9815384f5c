"""Help › Keyboard Shortcuts and Help › Report a Problem.

The shortcuts window is read from the live menus each time it opens, so it can never
list a key the window does not have (or miss one it does). The problem report is the
versions and this session's log (what irdesk told the user, and when), ready to copy:
the log lives in memory only, so nothing about the user's incidents is left on disk.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.help_menu import session_log
from irdesk.gui.common.versions import version_text


def problem_report() -> str:
    lines = list(session_log().lines)
    log = "\n".join(lines) if lines else "(nothing logged in this session)"
    return f"{version_text()}\n\nThis session's log:\n{log}"


def menu_shortcuts(bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu path, entry, key) for every menu entry with a keyboard shortcut."""
    found: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = _plain(action.text())
            if action.menu() is not None:
                walk(action.menu(), f"{path} › {text}")
                continue
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            keys = [k for k in keys if k]
            if keys:
                found.append((path, text, ", ".join(keys)))

    for action in bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            walk(menu, _plain(action.text()))
    return found


def _plain(text: str) -> str:
    """Menu text as read: accelerator marks and the trailing tab-separated key removed."""
    return text.split("\t")[0].replace("&&", "\0").replace("&", "").replace("\0", "&")


class ShortcutsDialog(QDialog):
    """Every shortcut of the window's menus, plus the keys that work inside walk mode."""

    def __init__(
        self, bar: QMenuBar, extra: list[tuple[str, str, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        rows = menu_shortcuts(bar) + extra
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Type to find a command or a key")
        self.filter_edit.setAccessibleName("Find a shortcut")
        self.table = QTableWidget(len(rows), 3)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setAccessibleDescription(
            "One row per command: where it is, what it does, its keys"
        )
        self.table.setHorizontalHeaderLabels(["Where", "Command", "Keys"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.empty_label = QLabel("No command or key matches.")
        self.empty_label.hide()
        self.filter_edit.textChanged.connect(self._filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(buttons)
        fit_to_screen(self, 620, 520)

    def _filter(self, text: str) -> None:
        needle = text.casefold().strip()
        shown = 0
        for row in range(self.table.rowCount()):
            cells = " ".join(self.table.item(row, c).text() for c in range(3)).casefold()
            hide = bool(needle) and needle not in cells
            self.table.setRowHidden(row, hide)
            shown += not hide
        self.empty_label.setVisible(shown == 0)


class ProblemReportDialog(QDialog):
    """The report to send to whoever looks after irdesk, with one button to copy it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Report a Problem")
        self.report = problem_report()
        intro = QLabel(
            "Copy this report into a message to whoever looks after irdesk for you, with a "
            "sentence on what you did and what you expected. It holds the versions and what "
            "irdesk reported in this session; read it first and remove anything you would "
            "rather not send."
        )
        intro.setWordWrap(True)
        self.text_box = QPlainTextEdit(self.report)
        self.text_box.setReadOnly(True)
        self.text_box.setAccessibleName("Problem report")
        self.text_box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text_box.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy to Clipboard")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text_box, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 480)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText("Copied")
