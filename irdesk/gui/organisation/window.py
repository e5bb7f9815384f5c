"""The Organisation window: five lists of the directory, a form for typing values, and
the feedback notes' recovery reader (recovery_tab).

Reads run on the window's background tasks (storage/reads/directory); an edit is one
transaction through storage/records/directory_edits.put_states, naming the values the
form showed, and is pushed on the main window's undo stack once written. A typed value
is in force from the day chosen under "Effective from"; the form lists a field's values
over time, and can put it back to the import's value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QEvent, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import make_quiet
from irdesk.gui.common.fit import fit_to_screen, scrolling
from irdesk.gui.common.menus import standard_keys
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.refusals import Refused, refusing, tell_refused
from irdesk.gui.common.row_table_model import SORT_ROLE
from irdesk.gui.common.undo import EditCommand, replay_refused
from irdesk.gui.common.zones import zone_completer
from irdesk.gui.organisation.leave import LeavePanel
from irdesk.gui.organisation.membership import MembershipBar
from irdesk.gui.organisation.models import (
    TYPED_MARK,
    ColumnsModel,
    HistoryModel,
    HistoryRow,
    LevelsModel,
    MembersModel,
    PeopleModel,
    PoliciesModel,
    RotationsModel,
    ServicesModel,
    TeamMembersModel,
    TeamsModel,
    cell_text,
    since_text,
    typed_tooltip,
)
from irdesk.gui.organisation.recovery_tab import RecoveryTab

if TYPE_CHECKING:
    from irdesk.gui.common.notes_session import NotesSession
    from irdesk.storage.database import Database
    from irdesk.storage.reads.directory import MemberRow, TypedValueRow
    from irdesk.storage.records.directory_edits import Change, DatedValue, Typed

ORGANISATION_SIZE = (1200, 760)
REFUSED_TITLE = "Cannot save"
PENDING_TEXT = "Not saved: typed here earlier. Save (Ctrl+Return) or Revert."
NO_REASON = "Why: say why the value is typed by hand; the reason is kept with it."
BACK_TO_IMPORTED_KEY = "Ctrl+Shift+Backspace"


@dataclass(frozen=True)
class Directory:
    """Everything the window lists, read in one go."""

    teams: list[Any]
    team_members: list[Any]
    people: list[Any]
    rotations: list[Any]
    memberships: list[Any]
    services: list[Any]
    policies: list[Any]
    typed: dict[str, dict[tuple[int, str], TypedValueRow]] = field(default_factory=dict)


def load_directory(db: Database) -> Directory:
    """Worker side: every list, and the values typed by hand for people and services."""
    from irdesk.storage.reads import directory

    return Directory(
        directory.list_teams(db),
        directory.team_members(db),
        directory.list_people(db),
        directory.list_rotations(db),
        directory.rotation_members(db),
        directory.list_services(db),
        directory.list_policies(db),
        {
            entity: {(t.entity_id, t.field): t for t in directory.typed_values(db, entity)}
            for entity in ("team", "person", "rotation", "service", "policy")
        },
    )


def members_on(db: Database, day: date) -> list[MemberRow]:
    from irdesk.storage.reads.directory import rotation_members

    return rotation_members(db, day)


# ------------------------------------------------------------------ the lists


class ListPane(QWidget):
    """A filter field above a sortable table; the filter matches any column, any case."""

    def __init__(self, noun: str, model: ColumnsModel[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(f"Filter {noun}…")
        self.filter_edit.setAccessibleName(f"Filter {noun}")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(noun.capitalize())
        self.table.setAccessibleDescription(f"The directory's {noun}, one a row")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table)
        # Down from the filter goes into the list, as in the incident list.
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.filter_edit, self._into_list).setContext(
            Qt.ShortcutContext.WidgetShortcut
        )

    def _into_list(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, 0))

    def current(self) -> Any | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def select_id(self, entity_id: int | None) -> bool:
        for row in range(self.model.rowCount()):
            if getattr(self.model.row_at(row), "id", None) == entity_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    self.table.setCurrentIndex(index)
                    return True
        return False

    def on_current_changed(self, slot: Callable[[], None]) -> None:
        self.table.selectionModel().currentRowChanged.connect(lambda *_: slot())
        self.model.modelReset.connect(slot)


def detail_table(model: ColumnsModel[Any], name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setAccessibleDescription(f"{name}: one row each, for the row chosen on the left")
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(title)
    label.setBuddy(widget)
    layout.addWidget(label)
    layout.addWidget(widget)
    return box


# ------------------------------------------------------------------ the form


@dataclass(frozen=True)
class FormField:
    field: str
    label: str
    kind: str  # text, zone, number, whole, date, team, tier
    value: Callable[[Any], Any]  # the row's value, as the override's JSON holds it


PERSON_FIELDS = (
    FormField("name", "&Name", "text", lambda r: r.name),
    FormField("team_id", "&Team", "team", lambda r: r.team),
    FormField("role", "&Role", "text", lambda r: r.role),
    FormField("time_zone", "Time &zone", "zone", lambda r: r.time_zone),
    FormField("hourly_rate", "Hourly r&ate", "number", lambda r: r.hourly_rate),
    FormField("start_date", "Start &date", "date", lambda r: r.start_date),
    FormField("seniority", "Seniorit&y", "text", lambda r: r.seniority),
    FormField("email", "&Email", "text", lambda r: r.email),
)
SERVICE_FIELDS = (
    FormField("name", "&Name", "text", lambda r: r.name),
    FormField("tier", "T&ier", "tier", lambda r: r.tier),
    FormField("owner_team_id", "Owner &team", "team", lambda r: r.owner_team),
    FormField("slo_target", "SLO tar&get (%)", "number", lambda r: r.slo_target),
    FormField("slo_window_days", "SLO &window (days)", "whole", lambda r: r.slo_window_days),
    FormField("cost_per_minute", "&Cost per minute", "number", lambda r: r.cost_per_minute),
    FormField("rto_minutes", "RT&O (minutes)", "number", lambda r: r.rto_minutes),
    FormField("rpo_minutes", "R&PO (minutes)", "number", lambda r: r.rpo_minutes),
)
TEAM_FIELDS = (
    FormField("name", "&Name", "text", lambda r: r.name),
    FormField("rotation", "On-call &rotation", "text", lambda r: r.rotation),
)
ROTATION_FIELDS = (
    FormField("name", "&Name", "text", lambda r: r.name),
    FormField("team_id", "&Team", "team", lambda r: r.team),
    FormField("time_zone", "Time &zone", "zone", lambda r: r.time_zone),
)
POLICY_FIELDS = (
    FormField("name", "&Name", "text", lambda r: r.name),
    FormField("team_id", "&Team", "team", lambda r: r.team),
)
TIERS = ("tier1", "tier2", "tier3")


class BadEntry(ValueError):
    """Text in the form that is not a value of its field; the message names the field."""


def plain_label(text: str) -> str:
    return text.replace("&", "")


@dataclass(frozen=True)
class Unsaved:
    """A form's typing not saved yet: fields' texts, the values they were typed over,
    the reason and the day."""

    texts: dict[str, str]
    over: dict[str, Any]
    reason: str
    day: QDate
    focus: QWidget | None = None  # the field they were typing in
    name: str = ""  # the record's, for the question on closing


class EditForm(QWidget):
    """The selected row's editable fields, the reason, and Save (Ctrl+Return)."""

    def __init__(self, entity: str, fields: Sequence[FormField]) -> None:
        super().__init__()
        self.entity = entity
        self.fields = tuple(fields)
        self.row: Any | None = None
        self.teams: dict[str, int] = {}
        self.editors: dict[str, QLineEdit | QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for spec in self.fields:
            editor: QLineEdit | QComboBox
            if spec.kind in {"team", "tier"}:
                editor = QComboBox()
                if spec.kind == "tier":
                    editor.addItems(TIERS)
            else:
                editor = QLineEdit()
                if spec.kind == "zone":
                    editor.setCompleter(zone_completer(editor))
                    editor.setPlaceholderText("e.g. Europe/Madrid")
                if spec.kind == "date":
                    editor.setPlaceholderText("YYYY-MM-DD")
            editor.setAccessibleName(plain_label(spec.label))
            label = QLabel(spec.label)
            label.setBuddy(editor)
            self.editors[spec.field] = editor
            self.labels[spec.field] = label
            form.addRow(label, editor)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("why it is typed by hand (kept with the value)")
        self.reason_edit.setAccessibleName("Why")
        reason_label = QLabel("W&hy")
        reason_label.setBuddy(self.reason_edit)
        form.addRow(reason_label, self.reason_edit)
        self.effective_edit = QDateEdit()
        self.effective_edit.setCalendarPopup(True)
        self.effective_edit.setDisplayFormat("yyyy-MM-dd")
        self.effective_edit.setAccessibleName("Effective from")
        self.effective_edit.setToolTip(
            "The day (yours) from which the typed values are in force: incidents before it "
            "keep the earlier value"
        )
        self.effective_edit.setMinimumDate(QDate(1970, 1, 2))
        effective_label = QLabel("E&ffective from")
        effective_label.setBuddy(self.effective_edit)
        form.addRow(effective_label, self.effective_edit)
        self.note = make_quiet(
            QLabel(
                f"{TYPED_MARK} marks a value typed by hand: a re-import keeps it. An "
                "incident's figures use the value in force when it started."
            )
        )
        self.note.setWordWrap(True)
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save the changed fields (Ctrl+Return)")
        self.save_button.setEnabled(False)
        # Typing kept from an earlier visit to this row (another row was chosen meanwhile).
        self.pending_label = QLabel(PENDING_TEXT)
        self.pending_label.setAccessibleName("Not saved")
        self.pending_label.setWordWrap(True)
        self.pending_label.hide()
        self.revert_button = QPushButton("Re&vert")
        self.revert_button.setToolTip(
            "Drop what was typed here and not saved: the stored values show again"
        )
        self.revert_button.setEnabled(False)
        self.revert_button.clicked.connect(self.revert)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pending_label, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        self.history_field = QComboBox()
        self.history_field.setAccessibleName("History of field")
        for spec in self.fields:
            self.history_field.addItem(plain_label(spec.label), spec.field)
        history_label = QLabel("History of fie&ld")
        history_label.setBuddy(self.history_field)
        self.back_button = QPushButton("&Back to Imported")
        self.back_button.setToolTip(
            f"Drop every typed value of this field: the import's value stands for all time "
            f"({BACK_TO_IMPORTED_KEY}; Ctrl+Z undoes)"
        )
        self.back_button.setEnabled(False)
        history_bar = QHBoxLayout()
        history_bar.addWidget(history_label)
        history_bar.addWidget(self.history_field, 1)
        history_bar.addWidget(self.back_button)
        self.history = HistoryModel(self)
        self.history_table = detail_table(self.history, "Value history")
        self.history_table.setWordWrap(False)
        self.history_table.setAccessibleDescription(
            "The chosen field's values over time: the import's, then each typed value "
            "with the day it took force, who typed it and why"
        )
        self.back_action = QAction("Back to the Imported Value", self)
        self.back_action.setShortcut(QKeySequence(BACK_TO_IMPORTED_KEY))
        self.back_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.back_action.setEnabled(False)
        self.back_action.triggered.connect(self.back_button.click)
        self.addAction(self.back_action)
        self.history_table.addAction(self.back_action)
        self.history_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addLayout(history_bar)
        layout.addWidget(self.history_table, 1)
        self.typed: Callable[[int, str], TypedValueRow | None] = lambda _id, _field: None
        self._showing = False
        self._filled: dict[str, str] | None = None  # each field's text as last shown
        self._filled_day = QDate.currentDate()
        self._kept_over: dict[str, Any] = {}  # the values kept typing was typed over
        # Typing over rows not shown now, by row id: another row was chosen, or the list
        # shows none for a moment while it is read again. It comes back with its row.
        self._held: dict[int, Unsaved] = {}
        self.history_field.currentIndexChanged.connect(lambda _i: self.show_history())
        # The history follows the field being typed into.
        for editor in self.editors.values():
            editor.installEventFilter(self)
            if isinstance(editor, QComboBox):
                editor.activated.connect(lambda _i: self.revert_button.setEnabled(True))
            else:
                editor.textEdited.connect(lambda _t: self.revert_button.setEnabled(True))
        self.reason_edit.textEdited.connect(lambda _t: self.revert_button.setEnabled(True))
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, self.save_button.click).setContext(
                Qt.ShortcutContext.WidgetWithChildrenShortcut
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Focus moved by a row shown (its fields disabled and enabled again) is not the user's.
        if event.type() == QEvent.Type.FocusIn and not self._showing:
            for name, editor in self.editors.items():
                if editor is watched:
                    self.history_field.setCurrentIndex(self.history_field.findData(name))
        return False

    def effective_from(self) -> datetime:
        """The start of the chosen day in the user's zone, as aware UTC."""
        day: date = self.effective_edit.date().toPython()  # type: ignore[assignment]
        # A naive time's astimezone() reads it in the user's zone, daylight saving included.
        return datetime(day.year, day.month, day.day).astimezone().astimezone(UTC)

    def history_spec(self) -> FormField:
        field = self.history_field.currentData()
        return next(spec for spec in self.fields if spec.field == field)

    def _text(self, spec: FormField, value: Any) -> str:
        if spec.kind == "team" and value is not None:
            names = {team_id: name for name, team_id in self.teams.items()}
            return names.get(value, f"team {value}")
        return "nothing" if value is None else cell_text(value)

    def show_history(self) -> None:
        """The chosen field's values over time, the import's first."""
        row = self.row
        if row is None:
            self.history.set_rows([])
            self.back_button.setEnabled(False)
            self.back_action.setEnabled(False)
            return
        spec = self.history_spec()
        found = self.typed(row.id, spec.field)
        if found is None:
            shown = self._text(spec, self.shown(spec))
            rows = [HistoryRow("as imported", shown, "", None, "")]
        else:
            rows = [HistoryRow("as imported", self._text(spec, found.imported), "", None, "")]
            rows += [
                HistoryRow(
                    since_text(v.effective_from),
                    self._text(spec, v.value),
                    v.set_by or "",
                    v.set_at,
                    v.reason or "",
                )
                for v in found.history
            ]
        self.history.set_rows(rows)
        self.back_button.setEnabled(found is not None)
        self.back_action.setEnabled(found is not None)

    def set_teams(self, names: Sequence[tuple[str, int]]) -> None:
        self.teams = dict(names)
        for spec in self.fields:
            if spec.kind == "team":
                combo = self.editors[spec.field]
                assert isinstance(combo, QComboBox)
                chosen = combo.currentText()  # a team picked and not saved stays picked
                combo.clear()
                combo.addItems(["", *sorted(self.teams)])
                combo.setCurrentIndex(max(combo.findText(chosen), 0))

    def show_row(
        self,
        row: Any | None,
        typed: Callable[[int, str], TypedValueRow | None],
        *,
        keep_typing: bool = False,
    ) -> None:
        """Fill the form with `row`. With `keep_typing` (another row chosen, the window's
        list read again: F5, others' change, the day's members), what the user typed over
        the row shown and has not saved is kept with that row, and shown again over the
        values read afresh whenever the row is: their fields, reason and day. Without it,
        `row` shows as stored, its kept typing dropped.
        """
        if keep_typing and self.row is not None:
            unsaved = self.unsaved()
            if unsaved is None:
                self._held.pop(self.row.id, None)
            else:
                focus = QApplication.focusWidget()
                if focus is not None and self.isAncestorOf(focus):
                    # A list read again disables its field for a moment, which moves the
                    # focus away: it goes back once the row is shown again.
                    unsaved = replace(unsaved, focus=focus)
                self._held[self.row.id] = unsaved
        held = None
        if row is not None:
            held = self._held.pop(row.id, None)
            if not keep_typing:
                held = None
        self._showing = True
        try:
            self._show_row(row, typed)
            if held is not None:
                self._keep(held)
        finally:
            self._showing = False
        self.pending_label.setVisible(held is not None)
        self.revert_button.setEnabled(held is not None)

    def pending(self) -> list[Unsaved]:
        """Every record's typing not saved: the row shown's, then the rows kept aside."""
        shown = self.unsaved()
        return ([shown] if shown is not None else []) + list(self._held.values())

    def pending_ids(self) -> list[int]:
        shown = [self.row.id] if self.row is not None and self.unsaved() is not None else []
        return shown + list(self._held)

    def revert(self) -> None:
        """The row shown as stored: what was typed over it and not saved is dropped."""
        self.show_row(self.row, self.typed)

    def drop_all_typing(self) -> None:
        """Every record's unsaved typing dropped (the user said Discard on closing)."""
        self._held.clear()
        self.show_row(self.row, self.typed)

    def _editor_text(self, field: str) -> str:
        editor = self.editors[field]
        return editor.currentText() if isinstance(editor, QComboBox) else editor.text()

    def unsaved(self) -> Unsaved | None:
        """What the user typed over the row shown and has not saved, or None."""
        if self.row is None or self._filled is None:
            return None
        texts = {
            spec.field: self._editor_text(spec.field)
            for spec in self.fields
            if self._editor_text(spec.field) != self._filled[spec.field]
        }
        # What they typed over: a save compares with it, so a value changed by someone
        # else meanwhile is a conflict to look at, not overwritten unseen.
        over = {field: self.shown(self._spec(field)) for field in texts}
        reason = self.reason_edit.text()
        day = self.effective_edit.date()
        if not texts and not reason and day == self._filled_day:
            return None
        return Unsaved(texts, over, reason, day, name=str(getattr(self.row, "name", "")))

    def _keep(self, unsaved: Unsaved) -> None:
        for name, text in unsaved.texts.items():
            editor = self.editors[name]
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findText(text), 0))
            else:
                editor.setText(text)
                editor.setModified(True)  # still typing: a live change waits behind the bar
        self._kept_over = dict(unsaved.over)
        if unsaved.reason:
            self.reason_edit.setText(unsaved.reason)
            self.reason_edit.setModified(True)
        self.effective_edit.setDate(unsaved.day)
        if unsaved.focus is not None and unsaved.focus.isEnabled():
            unsaved.focus.setFocus()

    def forget_typing(self, row_id: int) -> None:
        """After a save of row `row_id`: what was typed is stored, so its next showing
        starts afresh. The user may have chosen another row while it was written: that
        row's typing stays."""
        self._held.pop(row_id, None)
        if self.row is None or self.row.id != row_id:
            return
        self._filled = None
        self._kept_over = {}
        self.reason_edit.clear()
        self.pending_label.hide()
        self.revert_button.setEnabled(False)

    def _spec(self, field: str) -> FormField:
        return next(spec for spec in self.fields if spec.field == field)

    def _show_row(self, row: Any | None, typed: Callable[[int, str], TypedValueRow | None]) -> None:
        self.row = row
        self.typed = typed
        self.save_button.setEnabled(row is not None)
        for spec in self.fields:
            editor, label = self.editors[spec.field], self.labels[spec.field]
            value = spec.value(row) if row is not None else None
            text = (
                "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
            )
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findText(text), 0))
            else:
                editor.setText(text)
                editor.setCursorPosition(0)
            found = typed(row.id, spec.field) if row is not None else None
            label.setText(f"{spec.label} {TYPED_MARK}" if found else spec.label)
            tip = typed_tooltip(found) if found else ""
            label.setToolTip(tip)
            editor.setToolTip(tip)
            editor.setEnabled(row is not None)
        self.reason_edit.clear()
        self.reason_edit.setEnabled(row is not None)
        self.effective_edit.setEnabled(row is not None)
        # Today, the user's: what "from now on" meant before values had dates.
        self.effective_edit.setMaximumDate(QDate.currentDate())
        self.effective_edit.setDate(QDate.currentDate())
        self._filled = {spec.field: self._editor_text(spec.field) for spec in self.fields}
        self._filled_day = self.effective_edit.date()
        self._kept_over = {}
        self.show_history()

    def entered(self, spec: FormField) -> Any:
        """The field's value as typed, in the form put_states takes; BadEntry if it is none."""
        editor = self.editors[spec.field]
        text = (editor.currentText() if isinstance(editor, QComboBox) else editor.text()).strip()
        name = plain_label(spec.label)
        if spec.kind == "team":
            return self.teams.get(text) if text else None
        if not text:
            return None
        if spec.kind in {"number", "whole"}:
            try:
                number = float(text.replace(",", ""))
            except ValueError:
                raise BadEntry(f"{name}: expected a number, found “{text}”.") from None
            return int(number) if spec.kind == "whole" and number.is_integer() else number
        return text

    def shown(self, spec: FormField) -> Any:
        """The value the form was filled with, as put_states compares it."""
        assert self.row is not None
        if spec.field in self._kept_over:
            return self._kept_over[spec.field]
        if spec.kind == "team":
            name = spec.value(self.row)
            return self.teams.get(name) if name else None
        value = spec.value(self.row)
        return value.isoformat() if isinstance(value, date) else value


