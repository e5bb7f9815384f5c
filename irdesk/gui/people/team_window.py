"""The Team window: a team's outcomes beside each person's share, who carried each week,
and where the pictures disagree (`domain/team_cells`, the cells `irdesk team` prints).

Double-clicking a person (or Enter on them) opens their period in the Person window;
double-clicking an outcome or a week opens its first incident in the main window.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.team_cells import team_sections
from irdesk.domain.utc import utc_now
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import text_style
from irdesk.gui.common.dates import as_date, qdate
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.people.models import INCIDENTS_ROLE, SectionPage

if TYPE_CHECKING:
    from irdesk.domain.team_picture import TeamPicture
    from irdesk.storage.database import Database

TEAM_SIZE = (1100, 680)
DEFAULT_DAYS = 90
TAB_TEXT = {
    "outcomes": "O&utcomes",
    "members": "&Each Person",
    "weeks": "&Weeks",
    "surges": "Sur&ges",
    "flags": "&Disagreements",
}
DESCRIPTIONS = {
    "outcomes": "The team's incidents in the period, how many were resolved, and the median "
    "time to resolve.",
    "members": "Each person's share of the team's incidents, incident hours and resolutions. "
    "Double-click a person to open their period.",
    "weeks": "Per week, who held the most of the team's incident hours, and what share.",
    "surges": "Long incidents and runs of nights paged of the team's members.",
    "flags": "Where the team's picture and a person's disagree.",
}


class TeamWindow(QWidget):
    incident_chosen = Signal(int)
    person_chosen = Signal(str, object, object)  # name, first day, last day

    def __init__(self, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(None)  # a window of its own, like the Person window
        self.setWindowTitle("Team — irdesk")
        self.setObjectName("team-window")
        self.tasks = tasks
        self.db: Database | None = None
        self.picture: TeamPicture | None = None
        self._closed = False
        self.team_combo = QComboBox()
        self.team_combo.setAccessibleName("Team")
        self.team_combo.setMinimumContentsLength(18)
        self.from_edit, self.to_edit = QDateEdit(), QDateEdit()
        today = utc_now().date()
        for edit, name, day in (
            (self.from_edit, "From", today - timedelta(days=DEFAULT_DAYS)),
            (self.to_edit, "To", today),
        ):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(f"{name} (UTC day, included)")
            edit.setDate(qdate(day))
        self.show_button = QPushButton("&Show")
        self.show_button.clicked.connect(self.reload)
        self.title_label = QLabel("Choose a team and a period, then Show.")
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(text_style("#c62828"))
        self.problem_label.hide()
        self.tabs = QTabWidget()
        self.pages: dict[str, SectionPage] = {}
        for key, text in TAB_TEXT.items():
            page = SectionPage(text.replace("&", ""), DESCRIPTIONS[key], self)
            page.table.activated.connect(lambda index, k=key: self._open(k, index))
            self.pages[key] = page
            self.tabs.addTab(page, text)
        row = QHBoxLayout()
        for text, widget in (
            ("&Team:", self.team_combo),
            ("&From:", self.from_edit),
            ("T&o:", self.to_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget, 1 if widget is self.team_combo else 0)
        row.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.title_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.tabs, 1)
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)
        fit_to_screen(self, *TEAM_SIZE, near=parent)

    def set_database(self, db: Database) -> None:
        self.db = db
        self.tasks.run(
            lambda _report: _team_names(db),
            on_done=lambda names: self._names_loaded(db, names),
            description="Reading the teams…",
        )

    def _names_loaded(self, db: Database, names: list[str]) -> None:
        if db is not self.db or self._closed:
            return
        current = self.team_combo.currentText()
        self.team_combo.clear()
        self.team_combo.addItems(names)
        if current in names:
            self.team_combo.setCurrentText(current)

    def reload(self) -> None:
        db, name = self.db, self.team_combo.currentText()
        first, last = as_date(self.from_edit.date()), as_date(self.to_edit.date())
        if db is None or not name:
            return
        if last < first:
            self.problem_label.setText("The period ends before it starts.")
            self.problem_label.show()
            return
        self.problem_label.hide()
        self.tasks.run(
            lambda _report: _read(db, name, first, last),
            on_done=lambda found: self._loaded(db, found),
            description=f"Reading {name}…",
        )

    def _loaded(self, db: Database, found: TeamPicture | str) -> None:
        if db is not self.db or self._closed:
            return
        if isinstance(found, str):
            self.problem_label.setText(found)
            self.problem_label.show()
            return
        self.picture = found
        self.title_label.setText(
            f"{found.team}: {len(found.incident_ids)} incidents it is accountable for, "
            f"{found.first_day:%Y-%m-%d} to {found.last_day:%Y-%m-%d}."
        )
        for section in team_sections(found):
            self.pages[section.key].show_section(section, section.empty)

    def _open(self, key: str, index: QModelIndex) -> None:
        if self.picture is None:
            return
        if key == "members":
            person = self.picture.members[index.row()].person
            self.person_chosen.emit(person, self.picture.first_day, self.picture.last_day)
            return
        ids = self.pages[key].model.data(index, INCIDENTS_ROLE) or ()
        if ids:
            self.incident_chosen.emit(ids[0])

    def shut_down(self) -> None:
        self._closed = True


def _team_names(db: Database) -> list[str]:
    from irdesk.storage.reads.team_picture import team_names

    return team_names(db)


def _read(db: Database, name: str, first: date, last: date) -> TeamPicture | str:
    from irdesk.storage.reads.packet_data import PacketDataError
    from irdesk.storage.reads.team_picture import team_picture_named

    try:
        return team_picture_named(db, name, first, last)
    except PacketDataError as exc:
        return f"{exc}."
