"""Who may read one feedback note: ticked readers, changed by one who can read it.

A new note is sealed to the author, the person's manager from the directory (when
they have published a key) and the organisation's recovery reader; this dialog shows
them ticked and lets the author tick others or untick the manager. For a note already
written, ticking a reader wraps its key for them; unticking gives the note a new key
wrapped for the others only. Remove Everywhere… takes a reader off every note and off
every note written from then on (a manager who moved on). The recovery reader is
changed in the Organisation window, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.fit import fit_to_screen

if TYPE_CHECKING:
    from irdesk.storage.records.feedback import ReaderRow

READERS_SIZE = (600, 380)
READER_ID = Qt.ItemDataRole.UserRole


class ReadersDialog(QDialog):
    """Readers as a ticked list; `chosen` carries (added, removed) reader ids on OK."""

    chosen = Signal(list, list)
    remove_everywhere = Signal(int)

    def __init__(
        self,
        *,
        about: str,
        readers: tuple[ReaderRow, ...],
        ticked: tuple[int, ...],
        fixed: dict[int, str],
        note: str,
        tags: dict[int, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Readers of the Note")
        fit_to_screen(self, *READERS_SIZE, near=parent)
        self.ticked_before = set(ticked)
        intro = QLabel(
            f"The note about {about} is encrypted to the readers ticked here: only they can "
            "open it, on any copy of the file. Others see that it exists, not what it says."
        )
        intro.setWordWrap(True)
        self.note_label = QLabel(note)
        self.note_label.setWordWrap(True)
        self.note_label.setVisible(bool(note))
        self.list = QListWidget()
        self.list.setAccessibleName("Readers")
        self.list.setAccessibleDescription(
            "One row per reader with a published key; ticked readers can open the note"
        )
        # Why a reader is there: fixed ones cannot be unticked; tags only explain.
        why = {**(tags or {}), **{i: f"{text}, always a reader" for i, text in fixed.items()}}
        for reader in readers:
            label = reader.label + (f" — {why[reader.id]}" if reader.id in why else "")
            item = QListWidgetItem(label)
            item.setData(READER_ID, reader.id)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if reader.id not in fixed:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            checked = reader.id in ticked or reader.id in fixed
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        label = QLabel("&Readers:")
        label.setBuddy(self.list)
        self.remove_button = QPushButton("Remove &Everywhere…")
        self.remove_button.setToolTip(
            "The selected reader loses every note and reads no note written from now on"
        )
        self.remove_button.clicked.connect(self._remove_everywhere)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note_label)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        layout.addLayout(remove_row)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.fixed = fixed

    def item_of(self, reader_id: int) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(READER_ID) == reader_id:
                return item
        return None

    def ticked(self) -> set[int]:
        return {
            int(self.list.item(r).data(READER_ID))
            for r in range(self.list.count())
            if self.list.item(r).checkState() == Qt.CheckState.Checked
        }

    def _accept(self) -> None:
        ticked = self.ticked()
        if not ticked:
            self.problem_label.setText(
                "⚠ Tick at least one reader: a note nobody can open is lost."
            )
            self.problem_label.show()
            return
        self.chosen.emit(sorted(ticked - self.ticked_before), sorted(self.ticked_before - ticked))
        self.accept()

    def _remove_everywhere(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        reader_id = int(item.data(READER_ID))
        if reader_id in self.fixed:
            self.problem_label.setText(f"⚠ {item.text()} cannot be removed here.")
            self.problem_label.show()
            return
        if self.ask_remove(item.text()):
            self.remove_everywhere.emit(reader_id)
            self.reject()

    def ask_remove(self, label: str) -> bool:
        """Fakeable: removing a reader everywhere cannot be undone."""
        answer = QMessageBox.question(
            self,
            "Remove reader",
            f"Remove {label} from every note? The notes you can read get a new key without "
            "them, and no note written from now on can name them. This cannot be undone.",
        )
        return answer == QMessageBox.StandardButton.Yes