# ------------------------------------------------------------------ the window


class OrganisationWindow(QWidget):
    """Tools › Organisation…: one tab per list; Esc closes."""

    def __init__(
        self,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        actor: str,
        parent: QWidget | None = None,
        notes: NotesSession | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Organisation — irdesk")
        self.tasks = tasks
        self.undo_stack = undo_stack
        self.actor = actor
        self.db: Database | None = None
        self.directory: Directory | None = None
        self._closed = False
        self.closing_box: QMessageBox | None = None

        self.tabs = QTabWidget()
        self.teams = ListPane("teams", TeamsModel(self))
        self.team_members = TeamMembersModel(self)
        self.team_rotations = MembersModel(self)
        self.rotations = ListPane("rotations", RotationsModel(self))
        self.members = MembersModel(self)
        self.people = ListPane("people", PeopleModel(self))
        self.services = ListPane("services", ServicesModel(self))
        self.policies = ListPane("escalation policies", PoliciesModel(self))
        self.levels = LevelsModel(self)
        self.person_form = EditForm("person", PERSON_FIELDS)
        self.service_form = EditForm("service", SERVICE_FIELDS)
        self.team_form = EditForm("team", TEAM_FIELDS)
        self.rotation_form = EditForm("rotation", ROTATION_FIELDS)
        self.policy_form = EditForm("policy", POLICY_FIELDS)
        # Each editable list with the form beside it.
        self.forms = {
            self.teams: self.team_form,
            self.people: self.person_form,
            self.rotations: self.rotation_form,
            self.services: self.service_form,
            self.policies: self.policy_form,
        }
        self._on_day: list[MemberRow] = []
        self.recovery = RecoveryTab(tasks, lambda: self.actor, notes)
        self.leave = LeavePanel(tasks, undo_stack, actor, self._show_message)

        # Alt+1…5 rather than mnemonics: the forms' fields need the letters.
        for number, (tab, title) in enumerate(
            (
                (self._teams_tab(), "Teams"),
                (self._rotations_tab(), "Rotations"),
                (self._people_tab(), "People"),
                (self._editing_tab(self.services, self.service_form), "Services"),
                (self._policies_tab(), "Escalation Policies"),
                (self.recovery, "Notes Recovery"),
            ),
            start=1,
        ):
            self.tabs.addTab(tab, title)
            self.tabs.setTabToolTip(number - 1, f"Alt+{number}")
            QShortcut(
                QKeySequence(f"Alt+{number}"),
                self,
                lambda index=number - 1: self.tabs.setCurrentIndex(index),
            )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.status = make_quiet(QLabel())
        self.status.setAccessibleName("Status")
        layout.addWidget(self.status)

        for form in self.forms.values():
            form.save_button.clicked.connect(lambda _=False, f=form: self.save(f))
            form.back_button.clicked.connect(lambda _=False, f=form: self.back_to_imported(f))
        self.people.on_current_changed(self._person_chosen)
        self.services.on_current_changed(self._service_chosen)
        self.teams.on_current_changed(self._team_chosen)
        self.rotations.on_current_changed(self._show_members)
        self.policies.on_current_changed(self._policy_chosen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        # The main window's Ctrl+Z does not reach a window of its own: the same stack here.
        for standard, step in (
            (QKeySequence.StandardKey.Undo, self.undo_stack.undo),
            (QKeySequence.StandardKey.Redo, self.undo_stack.redo),
        ):
            for key in standard_keys(standard):
                QShortcut(key, self, step)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_filter)
        fit_to_screen(self, *ORGANISATION_SIZE, near=parent)

    # ------------------------------------------------------------ building

    def _teams_tab(self) -> QWidget:
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(titled("Members", detail_table(self.team_members, "Team members")))
        right.addWidget(
            titled(
                "On call over time (the team's rotations)",
                detail_table(self.team_rotations, "Team rotation membership"),
            )
        )
        right.addWidget(scrolling(self.team_form))
        return self._split(self.teams, right)

    def _rotations_tab(self) -> QWidget:
        self.day_edit = QDateEdit()
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.setAccessibleName("Members on")
        self.day_edit.setDate(QDate.currentDate())
        self.day_edit.dateChanged.connect(lambda _d: self._load_day())
        self.every_date = QCheckBox("Every &date")
        self.every_date.setToolTip("Every membership the import knows, not only on that day")
        self.every_date.toggled.connect(self._show_members)
        day_label = QLabel("Members &on (UTC day)")
        day_label.setBuddy(self.day_edit)
        bar = QHBoxLayout()
        bar.addWidget(day_label)
        bar.addWidget(self.day_edit)
        bar.addWidget(self.every_date)
        bar.addStretch(1)
        self.all_rotations = QPushButton("&All Rotations")
        self.all_rotations.setToolTip("Members of every rotation, not only the one selected")
        self.all_rotations.clicked.connect(self._all_rotations)
        bar.addWidget(self.all_rotations)
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        self.members_table = detail_table(self.members, "Rotation members")
        layout.addWidget(self.members_table)
        self.membership_bar = MembershipBar(
            self.tasks, self.undo_stack, self.actor, self._show_message, self.reload
        )
        layout.addWidget(self.membership_bar)
        self.members_table.selectionModel().currentRowChanged.connect(
            lambda *_: self._member_chosen()
        )
        stacked = QSplitter(Qt.Orientation.Vertical)
        stacked.addWidget(right)
        stacked.addWidget(scrolling(self.rotation_form))
        return self._split(self.rotations, stacked)

    def _people_tab(self) -> QWidget:
        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        right.addWidget(scrolling(self.person_form))
        right.addWidget(self.leave)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        return self._split(self.people, right, (3, 2))

    def _editing_tab(self, pane: ListPane, form: EditForm) -> QWidget:
        return self._split(pane, scrolling(form), (3, 2))

    def _policies_tab(self) -> QWidget:
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(titled("Levels", detail_table(self.levels, "Escalation levels")))
        right.addWidget(scrolling(self.policy_form))
        return self._split(self.policies, right)

    def _split(self, left: QWidget, right: QWidget, stretch: tuple[int, int] = (1, 1)) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, stretch[0])
        splitter.setStretchFactor(1, stretch[1])
        return splitter

    # ------------------------------------------------------------- reading

    def set_database(self, db: Database) -> None:
        """Read the directory of `db` (again: imports and edits since count)."""
        if db is not self.db:
            self.directory = None
            for form in self.forms.values():
                form.drop_all_typing()  # typed over another database's records
        self.db = db
        self.membership_bar.db = db
        self.leave.db = db
        self.reload()
        self.recovery.set_database(db)

    def reload(self) -> None:
        db = self.db
        if db is None:
            return
        self.tasks.run(
            lambda _report: load_directory(db),
            on_done=lambda found: self._loaded(db, found),
            description="Reading the organisation…",
        )
        self._load_day()

    def _loaded(self, db: Database, found: Directory) -> None:
        if db is not self.db or self._closed:
            return
        self.directory = found
        teams = [(t.name, t.id) for t in found.teams]
        self.membership_bar.set_people([(p.name, p.id) for p in found.people])
        for form in self.forms.values():
            form.set_teams(teams)
        keep = {pane: getattr(pane.current(), "id", None) for pane in self._panes()}
        for pane, rows in (
            (self.teams, found.teams),
            (self.people, found.people),
            (self.rotations, found.rotations),
            (self.services, found.services),
            (self.policies, found.policies),
        ):
            pane.model.set_rows(rows)
        for pane, form in self.forms.items():
            pane.model.set_typed(found.typed.get(form.entity, {}))
        for pane, entity_id in keep.items():
            # Rotations unselected show every rotation's members on the day.
            if not pane.select_id(entity_id) and pane is not self.rotations:
                pane.table.selectRow(0)
        self.status.setText(
            f"{len(found.people)} people, {len(found.teams)} teams, "
            f"{len(found.rotations)} rotations, {len(found.services)} services, "
            f"{len(found.policies)} escalation policies"
        )

    def _panes(self) -> tuple[ListPane, ...]:
        return (self.teams, self.people, self.rotations, self.services, self.policies)

    def chosen_day(self) -> date:
        return self.day_edit.date().toPython()  # type: ignore[no-any-return]

    def _load_day(self) -> None:
        db, day = self.db, self.chosen_day()
        if db is None:
            return
        self.tasks.run(
            lambda _report: members_on(db, day),
            on_done=lambda rows: self._day_loaded(db, day, rows),
            description="Reading who was on call…",
        )

    def _day_loaded(self, db: Database, day: date, rows: list[MemberRow]) -> None:
        if db is not self.db or self._closed or day != self.chosen_day():
            return
        self._on_day = rows
        self._show_members()

    def _show_members(self) -> None:
        rotation = self.rotations.current()
        self.rotation_form.show_row(rotation, self.rotations.model.typed, keep_typing=True)
        self.membership_bar.show_selection(rotation, None)
        rows = (
            self.directory.memberships
            if self.every_date.isChecked() and self.directory
            else self._on_day
        )
        if rotation is not None:
            rows = [
                m
                for m in rows
                if m.rotation_id == rotation.id
                or (rotation.kind == "schedule" and m.schedule == rotation.name)
            ]
        self.members.set_rows(rows)

    def _member_chosen(self) -> None:
        index = self.members_table.currentIndex()
        member = self.members.row_at(index.row()) if index.isValid() else None
        self.membership_bar.show_selection(self.rotations.current(), member)

    def _all_rotations(self) -> None:
        self.rotations.table.selectionModel().clearSelection()
        self.rotations.table.selectionModel().clearCurrentIndex()
        self._show_members()

    def _team_chosen(self) -> None:
        team, found = self.teams.current(), self.directory
        self.team_form.show_row(team, self.teams.model.typed, keep_typing=True)
        if team is None or found is None:
            self.team_members.set_rows([])
            self.team_rotations.set_rows([])
            return
        self.team_members.set_rows([m for m in found.team_members if m.team_id == team.id])
        staffed = [r for r in found.rotations if r.team == team.name]
        ids = {r.id for r in staffed}
        # A schedule's people are on its layers, which name the schedule, not the team.
        schedules = {r.name for r in staffed if r.kind == "schedule"}
        self.team_rotations.set_rows(
            [m for m in found.memberships if m.rotation_id in ids or m.schedule in schedules]
        )

    def _policy_chosen(self) -> None:
        policy = self.policies.current()
        self.policy_form.show_row(policy, self.policies.model.typed, keep_typing=True)
        self.levels.set_rows(list(policy.levels) if policy is not None else [])

    def _person_chosen(self) -> None:
        self.person_form.show_row(self.people.current(), self.people.model.typed, keep_typing=True)
        self.leave.show_person(self.people.current())

    def _service_chosen(self) -> None:
        self.service_form.show_row(
            self.services.current(), self.services.model.typed, keep_typing=True
        )

    def focus_filter(self) -> None:
        widget = self.tabs.currentWidget()
        for pane in self._panes():
            if widget is not None and widget.isAncestorOf(pane):
                pane.filter_edit.setFocus()
                pane.filter_edit.selectAll()

    # ------------------------------------------------------------- editing

    def save(self, form: EditForm) -> None:
        """The fields whose text changed, typed by hand in one transaction."""
        from irdesk.storage.records.directory_edits import Change, Typing

        db, row = self.db, form.row
        if db is None or row is None:
            return
        changes = []
        since = form.effective_from()
        try:
            for spec in form.fields:
                value, shown = form.entered(spec), form.shown(spec)
                if value != shown:
                    typing = Typing(value, since, form.reason_edit.text().strip())
                    changes.append(Change(form.entity, row.id, spec.field, shown, typing=typing))
        except BadEntry as exc:
            self._show_message(QMessageBox.Icon.Warning, REFUSED_TITLE, str(exc), "")
            return
        if not changes:
            self.status.setText("Nothing was changed.")
            return
        if not form.reason_edit.text().strip():
            self._show_message(QMessageBox.Icon.Warning, REFUSED_TITLE, NO_REASON, "")
            form.reason_edit.setFocus()
            return
        day = form.effective_edit.date().toString("yyyy-MM-dd")
        self._write(
            db,
            changes,
            f"Type {row.name}'s {self._names(form, changes)} from {day}",
            push=True,
            form=form,
        )

    def back_to_imported(self, form: EditForm) -> None:
        """The chosen field's typed values dropped: the import's value stands again."""
        from irdesk.storage.records.directory_edits import Change

        db, row = self.db, form.row
        if db is None or row is None:
            return
        spec = form.history_spec()
        if form.typed(row.id, spec.field) is None:
            self.status.setText(f"{plain_label(spec.label)} is as imported already.")
            return
        change = Change(form.entity, row.id, spec.field, form.shown(spec))
        label = plain_label(spec.label).lower()
        self._write(
            db, [change], f"Put {row.name}'s {label} back to the import's", push=True, form=form
        )

    @staticmethod
    def _names(form: EditForm, changes: Sequence[Change]) -> str:
        labels = {spec.field: plain_label(spec.label).lower() for spec in form.fields}
        return ", ".join(labels[c.field] for c in changes)

    def _write(
        self,
        db: Database,
        changes: Sequence[Change],
        text: str,
        *,
        push: bool,
        form: EditForm | None = None,
    ) -> None:
        """Write `changes`; `form`, the one they were typed in, starts afresh once they are."""
        actor = self.actor

        def write(_report: object) -> list[Typed] | Refused:
            from irdesk.storage.records.directory_edits import put_states

            return refusing(lambda: put_states(db, changes, actor=actor))

        self.tasks.run(
            write,
            on_done=lambda done: self._written(db, done, text, push, form),
            on_expected_error=self._failed,
            description="Saving…",
        )

    def _written(
        self,
        db: Database,
        done: list[Typed] | Refused,
        text: str,
        push: bool,
        form: EditForm | None = None,
    ) -> None:
        if db is not self.db:
            return
        if isinstance(done, Refused):
            if push:
                tell_refused(self._show_message, REFUSED_TITLE, done)
            else:
                replay_refused(self.undo_stack, self._show_message, done)
            return
        if push:
            before = [self._change(t, t.before.history, t.after.value) for t in done]
            after = [self._change(t, t.after.history, t.before.value) for t in done]
            self.undo_stack.push(
                EditCommand(
                    text,
                    redo=lambda: self._write(db, after, text, push=False),
                    undo=lambda: self._write(db, list(reversed(before)), text, push=False),
                )
            )
            self.status.setText(f"Saved: {text} (Ctrl+Z undoes)")
        if form is not None and done:
            form.forget_typing(done[0].entity_id)
        self.reload()

    @staticmethod
    def _change(typed: Typed, history: tuple[DatedValue, ...], expected: Any) -> Change:
        """Put back exactly `history` (undo and redo): the values typed then, with dates."""
        from irdesk.storage.records.directory_edits import Change

        return Change(typed.entity, typed.entity_id, typed.field, expected, history=history)

    def _show_message(self, icon: QMessageBox.Icon, title: str, text: str, info: str) -> None:
        show_message(self, icon, title, text, info)

    def _failed(self, exc: Exception) -> None:
        from irdesk.storage.errors import DatabaseError

        text = f"“{exc.path.name}” {exc.problem}" if isinstance(exc, DatabaseError) else str(exc)
        hint = exc.hint if isinstance(exc, DatabaseError) else ""
        self._show_message(QMessageBox.Icon.Warning, REFUSED_TITLE, text, hint)

    # ------------------------------------------------------------- closing

    def pending(self) -> list[tuple[ListPane, EditForm, Unsaved]]:
        """Every record's typing not saved, tab by tab."""
        return [
            (pane, form, unsaved) for pane, form in self.forms.items() for unsaved in form.pending()
        ]

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing hides the window and the next opening reads afresh: typing not saved
        # would be gone unseen, so the user says whether to drop it first.
        pending = self.pending()
        if self._closed or not pending:
            super().closeEvent(event)
            return
        event.ignore()
        if self.closing_box is None or not self.closing_box.isVisible():
            self.closing_box = self.ask_discard(pending)

    def ask_discard(self, pending: list[tuple[ListPane, EditForm, Unsaved]]) -> QMessageBox:
        """Non-blocking: Discard drops every record's unsaved typing and closes; Cancel
        keeps the window open on the first record typed over."""
        names = [unsaved.name or "a record" for _pane, _form, unsaved in pending]
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Typing not saved",
            f"What you typed for {listed} is not saved. Discard it and close?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText("Cancel goes back to it: save each record with Ctrl+Return.")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Discard).setText("&Discard and Close")

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Discard:
                for form in self.forms.values():
                    form.drop_all_typing()
                self.close()
            else:
                self._go_to(*pending[0][:2])

        box.finished.connect(answered)
        box.open()
        return box

    def _go_to(self, pane: ListPane, form: EditForm) -> None:
        """The tab of the first record typed over, with that record shown."""
        for index in range(self.tabs.count()):
            tab = self.tabs.widget(index)
            if tab is not None and tab.isAncestorOf(pane):
                self.tabs.setCurrentIndex(index)
        ids = form.pending_ids()
        if ids and (form.row is None or form.row.id != ids[0]):
            pane.select_id(ids[0])
        form.save_button.setFocus()

    def shut_down(self) -> None:
        """Results still on their way are dropped: the main window is closing."""
        self._closed = True
