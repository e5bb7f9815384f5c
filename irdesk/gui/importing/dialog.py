"""File › Import: preview what an import would change, then write it, off the GUI thread.

The dialog first runs the import as a dry run (the pipeline does everything and
rolls back) and shows that report; nothing is written until the user presses
Import. Both runs go through the window's `BackgroundTasks`, one at a time.

Cancelling sets a flag that the worker (importing.work) checks at each progress
step, so the pipeline rolls its transaction back and the dialog says that
nothing was written. The pipeline reports progress before each file and once
before it starts writing; once writing has begun it finishes or rolls back as a
whole, so Cancel is disabled for that last step.
"""

from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.open_database import shown_name
from irdesk.gui.common.zones import parse_zone, unknown_zone_text
from irdesk.gui.importing.clock_offsets import sources_in
from irdesk.gui.importing.column_mapping_dialog import ColumnMappingDialog
from irdesk.gui.importing.mappable_file import MappableFile
from irdesk.gui.importing.not_incidents import NotIncidentsBox
from irdesk.gui.importing.options_form import ImportOptionsForm
from irdesk.gui.importing.presentation import asks_for_zone, failure_text, progress_text
from irdesk.gui.importing.report_view import ImportReportView
from irdesk.gui.importing.slack_links import IncidentChoice, SlackLinksBox
from irdesk.gui.importing.states import RUNNING, WRITING_IMPORT, Headline, State, headline_for
from irdesk.gui.importing.work import ImportRunner, Outcome, incident_choices
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import ImportReport
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.column_mapping import ColumnMapping
from irdesk.storage.database import Database

# A preview that finishes quicker than this never shows its progress bar: no flicker.
PROGRESS_DELAY_MS = 200
MAP_COLUMNS_TEXT = "&Map columns…"
EDIT_MAPPING_TEXT = "&Edit column mapping…"


def _holds(chosen: Path, name: str) -> bool:
    """Whether the file the pipeline names `name` is `chosen` or inside it (a zip's
    members are "export.zip!page.json", a folder's its paths)."""
    text = str(chosen)
    return name == text or name.startswith((f"{text}!", f"{text}/", f"{text}\\"))


# ------------------------------------------------------------------- the dialog


