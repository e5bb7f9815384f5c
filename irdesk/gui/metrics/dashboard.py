"""The metrics dashboard: figures for a period and grouping, as charts and tables, each
number leading to its incidents.

Reading the file and computing run on the window's background tasks; the charts
come from `irdesk.reports.charts` (shared with the PDF export) inside Qt canvases.
Clicking a bar, a point or a table cell lists the incidents behind it below;
choosing one there (double-click or Enter) selects it in the main window.
"""

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import numpy as np
from matplotlib.backend_bases import PickEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtCore import QDate, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from irdesk.domain.metrics.data import MetricData
from irdesk.domain.metrics.figures import Figures
from irdesk.domain.metrics.selection import GROUPINGS, Period
from irdesk.domain.metrics.tables import Table, figure_tables, undated_note
from irdesk.domain.policy import changed_settings, setting_text
from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.incident_table_model import INCIDENT_ID_ROLE, IncidentTableModel
from irdesk.gui.common.row_table_model import SORT_ROLE
from irdesk.gui.metrics.models import FigureTableModel
from irdesk.reports.charts import Chart, dashboard_charts
from irdesk.storage.bulk.metric_data import compute_from_database, incident_rows, load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.reads.incident_row import IncidentRow
from irdesk.storage.records.policies import PolicyRecord, policy_versions

DEFAULT_DAYS = 90
CURRENT = "current"


def default_period(today: date) -> tuple[date, date]:
    """The last DEFAULT_DAYS days, today included (dates are whole UTC days)."""
    end = today + timedelta(days=1)
    return end - timedelta(days=DEFAULT_DAYS), end


