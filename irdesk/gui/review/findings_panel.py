"""The findings of a review: a list by category beside an editor with the blameless check.

Alt+Up / Alt+Down move the selected finding within its category, Delete removes
it (Ctrl+Z brings it back with its links), the editor autosaves as one types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.blameless import BlamelessChecker
from irdesk.domain.enums import FindingCategory, FindingTag
from irdesk.gui.common import formatting
from irdesk.gui.common.colours import text_style
from irdesk.gui.common.fit import scrolling
from irdesk.gui.common.undo import EditCommand
from irdesk.gui.review.blame_editor import BlameTextEdit, set_text_quietly
from irdesk.gui.review.checklist_dialog import ChecklistDialog
from irdesk.gui.review.fields import FINDING
from irdesk.gui.review.models import (
    CATEGORY_TEXT,
    F_CATEGORY,
    F_EVENTS,
    F_FLAGS,
    F_TEXT,
    FindingsModel,
    first_line,
    select_quietly,
)
from irdesk.gui.review.rows_panel import ReviewRowsPanel

if TYPE_CHECKING:
    from irdesk.gui.review.tab import ReviewTab
    from irdesk.storage.database import Database
    from irdesk.storage.reads.review_sheet import ReviewSheet
    from irdesk.storage.reads.themes import FindingFactors
    from irdesk.storage.records.findings import FindingRow


TAG_TEXT = {
    FindingTag.PROCESS_GAP: "Process gap",
    FindingTag.INDIVIDUAL_DECISION: "Individual decision",
    FindingTag.TOOLING: "Tooling",
    FindingTag.EXTERNAL: "External",
}


class FindingsPanel(ReviewRowsPanel):
    noun = "finding"
    entity = "finding"

    flags_changed = Signal()

    def __init__(self, tab: ReviewTab) -> None:
        super().__init__(tab)
        self.sheet: ReviewSheet | None = None

        self.model = FindingsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Findings")
        self.table.setAccessibleDescription(
            "One row per finding, by category, with its linked events and blame flags"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(F_CATEGORY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(F_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(F_EVENTS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(F_FLAGS, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        for key, step in (("Alt+Up", -1), ("Alt+Down", 1)):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda s=step: self.move_selected(s))
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)

        self.new_category = QComboBox()
        for category in CATEGORY_TEXT:
            self.new_category.addItem(CATEGORY_TEXT[category], category)
        self.new_category.setAccessibleName("Category of the new finding")
        self.add_button = QPushButton("&Add Finding")
        self.add_button.setToolTip("Add a finding of the chosen category (Ctrl+Shift+N)")
        self.add_button.clicked.connect(lambda: self.add_finding())
        self.up_button = QPushButton("↑")
        self.up_button.setToolTip("Move up within its category (Alt+Up)")
        self.up_button.setAccessibleName("Move finding up")
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton("↓")
        self.down_button.setToolTip("Move down within its category (Alt+Down)")
        self.down_button.setAccessibleName("Move finding down")
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the finding (Delete; Ctrl+Z brings it back)")
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.up_button, self.down_button):
            button.setFixedWidth(32)

        title = QLabel("Findings")
        title.setStyleSheet("font-weight: bold")
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(self.new_category)
        bar.addWidget(self.add_button)
        bar.addWidget(self.up_button)
        bar.addWidget(self.down_button)
        bar.addWidget(self.delete_button)

        self.category_combo = QComboBox()
        for category in CATEGORY_TEXT:
            self.category_combo.addItem(CATEGORY_TEXT[category], category)
        self.category_combo.setAccessibleName("Category")
        self.category_combo.activated.connect(self._category_chosen)
        # Where a delay or failure came from, for the escalation table's "where from".
        self.tag_combo = QComboBox()
        self.tag_combo.setAccessibleName("Where from")
        self.tag_combo.addItem("(not tagged)", None)
        for tag, text in TAG_TEXT.items():
            self.tag_combo.addItem(text, tag.value)
        self.tag_combo.setToolTip(
            "Where this finding says a delay came from: a process gap, an individual "
            "decision, tooling or something external (Ctrl+Z undoes)"
        )
        self.tag_combo.activated.connect(self._tag_chosen)
        # finding id → (tag value or None, the tag's revision), read with each sheet.
        self.tags: dict[int, tuple[str | None, int]] = {}
        self._tags_generation = 0
        self.editor = BlameTextEdit()
        self.editor.setPlaceholderText(
            "Say what the system did and what made it possible — not who erred."
        )
        self.editor.setAccessibleName("Finding")
        self.editor.setTabChangesFocus(True)
        self.editor.text_edited.connect(self._text_edited)
        self.editor.flags_changed.connect(lambda _n: self._show_flag_hints())
        self.events_label = QLabel()
        self.events_label.setWordWrap(True)
        self.events_button = QPushButton("Lin&k Events…")
        self.events_button.clicked.connect(self.choose_events)
        # Contributing factors from the policy's taxonomy, with what the finding's words
        # and its linked events suggest; only what the facilitator confirms is counted.
        self.factors_label = QLabel()
        self.factors_label.setWordWrap(True)
        self.factors_label.setTextFormat(Qt.TextFormat.PlainText)
        self.factors_button = QPushButton("Ta&g Factors…")
        self.factors_button.setToolTip(
            "Confirm the contributing factors of this finding; the suggested ones are "
            "ticked to start with (Ctrl+Z undoes)"
        )
        self.factors_button.clicked.connect(self.choose_factors)
        self.factors: FindingFactors | None = None
        self._factors_generation = 0
        self.hints_label = QLabel()
        self.hints_label.setWordWrap(True)
        self.hints_label.setStyleSheet(text_style("#c62828"))
        self.hints_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hints_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        editor_box = QWidget()
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        category_row = QHBoxLayout()
        category_row.addWidget(QLabel("Category:"))
        category_row.addWidget(self.category_combo, 1)
        category_row.addWidget(QLabel("Where from:"))
        category_row.addWidget(self.tag_combo, 1)
        editor_layout.addLayout(category_row)
        editor_layout.addWidget(self.editor, 1)
        # The hints have a room of their own, three lines high and scrolling beyond: the
        # editor above never jumps as flags come and go, and no hint is cut off.
        hints_area = scrolling(self.hints_label)
        lines = self.hints_label.fontMetrics().lineSpacing()
        hints_area.setFixedHeight(lines * 3 + 6)
        hints_area.setAccessibleName("Blameless-language hints")
        self.hints_area = hints_area
        editor_layout.addWidget(hints_area)
        events_row = QHBoxLayout()
        events_row.addWidget(self.events_label, 1)
        events_row.addWidget(self.events_button)
        editor_layout.addLayout(events_row)
        factors_row = QHBoxLayout()
        factors_row.addWidget(self.factors_label, 1)
        factors_row.addWidget(self.factors_button)
        editor_layout.addLayout(factors_row)
        self.editor_box = editor_box

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(editor_box)
        splitter.setSizes([330, 330])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self._bind(None)

    # ------------------------------------------------------------- showing

    def show_sheet(self, sheet: ReviewSheet, checker: BlamelessChecker, *, force: bool) -> None:
        from irdesk.storage.records.reviews import EDITABLE  # loaded with the sheet

        self.sheet = sheet
        editable = sheet.review is not None and sheet.review.status in EDITABLE
        self.editor.set_people([p.name for p in sheet.people])
        self.model.checker = checker
        saver = self.tab.autosaver
        rows = []
        for row in sheet.findings:
            record = (FINDING, row.id)
            if force:
                saver.set_revision(record, row.revision)
            elif row.id == self.bound_id:
                # What is being typed stays as typed, with the revision it is based on: the
                # file's newer revision (another window's change) must still conflict.
                known = saver.revision(record)
                row = replace(
                    row,
                    text=self.editor.toPlainText(),
                    revision=row.revision if known is None else known,
                )
            else:
                saver.note_revision(record, row.revision)
            rows.append(row)
        wanted = self._select_after_load or self.bound_id
        self._select_after_load = None
        keep_bound = self.bound_id
        blocked = self.table.selectionModel().blockSignals(True)
        self.model.set_rows(rows)
        self.table.selectionModel().blockSignals(blocked)
        row_index = self.model.row_of(wanted) if wanted is not None else None
        if row_index is None and rows:
            row_index = 0
        if row_index is not None:
            selected = self.model.row_at(row_index)
            self._bind(selected, force=force or selected.id != keep_bound)
            select_quietly(self.table, row_index)
        else:
            self._bind(None)
        for widget in (
            self.add_button,
            self.new_category,
            self.delete_button,
            self.up_button,
            self.down_button,
            self.editor_box,
        ):
            widget.setEnabled(editable)
        self._read_tags([row.id for row in rows])
        self.flags_changed.emit()

    def _bind(self, row: FindingRow | None, *, force: bool = True) -> None:
        """Point the editor at `row`; the same finding keeps what is typed unless `force`."""
        if row is None or row.id != self.bound_id:
            self.tab.autosaver.flush()
        self.bound_id = row.id if row is not None else None
        self.editor_box.setVisible(row is not None)
        if row is None:
            set_text_quietly(self.editor, "")
            return
        self.category_combo.setCurrentIndex(self.category_combo.findData(row.category))
        self._show_tag(row.id)
        if force and self.editor.toPlainText() != row.text:
            set_text_quietly(self.editor, row.text)
        self._show_events(row)
        self._show_flag_hints()
        self._read_factors(row.id)

    def _show_events(self, row: FindingRow) -> None:
        sheet = self.sheet
        if not row.event_ids or sheet is None:
            self.events_label.setText("Linked events: none")
            return
        by_id = {e.id: e for e in sheet.events}
        shown = [
            f"{formatting.local_time(by_id[e].occurred_at, '%H:%M')} {first_line(by_id[e].text, 40)}"
            for e in row.event_ids
            if e in by_id
        ]
        self.events_label.setText("Linked events: " + "; ".join(shown))

    def _show_flag_hints(self) -> None:
        flags = self.editor.flags()
        self.hints_label.setText("\n".join(f"⚑ “{f.text}”: {f.hint}" for f in flags))
        self.hints_label.setVisible(True)

    def flag_total(self) -> int:
        return self.model.flag_total()

    def current_row(self) -> FindingRow | None:
        if self.bound_id is None:
            return None
        index = self.model.row_of(self.bound_id)
        return self.model.row_at(index) if index is not None else None

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        self._bind(self.model.row_at(indexes[0].row()))

    # ------------------------------------------------------------- editing

    # Saving what is typed and chosen is the tab's field table (review.fields); here the
    # list follows the typing, and the finding stays selected once it moves.

    def _text_edited(self, _text: str) -> None:
        if self.bound_id is None:
            return
        self.model.show_text(self.bound_id, self.editor.toPlainText())
        self.flags_changed.emit()

    def select_after_load(self, finding_id: int) -> None:
        """The next sheet shown selects this finding (one chosen in another window)."""
        self._select_after_load = finding_id

    def _category_chosen(self, _index: int) -> None:
        self._select_after_load = self.bound_id

    # ------------------------------------------------------------- tags

    tags_shown = Signal()

    def _read_tags(self, ids: list[int]) -> None:
        db = self.tab.database.current()
        if db is None:
            return
        self._tags_generation += 1
        generation = self._tags_generation

        def read(_report: object) -> dict[int, tuple[FindingTag | None, int]]:
            from irdesk.storage.reads.database_reads import read_finding_tags

            return read_finding_tags(db, ids)

        self.tab.tasks.run(
            read, on_done=lambda tags: self._tags_read(generation, tags), description=""
        )

    def _tags_read(self, generation: int, tags: dict[int, tuple[FindingTag | None, int]]) -> None:
        if generation != self._tags_generation:
            return
        self.tags = {i: (t.value if t else None, revision) for i, (t, revision) in tags.items()}
        if self.bound_id is not None:
            self._show_tag(self.bound_id)
        self.tags_shown.emit()

    def _show_tag(self, finding_id: int) -> None:
        value, _ = self.tags.get(finding_id, (None, 0))
        self.tag_combo.setCurrentIndex(max(0, self.tag_combo.findData(value)))

    def _tag_chosen(self, _index: int) -> None:
        from irdesk.storage.records import database_edits

        finding_id = self.bound_id
        if finding_id is None:
            return
        before, revision = self.tags.get(finding_id, (None, 0))
        value = self.tag_combo.currentData()
        if value == before:
            return
        actor = self.tab.actor
        held = [revision]

        def tag(wanted: str | None) -> Callable[[Database], int]:
            chosen = FindingTag(wanted) if wanted else None
            return lambda db: database_edits.set_finding_tag(
                db, finding_id, chosen, held[0], actor=actor
            )

        def replay(wanted: str | None) -> None:
            self._select_after_load = finding_id
            self.tab.run(tag(wanted), lambda r: held.__setitem__(0, r), description="Tagging…")

        def tagged(new_revision: int) -> None:
            held[0] = new_revision
            self.tab.undo_stack.push(
                EditCommand("Tag finding", redo=lambda: replay(value), undo=lambda: replay(before))
            )

        self._select_after_load = finding_id
        self.tab.run(tag(value), tagged, description="Tagging…")

    # ------------------------------------------------------------- factors

    factors_shown = Signal()

    def _read_factors(self, finding_id: int) -> None:
        db = self.tab.database.current()
        if db is None:
            return
        self._factors_generation += 1
        generation = self._factors_generation
        self.factors = None
        self.factors_label.setText("Factors: reading…")

        def read(_report: object) -> FindingFactors:
            from irdesk.storage.reads.themes import read_finding_factors

            return read_finding_factors(db, finding_id)

        self.tab.tasks.run(
            read,
            on_done=lambda found: self._factors_read(generation, finding_id, found),
            description="",
        )

    def _factors_read(self, generation: int, finding_id: int, found: FindingFactors) -> None:
        if generation != self._factors_generation or finding_id != self.bound_id:
            return
        self.factors = found
        confirmed = ", ".join(found.factors) or "none confirmed"
        suggested = "; ".join(
            f"{s.factor} ({', '.join(f'“{w}”' for w in s.words)})" for s in found.suggestions
        )
        self.factors_label.setText(
            f"Factors: {confirmed}"
            + (f"\nSuggested by the words: {suggested}" if suggested else "")
        )
        self.factors_shown.emit()

    def choose_factors(self) -> ChecklistDialog | None:
        """The taxonomy to tick, the confirmed factors (or else the suggested) ticked."""
        found, finding_id = self.factors, self.bound_id
        if found is None or finding_id is None:
            return None
        words = {s.factor: s.words for s in found.suggestions}
        items = [
            (
                n,
                factor
                + (
                    f" — suggested by {', '.join(f'“{w}”' for w in words[factor])}"
                    if factor in words
                    else ""
                ),
            )
            for n, factor in enumerate(found.taxonomy)
        ]
        ticked = found.factors or tuple(words)
        dialog = ChecklistDialog(
            "Contributing Factors",
            "The conditions that contributed, from the organisation's taxonomy "
            f"(the policy's):\n“{first_line(self.editor.toPlainText(), 80)}”",
            items,
            [n for n, factor in enumerate(found.taxonomy) if factor in ticked],
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._confirm_factors(
                finding_id, found, tuple(found.taxonomy[n] for n in dialog.chosen_ids())
            )
        )
        dialog.open()
        return dialog

    def _confirm_factors(
        self, finding_id: int, found: FindingFactors, chosen: tuple[str, ...]
    ) -> None:
        from irdesk.storage.records import database_edits

        before = found.factors
        if set(chosen) == set(before):
            return
        actor, taxonomy = self.tab.actor, found.taxonomy
        held = [found.revision]

        def confirm(wanted: tuple[str, ...]) -> Callable[[Database], int]:
            return lambda db: database_edits.set_finding_factors(
                db, finding_id, wanted, held[0], taxonomy=taxonomy, actor=actor
            )

        def settled(new_revision: int) -> None:
            held[0] = new_revision  # the reload that follows shows what was stored

        def replay(wanted: tuple[str, ...]) -> None:
            self._select_after_load = finding_id
            self.tab.run(confirm(wanted), settled, description="Tagging factors…")

        def confirmed(new_revision: int) -> None:
            settled(new_revision)
            self.tab.undo_stack.push(
                EditCommand("Tag factors", redo=lambda: replay(chosen), undo=lambda: replay(before))
            )

        self._select_after_load = finding_id
        self.tab.run(confirm(chosen), confirmed, description="Tagging factors…")

    def add_finding(self, category: FindingCategory | None = None) -> None:
        from irdesk.storage.records import database_edits

        review = self.tab.review
        if review is None:
            return
        chosen = FindingCategory(category or self.new_category.currentData())
        review_id, actor = review.id, self.tab.actor
        self._add_undoably(
            lambda db: database_edits.add_finding(db, review_id, chosen, actor=actor),
            text=f"Add finding ({CATEGORY_TEXT[chosen].lower()})",
            focus=self.editor,
        )

    def delete_selected(self) -> None:
        row = self.current_row()
        if row is not None:
            self._delete_undoably(row.id, row.text)

    def delete_row(self, db: Database, row_id: int, *, actor: str) -> Any:
        from irdesk.storage.records import database_edits

        return database_edits.delete_finding(db, row_id, actor=actor)

    def restore_row(self, db: Database, deleted: Any, *, actor: str) -> FindingRow:
        from irdesk.storage.records import database_edits

        return database_edits.restore_finding(db, deleted, actor=actor)

    def move_selected(self, step: int) -> None:
        from irdesk.storage.records import database_edits

        row = self.current_row()
        if row is None:
            return
        actor = self.tab.actor
        finding_id = row.id
        self._select_after_load = finding_id

        def move(direction: int) -> None:
            self._select_after_load = finding_id
            self.tab.run(
                lambda db: database_edits.move_finding(db, finding_id, direction, actor=actor),
                description="Moving finding…",
            )

        def moved(done: bool) -> None:
            if done:
                self.tab.undo_stack.push(
                    EditCommand("Move finding", redo=lambda: move(step), undo=lambda: move(-step))
                )

        self.tab.run(
            lambda db: database_edits.move_finding(db, finding_id, step, actor=actor),
            moved,
            description="Moving finding…",
        )

    def choose_events(self) -> ChecklistDialog | None:
        from irdesk.storage.records import database_edits

        row, sheet = self.current_row(), self.sheet
        if row is None or sheet is None:
            return None
        items = [
            (
                e.id,
                f"{formatting.local_time(e.occurred_at)}  {e.source} · {e.kind.value}"
                f"{' · ' + e.actor if e.actor else ''} — {first_line(e.text, 90)}",
            )
            for e in sheet.events
        ]
        return self._choose_links(
            row.id,
            row.event_ids,
            database_edits.set_finding_events,
            ChecklistDialog(
                "Link Finding to Events",
                f"Timeline events this finding is about:\n“{first_line(row.text, 80)}”",
                items,
                row.event_ids,
                self,
            ),
            text="Link finding to events",
            description="Linking events…",
        )
