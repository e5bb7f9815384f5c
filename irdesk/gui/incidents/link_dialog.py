"""Edit › Link to Incident: the same outage seen by two tools, joined by hand, and undone.

The picker lists the other incidents of the list (filterable as the list is);
`merging` links the selected incident into the one chosen, off the GUI thread.
Each link or unlink made from the window is an `EditCommand` on the window's
undo stack: undoing it applies the opposite change, restoring a link found in
the source data as it was.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.incident_table_model import (
    COL_DURATION,
    COL_ID,
    COL_REVIEW,
    COL_SERVICE,
    COL_SEVERITY,
    COL_STARTED,
    COL_STATUS,
    COL_TITLE,
    INCIDENT_ID_ROLE,
    IncidentFilterProxy,
    IncidentTableModel,
)

if TYPE_CHECKING:
    from irdesk.storage.reads.incident_row import IncidentRow


HIDDEN_COLUMNS = (COL_SERVICE, COL_STATUS, COL_DURATION, COL_REVIEW)


# --------------------------------------------------------------------- the picker


class LinkIncidentDialog(QDialog):
    """Pick the incident to link `incident` into; `chosen_id()` once accepted."""

    def __init__(
        self,
        incident: IncidentRow,
        candidates: Sequence[IncidentRow],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.incident = incident
        self.setWindowTitle("Link to Incident")
        self.setSizeGripEnabled(True)
        fit_to_screen(self, 720, 460)

        self.intro = intro = QLabel(
            f"Link <b>{html.escape(incident.source)}:{html.escape(incident.external_id)}</b> "
            f"({html.escape(incident.title)}) into the incident it is the same outage as. Its "
            "events join that incident's timeline and it leaves the list; Edit › Undo takes "
            "the link back."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter incidents…")
        self.filter_edit.setAccessibleName("Filter incidents")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = IncidentTableModel(self)
        self.model.set_rows([row for row in candidates if row.id != incident.id])
        self.proxy = IncidentFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter_edit.textChanged.connect(self._filter_changed)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.filter_edit)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_list)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Incidents to link into")
        self.table.setAccessibleDescription("One row per other incident; Enter links into it")
        self._setup_table()
        self.table.doubleClicked.connect(lambda _index: self.accept())
        self.table.selectionModel().currentRowChanged.connect(self._update_ok)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.link_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.link_button.setText("&Link")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)

        self.table.sortByColumn(COL_STARTED, Qt.SortOrder.DescendingOrder)
        self._select_first()
        self.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _setup_table(self) -> None:
        table = self.table
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setSortingEnabled(True)
        table.verticalHeader().hide()
        metrics = table.fontMetrics()
        table.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        for column in HIDDEN_COLUMNS:
            table.hideColumn(column)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for column, sample in ((COL_ID, "pagerduty:PH4UE4E"), (COL_SEVERITY, "■  SEV1")):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        header.resizeSection(COL_STARTED, metrics.horizontalAdvance("2026-10-14 09:32") + 28)

    def chosen_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(INCIDENT_ID_ROLE) if index.isValid() else None

    def choose(self, incident_id: int) -> bool:
        """Make `incident_id` the current row, as clicking it would."""
        row = self.model.row_of(incident_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, COL_TITLE))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        return True

    def accept(self) -> None:
        if self.chosen_id() is None:
            return
        super().accept()

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        if not self.table.currentIndex().isValid():
            self._select_first()
        self._update_ok()

    def _select_first(self) -> None:
        if self.proxy.rowCount() > 0:
            self.table.setCurrentIndex(self.proxy.index(0, COL_TITLE))
        self._update_ok()

    def _focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid():
            self._select_first()

    def _update_ok(self, *_args: QModelIndex) -> None:
        self.link_button.setEnabled(self.chosen_id() is not None)
