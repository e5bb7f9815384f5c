"""Feedback notes: a window of its own for private notes on one person's part in an incident.

Reached only through Review › Feedback Notes… (Ctrl+Alt+F), never a tab beside
the findings, and never a child of the main window: nothing in the main
window's widget tree can show a note, whatever tab or pane is open. The notes
autosave like every capture field; the window's title says they are private.

Notes are sealed to their readers. Until the session is unlocked (Unlock…, with
the reader's identity and passphrase, once per session) the window lists that
notes exist, about whom, when, and who may read them, and nothing of what they
say; Lock (Ctrl+L) drops the unlocked key again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.blameless import FeedbackChecker
from irdesk.domain.enums import FeedbackKind, NoteDimension
from irdesk.gui.common import formatting
from irdesk.gui.common.autosave import Autosaver, Write
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import text_style
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.notes_session import NotesSession, UnlockDialog
from irdesk.gui.common.open_database import OpenDatabase, is_server
from irdesk.gui.common.refusals import Refused, refusing
from irdesk.gui.common.row_table_model import AnyIndex, RowTableModel
from irdesk.gui.review.blame_editor import BlameTextEdit, set_text_quietly
from irdesk.gui.review.conflict_prompt import ConflictPrompts
from irdesk.gui.review.models import first_line, select_quietly

if TYPE_CHECKING:
    from irdesk.gui.review.readers_dialog import ReadersDialog
    from irdesk.storage.database import Database
    from irdesk.storage.reads.database_reads import FeedbackView
    from irdesk.storage.records.feedback import NoteRow, ReaderChoice
    from irdesk.storage.sealing import Keyring


KIND_TEXT = {
    FeedbackKind.RECOGNITION: "Recognition",
    FeedbackKind.GROWTH: "Growth",
    FeedbackKind.PROCEDURAL_COMPLIANCE: "Procedural compliance",
}
# What a note speaks to; the Alt letters are free in this window.
DIMENSION_TEXT = {
    NoteDimension.TECHNICAL_RESOLUTION: "&Technical resolution",
    NoteDimension.COMMUNICATION: "C&ommunication",
    NoteDimension.DOCUMENTATION: "Documentatio&n",
    NoteDimension.PROCEDURE: "Pro&cedure",
}
N_KIND, N_TEXT, N_READERS, N_CHANGED = range(4)
NOBODY_CAN_READ = (
    "(no reader can open this note: every reader it was encrypted to was removed, and "
    "there was no organisation recovery reader; its words cannot be recovered)"
)
T = TypeVar("T")


def _load_feedback(db: Database, incident_id: int, keyring: Keyring | None) -> FeedbackView | None:
    from irdesk.storage.reads.database_reads import load_feedback

    return load_feedback(db, incident_id, keyring)


# Wide enough for a paragraph of note beside the list of notes.
FEEDBACK_SIZE = (760, 560)


class NotesModel(RowTableModel["NoteRow"]):
    headers: ClassVar[tuple[str, ...]] = ("Kind", "Note", "Readers", "Changed")

    def row_of(self, note_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == note_id), None)

    def show_text(self, note_id: int, text: str) -> None:
        """The list follows the typing before it is saved."""
        row = self.row_of(note_id)
        if row is not None:
            self._rows[row] = replace(self._rows[row], text=text)
            self.dataChanged.emit(self.index(row, N_TEXT), self.index(row, N_TEXT))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if index.column() == N_READERS:
            return ", ".join(row.readers) or "—"
        if not row.readable or row.kind is None:
            if index.column() == N_KIND:
                if row.pending:
                    return "Waiting to be sealed"
                return "Unreadable" if not row.reader_ids else "Locked"
            if index.column() == N_TEXT:
                if row.pending:
                    return "(from before notes were encrypted: unlock to seal it to you)"
                if not row.reader_ids:
                    return NOBODY_CAN_READ
                return "(sealed: only its readers can open it)"
            return formatting.local_time(row.updated_at)
        if index.column() == N_KIND:
            text = KIND_TEXT[row.kind]
            if row.kind == FeedbackKind.PROCEDURAL_COMPLIANCE and row.deviation_justified:
                text += " (deviation justified)"
            if row.dimensions:
                text += ": " + ", ".join(d.replace("_", " ") for d in row.dimensions)
            return text
        if index.column() == N_TEXT:
            return first_line(row.text, 100) or "(empty)"
        return formatting.local_time(row.updated_at)


class FeedbackWindow(QWidget):
    """Notes on the people of one incident; `show_incident` chooses which."""

    def __init__(
        self,
        tasks: BackgroundTasks,
        actor: str,
        database: OpenDatabase,
        notes: NotesSession | None = None,
    ) -> None:
        # No parent on purpose (see the module docstring).
        super().__init__(None, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setWindowTitle("Feedback Notes — private — irdesk")
        fit_to_screen(self, *FEEDBACK_SIZE)
        self.tasks = tasks
        self.default_actor = actor
        self.database = database
        self.notes = notes if notes is not None else NotesSession(self)
        self.notes.changed.connect(self._session_changed)
        self.unlock_dialog: UnlockDialog | None = None
        self.autosaver = Autosaver(tasks, database.current, parent=self)
        self.conflicts = ConflictPrompts(
            self,
            tasks,
            self.autosaver,
            database.current,
            what=lambda _record: "This note",
            write=lambda record, field: self._write(record[1], field),
            show_problem=self._problem,
            reload_stored=lambda: self.reload(force=True),
            reload_theirs=lambda: self.reload(force=True),
        )
        self.autosaver.conflicted.connect(self.conflicts.conflicted)
        self.autosaver.refused.connect(lambda _r, _f, message: self._problem(message))
        self.incident_id: int | None = None
        self.view: FeedbackView | None = None
        self.bound_id: int | None = None
        self._select_after_load: int | None = None

        notice = QLabel(
            "Private: notes on one person's part, for their manager's conversation. They are "
            "not part of the review and are never shown in its views or on a shared screen."
        )
        notice.setWordWrap(True)
        notice.setStyleSheet("background: #fff8e1; color: #5d4037; padding: 6px")
        self.incident_label = QLabel()
        self.incident_label.setStyleSheet("font-weight: bold")
        self.person_combo = QComboBox()
        self.person_combo.activated.connect(lambda _i: self._show_person())
        self.model = NotesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Feedback notes")
        self.table.setAccessibleDescription("One row per note about the chosen person")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(N_KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(N_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(N_READERS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(N_CHANGED, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.kind_combo = QComboBox()
        for kind, text in KIND_TEXT.items():
            self.kind_combo.addItem(text, kind)
        self.kind_combo.setAccessibleName("Kind of note")
        self.kind_combo.activated.connect(self._kind_chosen)
        self.justified_check = QCheckBox("Deviation from the runbook was &justified")
        self.justified_check.clicked.connect(self._justified_toggled)
        self.dimension_checks = {}
        for dimension, label in DIMENSION_TEXT.items():
            check = QCheckBox(label)
            check.setToolTip("What this note speaks to (kept sealed with the note)")
            check.clicked.connect(self._dimensions_toggled)
            self.dimension_checks[dimension] = check
        # Feedback is checked too: verdicts on the person underlined, hints aimed at what
        # they did and what it changed.
        self.editor = BlameTextEdit(checker=FeedbackChecker())
        self.editor.setPlaceholderText("What they did, and what it meant…")
        self.editor.setAccessibleName("Note")
        self.editor.textChanged.connect(self._text_edited)
        self.add_button = QPushButton("&Add Note")
        self.add_button.clicked.connect(self.add_note)
        self.delete_button = QPushButton("&Delete Note")
        self.delete_button.clicked.connect(self.delete_note)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(text_style("#c62828"))
        self.problem_label.hide()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)
        self.lock_label = QLabel()
        self.lock_label.setWordWrap(True)
        self.unlock_button = QPushButton("&Unlock…")
        self.unlock_button.clicked.connect(self.ask_unlock)
        self.lock_button = QPushButton("&Lock")
        self.lock_button.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_button.setToolTip("Forget the unlocked key (Ctrl+L); notes show as locked again")
        self.lock_button.clicked.connect(self.lock)
        self.readers_label = QLabel()
        self.readers_label.setWordWrap(True)
        self.readers_button = QPushButton("&Readers…")
        self.readers_button.setToolTip("Choose who may read the selected note")
        self.readers_button.clicked.connect(self.choose_readers)
        self.readers_dialog: ReadersDialog | None = None

        person_row = QHBoxLayout()
        person_label = QLabel("&Person:")
        person_label.setBuddy(self.person_combo)
        person_row.addWidget(person_label)
        person_row.addWidget(self.person_combo, 1)
        person_row.addWidget(self.add_button)
        person_row.addWidget(self.delete_button)
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel("Kind:"))
        kind_row.addWidget(self.kind_combo)
        kind_row.addWidget(self.justified_check)
        kind_row.addStretch(1)
        dimension_row = QHBoxLayout()
        dimension_row.addWidget(QLabel("About:"))
        for check in self.dimension_checks.values():
            dimension_row.addWidget(check)
        dimension_row.addStretch(1)
        self.editor_box = QWidget()
        editor_layout = QVBoxLayout(self.editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(kind_row)
        editor_layout.addLayout(dimension_row)
        editor_layout.addWidget(self.editor, 1)
        lock_row = QHBoxLayout()
        lock_row.addWidget(self.lock_label, 1)
        lock_row.addWidget(self.unlock_button)
        lock_row.addWidget(self.lock_button)
        share_row = QHBoxLayout()
        share_row.addWidget(self.readers_label, 1)
        share_row.addWidget(self.readers_button)
        editor_layout.addLayout(share_row)
        layout = QVBoxLayout(self)
        layout.addWidget(notice)
        layout.addLayout(lock_row)
        layout.addWidget(self.incident_label)
        layout.addLayout(person_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.editor_box, 2)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.message_label)
        self._show_lock_state()
        self._bind(None)

    # ------------------------------------------------------------- locking

    @property
    def actor(self) -> str:
        return self.notes.actor(self.default_actor)

    def _show_lock_state(self) -> None:
        keyring = self.notes.keyring
        if keyring is None:
            self.lock_label.setText(
                "Locked: you see which notes exist, about whom, when and who may read them. "
                "Unlock with your identity to read and write them."
            )
        else:
            self.lock_label.setText(f"Unlocked as {keyring.name}.")
        self.unlock_button.setVisible(keyring is None)
        self.lock_button.setVisible(keyring is not None)
        self.add_button.setEnabled(keyring is not None)

    def ask_unlock(self) -> UnlockDialog:
        """Non-blocking: the dialog unlocks the session itself, or says why not."""
        dialog = UnlockDialog(self.notes, self)
        self.unlock_dialog = dialog
        dialog.open()
        return dialog

    def lock(self) -> None:
        # What was typed is sealed with the key it was typed under, before the key goes.
        self.autosaver.flush()
        self.notes.lock()

    def _session_changed(self) -> None:
        self._show_lock_state()
        self.message_label.hide()
        if self.notes.keyring is not None:
            self._seal_pending()
        self.reload(force=True)

    def _seal_pending(self) -> None:
        from irdesk.storage.records import database_edits

        db, keyring, actor = self.database.current(), self.notes.keyring, self.actor
        if db is None or keyring is None:
            return

        def work() -> tuple[int, list[Path]]:
            from irdesk.storage.database import plaintext_backups

            sealed = database_edits.seal_pending_notes(db, actor=actor, keyring=keyring)
            # Backup copies are a file's: a team database's are its administrator's.
            return sealed, [] if is_server(db.path) else plaintext_backups(db.path)

        self._run(work, self._sealed)

    def _sealed(self, result: tuple[int, list[Path]]) -> None:
        sealed, copies = result
        lines = []
        if sealed:
            lines.append(
                f"Sealed {sealed} note{'s' if sealed != 1 else ''} from before notes "
                f"were encrypted to you; the file keeps no plain text of them."
            )
        if copies:
            names = ", ".join(c.name for c in copies)
            lines.append(
                f"These backup copies still hold notes in plain text: {names}. Encrypt or "
                "delete them (asked in the box that opened)."
            )
            self.backups_box = self.ask_delete_backups(copies)
        if lines:
            self.message_label.setText(" ".join(lines))
            self.message_label.show()
        if sealed:
            self.reload(force=True)

    def ask_delete_backups(self, copies: list[Path]) -> QMessageBox:
        """Non-blocking: Encrypt seals the copies' notes to the unlocked reader (as
        `irdesk notes backups --reencrypt` does), Delete removes them, Keep leaves them."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Backups hold notes in plain text",
            "These backup copies hold feedback notes in plain text. Encrypt their notes to "
            "you, or delete the copies?\n" + "\n".join(str(c) for c in copies),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Save).setText("&Encrypt Them")
        box.button(QMessageBox.StandardButton.Discard).setText("&Delete Them")
        box.button(QMessageBox.StandardButton.Cancel).setText("&Keep Them")

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Discard:
                for copy in copies:
                    copy.unlink(missing_ok=True)
                self.message_label.setText(
                    f"Deleted {len(copies)} backup cop{'ies' if len(copies) != 1 else 'y'} "
                    "that held notes in plain text."
                )
            elif button == QMessageBox.StandardButton.Save:
                self.encrypt_backups(copies)

        box.finished.connect(answered)
        box.open()
        return box

    def encrypt_backups(self, copies: list[Path]) -> None:
        from irdesk.storage.records.database_edits import reencrypt_backup

        keyring, actor = self.notes.keyring, self.actor
        if keyring is None:
            return

        def work() -> int:
            return sum(reencrypt_backup(c, actor=actor, keyring=keyring) for c in copies)

        def done(sealed: int) -> None:
            self.message_label.setText(
                f"Encrypted {len(copies)} backup cop{'ies' if len(copies) != 1 else 'y'}: "
                f"{sealed} note{'s' if sealed != 1 else ''} sealed to {keyring.name}; no plain "
                "text is left in them."
            )
            self.message_label.show()

        self._run(work, done)

    # ------------------------------------------------------------- loading

    def show_incident(self, incident_id: int) -> None:
        self.autosaver.flush()
        if incident_id != self.incident_id:
            self.bound_id = None
        self.incident_id = incident_id
        self.reload()

    def reload(self, *, force: bool = False) -> None:
        db, incident_id = self.database.current(), self.incident_id
        if db is None or incident_id is None:
            return
        keyring = self.notes.keyring
        self.tasks.run(
            lambda _report: _load_feedback(db, incident_id, keyring),
            on_done=lambda view: self._loaded(incident_id, view, force),
        )

    def _loaded(self, incident_id: int, view: FeedbackView | None, force: bool) -> None:
        if incident_id != self.incident_id or view is None:
            return
        notes = []
        for note in view.notes:
            record = ("note", note.id)
            if force:
                self.autosaver.set_revision(record, note.revision)
            elif note.id == self.bound_id:
                # As typed, on the revision it is based on (see FindingsPanel.show_sheet).
                known = self.autosaver.revision(record)
                note = replace(
                    note,
                    text=self.editor.toPlainText(),
                    revision=note.revision if known is None else known,
                )
            else:
                self.autosaver.note_revision(record, note.revision)
            notes.append(note)
        self.view = view = replace(view, notes=tuple(notes))
        self.incident_label.setText(f"Incident {view.incident_label}")
        chosen = self.person_combo.currentData()
        if self._select_after_load is not None:
            note = next((n for n in view.notes if n.id == self._select_after_load), None)
            chosen = note.person_id if note is not None else chosen
        involved = [p for p in view.people if p.id in view.involved]
        others = [p for p in view.people if p.id not in view.involved]
        self.person_combo.clear()
        for person in involved:
            self.person_combo.addItem(person.name, person.id)
        if involved and others:
            self.person_combo.insertSeparator(self.person_combo.count())
        for person in others:
            self.person_combo.addItem(person.name, person.id)
        # findData(None) would find the separator, which has no data.
        index = self.person_combo.findData(chosen) if chosen is not None else 0
        self.person_combo.setCurrentIndex(max(0, index))
        self._show_person(force=force)

    def _show_person(self, *, force: bool = False) -> None:
        view = self.view
        person_id = self.person_combo.currentData()
        if view is None:
            return
        notes = [n for n in view.notes if n.person_id == person_id]
        wanted = self._select_after_load or self.bound_id
        self._select_after_load = None
        keep = self.bound_id
        blocked = self.table.selectionModel().blockSignals(True)
        self.model.set_rows(notes)
        self.table.selectionModel().blockSignals(blocked)
        index = self.model.row_of(wanted) if wanted is not None else None
        if index is None and notes:
            index = 0
        if index is None:
            self._bind(None)
            return
        row = self.model.row_at(index)
        self._bind(row, force=force or row.id != keep)
        select_quietly(self.table, index)

    def _bind(self, row: NoteRow | None, *, force: bool = True) -> None:
        if row is None or row.id != self.bound_id:
            self.autosaver.flush()
        readable = row is not None and row.readable and row.kind is not None
        self.bound_id = row.id if row is not None and readable else None
        self.editor_box.setEnabled(readable)
        self.delete_button.setEnabled(readable)
        if row is None or not readable:
            set_text_quietly(self.editor, "")
            self.readers_label.clear()
            return
        self.readers_label.setText("Readers: " + (", ".join(row.readers) or "nobody"))
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(row.kind))
        self.justified_check.setVisible(row.kind == FeedbackKind.PROCEDURAL_COMPLIANCE)
        self.justified_check.setChecked(bool(row.deviation_justified))
        for dimension, check in self.dimension_checks.items():
            check.setChecked(dimension.value in row.dimensions)
        if force:
            set_text_quietly(self.editor, row.text)

    def choose_readers(self) -> None:
        """Readers…: who may read the selected note, the directory's manager named."""
        from irdesk.storage.reads.database_reads import note_reader_choice

        db, note_id, keyring = self.database.current(), self.bound_id, self.notes.keyring
        index = self.model.row_of(note_id) if note_id is not None else None
        if db is None or index is None:
            return
        row = self.model.row_at(index)
        self.autosaver.flush()
        self.tasks.run(
            lambda _report: note_reader_choice(db, row.person_id, keyring),
            on_done=lambda choice: self._readers_chosen(row, choice),
        )

    def _readers_chosen(self, row: NoteRow, choice: ReaderChoice) -> None:
        from irdesk.gui.review.readers_dialog import ReadersDialog

        fixed = {r.id: "organisation recovery" for r in choice.readers if r.recovery}
        waiting = [m for m in choice.managers if m not in choice.keyed_managers]
        note = ""
        if waiting:
            note = (
                f"Their manager in the directory, {', '.join(waiting)}, has no key here yet: "
                "they become a reader the first time they unlock notes in irdesk."
            )
        about = self.person_combo.currentText()
        tags = {
            r.id: "their manager in the directory"
            for r in choice.readers
            if r.name in choice.keyed_managers
        }
        keyring = self.notes.keyring
        tags.update(
            {
                r.id: "you"
                for r in choice.readers
                if keyring and r.fingerprint == keyring.fingerprint
            }
        )
        dialog = ReadersDialog(
            about=about,
            readers=choice.readers,
            ticked=row.reader_ids,
            fixed=fixed,
            note=note,
            tags=tags,
            parent=self,
        )
        dialog.chosen.connect(lambda added, removed: self._change_readers(row.id, added, removed))
        dialog.remove_everywhere.connect(self._remove_reader)
        self.readers_dialog = dialog
        dialog.open()

    def _change_readers(self, note_id: int, added: list[int], removed: list[int]) -> None:
        from irdesk.storage.records import database_edits

        db, keyring, actor = self.database.current(), self.notes.keyring, self.actor
        if db is None or not (added or removed):
            return
        self._select_after_load = note_id
        self._run(
            lambda: database_edits.change_note_readers(
                db, note_id, added=added, removed=removed, actor=actor, keyring=keyring
            ),
            lambda _row: self.reload(),
        )

    def _remove_reader(self, reader_id: int) -> None:
        from irdesk.storage.records import database_edits

        db, keyring, actor = self.database.current(), self.notes.keyring, self.actor
        if db is None:
            return
        self._select_after_load = self.bound_id

        def removed(counts: tuple[int, int]) -> None:
            rekeyed, dropped = counts
            self.message_label.setText(
                f"Removed the reader: {rekeyed} note{'s' if rekeyed != 1 else ''} got a new key "
                "without them"
                + (f"; {dropped} you cannot read lost their copy of the key." if dropped else ".")
            )
            self.message_label.show()
            self.reload()

        self._run(
            lambda: database_edits.remove_reader(db, reader_id, actor=actor, keyring=keyring),
            removed,
        )

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._bind(self.model.row_at(indexes[0].row()))

    # ------------------------------------------------------------- editing

    def _write(self, note_id: int, field: str) -> Write:
        # The key is taken now, as the text is typed: a Lock meanwhile still saves it.
        actor, keyring = self.actor, self.notes.keyring

        def write(db: Database, value: Any, revision: int) -> int:
            from irdesk.storage.records import database_edits

            return database_edits.edit_note(
                db, note_id, revision, actor=actor, keyring=keyring, **{field: value}
            )

        return write

    def _text_edited(self) -> None:
        if self.bound_id is not None:
            self.model.show_text(self.bound_id, self.editor.toPlainText())
            self.autosaver.edited(
                ("note", self.bound_id),
                "text",
                self.editor.toPlainText,
                self._write(self.bound_id, "text"),
            )

    def _kind_chosen(self, _index: int) -> None:
        if self.bound_id is None:
            return
        kind = self.kind_combo.currentData()
        self.justified_check.setVisible(kind == FeedbackKind.PROCEDURAL_COMPLIANCE)
        self._select_after_load = self.bound_id
        self.autosaver.save_now(
            ("note", self.bound_id), "kind", kind, self._write(self.bound_id, "kind")
        )
        self.reload()

    def _justified_toggled(self, checked: bool) -> None:
        if self.bound_id is None:
            return
        self._select_after_load = self.bound_id
        self.autosaver.save_now(
            ("note", self.bound_id),
            "deviation_justified",
            checked,
            self._write(self.bound_id, "deviation_justified"),
        )
        self.reload()

    def _dimensions_toggled(self, _checked: bool) -> None:
        if self.bound_id is None:
            return
        chosen = [d.value for d, check in self.dimension_checks.items() if check.isChecked()]
        self._select_after_load = self.bound_id
        self.autosaver.save_now(
            ("note", self.bound_id),
            "dimensions",
            chosen,
            self._write(self.bound_id, "dimensions"),
        )
        self.reload()

    def add_note(self) -> None:
        from irdesk.storage.records import database_edits

        db, incident_id = self.database.current(), self.incident_id
        person_id = self.person_combo.currentData()
        if db is None or incident_id is None or person_id is None:
            return
        self.autosaver.flush()
        kind, actor = self.kind_combo.currentData() or FeedbackKind.RECOGNITION, self.actor
        keyring = self.notes.keyring

        def added(row: NoteRow) -> None:
            self._select_after_load = row.id
            self.reload()
            self.editor.setFocus()

        def add() -> NoteRow:
            from irdesk.storage.reads.database_reads import note_reader_choice

            # The author, the manager with a key, the recovery reader: Readers… changes them.
            readers = note_reader_choice(db, person_id, keyring).chosen
            return database_edits.add_note(
                db,
                person_id=person_id,
                incident_id=incident_id,
                kind=kind,
                actor=actor,
                keyring=keyring,
                readers=readers,
            )

        self._run(add, added)

    def delete_note(self) -> None:
        from irdesk.storage.records import database_edits

        db, note_id = self.database.current(), self.bound_id
        if db is None or note_id is None:
            return
        if not self.ask_delete():
            return
        self.autosaver.flush()
        actor, keyring = self.actor, self.notes.keyring
        self.bound_id = None
        self._run(
            lambda: database_edits.delete_note(db, note_id, actor=actor, keyring=keyring),
            lambda _row: self.reload(),
        )

    def _run(self, work: Callable[[], T], on_done: Callable[[T], None]) -> None:
        """Add or delete in the background; a refusal is shown here, like a refused save."""

        def done(result: T | Refused) -> None:
            if isinstance(result, Refused):
                self._problem(result.message)
                self.reload()
            else:
                on_done(result)

        self.tasks.run(
            lambda _report: refusing(work),
            on_done=done,
            on_expected_error=lambda exc: self._problem(str(exc)),
        )

    def ask_delete(self) -> bool:
        """Fakeable: a note deleted is gone (notes are not on the window's undo stack)."""
        answer = QMessageBox.question(
            self, "Delete note", "Delete this feedback note? This cannot be undone."
        )
        return answer == QMessageBox.StandardButton.Yes

    def _problem(self, text: str) -> None:
        self.problem_label.setText(f"⚠ {text}")
        self.problem_label.show()

    @property
    def conflict_box(self) -> QMessageBox | None:
        """The latest question about a note another window changed first, while it is open."""
        return next(reversed(self.conflicts.boxes.values()), None)

    def shut_down(self) -> None:
        self.autosaver.flush()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.autosaver.flush()
        super().closeEvent(event)
