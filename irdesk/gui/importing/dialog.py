"""File › Import: preview what an import would change, then write it, off the GUI thread.

The dialog first runs the import as a dry run (the pipeline does everything and
rolls back) and shows that report; nothing is written until the user presses
Import. Both runs go through the window's `BackgroundTasks`, one at a time.

Cancelling sets a flag that the worker (`import_work.py`) checks at each progress
step, so the pipeline rolls its transaction back and the dialog says that
nothing was written. The pipeline
reports progress before each file and once before it starts writing; once
writing has begun it finishes or rolls back as a whole, so Cancel is disabled
for that last step.
"""

import html
import threading
from collections.abc import Sequence
from enum import Enum, auto
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.zones import parse_zone, unknown_zone_text, zone_completer
from irdesk.gui.importing.clock_offsets import ClockOffsetBox, sources_in
from irdesk.gui.importing.column_mapping_dialog import (
    ColumnMappingDialog,
    MappableFile,
)
from irdesk.gui.importing.presentation import (
    FileRow,
    ImportFileModel,
    asks_for_zone,
    done_headline,
    format_labels,
    names_text,
    preview_headline,
    problem_html,
    short_format,
    size_text,
)
from irdesk.gui.importing.slack_links import IncidentChoice, SlackLinksBox
from irdesk.gui.importing.work import Outcome, import_work, incident_choices
from irdesk.importers import registry
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import ImportReport
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.column_mapping import ColumnMapping
from irdesk.storage.database import Database
from irdesk.storage.errors import DatabaseError

AUTO_DETECT = "Detect automatically"
ZONE_PLACEHOLDER = "None: only for exports without zones (Jira CSV), e.g. Europe/Madrid"
ZONE_HINT = "Needed only for exports whose times carry no zone (Jira CSV); never guessed."
ZONE_APPLY_DELAY_MS = 600
# A preview that finishes quicker than this never shows its progress bar: no flicker.
PROGRESS_DELAY_MS = 200
CANCELLED_TEXT = "Import cancelled; nothing was written."
FILE_ROWS_SHOWN = 6

# The headline box: a frame holding the headline and, for a file irdesk does not know,
# the Map columns button. The frame draws the box; the text takes its colour.
ERROR_STYLE = (
    "QFrame#headlineBox { background: #fdecea; border: 1px solid #e57373; border-radius: 3px; }"
    " QFrame#headlineBox QLabel { color: #5f1412; }"
)
DONE_STYLE = (
    "QFrame#headlineBox { background: #e8f5e9; border: 1px solid #81c784; border-radius: 3px; }"
    " QFrame#headlineBox QLabel { color: #1b4d1e; }"
)
NOTE_STYLE = (
    "QFrame#headlineBox { background: palette(alternate-base); border: 1px solid palette(mid);"
    " border-radius: 3px; }"
)
MAP_COLUMNS_TEXT = "&Map columns…"
EDIT_MAPPING_TEXT = "&Edit column mapping…"


class State(Enum):
    PREVIEWING = auto()
    READY = auto()  # a preview is shown and matches the options: Import may go ahead
    BLOCKED = auto()  # the preview failed, or the options are not usable yet
    IMPORTING = auto()
    WRITING = auto()  # the last step: cancelling rolls the transaction back
    CANCELLING = auto()
    CANCELLED = auto()
    DONE = auto()
    FAILED = auto()


RUNNING = (State.PREVIEWING, State.IMPORTING, State.WRITING, State.CANCELLING)
WRITING_IMPORT = (State.IMPORTING, State.WRITING, State.CANCELLING)


# ------------------------------------------------------------------- the dialog


