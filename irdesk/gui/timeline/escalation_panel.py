"""The Escalation tab beside the Timeline: the path the service's escalation policy
prescribed against the one the incident took, as the postmortem packet draws it.

The chart is `reports/charts.escalation_chart`, the packet's own, so the tab and the
packet cannot disagree; the table below says the same in rows a keyboard and a screen
reader can walk: each level's prescribed start and window, when it was reached, the
time spent there and the minutes beyond the window. The tab reads its incident only
while it is shown, so walking the list costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.escalation import minutes_text
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.colours import make_quiet
from irdesk.gui.common.row_table_model import RowTableModel

if TYPE_CHECKING:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    from irdesk.domain.escalation import LevelOutcome
    from irdesk.storage.database import Database
    from irdesk.storage.reads.escalations import IncidentEscalation

AnyIndex = QModelIndex | QPersistentModelIndex
PLACEHOLDER = "Select an incident to see its escalation against its service's policy."
NO_POLICY = (
    "No escalation policy is known for this incident's service: import the directory's "
    "escalation policies and services (irdesk import) to compare its path with one."
)


def level_notes(outcome: LevelOutcome, repeated: tuple[int, ...]) -> str:
    notes = []
    if outcome.skipped:
        notes.append("skipped")
    if outcome.level in repeated:
        notes.append(f"reached {outcome.times_reached} times")
    if outcome.acknowledged_here:
        notes.append("acknowledged here")
    if outcome.reached_at is None and not outcome.skipped:
        notes.append("not reached")
    return ", ".join(notes)


class LevelsModel(RowTableModel["LevelOutcome"]):
    """One row per level of the policy, as the chart draws it."""

    # Short, so that eight columns fit beside the incident list on a 1024-pixel screen;
    # the accessible description of the table spells them out.
    headers: ClassVar[tuple[str, ...]] = (
        "Level",
        "Targets",
        "Due after",
        "Window",
        "Reached after",
        "Stayed",
        "Beyond",
        "Notes",
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.started_at: Any = None
        self.repeated: tuple[int, ...] = ()

    def show_path(self, escalation: IncidentEscalation | None) -> None:
        path = escalation.path if escalation is not None else None
        self.started_at = path.started_at if path is not None else None
        self.repeated = path.repeated if path is not None else ()
        self.set_rows(list(path.levels) if path is not None else [])

    def cells(self, o: LevelOutcome) -> tuple[str, ...]:
        def text(value: float | None) -> str:
            return "" if value is None else minutes_text(value)

        reached = (
            (o.reached_at - self.started_at).total_seconds() / 60.0
            if o.reached_at is not None and self.started_at is not None
            else None
        )
        beyond = o.late_minutes if o.late_minutes is not None and o.late_minutes > 0 else None
        return (
            str(o.level),
            ", ".join(o.targets) or "?",
            text(o.prescribed_start_min),
            text(o.prescribed_minutes) or "open",
            text(reached),
            text(o.actual_minutes),
            text(beyond),
            level_notes(o, self.repeated),
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.cells(row)[index.column()]


def path_summary(found: IncidentEscalation) -> str:
    """The chart in words: the policy, the acknowledgement, skipped and repeated levels."""
    path = found.path
    if path.started_at is None:
        return f"Policy {found.policy}: no alert or page on the timeline to start its path from."
    text = f"Policy {found.policy}: {len(path.levels)} level{'s' if len(path.levels) != 1 else ''}"
    if path.acknowledged_at is not None:
        minutes = (path.acknowledged_at - path.started_at).total_seconds() / 60.0
        text += f"; acknowledged {minutes_text(minutes)} after the first page"
    else:
        text += "; no acknowledgement on the timeline"
    if path.skipped:
        text += "; skipped level " + ", ".join(map(str, path.skipped))
    if path.repeated:
        text += "; reached again: level " + ", ".join(map(str, path.repeated))
    if path.late_minutes:
        text += f"; {minutes_text(path.late_minutes)} beyond the prescribed windows"
    return text + "."


def _load(db: Database, incident_id: int) -> IncidentEscalation | None:
    from irdesk.storage.reads import database_reads

    return database_reads.load_escalation(db, incident_id)


class EscalationPanel(QWidget):
    """Shows one incident's escalation; `show_incident` says which, `load` reads it."""

    def __init__(
        self,
        tasks: BackgroundTasks,
        database: Callable[[], Database | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.database = database
        self.incident_id: int | None = None
        self.title = ""
        self.found: IncidentEscalation | None = None
        self._stale = True
        self._generation = 0

        self.summary_label = QLabel(PLACEHOLDER)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.canvas: FigureCanvasQTAgg | None = None
        self.chart_holder = QVBoxLayout()
        self.chart_holder.setContentsMargins(0, 0, 0, 0)
        self.model = LevelsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Escalation levels")
        self.table.setAccessibleDescription(
            "One row per level of the service's escalation policy: when the policy says it "
            "starts (due after) and how long it gives it (window), against when the incident "
            "reached it, how long it stayed there and the minutes beyond the window"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The names and notes take what the minutes leave.
        for column in (1, 7):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.table.setMaximumHeight(self.table.fontMetrics().height() * 9)
        self.note = QLabel(
            "Grey: the window the policy gives each level; blue: the time the incident spent "
            "there; orange: minutes beyond the window; dashed line: the acknowledgement."
        )
        self.note.setWordWrap(True)
        make_quiet(self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(self.chart_holder, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.table)

    def show_incident(self, incident_id: int | None, title: str = "") -> None:
        """The incident chosen; read now if the tab is on screen, else when it is shown."""
        if incident_id == self.incident_id and not self._stale:
            return
        self.incident_id, self.title = incident_id, title
        self._stale = True
        self._generation += 1
        if incident_id is None:
            self._show(None)
            return
        if self.isVisible():
            self.load()

    def mark_stale(self) -> None:
        """The timeline changed (an event added or corrected): read again when shown."""
        self._stale = True
        if self.isVisible():
            self.load()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale and self.incident_id is not None:
            self.load()

    def load(self) -> None:
        db, incident_id = self.database(), self.incident_id
        if db is None or incident_id is None:
            return
        self._stale = False
        self._generation += 1
        generation = self._generation
        self.tasks.run(
            lambda _report: _load(db, incident_id),
            on_done=lambda found: self._loaded(generation, found),
            description="Reading the escalation…",
        )

    def _loaded(self, generation: int, found: IncidentEscalation | None) -> None:
        if generation == self._generation:
            self._show(found)

    def _show(self, found: IncidentEscalation | None) -> None:
        self.found = found
        if self.canvas is not None:
            self.chart_holder.removeWidget(self.canvas)
            self.canvas.setParent(None)
            self.canvas.deleteLater()
            self.canvas = None
        self.model.show_path(found if found is not None and found.policy is not None else None)
        if found is None:
            self.summary_label.setText(PLACEHOLDER if self.incident_id is None else NO_POLICY)
            return
        if found.policy is None:
            self.summary_label.setText(NO_POLICY)
            return
        self.summary_label.setText(path_summary(found))
        # The packet's chart, drawn with the first path shown: matplotlib is not needed to
        # start the window.
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from irdesk.reports.charts import escalation_chart

        chart = escalation_chart(found.path, f"Escalation: {found.policy}", found.incident_id)
        canvas = FigureCanvasQTAgg(chart.figure)
        canvas.setMinimumSize(320, 140)
        canvas.setAccessibleName(chart.title)
        canvas.setAccessibleDescription(self.summary_label.text())
        self.chart_holder.addWidget(canvas)
        self.canvas = canvas