class ImportDialog(QDialog):
    """Preview, then import; reused by the window for every import."""

    preview_finished = Signal()  # a preview ended: its report, or the problem, is shown
    import_finished = Signal()  # an import ended: written, cancelled or failed
    imported = Signal(object)  # the ImportReport of a committed import

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
        self.runner = ImportRunner(tasks, self)
        self.runner.progressed.connect(self._on_progress)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.runner.crashed.connect(self._crashed)
        self._shut = False

        self.setWindowTitle("Import incidents")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setSizeGripEnabled(True)
        fit_to_screen(self, 820, 620)
        self._build()

    # ---------------------------------------------------------------- building

    def _build(self) -> None:
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title_label.setFont(font)

        self.options_box = ImportOptionsForm()
        self.options_box.source_changed.connect(self.preview)
        self.options_box.zone_typed.connect(self._zone_typed)
        self.options_box.zone_applied.connect(lambda explicit: self._apply_zone(explicit=explicit))
        self.options_box.clock_changed.connect(self.preview)
        self.options_box.skip_changed.connect(self.preview)

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

        self.report_view = ImportReportView()
        self.not_incidents_box = NotIncidentsBox()
        self.report_view.remove_requested.connect(self.remove_file)

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
        layout.addWidget(self.report_view, 1)
        layout.addWidget(self.not_incidents_box)
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
            clock_offsets=self.options_box.clock_box.offsets(),
            format=self.options_box.source_combo.currentData(),
            slack_channels=self.slack_box.links(),
            key_reaction=self.slack_box.reaction(),
            column_mapping=self._column_mapping,
            not_incidents=self.not_incidents_box.marked(),
            skip_bad_records=self.options_box.skip_check.isChecked(),
        )

    def start(self, db: Database, paths: Sequence[Path]) -> bool:
        """Preview importing `paths` into `db`; False while an import is being written."""
        if self.writing:
            return False
        self.db = db
        self.paths = [Path(p) for p in paths]
        self.title_label.setText(f"Import into {shown_name(db.path)}")
        self.title_label.setToolTip("\n".join(str(p) for p in self.paths))
        # Options that belong to the files chosen before go with them.
        self._column_mapping = None
        self.slack_box.reset()
        self.slack_box.hide()
        self.not_incidents_box.reset()
        self.options_box.new_files()
        self._zone = None  # asked for each batch: the last one is only offered
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
        self.options_box.stop_zone_timer()
        self.report = None
        self.problem = None
        self.mappable = None
        self.slack_box.mark_applied()
        self.report_view.show_paths(self.paths, "…")
        self._launch(dry_run=True)
        self._enter(State.PREVIEWING)

    def remove_file(self, name: str) -> None:
        """Take the file `name` (as the table shows it) out of the batch and preview the
        rest; a file found inside a chosen zip or folder takes that zip or folder out."""
        if self.writing or len(self.paths) < 2:
            return
        chosen = next((p for p in self.paths if _holds(p, name)), None)
        if chosen is None:
            return
        self.paths.remove(chosen)
        self.title_label.setToolTip("\n".join(str(p) for p in self.paths))
        self.preview()

    def start_import(self) -> None:
        if self.state is not State.READY or self.db is None:
            return
        self._launch(dry_run=False)
        self._enter(State.IMPORTING)

    def cancel(self) -> None:
        """Stop the running work; an import being written rolls back."""
        self.runner.cancel()
        if self.state in (State.IMPORTING, State.WRITING):
            self._enter(State.CANCELLING)

    def shut_down(self) -> None:
        """The window is closing: stop whatever runs, and go."""
        self._shut = True
        self.runner.cancel()
        self.options_box.stop_zone_timer()
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
        self.runner.cancel()  # a preview still running need not finish
        self.options_box.stop_zone_timer()
        self._close_mapping_dialog()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.writing:
            self.reject()
            event.ignore()
            return
        self.runner.cancel()
        super().closeEvent(event)

    # ---------------------------------------------------------------- running

    def _launch(self, *, dry_run: bool) -> None:
        assert self.db is not None
        self.runner.start(self.db, self.paths, self.options(), dry_run=dry_run)
        self.progress_label.setText("Reading…" if dry_run else "Importing…")
        self.progress_bar.setRange(0, 0)
        self._progress_timer.start(0 if not dry_run else PROGRESS_DELAY_MS)

    def _on_progress(self, what: str, done: int, total: int) -> None:
        if self.state not in RUNNING:
            return
        self.progress_label.setText(progress_text(what, done, total))
        if total <= 1 and done == 0:
            self.progress_bar.setRange(0, 0)  # one step of unknown length
        else:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
        if self.state is State.IMPORTING and what.startswith("Writing"):
            self._enter(State.WRITING)

    def _finished(self, dry_run: bool, outcome: Outcome) -> None:
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

    def _failed(self, dry_run: bool, exc: Exception) -> None:
        self._enter(State.FAILED, error=failure_text(exc))
        (self.preview_finished if dry_run else self.import_finished).emit()

    def _crashed(self, exc: object) -> None:
        """A bug in the worker went to the crash dialog; the dialog must not wait forever."""
        dry_run = self.state is State.PREVIEWING
        self._enter(State.FAILED, error=f"The import stopped on an unexpected error: {exc}")
        (self.preview_finished if dry_run else self.import_finished).emit()

    # ------------------------------------------------------------- options

    def _zone_typed(self) -> None:
        # The shown preview no longer matches what the field says: no importing with it.
        if self.state in (State.READY, State.CANCELLED):
            self._enter(State.BLOCKED)

    def _apply_zone(self, *, explicit: bool) -> None:
        options = self.options_box
        options.stop_zone_timer()
        if self.writing or self.db is None or self._shut or not self.isVisible():
            return  # also: the field lost focus because the dialog is closing
        text = options.zone_edit.text().strip()
        try:
            zone = parse_zone(text) if text else None
        except ValueError:
            options.show_zone_note(unknown_zone_text(text) if explicit else "")
            if self.state is State.READY:
                self._enter(State.BLOCKED)
            return
        if zone is not None and zone.key != text:
            options.zone_edit.setText(zone.key)  # 'europe/madrid' → 'Europe/Madrid'
        options.show_zone_note("")
        options.zone_completer.popup().hide()
        if zone != self._zone:
            self._zone = zone
            self.preview()
        elif self.state is State.BLOCKED and self.report is not None:
            self._enter(State.READY)  # edited and put back: the shown preview still holds

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
        self.slack_box.show_unlinked(
            list(report.unlinked_channels) if report is not None else [],
            problem.channel if problem else None,
            has_slack=report is not None and any(f.format == "slack" for f in report.files),
        )

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
        self.report_view.setEnabled(
            state in (State.READY, State.DONE, State.CANCELLED, State.BLOCKED)
        )
        self.report_view.set_removable(
            state in (State.READY, State.BLOCKED, State.CANCELLED, State.FAILED)
            and len(self.paths) > 1
        )
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
        headline = headline_for(
            state,
            report=self.report,
            problem=self.problem,
            mappable=self.mappable,
            slack_pending=self.slack_box.pending,
            cancel_came_late=self.runner.cancelled,
            error=error,
        )
        if headline is not None:
            self._headline(headline)

    def _headline(self, headline: Headline) -> None:
        self.headline.setText(headline.html)
        self.headline_box.setStyleSheet(headline.style)
        mappable = self.mappable
        self.map_button.setVisible(
            self.state is State.BLOCKED and self.problem is not None and mappable is not None
        )
        if mappable is not None:
            self.map_button.setText(EDIT_MAPPING_TEXT if mappable.mapped else MAP_COLUMNS_TEXT)

    def _set_progress_visible(self, visible: bool) -> None:
        self.progress_label.setVisible(visible)
        self.progress_bar.setVisible(visible)

    def _show_problem(self, problem: ImportProblem, mappable: MappableFile | None) -> None:
        self.problem = problem
        self.mappable = mappable
        self.report = None
        self.report_view.show_paths(self.paths, "—")
        self.not_incidents_box.hide()  # its marks wait for the next preview
        self._enter(State.BLOCKED)
        self._show_slack(None, problem)
        if asks_for_zone(problem):
            self.options_box.zone_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.options_box.zone_edit.selectAll()
        elif mappable is not None:
            self.map_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_report(self, report: ImportReport) -> None:
        self.report_view.show_report(report)
        if report.dry_run:
            self.not_incidents_box.show_report(report)
        self._show_slack(report, None)
        clock_box = self.options_box.clock_box
        clock_box.set_sources(sources_in(report))
        self.options_box.show_clock(clock_box.source_combo.count() > 0)