def period_of(first: date, end: date) -> Period:
    return Period(
        datetime.combine(first, datetime.min.time(), UTC),
        datetime.combine(end, datetime.min.time(), UTC),
    )


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class MetricsDashboard(QWidget):
    """A top-level window. `incident_chosen(id)` asks the main window to select an incident."""

    incident_chosen = Signal(int)
    figures_shown = Signal()
    drill_shown = Signal()

    def __init__(
        self,
        tasks: BackgroundTasks,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Metrics — irdesk")
        self.tasks = tasks
        self.db: Database | None = None
        self.data: MetricData | None = None
        self.versions: list[PolicyRecord] = []
        self.figures: Figures | None = None
        self.tables: list[Table] = []
        self.charts: list[Chart] = []
        self.drill_ids: np.ndarray = np.zeros(0, dtype=np.int64)
        # Bumped on each request, so that a late result of an older one is dropped.
        self._generation = 0

        first, end = default_period(today())
        self.from_edit = QDateEdit(_qdate(first))
        self.to_edit = QDateEdit(_qdate(end - timedelta(days=1)))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.recompute)
        self.by_combo = QComboBox()
        for by in GROUPINGS:
            self.by_combo.addItem(by.capitalize(), by)
        self.by_combo.currentIndexChanged.connect(self.recompute)
        self.version_combo = QComboBox()
        self.version_combo.currentIndexChanged.connect(self.recompute)
        self.mean_check = QCheckBox("Show &mean")
        self.mean_check.setToolTip("Durations are heavy-tailed: medians and p90 are the headline")
        self.mean_check.toggled.connect(self._show_table)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Read the database again")
        self.refresh_button.clicked.connect(self.refresh)
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        bar = QHBoxLayout()
        for text, widget in (
            ("&From", self.from_edit),
            ("&To", self.to_edit),
            ("&By", self.by_combo),
            ("&Policy", self.version_combo),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addWidget(self.mean_check)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)

        # Charts: four canvases in a grid.
        self.chart_page = QWidget()
        self.chart_grid = QGridLayout(self.chart_page)
        self.canvases: list[FigureCanvasQTAgg] = []

        # Tables: the list of figures on the left, the chosen one on the right.
        self.table_list = QListWidget()
        self.table_list.setAccessibleName("Figures")
        self.table_list.setAccessibleDescription(
            "One row per table of figures; pick one to show it"
        )
        self.table_list.currentRowChanged.connect(self._show_table)
        self.table_model = FigureTableModel(self)
        # Sorted by the raw values (a click on a header), never by their text.
        self.table_proxy = QSortFilterProxyModel(self)
        self.table_proxy.setSourceModel(self.table_model)
        self.table_proxy.setSortRole(SORT_ROLE)
        self.table_view = QTableView()
        self.table_view.setModel(self.table_proxy)
        self.table_view.setSortingEnabled(True)
        self.table_view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # as computed: "All" first
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.verticalHeader().hide()
        self.table_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.table_view.setAccessibleName("Figure table")
        self.table_view.setAccessibleDescription(
            "One row per group; a cell lists the incidents behind its figure"
        )
        self.table_view.clicked.connect(self._table_clicked)
        self.table_view.activated.connect(self._table_clicked)
        tables_page = QSplitter(Qt.Orientation.Horizontal)
        tables_page.addWidget(self.table_list)
        tables_page.addWidget(self.table_view)
        tables_page.setSizes([300, 980])

        self.tabs = QTabWidget()
        self.tabs.addTab(self.chart_page, "C&harts")
        self.tabs.addTab(tables_page, "T&ables")

        # Drill-down: the incidents behind the last number clicked.
        self.drill_label = QLabel("Click a bar, a point or a table cell to list its incidents.")
        self.drill_label.setWordWrap(True)
        self.drill_model = IncidentTableModel(self)
        self.drill_view = QTableView()
        self.drill_view.setModel(self.drill_model)
        self.drill_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.drill_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.drill_view.verticalHeader().hide()
        self.drill_view.horizontalHeader().setStretchLastSection(True)
        self.drill_view.setSortingEnabled(False)
        self.drill_view.setAccessibleName("Incidents behind the figure")
        self.drill_view.setAccessibleDescription(
            "One row per incident behind the last figure chosen; Enter shows it in the main window"
        )
        self.drill_view.activated.connect(self._incident_activated)
        self.drill_view.doubleClicked.connect(self._incident_activated)
        drill = QWidget()
        drill_layout = QVBoxLayout(drill)
        drill_layout.setContentsMargins(0, 0, 0, 0)
        drill_layout.addWidget(self.drill_label)
        drill_layout.addWidget(self.drill_view)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(drill)
        self.splitter.setSizes([620, 200])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status_label)
        fit_to_screen(self, 1280, 900)

    # ----------------------------------------------------------------- loading

    def set_database(self, db: Database | None) -> None:
        self.db = db
        self.data = None
        self.refresh()

    def refresh(self) -> None:
        """Read the file again (after imports or edits), then recompute."""
        db = self.db
        if db is None:
            self.status_label.setText("No database open.")
            return
        self._generation += 1
        generation = self._generation
        self.status_label.setText("Reading incidents…")

        def work(_report: Report) -> tuple[MetricData, list[PolicyRecord]]:
            return load_metric_data(db), policy_versions(db)

        self.tasks.run(
            work,
            on_done=lambda result: self._loaded(generation, db, *result),
            description="Reading incidents for the metrics…",
        )

    def _loaded(
        self, generation: int, db: Database, data: MetricData, versions: list[PolicyRecord]
    ) -> None:
        if generation != self._generation or db is not self.db:
            return
        self.data, self.versions = data, versions
        chosen = self.version_combo.currentData()
        self.version_combo.blockSignals(True)
        self.version_combo.clear()
        self.version_combo.addItem("Current", CURRENT)
        earlier = [*(r.policy for r in versions[1:]), None][: len(versions)]  # newest first
        for record, before in zip(versions, earlier, strict=True):
            when = f"{record.created_at:%Y-%m-%d}" if record.created_at else ""
            self.version_combo.addItem(f"Version {record.version} ({when})", record.version)
            why = f"{record.note or ''} — {record.author or 'unknown'}"
            for figure, reason in sorted(record.policy.retired_figures.items()):
                why += f"\nretired: {figure.replace('_', ' ')} ({reason})"
            for name, (old, new) in changed_settings(before, record.policy).items():
                if name not in ("retired_figures", "controls", "contributing_factors", "retired"):
                    why += f"\n{name.replace('_', ' ')}: {setting_text(old)} → {setting_text(new)}"
            self.version_combo.setItemData(
                self.version_combo.count() - 1, why, Qt.ItemDataRole.ToolTipRole
            )
        position = self.version_combo.findData(chosen)
        self.version_combo.setCurrentIndex(max(position, 0))
        self.version_combo.blockSignals(False)
        self.recompute()

    def period(self) -> Period:
        first, last = _date(self.from_edit.date()), _date(self.to_edit.date())
        return period_of(first, last + timedelta(days=1))

    def policy_version(self) -> int | None:
        chosen = self.version_combo.currentData()
        return None if chosen in (None, CURRENT) else int(chosen)

    def recompute(self) -> None:
        db, data = self.db, self.data
        if db is None or data is None:
            return
        try:
            period = self.period()
        except ValueError as exc:
            self.status_label.setText(str(exc))
            return
        by = self.by_combo.currentData()
        version = self.policy_version()
        self._generation += 1
        generation = self._generation

        def work(_report: Report) -> tuple[Figures, float]:
            began = time.perf_counter()
            figures = compute_from_database(db, period, by, policy_version=version, data=data)
            return figures, time.perf_counter() - began

        self.tasks.run(
            work,
            on_done=lambda result: self._computed(generation, *result),
            description="Computing the metrics…",
        )

    def _computed(self, generation: int, figures: Figures, seconds: float) -> None:
        if generation != self._generation:
            return
        self.figures = figures
        self.tables = figure_tables(figures)
        current = self.table_list.currentRow()
        self.table_list.blockSignals(True)
        self.table_list.clear()
        self.table_list.addItems([t.title for t in self.tables])
        self.table_list.setCurrentRow(max(current, 0))
        self.table_list.blockSignals(False)
        self._show_table()
        self._show_charts(figures)
        policy = (
            "built-in default policy"
            if figures.policy_version is None
            else f"policy version {figures.policy_version}"
        )
        self.status_label.setText(
            f"{figures.incidents} incidents from {figures.period.start:%Y-%m-%d} to "
            f"{figures.period.end - timedelta(days=1):%Y-%m-%d} (UTC days), by {figures.by}, "
            f"under {policy}; computed in {seconds * 1000:.0f} ms. {undated_note(figures)}".strip()
        )
        self.figures_shown.emit()

    # ----------------------------------------------------------------- showing

    def _show_table(self) -> None:
        row = self.table_list.currentRow()
        table = self.tables[row] if 0 <= row < len(self.tables) else None
        self.table_model.set_table(table, with_optional=self.mean_check.isChecked())

    def select_table(self, key: str) -> Table:
        """Show the table `key` (e.g. "slo"); returns it."""
        for row, table in enumerate(self.tables):
            if table.key == key:
                self.tabs.setCurrentIndex(1)
                self.table_list.setCurrentRow(row)
                return table
        raise KeyError(key)

    def _show_charts(self, figures: Figures) -> None:
        for canvas in self.canvases:
            self.chart_grid.removeWidget(canvas)
            canvas.setParent(None)
            canvas.deleteLater()
        self.charts = dashboard_charts(figures)
        self.canvases = []
        for n, chart in enumerate(self.charts):
            canvas = FigureCanvasQTAgg(chart.figure)
            canvas.setMinimumSize(360, 240)
            # A screen reader cannot see the picture: it reads the chart's summary instead.
            canvas.setAccessibleName(chart.title)
            canvas.setAccessibleDescription(chart.summary)
            canvas.mpl_connect("pick_event", lambda event, c=chart: self._picked(c, event))
            self.chart_grid.addWidget(canvas, n // 2, n % 2)
            self.canvases.append(canvas)

    def _picked(self, chart: Chart, event: PickEvent) -> None:
        indices = getattr(event, "ind", None)
        index = int(indices[0]) if indices is not None and len(indices) else None
        found = chart.incidents_at(event.artist, index)
        if found is not None:
            self.show_incidents(*found)

    def _table_clicked(self, shown: QModelIndex) -> None:
        index = self.table_proxy.mapToSource(shown)
        found = self.table_model.drill(index)
        if found is not None:
            description, ids = found
            table = self.table_model.table
            label = self.table_model.data(self.table_model.index(index.row(), 0))
            self.show_incidents(f"{table.title if table else ''}, {label}, {description}", ids)

    def show_incidents(self, description: str, ids: np.ndarray) -> None:
        """List the incidents `ids` below, under `description`."""
        db = self.db
        if db is None:
            return
        self.drill_ids = np.asarray(ids)
        wanted = [int(i) for i in self.drill_ids]
        self.drill_label.setText(f"{description} — {len(wanted)} incidents")

        def work(_report: Report) -> list[IncidentRow]:
            return incident_rows(db, wanted)

        self.tasks.run(work, on_done=self._drill_loaded, description="Listing incidents…")

    def _drill_loaded(self, rows: list[IncidentRow]) -> None:
        self.drill_model.set_rows(rows)
        self.drill_view.resizeColumnsToContents()
        self.drill_shown.emit()

    def _incident_activated(self, index: QModelIndex) -> None:
        incident_id = self.drill_model.data(index, INCIDENT_ID_ROLE)
        if incident_id is not None:
            self.incident_chosen.emit(int(incident_id))
