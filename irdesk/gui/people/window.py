"""The Person window: one person's period, facts first.

A tab per section of `domain/person_cells` (the cells `irdesk person` prints); each row
keeps the incidents behind it. Double-clicking an incident (or Enter on it) opens it in
the main window; double-clicking a figure selects its incidents in the Incidents tab. The notes tab shows
the feedback notes the unlocked reader may open, and nothing while the session is locked.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.person_cells import Section, sections, summary
from irdesk.domain.utc import utc_now
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import make_quiet, text_style
from irdesk.gui.common.dates import as_date, qdate
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.notes_session import NotesSession, UnlockDialog
from irdesk.gui.people.models import INCIDENTS_ROLE, SectionModel, SectionPage

if TYPE_CHECKING:
    from irdesk.domain.person_period import PersonPeriod
    from irdesk.storage.database import Database
    from irdesk.storage.notify import Change
    from irdesk.storage.sealing import Keyring

PERSON_SIZE = (1180, 720)
# A conversation usually looks back a quarter.
DEFAULT_DAYS = 90
TAB_TEXT = {
    "incidents": "&Incidents",
    "figures": "&Load",
    "shares": "&On-call Share",
    "surges": "Sur&ges",
    "escalations": "&Escalations",
    "actions": "&Action Items",
    "cadence": "Status Up&dates",
    "notes": "&Notes",
}
DESCRIPTIONS = {
    "incidents": "The incidents of the period they took part in, their role in each, and "
    "whether the policy counts it. Double-click a row to open the incident.",
    "figures": "Their pages, after-hours pages, incident hours and resolutions beside their "
    "rotation's and team's medians. Double-click a figure to select its incidents.",
    "shares": "Per rotation they were on: the on-call time they held, their share of the "
    "rotation's, and the pages they got against the pages that share would expect.",
    "surges": "Long incidents and runs of nights paged: spans to read their figures beside.",
    "escalations": "Escalation levels that reached them, and levels they were on when the "
    "path moved on, against the policy's times.",
    "actions": "Action items they own that fall due in the period, with status and lateness.",
    "cadence": "Status updates during each of their incidents and the gaps between them.",
    "notes": "Feedback notes about them that the unlocked reader may open.",
}


class PersonWindow(QWidget):
    """`show_person` chooses who and when; `incident_chosen` asks the main window to open one."""

    incident_chosen = Signal(int)

    def __init__(
        self, tasks: BackgroundTasks, notes: NotesSession, parent: QWidget | None = None
    ) -> None:
        # A window of its own (no parent widget): it carries personnel facts, and closing
        # the main window's panes must not be able to show them.
        super().__init__(None)
        self.setWindowTitle("Person — irdesk")
        self.setObjectName("person-window")
        self.tasks = tasks
        self.notes = notes
        self.db: Database | None = None
        self.period: PersonPeriod | None = None
        self._closed = False
        self.unlock_dialog: UnlockDialog | None = None
        self._wanted: str | None = None  # asked for before the names were read

        self.person_combo = QComboBox()
        self.person_combo.setAccessibleName("Person")
        self.person_combo.setMinimumContentsLength(18)
        self.from_edit = QDateEdit()
        self.to_edit = QDateEdit()
        for edit, name in ((self.from_edit, "From"), (self.to_edit, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(f"{name} (UTC day, included)")
        today = utc_now().date()
        self.from_edit.setDate(qdate(today - timedelta(days=DEFAULT_DAYS)))
        self.to_edit.setDate(qdate(today))
        self.show_button = QPushButton("&Show")
        self.show_button.clicked.connect(self.reload)
        self.summary_label = QLabel("Choose a person and a period, then Show.")
        self.summary_label.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(text_style("#c62828"))
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.lock_label = QLabel()
        self.lock_label.setWordWrap(True)
        make_quiet(self.lock_label)
        self.unlock_button = QPushButton("&Unlock Notes…")
        self.unlock_button.clicked.connect(self.ask_unlock)
        self.tabs = QTabWidget()
        self.models: dict[str, SectionModel] = {}
        self.tables: dict[str, QTableView] = {}
        self.empty_labels: dict[str, QLabel] = {}
        self.pages: dict[str, SectionPage] = {}
        for key, text in TAB_TEXT.items():
            self.tabs.addTab(self._section_page(key, text.replace("&", "")), text)

        row = QHBoxLayout()
        for text, widget in (
            ("&Person:", self.person_combo),
            ("&From:", self.from_edit),
            ("&To:", self.to_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget, 1 if widget is self.person_combo else 0)
        row.addWidget(self.show_button)
        lock_row = QHBoxLayout()
        lock_row.addWidget(self.lock_label, 1)
        lock_row.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(lock_row)
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)
        notes.changed.connect(self._session_changed)
        self._show_lock_state()
        # On the screen of the window that opened it.
        fit_to_screen(self, *PERSON_SIZE, near=parent)

    def _section_page(self, key: str, title: str) -> QWidget:
        page = SectionPage(title, DESCRIPTIONS[key], self)
        # Double-click or Enter: an incident opens, a figure selects its incidents.
        page.table.activated.connect(lambda index, k=key: self._open(k, index))
        self.models[key], self.tables[key], self.empty_labels[key] = (
            page.model,
            page.table,
            page.empty,
        )
        self.pages[key] = page
        return page

    # ------------------------------------------------------------- reading

    def set_database(self, db: Database) -> None:
        self.db = db
        self.tasks.run(
            lambda _report: _people_names(db),
            on_done=lambda names: self._names_loaded(db, names),
            description="Reading the people…",
        )

    def _names_loaded(self, db: Database, names: list[str]) -> None:
        if db is not self.db or self._closed:
            return
        current = self._wanted or self.person_combo.currentText()
        self.person_combo.clear()
        self.person_combo.addItems(names)
        if current in names:
            self.person_combo.setCurrentText(current)
        if self._wanted is not None:
            self._wanted = None
            self.reload()

    def show_person(self, name: str, first_day: date, last_day: date) -> None:
        """Show `name`'s period; if the names are still being read, once they are."""
        self.from_edit.setDate(qdate(first_day))
        self.to_edit.setDate(qdate(last_day))
        if self.person_combo.findText(name) < 0:
            self._wanted = name
            return
        self.person_combo.setCurrentText(name)
        self.reload()

    def reload(self) -> None:
        db, name = self.db, self.person_combo.currentText()
        first, last = as_date(self.from_edit.date()), as_date(self.to_edit.date())
        if db is None or not name:
            return
        if last < first:
            self._problem("The period ends before it starts: choose a To day on or after From.")
            return
        keyring = self.notes.keyring
        self.problem_label.hide()
        self.tasks.run(
            lambda _report: _read(db, name, first, last, keyring),
            on_done=lambda found: self._loaded(db, found),
            description=f"Reading {name}'s period…",
        )

    def concerns(self, change: Change) -> bool:
        """Whether another's `change` may alter this person's period: a note about them
        (another person's notes are none of this window's), an edit of them or of a
        leave (a teammate's is read as their covering), an incident of theirs, an action
        item that is or may become theirs (action_concerns). Anything
        it cannot place (an import, a team, a service, the policy, a change without
        those details) may: read again."""
        period = self.period
        if period is None:
            return True
        if change.entity in {"feedback_note", "person"} and change.person_id is not None:
            if change.person_id == period.person_id:
                return True
            return change.entity == "person" and change.action.endswith("_leave")
        if change.entity in {"incident", "timeline_event"} and change.incident_id is not None:
            # A role or page typed on another incident may make it theirs.
            mine = {i.incident_id for i in period.incidents}
            return change.incident_id in mine or "role" in change.action
        if change.entity == "action_item":
            return action_concerns(change, period.owned_actions)
        return True

    def _loaded(self, db: Database, found: PersonPeriod | str) -> None:
        if db is not self.db or self._closed:
            return
        if isinstance(found, str):
            self._problem(found)
            return
        self.period = found
        self.summary_label.setText(summary(found))
        unlocked = self.notes.keyring is not None
        shown = {s.key: s for s in sections(found, notes=True)}
        for key, model in self.models.items():
            section = shown[key]
            if key == "notes" and not unlocked:
                section = Section(section.key, section.title, section.columns, (), "")
            self._show_section(key, model, section)
        self._show_lock_state()

    def _show_section(self, key: str, model: SectionModel, section: Section) -> None:
        empty = section.empty
        if key == "notes" and self.notes.keyring is None:
            empty = "Feedback notes are sealed: unlock to see the ones you may read."
        self.pages[key].show_section(section, empty)

    def _problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()

    # ------------------------------------------------------------- drill-down

    def _open(self, key: str, index: QModelIndex) -> None:
        ids = self.models[key].data(index, INCIDENTS_ROLE) or ()
        if key == "figures":
            self.select_incidents(ids)
        elif ids:
            self.incident_chosen.emit(ids[0])

    def select_incidents(self, ids: tuple[int, ...]) -> None:
        """Select the incidents `ids` in the Incidents tab and show it."""
        model, table = self.models["incidents"], self.tables["incidents"]
        wanted = set(ids)
        selection = QItemSelection()
        for row in range(model.rowCount()):
            if wanted & set(model.row_at(row).incident_ids):
                selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
        table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.tabs.setCurrentIndex(0)
        table.setFocus()

    # ------------------------------------------------------------- notes

    def _show_lock_state(self) -> None:
        keyring = self.notes.keyring
        if keyring is None:
            self.lock_label.setText(
                "Notes locked: the Notes tab shows feedback notes only to their readers."
            )
        else:
            self.lock_label.setText(f"Notes unlocked as {keyring.name}.")
        self.unlock_button.setVisible(keyring is None)

    def ask_unlock(self) -> UnlockDialog:
        dialog = UnlockDialog(self.notes, self)
        self.unlock_dialog = dialog
        dialog.open()
        return dialog

    def _session_changed(self) -> None:
        self._show_lock_state()
        if self.period is not None:
            self.reload()  # the notes follow the session: shown once unlocked, gone once locked

    def shut_down(self) -> None:
        self._closed = True


def action_concerns(change: Change, owned: frozenset[int]) -> bool:
    """Whether an action item's `change` may alter a period whose person owns `owned`:
    an edit or removal of one of theirs (its due day may move it into the period), an
    owner chosen (it may be them), or one restored (it may have been theirs). An item
    added has no owner yet; another's item edited stays another's."""
    if change.entity_id in owned:
        return True
    return change.changed_field == "owner" or change.action == "restore_action_item"


def _people_names(db: Database) -> list[str]:
    from irdesk.storage.reads.person_period import people_names

    return people_names(db)


def _read(
    db: Database, name: str, first: date, last: date, keyring: Keyring | None
) -> PersonPeriod | str:
    """The period, or the one sentence saying why not (nobody by that name)."""
    from irdesk.storage.reads.packet_data import PacketDataError
    from irdesk.storage.reads.person_period import person_period

    try:
        return person_period(db, name, first, last, keyring=keyring)
    except PacketDataError as exc:
        return f"{exc}."