class ImportDialog(QDialog):
    """Preview, then import; reused by the window for every import."""

    preview_finished = Signal()  # a preview ended: its report, or the problem, is shown
    import_finished = Signal()  # an import ended: written, cancelled or failed
    imported = Signal(object)  # the ImportReport of a committed import

    # Emitted on the worker thread, received (queued) here: (run, what, done, total).
    _progressed = Signal(int, str, int, int)

    def __init__(self, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.db: Database | None = None
        self.paths: list[Path] = []
        self.state = State.BLOCKED
        self.report: ImportReport | None = None
        self.problem: ImportProblem | None = None
        self.mappable: MappableFile | None = None  # the problem's file, when it can be mapped
        self._zone: ZoneInfo | None = None
        self._column_mapping: ColumnMapping | None = None  # set in the mapping dialog
        self._run = 0  # bumped by every preview and import; late results of older runs drop
        self._task_id: int | None = None
        self._cancel = threading.Event()
        self._shut = False

        self.setWindowTitle("Import incidents")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setSizeGripEnabled(True)
        self.resize(820, 620)
        self._build()
        self._progressed.connect(self._on_progress)
        tasks.errored.connect(self._task_errored)

    # ---------------------------------------------------------------- building

    def _build(self) -> None:
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title_label.setFont(font)

        self.source_combo = QComboBox()
        self.source_combo.addItem(AUTO_DETECT, None)
        for source_format in registry.formats():
            self.source_combo.addItem(source_format.label, source_format.name)
        self.source_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_combo.setMinimumContentsLength(24)
        self.source_combo.currentIndexChanged.connect(self._source_changed)

        self.zone_edit = QLineEdit()
        self.zone_edit.setPlaceholderText(ZONE_PLACEHOLDER)
        self.zone_edit.setClearButtonEnabled(True)
        self.zone_edit.setToolTip(ZONE_HINT)
        completer = zone_completer(self)
        self.zone_edit.setCompleter(completer)
        self.zone_completer = completer
        # After setCompleter: the line edit takes the chosen name first, then we read it.
        completer.activated.connect(lambda _text: self._apply_zone(explicit=True))
        self.zone_edit.textEdited.connect(self._zone_edited)
        self.zone_edit.editingFinished.connect(lambda: self._apply_zone(explicit=True))
        # Enter in the zone field applies the zone; it never imports with the old one.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.zone_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self._apply_zone(explicit=True))
        self._zone_timer = QTimer(self)
        self._zone_timer.setSingleShot(True)
        self._zone_timer.setInterval(ZONE_APPLY_DELAY_MS)
        self._zone_timer.timeout.connect(lambda: self._apply_zone(explicit=False))
        # Says what is wrong with the zone typed; hidden while there is nothing to say.
        self.zone_note = QLabel()
        self.zone_note.setWordWrap(True)
        self.zone_note.setStyleSheet("QLabel { color: #b3261e; }")

        options = QFormLayout()
        options.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        source_label = QLabel("&Source:")
        source_label.setBuddy(self.source_combo)
        zone_label = QLabel("&Time zone:")
        zone_label.setBuddy(self.zone_edit)
        options.addRow(source_label, self.source_combo)
        options.addRow(zone_label, self.zone_edit)
        options.addRow("", self.zone_note)
        options.setRowVisible(self.zone_note, False)
        self.clock_box = ClockOffsetBox()
        self.clock_box.changed.connect(self.preview)
        clock_label = QLabel("&Clock offset:")
        clock_label.setBuddy(self.clock_box.seconds)
        options.addRow(clock_label, self.clock_box)
        options.setRowVisible(self.clock_box, False)  # until a preview names its sources
        self._options_form = options
        self.options_box = QWidget()
        self.options_box.setLayout(options)
        options.setContentsMargins(0, 0, 0, 0)

        self.slack_box = SlackLinksBox()
        self.slack_box.edited.connect(self._slack_edited)
        self.slack_box.applied.connect(self._slack_applied)
        self.slack_box.hide()

        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.headline.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.map_button = QPushButton(MAP_COLUMNS_TEXT)
        self.map_button.setToolTip(
            "Say which column holds what; irdesk remembers it for files with these columns"
        )
        self.map_button.clicked.connect(self.open_mapping_dialog)
        self.map_button.hide()
        self.headline_box = QFrame()
        self.headline_box.setObjectName("headlineBox")
        box = QHBoxLayout(self.headline_box)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(12)
        box.addWidget(self.headline, 1)
        box.addWidget(self.map_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.mapping_dialog: ColumnMappingDialog | None = None

        self.file_model = ImportFileModel(self)
        self.files_table = QTableView()
        self.files_table.setModel(self.file_model)
        self.files_table.verticalHeader().hide()
        self.files_table.setShowGrid(False)
        self.files_table.setAlternatingRowColors(True)
        self.files_table.setWordWrap(False)
        self.files_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.files_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.files_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
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

        self.summary = QFormLayout()
        self.summary.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.summary.setHorizontalSpacing(14)
        self.summary.setVerticalSpacing(4)
        self.values: dict[str, QLabel] = {}
        for name in (
            "Incidents",
            "Timeline events",
            "New services",
            "New people",
            "Linked across tools",
            "Conflicts",
            "Warnings",
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = value
            self.summary.addRow(f"{name}:", value)

        self.report_text = QPlainTextEdit()
        self.report_text.setReadOnly(True)
        self.report_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.report_text.setPlaceholderText("The full report appears here.")
        self.report_text.setMinimumHeight(row_height * 4)

        self.preview_area = QWidget()
        preview = QVBoxLayout(self.preview_area)
        preview.setContentsMargins(0, 0, 0, 0)
        preview.setSpacing(8)
        preview.addWidget(self.files_table)
        preview.addLayout(self.summary)
        self.report_heading = QLabel("Full report")
        preview.addWidget(self.report_heading)
        preview.addWidget(self.report_text, 1)

        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(220)
        for widget in (self.progress_label, self.progress_bar):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_DELAY_MS)
        self._progress_timer.timeout.connect(lambda: self._set_progress_visible(True))

        self.import_button = QPushButton("&Import")
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.progress_label, 1)
        buttons.addWidget(self.progress_bar)
        buttons.addSpacing(12)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addWidget(self.title_label)
        layout.addWidget(self.options_box)
        layout.addWidget(self.slack_box)
        layout.addWidget(self.headline_box)
        layout.addWidget(self.preview_area, 1)
        layout.addLayout(buttons)
        self._set_progress_visible(False)

    # -------------------------------------------------------------------- API

    @property
    def busy(self) -> bool:
        return self.state in RUNNING

    @property
    def writing(self) -> bool:
        """An import (not a preview) is running: the dialog cannot take new files."""
        return self.state in WRITING_IMPORT

    def options(self) -> ImportOptions:
        return ImportOptions(
            zone=self._zone,
            clock_offsets=self.clock_box.offsets(),
            format=self.source_combo.currentData(),
            slack_channels=self.slack_box.links(),
            key_reaction=self.slack_box.reaction(),
            column_mapping=self._column_mapping,
        )

    def start(self, db: Database, paths: Sequence[Path]) -> bool:
        """Preview importing `paths` into `db`; False while an import is being written."""
        if self.writing:
            return False
        self.db = db
        self.paths = [Path(p) for p in paths]
        self.title_label.setText(f"Import into {db.path.name}")
        self.title_label.setToolTip("\n".join(str(p) for p in self.paths))
        self.source_combo.blockSignals(True)
        self.source_combo.setCurrentIndex(0)  # the time zone is the user's; it stays
        self.source_combo.blockSignals(False)
        # Options that belong to the files chosen before go with them.
        self._column_mapping = None
        self.slack_box.reset()
        self.slack_box.hide()
        self.clock_box.reset()
        self._options_form.setRowVisible(self.clock_box, False)
        self._close_mapping_dialog()
        self.show()
        self.raise_()
        self.activateWindow()
        self._load_incident_choices(db)
        self.preview()
        return True

    def preview(self) -> None:
        """(Re)run the dry run for the current files and options."""
        if self.db is None or self.writing:
            return
        self._zone_timer.stop()
        self.report = None
        self.problem = None
        self.mappable = None
        self.slack_box.mark_applied()
        self.file_model.set_rows([FileRow(str(p), "…", "") for p in self.paths])
        self._clear_summary()
        self._launch(dry_run=True)
        self._enter(State.PREVIEWING)

    def start_import(self) -> None:
        if self.state is not State.READY or self.db is None:
            return
        self._launch(dry_run=False)
        self._enter(State.IMPORTING)

    def cancel(self) -> None:
        """Stop the running work; an import being written rolls back."""
        self._cancel.set()
        if self.state in (State.IMPORTING, State.WRITING):
            self._enter(State.CANCELLING)

    def shut_down(self) -> None:
        """The window is closing: stop whatever runs, and go."""
        self._shut = True
        self._cancel.set()
        self._zone_timer.stop()
        self._close_mapping_dialog()
        self.hide()

    # ------------------------------------------------------------- closing

    def reject(self) -> None:
        """Esc and Cancel: stop an import being written, otherwise close."""
        if self.state in (State.IMPORTING, State.WRITING):
            self.cancel()
            return
        if self.state is State.CANCELLING:
            return  # the worker is rolling back; its result is on its way
        self._cancel.set()  # a preview still running need not finish
        self._zone_timer.stop()
        self._close_mapping_dialog()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.writing:
            self.reject()
            event.ignore()
            return
        self._cancel.set()
        super().closeEvent(event)

    # ---------------------------------------------------------------- running

    def _launch(self, *, dry_run: bool) -> None:
        db = self.db
        assert db is not None
        self._cancel.set()  # an older preview still queued or running stops at its next step
        self._cancel = cancel = threading.Event()
        self._run += 1
        run = self._run
        paths, options = list(self.paths), self.options()

        def emit_progress(what: str, done: int, total: int) -> None:
            self._progressed.emit(run, what, done, total)

        self._task_id = self.tasks.run(
            lambda report: import_work(
                db,
                paths,
                options,
                dry_run=dry_run,
                cancel=cancel,
                report=report,
                on_progress=emit_progress,
            ),
            on_done=lambda outcome: self._finished(run, dry_run, outcome),
            on_expected_error=lambda exc: self._failed(run, dry_run, exc),
            description="Previewing import…" if dry_run else "Importing…",
        )
        self.progress_label.setText("Reading…" if dry_run else "Importing…")
        self.progress_bar.setRange(0, 0)
        self._progress_timer.start(0 if not dry_run else PROGRESS_DELAY_MS)

    @Slot(int, str, int, int)
    def _on_progress(self, run: int, what: str, done: int, total: int) -> None:
        if run != self._run or self.state not in RUNNING:
            return
        if total <= 1:
            step = ""
        elif what.startswith("Writing"):
            step = f" ({done:,} of {total:,})"  # rows written so far
        else:
            step = f" ({done + 1} of {total})"  # the file being read
        self.progress_label.setText(f"{what}{step}…")
        if total <= 1 and done == 0:
            self.progress_bar.setRange(0, 0)  # one step of unknown length
        else:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
        if self.state is State.IMPORTING and what.startswith("Writing"):
            self._enter(State.WRITING)

    def _finished(self, run: int, dry_run: bool, outcome: Outcome) -> None:
        if run != self._run:
            return  # a preview for options the user has since changed
        self._task_id = None
        if outcome.cancelled:
            if dry_run:
                return  # only ever cancelled by closing the dialog or a newer run
            self._enter(State.CANCELLED)
            self.import_finished.emit()
            return
        if outcome.problem is not None:
            self._show_problem(outcome.problem, outcome.mappable if dry_run else None)
            if dry_run:
                self.preview_finished.emit()
            else:
                self.import_finished.emit()
            return
        report = outcome.report
        assert report is not None
        self.report = report
        self._show_report(report)
        if dry_run:
            self._enter(State.READY)
            self.preview_finished.emit()
        else:
            self._enter(State.DONE)
            self.imported.emit(report)
            if self.db is not None:
                self._load_incident_choices(self.db)  # the new incidents can be linked to
            self.import_finished.emit()

    def _failed(self, run: int, dry_run: bool, exc: Exception) -> None:
        """An expected failure (a file that cannot be read, a database that cannot be written)."""
        if run != self._run:
            return
        self._task_id = None
        if isinstance(exc, DatabaseError):
            text = f"“{exc.path.name}” {exc.problem} {exc.hint}".strip()
        elif isinstance(exc, OSError) and exc.filename:
            text = f"{exc.filename}: {exc.strerror or exc}"
        else:
            text = str(exc)
        self._enter(State.FAILED, error=text)
        (self.preview_finished if dry_run else self.import_finished).emit()

    @Slot(int, object)
    def _task_errored(self, task_id: int, exc: object) -> None:
        """A bug in the worker went to the crash dialog; the dialog must not wait forever."""
        if task_id != self._task_id:
            return
        dry_run = self.state is State.PREVIEWING
        self._task_id = None
        self._enter(State.FAILED, error=f"The import stopped on an unexpected error: {exc}")
        (self.preview_finished if dry_run else self.import_finished).emit()

    # ------------------------------------------------------------- options

    def _source_changed(self, _index: int) -> None:
        self.preview()

    def _zone_edited(self, _text: str) -> None:
        # The shown preview no longer matches what the field says: no importing with it.
        if self.state in (State.READY, State.CANCELLED):
            self._enter(State.BLOCKED)
        self._zone_timer.start()

    def _apply_zone(self, *, explicit: bool) -> None:
        self._zone_timer.stop()
        if self.writing or self.db is None or self._shut or not self.isVisible():
            return  # also: the field lost focus because the dialog is closing
        text = self.zone_edit.text().strip()
        try:
            zone = parse_zone(text) if text else None
        except ValueError:
            self._zone_note(unknown_zone_text(text) if explicit else "")
            if self.state is State.READY:
                self._enter(State.BLOCKED)
            return
        if zone is not None and zone.key != text:
            self.zone_edit.setText(zone.key)  # 'europe/madrid' → 'Europe/Madrid'
        self._zone_note("")
        self.zone_completer.popup().hide()
        if zone != self._zone:
            self._zone = zone
            self.preview()
        elif self.state is State.BLOCKED and self.report is not None:
            self._enter(State.READY)  # edited and put back: the shown preview still holds

    def _zone_note(self, text: str) -> None:
        self.zone_note.setText(text)
        self._options_form.setRowVisible(self.zone_note, bool(text))

    # ------------------------------------------------------------ Slack links

    def _load_incident_choices(self, db: Database) -> None:
        self.tasks.run(
            lambda _report: incident_choices(db),
            on_done=lambda choices: self._incident_choices_loaded(db, choices),
            description="Listing incidents…",
        )

    def _incident_choices_loaded(self, db: Database, choices: list[IncidentChoice]) -> None:
        if db is self.db:
            self.slack_box.set_choices(choices)

    def _slack_edited(self) -> None:
        # The preview shown was made without what is being typed: no importing with it.
        if self.state in (State.READY, State.CANCELLED) and self.slack_box.pending:
            self._enter(State.BLOCKED)

    def _slack_applied(self) -> None:
        if self.writing or self.db is None or self._shut or not self.isVisible():
            return
        self.preview()

    def _show_slack(self, report: ImportReport | None, problem: ImportProblem | None) -> None:
        """Rows for the channels this preview could not link; the box once there is Slack."""
        channels = list(report.unlinked_channels) if report is not None else []
        failed = problem.channel if problem else None
        if failed is not None:
            channels.append(failed)
        self.slack_box.add_channels(channels)
        has_slack = report is not None and any(f.format == "slack" for f in report.files)
        self.slack_box.mark_problem(failed)
        if has_slack or self.slack_box.edits:
            self.slack_box.show()

    # --------------------------------------------------------- column mapping

    def open_mapping_dialog(self) -> ColumnMappingDialog | None:
        """Map columns…: set the mapping for the file the preview did not recognise."""
        if self.mappable is None or self.writing:
            return None
        self._close_mapping_dialog()
        dialog = ColumnMappingDialog(
            self.mappable, zone=self._zone, options=self.options(), parent=self
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda result: self._mapping_finished(dialog, result))
        self.mapping_dialog = dialog
        dialog.show()
        return dialog

    def _mapping_finished(self, dialog: ColumnMappingDialog, result: int) -> None:
        dialog.deleteLater()
        if dialog is not self.mapping_dialog:
            return  # closed because the import moved on
        self.mapping_dialog = None
        mapping = dialog.mapping
        if result != QDialog.DialogCode.Accepted or mapping is None or self._shut:
            return  # Cancel changes nothing
        self._column_mapping = mapping  # stored too; this import uses it either way
        self.preview()

    def _close_mapping_dialog(self) -> None:
        dialog, self.mapping_dialog = self.mapping_dialog, None
        if dialog is not None:
            dialog.reject()

    # ---------------------------------------------------------------- showing

    def _enter(self, state: State, *, error: str = "") -> None:
        self.state = state
        running = state in RUNNING
        if not running:
            self._progress_timer.stop()
            self._set_progress_visible(False)
        self.options_box.setEnabled(state not in (*WRITING_IMPORT, State.DONE))
        self.slack_box.setEnabled(state not in (*WRITING_IMPORT, State.DONE))
        self.preview_area.setEnabled(state in (State.READY, State.DONE, State.CANCELLED))
        self.import_button.setVisible(state is not State.DONE)
        self.import_button.setEnabled(state in (State.READY, State.CANCELLED))
        self.cancel_button.setEnabled(state is not State.CANCELLING)
        self.cancel_button.setText(
            "Close" if state in (State.DONE, State.CANCELLED, State.FAILED) else "Cancel"
        )
        self.cancel_button.setToolTip(
            "Cancel rolls back everything written so far." if state is State.WRITING else ""
        )
        if state is State.DONE:
            self.cancel_button.setDefault(True)
            self.cancel_button.setFocus()
        else:
            self.import_button.setDefault(True)
        self._show_headline(state, error)

    def _show_headline(self, state: State, error: str) -> None:
        report, problem = self.report, self.problem
        if state is State.PREVIEWING:
            self._headline("Checking the files… nothing is written while you look.", NOTE_STYLE)
        elif state is State.READY and report is not None:
            self._headline(preview_headline(report), NOTE_STYLE)
        elif state is State.BLOCKED and problem is not None:
            self._headline(problem_html(problem, self.mappable), ERROR_STYLE, rich=True)
        elif state is State.BLOCKED and self.slack_box.pending:
            self._headline(
                "The Slack options have changed: the preview updates when you press Enter "
                "or leave the field.",
                NOTE_STYLE,
            )
        elif state is State.BLOCKED:
            self._headline(
                "The time zone has changed: the preview updates when you finish typing "
                "or press Enter.",
                NOTE_STYLE,
            )
        elif state is State.IMPORTING:
            self._headline("Importing… Cancel stops it and writes nothing.", NOTE_STYLE)
        elif state is State.WRITING:
            self._headline("Writing to the database… Cancel rolls it all back.", NOTE_STYLE)
        elif state is State.CANCELLING:
            self._headline("Cancelling…", NOTE_STYLE)
        elif state is State.CANCELLED:
            self._headline(CANCELLED_TEXT, NOTE_STYLE)
        elif state is State.DONE and report is not None:
            self._headline(done_headline(report, self._cancel.is_set()), DONE_STYLE)
        elif state is State.FAILED:
            self._headline(
                f"<b>Could not import.</b> Nothing was written.<br>{html.escape(error)}",
                ERROR_STYLE,
                rich=True,
            )

    def _headline(self, text: str, style: str, *, rich: bool = False) -> None:
        self.headline.setText(text if rich else html.escape(text))
        self.headline_box.setStyleSheet(style)
        mappable = self.mappable
        self.map_button.setVisible(
            self.state is State.BLOCKED and self.problem is not None and mappable is not None
        )
        if mappable is not None:
            self.map_button.setText(EDIT_MAPPING_TEXT if mappable.mapped else MAP_COLUMNS_TEXT)

    def _fit_files_table(self) -> None:
        """As tall as its rows, from two up to FILE_ROWS_SHOWN; more rows scroll."""
        table = self.files_table
        rows = min(max(self.file_model.rowCount(), 2), FILE_ROWS_SHOWN)
        height = table.horizontalHeader().sizeHint().height()
        height += rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth()
        table.setFixedHeight(height)

    def _set_progress_visible(self, visible: bool) -> None:
        self.progress_label.setVisible(visible)
        self.progress_bar.setVisible(visible)

    def _show_problem(self, problem: ImportProblem, mappable: MappableFile | None) -> None:
        self.problem = problem
        self.mappable = mappable
        self.report = None
        self.file_model.set_rows([FileRow(str(p), "—", "") for p in self.paths])
        self._clear_summary()
        self._enter(State.BLOCKED)
        self._show_slack(None, problem)
        if asks_for_zone(problem):
            self.zone_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.zone_edit.selectAll()
        elif mappable is not None:
            self.map_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_summary(self) -> None:
        for name, value in self.values.items():
            value.setText("")
            self.summary.setRowVisible(value, name in ("Incidents", "Timeline events"))
        self.report_text.clear()

    def _show_report(self, report: ImportReport) -> None:
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
            "Warnings": names_text(report.warnings, limit=2),
        }
        for name, text in counts.items():
            self.values[name].setText(text)
            self.summary.setRowVisible(
                self.values[name], name in ("Incidents", "Timeline events") or text != "none"
            )
        self.report_text.setPlainText("\n".join(report.lines()))
        self._show_slack(report, None)
        self.clock_box.set_sources(sources_in(report))
        self._options_form.setRowVisible(self.clock_box, self.clock_box.source_combo.count() > 0)
