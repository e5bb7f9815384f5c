"""Action items of a review: a table (overdue ones in red) beside a form for the selected one.

Title and key autosave as they are typed; owner, due date and status save when
chosen; Delete removes the item (Ctrl+Z brings it back).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.enums import ReviewStatus
from irdesk.gui.common.colours import text_style
from irdesk.gui.common.dates import as_date, qdate
from irdesk.gui.common.formatting import local_time
from irdesk.gui.review.checklist_dialog import ChecklistDialog
from irdesk.gui.review.fields import ACTION
from irdesk.gui.review.models import (
    A_DUE,
    A_FINDINGS,
    A_KEY,
    A_OWNER,
    A_STATUS,
    A_TITLE,
    CATEGORY_TEXT,
    STATUS_TEXT,
    ActionsModel,
    first_line,
    local_today,
    select_quietly,
)
from irdesk.gui.review.rows_panel import ReviewRowsPanel

if TYPE_CHECKING:
    from irdesk.gui.review.tab import ReviewTab
    from irdesk.storage.database import Database
    from irdesk.storage.reads.review_sheet import ReviewSheet
    from irdesk.storage.records.action_items import ActionChangeRow, ActionRow

DEFAULT_DUE_DAYS = 14


def ticket_change_text(change: ActionChangeRow) -> str:
    """'status open → done (Grace Hopper, 2015-11-21 13:14; imported by ana from f.json)'."""
    when = local_time(change.changed_at) if change.changed_at else "time unknown"
    who = f"{change.changed_by}, " if change.changed_by else ""
    source = f" from {Path(change.file).name}" if change.file else ""
    before, after = change.before, change.after
    if change.field == "completed_at":  # stored as ISO UTC; shown in the user's zone
        before, after = (
            local_time(datetime.fromisoformat(v)) if v else None for v in (before, after)
        )
    said = f"{change.field.replace('_', ' ')} {before or '—'} → {after or '—'}"
    return f"{said} ({who}{when}; imported by {change.recorded_by}{source})"


OWNER_WIDTH = 120


class ActionsPanel(ReviewRowsPanel):
    noun = "action item"
    entity = "action_item"

    def __init__(self, tab: ReviewTab) -> None:
        super().__init__(tab)
        self.sheet: ReviewSheet | None = None

        self.model = ActionsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Action items")
        self.table.setAccessibleDescription(
            "One row per action item, with its owner, due date, status and findings"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(A_TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (A_DUE, A_STATUS, A_KEY, A_FINDINGS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Names can be long (and in any script); the title keeps the room.
        header.setSectionResizeMode(A_OWNER, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(A_OWNER, OWNER_WIDTH)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)

        title = QLabel("Action items")
        title.setStyleSheet("font-weight: bold")
        self.overdue_label = QLabel()
        self.overdue_label.setStyleSheet(text_style("#c62828", bold=True))
        self.add_button = QPushButton("Add Action &Item")
        self.add_button.setToolTip("Add an action item for the selected finding (Ctrl+Shift+A)")
        self.add_button.clicked.connect(self.add_action)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addWidget(self.overdue_label)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("What will be done")
        self.title_edit.setAccessibleName("Action item")
        self.title_edit.textEdited.connect(self._title_edited)
        self.owner_combo = QComboBox()
        self.owner_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.owner_combo.setMinimumContentsLength(12)
        self.owner_combo.activated.connect(self._keep_selected)
        self.due_edit = QDateEdit()
        self.due_edit.setAccessibleName("Action item due")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        self.due_edit.dateChanged.connect(self._due_edited)
        self.no_due_check = QCheckBox("no date")
        self.no_due_check.toggled.connect(self._due_edited)
        self.status_combo = QComboBox()
        for status, text in STATUS_TEXT.items():
            self.status_combo.addItem(text, status)
        self.status_combo.activated.connect(self._keep_selected)
        self.key_edit = QLineEdit()
        self.key_edit.setPlaceholderText("e.g. OPS-123")
        self.key_edit.setAccessibleName("Ticket key")
        self.findings_label = QLabel()
        # What the item's ticket changed on import, the latest in words, all in the tooltip.
        self.ticket_label = QLabel()
        self.ticket_label.setWordWrap(True)
        self.ticket_label.setAccessibleName("Ticket history")
        self.findings_button = QPushButton("Findings…")
        self.findings_button.clicked.connect(self.choose_findings)

        # Under the table rather than beside it: the table keeps the tab's full width.
        form_box = QWidget()
        form = QGridLayout(form_box)
        form.setContentsMargins(0, 0, 0, 0)
        owner_label = QLabel("Ow&ner:")
        owner_label.setBuddy(self.owner_combo)
        status_label = QLabel("Stat&us:")
        status_label.setBuddy(self.status_combo)
        form.addWidget(QLabel("Title:"), 0, 0)
        form.addWidget(self.title_edit, 0, 1, 1, 3)
        form.addWidget(QLabel("Key:"), 0, 4)
        form.addWidget(self.key_edit, 0, 5)
        form.addWidget(owner_label, 1, 0)
        form.addWidget(self.owner_combo, 1, 1)
        form.addWidget(QLabel("Due:"), 1, 2)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due_edit, 1)
        due_row.addWidget(self.no_due_check)
        form.addLayout(due_row, 1, 3)
        form.addWidget(status_label, 1, 4)
        form.addWidget(self.status_combo, 1, 5)
        form.addWidget(QLabel("Addresses:"), 2, 0)
        form.addWidget(self.findings_label, 2, 1, 1, 4)
        form.addWidget(self.findings_button, 2, 5)
        form.addWidget(self.ticket_label, 3, 0, 1, 6)
        form.setColumnStretch(1, 2)
        form.setColumnStretch(3, 1)
        form.setColumnStretch(5, 1)
        self.form_box = form_box

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(form_box)
        self._bind(None)

    # ------------------------------------------------------------- showing

    def show_sheet(self, sheet: ReviewSheet, *, force: bool) -> None:
        from irdesk.storage.records.reviews import EDITABLE  # loaded with the sheet

        self.sheet = sheet
        editable = sheet.review is not None and sheet.review.status in EDITABLE
        saver = self.tab.autosaver
        rows = []
        for row in sheet.actions:
            record = (ACTION, row.id)
            if force:
                saver.set_revision(record, row.revision)
            elif row.id == self.bound_id:
                # As typed, on the revision it is based on (see FindingsPanel.show_sheet).
                known = saver.revision(record)
                row = replace(
                    row,
                    title=self.title_edit.text(),
                    external_key=self.key_edit.text() or None,
                    revision=row.revision if known is None else known,
                )
            else:
                saver.note_revision(record, row.revision)
            rows.append(row)
        self.owner_combo.clear()
        self.owner_combo.addItem("(no owner)", None)
        for person in sheet.people:
            self.owner_combo.addItem(person.name, f"person:{person.id}")
        for team in sheet.teams:
            self.owner_combo.addItem(f"{team.name} (team)", f"team:{team.id}")
        wanted = self._select_after_load or self.bound_id
        self._select_after_load = None
        keep_bound = self.bound_id
        self.model.today = self._today()
        blocked = self.table.selectionModel().blockSignals(True)
        self.model.set_rows(rows)
        self.table.selectionModel().blockSignals(blocked)
        overdue = self.model.overdue_count()
        self.overdue_label.setText(f"⚠ {overdue} overdue" if overdue else "")
        index = self.model.row_of(wanted) if wanted is not None else None
        if index is None and rows:
            index = 0
        if index is not None:
            row = self.model.row_at(index)
            self._bind(row, force=force or row.id != keep_bound)
            select_quietly(self.table, index)
        else:
            self._bind(None)
        for widget in (self.add_button, self.delete_button):
            widget.setEnabled(editable)
        # Follow-through (status, owner, dates) is tracked after approval, until archived.
        archived = sheet.review is not None and sheet.review.status == ReviewStatus.ARCHIVED
        self.form_box.setEnabled(sheet.review is not None and not archived)
        self.findings_button.setEnabled(not archived)

    @staticmethod
    def _today() -> date:
        return local_today()

    def _bind(self, row: ActionRow | None, *, force: bool = True) -> None:
        if row is None or row.id != self.bound_id:
            self.tab.autosaver.flush()
        self.bound_id = row.id if row is not None else None
        self.form_box.setVisible(row is not None)
        if row is None:
            return
        if force:
            self.title_edit.setText(row.title)
            self.key_edit.setText(row.external_key or "")
        owner: str | None = None
        if row.owner_person_id is not None:
            owner = f"person:{row.owner_person_id}"
        elif row.owner_team_id is not None:
            owner = f"team:{row.owner_team_id}"
        self.owner_combo.setCurrentIndex(max(0, self.owner_combo.findData(owner)))
        for widget, setter in (
            (self.due_edit, lambda: self.due_edit.setDate(qdate(row.due_on or self._today()))),
            (self.no_due_check, lambda: self.no_due_check.setChecked(row.due_on is None)),
        ):
            blocked = widget.blockSignals(True)
            setter()
            widget.blockSignals(blocked)
        self.due_edit.setEnabled(row.due_on is not None)
        self.status_combo.setCurrentIndex(self.status_combo.findData(row.status))
        self._show_findings(row)
        self._show_ticket(row)

    def _show_findings(self, row: ActionRow) -> None:
        sheet = self.sheet
        if sheet is None or not row.finding_ids:
            self.findings_label.setText("none linked")
            return
        by_id = {f.id: f for f in sheet.findings}
        linked = [by_id[f] for f in row.finding_ids if f in by_id]
        self.findings_label.setText("; ".join(first_line(f.text, 36) for f in linked))
        self.findings_label.setToolTip(
            "\n".join(f"{CATEGORY_TEXT[f.category]}: {f.text}" for f in linked)
        )

    def _show_ticket(self, row: ActionRow) -> None:
        changes = row.ticket_changes
        self.ticket_label.setVisible(bool(changes))
        if not changes:
            self.ticket_label.clear()
            self.ticket_label.setToolTip("")
            return
        lines = [ticket_change_text(c) for c in changes]
        self.ticket_label.setText(
            f"Follows {changes[-1].ticket}: {len(changes)} change(s) from its imports; "
            f"latest: {lines[-1]}"
        )
        self.ticket_label.setToolTip("\n".join(lines))

    def current_row(self) -> ActionRow | None:
        if self.bound_id is None:
            return None
        index = self.model.row_of(self.bound_id)
        return self.model.row_at(index) if index is not None else None

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._bind(self.model.row_at(indexes[0].row()))

    # ------------------------------------------------------------- editing

    # Saving what is typed and chosen is the tab's field table (review.fields); here the
    # table follows the typing, and the item stays selected once the choice is stored.

    def _title_edited(self, text: str) -> None:
        if self.bound_id is not None:
            self.model.show_title(self.bound_id, text)

    def _keep_selected(self, *_args: object) -> None:
        self._select_after_load = self.bound_id

    def due_value(self) -> date | None:
        """The due date as the form shows it; None when 'no date' is ticked."""
        if self.no_due_check.isChecked():
            return None
        return as_date(self.due_edit.date())

    def _due_edited(self, *_args: object) -> None:
        if self.bound_id is None:
            return
        self.due_edit.setEnabled(not self.no_due_check.isChecked())
        self._keep_selected()
        self.tab.fields.changed(ACTION, "due_on", self.due_value)

    def add_action(self) -> None:
        from irdesk.storage.records import database_edits

        review = self.tab.review
        if review is None:
            return
        review_id, actor = review.id, self.tab.actor
        finding = self.tab.findings.current_row()
        addresses = (finding.id,) if finding is not None else ()
        due = self._today().toordinal() + DEFAULT_DUE_DAYS
        self._add_undoably(
            lambda db: database_edits.add_action(
                db, review_id, actor=actor, due_on=date.fromordinal(due), finding_ids=addresses
            ),
            text="Add action item",
            focus=self.title_edit,
        )

    def delete_selected(self) -> None:
        row = self.current_row()
        if row is not None:
            self._delete_undoably(row.id, row.title)

    def delete_row(self, db: Database, row_id: int, *, actor: str) -> Any:
        from irdesk.storage.records import database_edits

        return database_edits.delete_action(db, row_id, actor=actor)

    def restore_row(self, db: Database, deleted: Any, *, actor: str) -> ActionRow:
        from irdesk.storage.records import database_edits

        return database_edits.restore_action(db, deleted, actor=actor)

    def choose_findings(self) -> ChecklistDialog | None:
        from irdesk.storage.records import database_edits

        row, sheet = self.current_row(), self.sheet
        if row is None or sheet is None:
            return None
        return self._choose_links(
            row.id,
            row.finding_ids,
            database_edits.set_action_findings,
            ChecklistDialog(
                "Findings Addressed",
                f"Which findings does “{first_line(row.title, 60)}” address?",
                [
                    (f.id, f"{CATEGORY_TEXT[f.category]}: {first_line(f.text, 100)}")
                    for f in sheet.findings
                ],
                row.finding_ids,
                self,
            ),
            text="Link action item to findings",
            description="Linking findings…",
        )
