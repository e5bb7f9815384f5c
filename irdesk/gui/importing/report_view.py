"""The import dialog's report: the files read, a summary of what changes, and the full report.

A file can be taken out of the batch from here (the Remove button, or Delete on the file
list): the view asks, with `remove_requested(name)`, and the dialog previews again
without it, so a bad file does not mean choosing all the others again.
"""

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.importing.presentation import (
    FileRow,
    ImportFileModel,
    format_labels,
    names_text,
    short_format,
    size_text,
)
from irdesk.importers.pipeline import ImportReport

FILE_ROWS_SHOWN = 6
SUMMARY_ROWS = (
    "Incidents",
    "Timeline events",
    "New services",
    "New people",
    "Linked across tools",
    "Conflicts",
    "Fields kept",
    "Warnings",
    "Left out",
)
# Shown even when they say "none": every import is about incidents and their events.
ALWAYS_SHOWN = ("Incidents", "Timeline events")


class ImportReportView(QWidget):
    """`show_report` fills it; `show_paths` lists the files while nothing is known yet."""

    remove_requested = Signal(str)  # the file's name, as the table shows it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._removable = False
        self.file_model = ImportFileModel(self)
        self.files_table = QTableView()
        self.files_table.setModel(self.file_model)
        self.files_table.setAccessibleName("Files")
        self.files_table.setAccessibleDescription(
            "One row per file in the import, with its format, size and outcome"
        )
        self.files_table.verticalHeader().hide()
        self.files_table.setShowGrid(False)
        self.files_table.setAlternatingRowColors(True)
        self.files_table.setWordWrap(False)
        self.files_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.files_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.files_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files_table.setTabKeyNavigation(False)
        row_height = self.files_table.fontMetrics().height() + 8
        self.files_table.verticalHeader().setDefaultSectionSize(row_height)
        header = self.files_table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(ImportFileModel.COL_NAME, QHeaderView.ResizeMode.Stretch)
        metrics = self.files_table.fontMetrics()
        header.resizeSection(
            ImportFileModel.COL_FORMAT,
            max(metrics.horizontalAdvance(short_format(n)) for n in format_labels()) + 16,
        )
        header.resizeSection(ImportFileModel.COL_SIZE, metrics.horizontalAdvance("1,024 KB") + 16)
        self.file_model.modelReset.connect(self._fit_files_table)
        self.file_model.modelReset.connect(self._update_remove)
        self.files_table.selectionModel().selectionChanged.connect(self._update_remove)
        self.remove_button = QPushButton("&Remove from Import")
        self.remove_button.setToolTip(
            "Leave the selected file (a zip or folder as a whole) out of this import "
            "and preview the rest again (Delete)"
        )
        self.remove_button.clicked.connect(self._remove_selected)
        remove_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.files_table)
        remove_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove_key.activated.connect(self._remove_selected)

        self.summary = QFormLayout()
        self.summary.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.summary.setHorizontalSpacing(14)
        self.summary.setVerticalSpacing(4)
        self.values: dict[str, QLabel] = {}
        for name in SUMMARY_ROWS:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = value
            self.summary.addRow(f"{name}:", value)

        self.report_text = QPlainTextEdit()
        self.report_text.setReadOnly(True)
        self.report_text.setAccessibleName("Import report")
        self.report_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.report_text.setPlaceholderText("The full report appears here.")
        self.report_text.setMinimumHeight(row_height * 4)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.files_table)
        file_buttons = QHBoxLayout()
        file_buttons.addStretch(1)
        file_buttons.addWidget(self.remove_button)
        layout.addLayout(file_buttons)
        layout.addLayout(self.summary)
        self.report_heading = QLabel("Full report")
        layout.addWidget(self.report_heading)
        layout.addWidget(self.report_text, 1)

    def show_paths(self, paths: Sequence[Path], format_text: str) -> None:
        """The files chosen, before (or instead of) a report: no summary, no full report."""
        self.file_model.set_rows([FileRow(str(p), format_text, "") for p in paths])
        for name, value in self.values.items():
            value.setText("")
            self.summary.setRowVisible(value, name in ALWAYS_SHOWN)
        self.report_text.clear()

    def show_report(self, report: ImportReport) -> None:
        self.file_model.set_rows(
            [FileRow(f.name, short_format(f.format), size_text(f.size)) for f in report.files]
        )
        result = report.result
        counts = {
            "Incidents": f"{report.count('new')} new · {report.count('updated')} updated · "
            f"{report.count('unchanged')} unchanged",
            "Timeline events": f"{report.new_events} new · {result.updated_events} updated · "
            f"{result.unchanged_events} unchanged",
            "New services": names_text(result.new_services),
            "New people": names_text(result.new_people),
            "Linked across tools": names_text(result.merges),
            "Conflicts": names_text(result.conflicts),
            "Fields kept": names_text(result.kept_values),
            "Warnings": names_text(report.warnings, limit=2),
            "Left out": names_text([item.line() for item in report.left_out], limit=2),
        }
        for name, text in counts.items():
            self.values[name].setText(text)
            self.summary.setRowVisible(self.values[name], name in ALWAYS_SHOWN or text != "none")
        self.report_text.setPlainText("\n".join(report.lines()))

    def _fit_files_table(self) -> None:
        """As tall as its rows, from two up to FILE_ROWS_SHOWN; more rows scroll."""
        table = self.files_table
        rows = min(max(self.file_model.rowCount(), 2), FILE_ROWS_SHOWN)
        height = table.horizontalHeader().sizeHint().height()
        height += rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth()
        table.setFixedHeight(height)

    # ------------------------------------------------------------ removing a file

    def set_removable(self, removable: bool) -> None:
        """Whether a file may be taken out now (not while importing, not the last one)."""
        self._removable = removable
        self._update_remove()

    def selected_name(self) -> str | None:
        rows = self.files_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.file_model.row_at(rows[0].row()).name

    def _update_remove(self) -> None:
        self.remove_button.setEnabled(self._removable and self.selected_name() is not None)

    def _remove_selected(self) -> None:
        name = self.selected_name()
        if self._removable and name is not None:
            self.remove_requested.emit(name)
