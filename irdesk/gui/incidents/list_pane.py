"""The left pane: the filter box over the sortable incident table (its rows are read a
page at a time, see paged_model)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.incident_table_model import (
    COL_DURATION,
    COL_ID,
    COL_REVIEW,
    COL_SERVICE,
    COL_SEVERITY,
    COL_STARTED,
    COL_STATUS,
    COL_TITLE,
    HEADERS,
    INCIDENT_ID_ROLE,
)
from irdesk.gui.common.no_match import NoMatchNotice
from irdesk.gui.incidents.paged_model import COUNT_LIMIT, PagedIncidentModel

if TYPE_CHECKING:
    from irdesk.storage.bulk.incident_pages import IncidentPages
    from irdesk.storage.reads.incident_row import IncidentRow


FILTER_PLACEHOLDER = "Filter incidents…  (Ctrl+F)"

# The widest text each narrow column usually holds; the title takes what is left.
COLUMN_SAMPLES = {
    COL_ID: "INC-00000",
    COL_SEVERITY: "■  SEV1",
    COL_SERVICE: "payments-api",
    COL_STATUS: "Acknowledged",
    COL_STARTED: "2026-10-14 09:32",
    COL_DURATION: "23h 59m",
    COL_REVIEW: "In review",
}
CELL_PADDING = 12
SORT_ARROW_ROOM = 18


class IncidentList(QWidget):
    """Emits `current_incident_changed(id or None)` as the user moves through the list."""

    current_incident_changed = Signal(object)
    counts_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PagedIncidentModel(self)
        # Announced once a refill has put the selection back, not row by row meanwhile.
        self._refilling = False

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(FILTER_PLACEHOLDER)
        self.filter_edit.setAccessibleName("Filter incidents")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(
            lambda text: self._keeping_current(lambda: self.model.set_filter_text(text))
        )
        self._on_filter_key(Qt.Key.Key_Escape, self.filter_edit.clear)
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_filter_key(key, self.focus_list)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Incidents")
        self.table.setAccessibleDescription(
            "One row per incident, newest first; the selected one is shown beside the list"
        )
        self._setup_table()
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.no_match = NoMatchNotice(self.table, self._no_match_text)
        self.filter_edit.textChanged.connect(self.no_match.update_notice)
        for signal in (
            self.model.modelReset,
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.layoutChanged,
            self.model.shown_counted,
        ):
            signal.connect(self.counts_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table)

    def _no_match_text(self) -> str | None:
        text = self.filter_edit.text().strip()
        return f"No incident matches “{text}”." if text and self.model.total_count() else None

    def _on_filter_key(self, key: Qt.Key, slot: object) -> None:
        shortcut = QShortcut(QKeySequence(key), self.filter_edit)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(slot)

    def _setup_table(self) -> None:
        table = self.table
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several at once for Incident › Classify…; the current row is the one shown.
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # The header's clicks sort in SQL (PagedIncidentModel.sort), keeping the selection.
        header = table.horizontalHeader()
        header.setSortIndicator(COL_STARTED, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(
            lambda column, order: self._keeping_current(lambda: self.model.sort(column, order))
        )
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().hide()
        metrics = table.fontMetrics()
        table.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        # The title stays readable however narrow the list: below this it stops
        # stretching and the other columns scroll instead (_keep_title_readable).
        self.title_minimum = metrics.horizontalAdvance("Checkout latency spike on …")
        table.viewport().installEventFilter(self)
        header.sectionResized.connect(lambda *_args: self._keep_title_readable())
        for column, sample in COLUMN_SAMPLES.items():
            width = max(
                metrics.horizontalAdvance(sample) + CELL_PADDING,
                metrics.horizontalAdvance(HEADERS[column]) + SORT_ARROW_ROOM,
            )
            header.resizeSection(column, width)
        # On a narrow screen the title gets what the other columns leave: let people drop
        # the ones they do not need. The window saves the header's state, hidden ones too.
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_column_menu)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._keep_title_readable()
        return super().eventFilter(watched, event)

    def _keep_title_readable(self) -> None:
        header = self.table.horizontalHeader()
        others = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c != COL_TITLE and not header.isSectionHidden(c)
        )
        room = self.table.viewport().width() - others
        mode = (
            QHeaderView.ResizeMode.Stretch
            if room >= self.title_minimum
            else QHeaderView.ResizeMode.Interactive
        )
        if header.sectionResizeMode(COL_TITLE) != mode:
            header.setSectionResizeMode(COL_TITLE, mode)
            if mode == QHeaderView.ResizeMode.Interactive:
                header.resizeSection(COL_TITLE, self.title_minimum)

    def column_menu(self) -> QMenu:
        """Every column but the title, checked when shown; choosing one shows or hides it."""
        header = self.table.horizontalHeader()
        menu = QMenu("Columns", self)
        for column in range(self.model.columnCount()):
            if column == COL_TITLE:
                continue  # the one column the list is about
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(
                lambda shown, column=column: header.setSectionHidden(column, not shown)
            )
        return menu

    def _show_column_menu(self, position: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))
        menu.deleteLater()

    # ------------------------------------------------------------------- API

    def set_pages(self, pages: IncidentPages | None) -> None:
        """List the file `pages` reads, or nothing; the previous pages are closed."""
        self.model.set_pages(pages)

    def refresh(self, *, select: int | None = None) -> None:
        """Read the list again (after an import or an edit), keeping the selected incident
        (or selecting `select`) and the rows scrolled through."""
        selected = select if select is not None else self.current_incident_id()
        # Announced even when the same incident stays selected: what changed may be it.
        self._keeping_current(
            lambda: self.model.refresh(keep=self.model.rowCount()), selected=selected, always=True
        )
        if select is not None and self.current_incident_id() != select:
            self.select_incident(select)  # read on to it: it was asked for

    def refresh_keeping_place(self) -> None:
        """Read the shown rows and the count again where they stand (others imported,
        classified or linked): the selection, the scroll and the filter stay, and the
        current incident is announced only if it is no longer listed."""
        bar = self.table.verticalScrollBar()
        scrolled = bar.value()
        self._keeping_current(lambda: self.model.refresh(keep=self.model.rowCount()))
        bar.setValue(scrolled)

    def _keeping_current(
        self, refill: Callable[[], None], selected: int | None = None, *, always: bool = False
    ) -> None:
        """Run `refill`, then select the incident selected before (or `selected`) if it is
        still listed; announce the current incident if that changed it, or `always`."""
        before = self.current_incident_id()
        wanted = selected if selected is not None else before
        self._refilling = True
        try:
            refill()
            # Among the rows read: a filter or a sort never reads on to find it.
            row = None if wanted is None else self.model.row_of(wanted, read_on=False)
            if row is not None:
                self.table.setCurrentIndex(self.model.index(row, COL_TITLE))
        finally:
            self._refilling = False
        if always or self.current_incident_id() != before:
            self.announce_current()

    def rows(self) -> list[IncidentRow]:
        """Every listed incident, the ones the filter hides included."""
        return self.model.every_listed_row()

    def current_incident_id(self) -> int | None:
        current = self.table.currentIndex()
        return current.data(INCIDENT_ID_ROLE) if current.isValid() else None

    def announce_current(self) -> None:
        """Say which incident is selected again, for screens that could not read it before."""
        self.current_incident_changed.emit(self.current_incident_id())

    def selected_incident_ids(self) -> list[int]:
        """The selected incidents, top to bottom as listed; the current one if none is."""
        rows = sorted(self.table.selectionModel().selectedRows(COL_TITLE), key=lambda i: i.row())
        ids = [index.data(INCIDENT_ID_ROLE) for index in rows]
        current = self.current_incident_id()
        if not ids and current is not None:
            ids = [current]
        return ids

    def total_count(self) -> int:
        return self.model.total_count()

    def shown_count(self) -> int:
        return self.model.shown_count()

    def count_text(self) -> str:
        total = self.total_count()
        text = f"{total} incident{'s' if total != 1 else ''}"
        if self.model.is_filtering:
            shown = self.shown_count()
            if self.model.counting:
                # The matches read so far; the rest are being counted.
                text += f" · {shown}+ shown, counting…"
            elif shown > COUNT_LIMIT:
                text += f" · {COUNT_LIMIT}+ shown"
            else:
                text += f" · {shown} shown"
        return text

    def select_incident(self, incident_id: int) -> bool:
        """Select `incident_id` if the list (as filtered) shows it, reading down to it."""
        row = self.model.row_of(incident_id)
        if row is None:
            return False  # filtered out, or no longer there
        index = self.model.index(row, COL_TITLE)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def reveal_incident(self, incident_id: int) -> bool:
        """Select `incident_id`, clearing the filter if that is what hides it."""
        if self.select_incident(incident_id):
            return True
        self.filter_edit.clear()  # it may only have been filtered out
        return self.select_incident(incident_id)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
            self.table.setCurrentIndex(self.model.index(0, COL_TITLE))

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._refilling:
            return
        incident_id = current.data(INCIDENT_ID_ROLE) if current.isValid() else None
        self.current_incident_changed.emit(incident_id)
