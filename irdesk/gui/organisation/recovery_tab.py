"""The Organisation window's Notes Recovery tab: the reader every new note is also sealed to.

Feedback notes are encrypted to their readers only; if every reader of a note loses
their identity, nobody can open it again. An organisation that wants a way back names
a recovery reader here (a public key already published in this file, by someone who
unlocked notes with that identity or by `irdesk notes readers --add-recovery`).
Every note written from then on is sealed to it too; the notes the unlocked reader of
this session can read are wrapped for it at once. Clearing it seals no new note to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.refusals import Refused, refusing

if TYPE_CHECKING:
    from irdesk.gui.common.notes_session import NotesSession
    from irdesk.storage.database import Database
    from irdesk.storage.records.feedback import ReaderRow


def _readers(db: Database) -> list[ReaderRow]:
    from irdesk.storage.reads.database_reads import list_note_readers

    return list_note_readers(db)


class RecoveryTab(QWidget):
    """The current recovery reader, a choice of readers, Set and Clear."""

    def __init__(
        self,
        tasks: BackgroundTasks,
        actor: Callable[[], str],
        notes: NotesSession | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.actor = actor
        self.notes = notes
        self.db: Database | None = None
        explain = QLabel(
            "Feedback notes are encrypted to their readers only. If every reader of a note "
            "loses their identity, nobody can open it again. A recovery reader, kept by the "
            "organisation (for instance in HR's safe), is sealed to by every new note, so "
            "notes can be recovered. It can read every note written while it is set."
        )
        explain.setWordWrap(True)
        self.current_label = QLabel()
        self.current_label.setWordWrap(True)
        self.current_label.setAccessibleName("Recovery reader")
        self.reader_combo = QComboBox()
        self.reader_combo.setAccessibleName("Reader to make the recovery reader")
        self.set_button = QPushButton("Make Recovery Reader")
        self.set_button.clicked.connect(self.set_recovery)
        self.clear_button = QPushButton("Clear Recovery Reader")
        self.clear_button.clicked.connect(lambda: self._change(None))
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Recovery status")
        row = QHBoxLayout()
        row.addWidget(QLabel("Reader:"))
        row.addWidget(self.reader_combo, 1)
        row.addWidget(self.set_button)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.current_label)
        layout.addLayout(row)
        layout.addWidget(self.message_label)
        layout.addStretch(1)

    def set_database(self, db: Database) -> None:
        self.db = db
        self.reload()

    def reload(self) -> None:
        db = self.db
        if db is None:
            return
        self.tasks.run(lambda _report: _readers(db), on_done=self._loaded)

    def _loaded(self, readers: list[ReaderRow]) -> None:
        recovery = [r for r in readers if r.recovery]
        self.current_label.setText(
            "Recovery reader: " + ", ".join(r.label for r in recovery)
            if recovery
            else "No recovery reader: a note whose readers all lose their identity is lost."
        )
        self.reader_combo.clear()
        for reader in readers:
            self.reader_combo.addItem(reader.label, reader.id)
        if not readers:
            self.reader_combo.addItem("(no reader has published a key in this file yet)")
        self.set_button.setEnabled(bool(readers))
        self.clear_button.setEnabled(bool(recovery))

    def set_recovery(self) -> None:
        reader_id = self.reader_combo.currentData()
        if reader_id is not None:
            self._change(int(reader_id))

    def _change(self, reader_id: int | None) -> None:
        from irdesk.storage.records.database_edits import set_recovery

        db = self.db
        if db is None:
            return
        keyring = self.notes.keyring if self.notes is not None else None
        actor = self.notes.actor(self.actor()) if self.notes is not None else self.actor()

        def done(result: int | Refused) -> None:
            if isinstance(result, Refused):
                self.message_label.setText(f"⚠ {result.message}")
            elif reader_id is None:
                self.message_label.setText(
                    "Cleared: no note written from now on is sealed to a recovery reader."
                )
            else:
                self.message_label.setText(
                    "Every note written from now on is also sealed to the recovery reader"
                    + (
                        f"; {result} note{'s' if result != 1 else ''} you can read "
                        "were wrapped for it now."
                        if keyring is not None
                        else "; unlock your notes to wrap the ones you can read for it too."
                    )
                )
            self.reload()

        self.tasks.run(
            lambda _report: refusing(
                lambda: set_recovery(db, reader_id, actor=actor, keyring=keyring)
            ),
            on_done=done,
        )
