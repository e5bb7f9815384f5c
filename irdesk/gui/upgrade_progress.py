"""The dialog an opening shows while it upgrades an older file: the check, the backup
copy, each migration by name, the words `irdesk db upgrade` prints on a terminal.

On a big file an upgrade takes minutes (the copy, an index rebuilt); the work runs in
the background (database_files), so the window keeps drawing, and this dialog says what
it waits for. It cannot be cancelled: a migration stopped half way is rolled back and
the backup put back anyway, and the dialog closes when the opening is over, whichever
way it ended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout, QWidget

from irdesk.gui.common.fit import fit_to_screen

if TYPE_CHECKING:
    from irdesk.storage.database import UpgradeProgress

# A bar's range is an int: a file's bytes may not fit one, so the copy counts per mille.
BAR_STEPS = 1000


class UpgradeProgressDialog(QDialog):
    """What upgrading `name` is doing now, and how far it got."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Upgrading {name}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        # Nothing to cancel (see the module's words): no close button, Escape does nothing.
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        layout = QVBoxLayout(self)
        self.about = QLabel(
            f"{name} was made by an older irdesk. It is copied to a backup beside "
            "itself, then brought up to this version; if anything fails, it is put back "
            "as it was."
        )
        self.about.setWordWrap(True)
        self.step_label = QLabel("")
        self.step_label.setAccessibleName("Upgrade step")
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Upgrade progress")
        self.bar.setRange(0, 0)
        for widget in (self.about, self.step_label, self.bar):
            layout.addWidget(widget)
        layout.addStretch(1)
        fit_to_screen(self, 520, 170, near=parent)

    def show_progress(self, progress: UpgradeProgress) -> None:
        self.step_label.setText(progress.text[:1].upper() + progress.text[1:])
        if progress.stage == "copying" and progress.total:
            self.bar.setRange(0, BAR_STEPS)
            self.bar.setValue(progress.done * BAR_STEPS // progress.total)
        elif progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
        else:
            self.bar.setRange(0, 0)  # a check that cannot say how far it got

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape would reject the dialog; the upgrade goes on, and so does what says so.
        if event.key() != Qt.Key.Key_Escape:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Alt+F4 and the window manager's close are the user's; the opening closes it itself.
        if event.spontaneous():
            event.ignore()
        else:
            super().closeEvent(event)
