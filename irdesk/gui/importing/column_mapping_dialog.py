"""Import › Map columns: say once which column of an unknown CSV/JSON export holds what.

When an import stops because a file is a table irdesk has no importer for, the
import dialog offers this dialog. It shows the file's columns, a column for each
incident field (pre-filled from `suggest_mapping`, or from the mapping stored for
these columns), a source name, how the times are written and their zone, and a
live preview (importing.mapping_preview) of the first incidents read through the
mapping, or the first located problem instead. OK stores the mapping (MappingStore, by header
signature), so the next export with these columns is recognised on its own.
"""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.zones import parse_zone, unknown_zone_text, zone_completer
from irdesk.gui.importing.mappable_file import (
    DATE_PATTERNS,
    MappableFile,
    default_source_name,
    guess_date_format,
    needs_zone,
    problem_text,
)
from irdesk.gui.importing.mapping_preview import FIELD_LABELS, MappingPreview
from irdesk.importers.formats import generic
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.column_mapping import (
    FIELDS,
    REQUIRED_FIELDS,
    TIME_FIELDS,
    ColumnMapping,
    MappingStore,
    MappingStoreError,
    normalise,
    suggest_mapping,
)
from irdesk.importers.records import IncidentRecord

FIELD_HINTS = {
    "external_id": "The tool's own id for each incident; it keys the incident in irdesk.",
    "title": "A one-line description of the incident.",
    "started_at": "When the impact began.",
    "detected_at": "When someone or something noticed.",
    "acknowledged_at": "When someone took it on.",
    "mitigated_at": "When the impact stopped.",
    "resolved_at": "When the incident was closed.",
    "severity": "SEV1…SEV5 as written (SEV2, sev 2); other values are kept as they are.",
    "service": "The service or component affected.",
    "status": "Open, investigating, resolved, closed…; empty follows the times.",
    "url": "A link to the incident in its tool.",
    "summary": "A longer description or notes.",
}
# The left column of the grid: what every incident needs, then its times.
LEFT_FIELDS = ("external_id", "title", *TIME_FIELDS)
RIGHT_FIELDS = tuple(name for name in FIELDS if name not in LEFT_FIELDS)
NO_COLUMN = "(none)"
ISO_TEXT = "ISO 8601 (2026-10-14T09:30:00+02:00)"
EXAMPLE_TIME = datetime(2026, 10, 14, 9, 30)  # noqa: DTZ001 (only ever formatted)
PREVIEW_ROWS = 10
SAMPLE_ROWS = 50
TEXT_APPLY_DELAY_MS = 250
_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


# ------------------------------------------------------------------------ dialog


class ColumnMappingDialog(QDialog):
    """Emits `preview_updated` after every preview; `mapping` holds what OK saved."""

    preview_updated = Signal()

    def __init__(
        self,
        mappable: MappableFile,
        *,
        zone: ZoneInfo | None = None,
        options: ImportOptions | None = None,
        store: MappingStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.mappable = mappable
        self.header = list(mappable.header)
        self.content = Content(mappable.file)
        try:
            # Read once: the samples the date format is guessed from, and the row count.
            self._rows = generic.read_table(self.content).rows
        except ImportProblem:
            self._rows = []  # the preview names the problem
        self.options = options or ImportOptions()
        self.store = store or MappingStore()
        self.mapping: ColumnMapping | None = None  # set by OK, once stored
        self.problem: ImportProblem | None = None
        self.error = ""
        self._date_format_chosen = False

        self.setWindowTitle("Map columns")
        self.setSizeGripEnabled(True)
        fit_to_screen(self, 980, 720)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TEXT_APPLY_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self._build()
        self._fill(self._starting_mapping(), zone)
        self.refresh_preview()

    # ---------------------------------------------------------------- building

    def _build(self) -> None:
        title = QLabel(f"Map the columns of {self.mappable.name}")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        title.setFont(font)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setToolTip(self.mappable.file.name)
        intro = QLabel(
            "irdesk has no importer for this file. Say which column holds what; irdesk "
            "remembers it, so the next file with these columns imports without asking."
        )
        intro.setWordWrap(True)
        self.columns_label = QLabel(
            "<b>Columns in the file:</b> "
            + html.escape(" · ".join(self.header))
            + f" &nbsp;({len(self.header)})"
        )
        self.columns_label.setWordWrap(True)
        self.columns_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.source_edit = QLineEdit()
        self.source_edit.setToolTip(
            "What these incidents are keyed under in irdesk, e.g. ops-tracker:4711. "
            "Letters, digits, '-', '_' and '.'."
        )
        self.source_edit.textEdited.connect(lambda _text: self._timer.start())
        self.date_combo = QComboBox()
        self.date_combo.setEditable(True)
        self.date_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.date_combo.addItem(ISO_TEXT)
        for pattern in DATE_PATTERNS:
            self.date_combo.addItem(pattern)
        self.date_combo.setToolTip(
            "How the times are written: ISO 8601, or a pattern such as %d/%m/%Y %H:%M "
            "(%d day, %m month, %Y year, %H hour, %M minute)."
        )
        self.date_combo.activated.connect(self._date_format_picked)
        self.date_combo.currentIndexChanged.connect(self._date_format_changed)
        line_edit = self.date_combo.lineEdit()
        assert line_edit is not None
        line_edit.textEdited.connect(self._date_format_typed)
        self.date_example = QLabel()
        self.zone_edit = QLineEdit()
        self.zone_edit.setClearButtonEnabled(True)
        self.zone_edit.setPlaceholderText("e.g. Europe/Madrid; needed for times without a zone")
        self.zone_edit.setToolTip("The zone the times were written in; never guessed.")
        self.zone_completer = zone_completer(self)
        self.zone_edit.setCompleter(self.zone_completer)
        self.zone_completer.activated.connect(self._zone_picked)
        self.zone_edit.textEdited.connect(lambda _text: self._timer.start())
        self.zone_edit.editingFinished.connect(self._zone_finished)

        settings = QGridLayout()
        settings.setHorizontalSpacing(10)
        settings.setVerticalSpacing(6)
        settings.setColumnStretch(1, 1)
        settings.setColumnStretch(4, 1)
        settings.setColumnMinimumWidth(2, 18)
        for column in (1, 4):  # two equal halves, as the fields below
            settings.setColumnMinimumWidth(column, 340)
        settings.addWidget(_buddy("&Source name:", self.source_edit), 0, 0)
        settings.addWidget(self.source_edit, 0, 1)
        settings.addWidget(_buddy("Time &zone:", self.zone_edit), 0, 3)
        settings.addWidget(self.zone_edit, 0, 4)
        settings.addWidget(_buddy("Times &written as:", self.date_combo), 1, 0)
        dates = QHBoxLayout()
        dates.setSpacing(10)
        dates.addWidget(self.date_combo, 1)
        dates.addWidget(self.date_example)
        settings.addLayout(dates, 1, 1)

        self.combos: dict[str, QComboBox] = {}
        fields_box = QGroupBox("Which column holds each field  (* required)")
        grid = QGridLayout(fields_box)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(4, 1)
        grid.setColumnMinimumWidth(2, 18)
        for column, names in ((0, LEFT_FIELDS), (3, RIGHT_FIELDS)):
            for row, name in enumerate(names):
                combo = QComboBox()
                combo.addItem(NO_COLUMN, None)
                for header_column in self.header:
                    combo.addItem(header_column, header_column)
                combo.setToolTip(FIELD_HINTS[name])
                combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                combo.setMinimumContentsLength(14)
                combo.currentIndexChanged.connect(
                    lambda _index, field=name: self._column_changed(field)
                )
                star = " *" if name in REQUIRED_FIELDS else ""
                grid.addWidget(_buddy(f"{FIELD_LABELS[name]}{star}:", combo), row, column)
                grid.addWidget(combo, row, column + 1)
                self.combos[name] = combo

        self.preview = MappingPreview(self)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Save Mapping")
        self.ok_button.setToolTip("Remember this mapping for files with these columns and import")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.columns_label)
        layout.addLayout(settings)
        layout.addWidget(fields_box)
        layout.addWidget(self.preview.heading)
        layout.addWidget(self.preview.stack, 1)
        layout.addWidget(self.buttons)

    def _starting_mapping(self) -> ColumnMapping:
        """The mapping that reads these columns now (to edit it), else a guess from their names."""
        own = self.options.column_mapping
        if own is not None and own.fits(self.header):
            return own
        try:
            stored = self.store.for_header(self.header)
        except MappingStoreError:
            stored = None
        if stored is not None:
            return stored
        return suggest_mapping(self.header, default_source_name(self.mappable.file.name))

    def _fill(self, mapping: ColumnMapping, zone: ZoneInfo | None) -> None:
        self.source_edit.setText(mapping.source)
        spelled = {normalise(name): name for name in self.header}
        for name, combo in self.combos.items():
            column = mapping.columns.get(name)
            found = spelled.get(normalise(column)) if column else None
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(found), 0) if found else 0)
            combo.blockSignals(False)
        zone_name = mapping.zone or (zone.key if zone is not None else "")
        self.zone_edit.setText(zone_name)
        if mapping.date_format is not None:
            self._date_format_chosen = True
            self._set_date_format(mapping.date_format)
        else:
            self._guess_date_format()

    # ------------------------------------------------------------------ state

    def columns(self) -> dict[str, str]:
        """field → column, for every field with one chosen."""
        return {
            name: combo.currentData()
            for name, combo in self.combos.items()
            if combo.currentData() is not None
        }

    def set_column(self, name: str, column: str | None) -> None:
        """Choose `column` (None: none) for field `name`, as picking it in its combo would."""
        combo = self.combos[name]
        index = combo.findData(column) if column is not None else 0
        if index < 0:
            raise ValueError(f"the file has no column {column!r}")
        combo.setCurrentIndex(index)

    def date_format(self) -> str | None:
        text = self.date_combo.currentText().strip()
        return None if not text or text == ISO_TEXT else text

    def _set_date_format(self, pattern: str | None) -> None:
        text = pattern or ISO_TEXT
        index = self.date_combo.findText(text)
        self.date_combo.blockSignals(True)  # the caller previews once it has set everything
        if index >= 0:
            self.date_combo.setCurrentIndex(index)
        else:
            self.date_combo.setEditText(text)
        self.date_combo.blockSignals(False)
        self._show_date_example()

    def _show_date_example(self) -> None:
        pattern = self.date_format()
        if pattern is None:
            self.date_example.setText("e.g. 2026-10-14T09:30:00Z or 2026-10-14 09:30")
            return
        try:
            example = EXAMPLE_TIME.strftime(pattern)
        except ValueError:
            example = "?"
        self.date_example.setText(f"e.g. {example}")

    def mapping_or_error(self) -> tuple[ColumnMapping | None, str]:
        """The mapping the fields describe, or why there is none yet."""
        source = self.source_edit.text().strip()
        if not source:
            return None, "Give a source name: it keys the incidents, e.g. ops-tracker:4711."
        if not _SOURCE_NAME.match(source):
            return None, (
                f"“{source}” cannot be a source name: use letters, digits, '-', '_' and '.', "
                "e.g. ops-tracker."
            )
        zone_text = self.zone_edit.text().strip()
        zone_name = None
        if zone_text:
            try:
                zone = parse_zone(zone_text)
            except ValueError:
                return None, unknown_zone_text(zone_text)
            zone_name = zone.key if zone is not None else None
        try:
            mapping = ColumnMapping(
                source=source,
                columns=self.columns(),
                date_format=self.date_format(),
                zone=zone_name,
            )
        except ValueError as exc:
            return None, str(exc)
        missing = mapping.missing()
        if missing:
            names = " and ".join(FIELD_LABELS[name] for name in missing)
            return None, f"Choose the column that holds the {names.lower()} of each incident."
        return mapping, ""

    # ---------------------------------------------------------------- preview

    def refresh_preview(self) -> None:
        """Read the first incidents through the fields as they are now."""
        self._timer.stop()
        self.problem = None
        mapping, error = self.mapping_or_error()
        records: list[IncidentRecord] = []
        if mapping is not None:
            try:
                parsed = generic.parse_with(self.content, mapping, self.options, limit=PREVIEW_ROWS)
            except ImportProblem as problem:
                self.problem = problem
                error = problem_text(problem)
            else:
                records = parsed.incidents
        self.error = error
        if error or mapping is None:
            self._show_error(error)
        else:
            fields = ["external_id", "title"]
            fields += [name for name in FIELDS[2:] if name in mapping.columns]
            if "status" not in fields:
                fields.append("status")  # follows the times when no column says it
            self.preview.show_incidents(fields, records, total=len(self._rows))
        self.ok_button.setEnabled(not error)
        self.preview_updated.emit()

    def _show_error(self, error: str) -> None:
        hint = ""
        if self.problem is not None and needs_zone(self.problem):
            hint = (
                "These times carry no zone: choose the zone they were written in under "
                "Time zone. irdesk never guesses it."
            )
        elif self.problem is not None and self.problem.field in self._time_columns():
            hint = "Check how the times are written (Times written as) and the column chosen."
        elif self.problem is not None:
            hint = "Choose another column for this field, or fix the file."
        self.preview.show_problem(error, hint)

    # ------------------------------------------------------------- reactions

    def _time_columns(self) -> set[str]:
        """The file's columns chosen for times (ImportProblem.field names a column)."""
        columns = self.columns()
        return {columns[name] for name in TIME_FIELDS if name in columns}

    def _column_changed(self, name: str) -> None:
        if name in TIME_FIELDS and not self._date_format_chosen:
            self._guess_date_format()
        self.refresh_preview()

    def _guess_date_format(self) -> None:
        time_columns = [self.columns()[name] for name in TIME_FIELDS if name in self.columns()]
        rows = self._rows[:SAMPLE_ROWS]
        samples = [cells.get(column) for _location, cells in rows for column in time_columns]
        self._set_date_format(guess_date_format(samples))

    def _date_format_picked(self, _index: int) -> None:
        self._date_format_chosen = True  # no more guessing over the user's choice
        self._show_date_example()
        self.refresh_preview()  # also when the item picked is the one typed over

    def _date_format_changed(self, _index: int) -> None:
        self._show_date_example()
        self.refresh_preview()

    def _date_format_typed(self, _text: str) -> None:
        self._date_format_chosen = True
        self._show_date_example()
        self._timer.start()

    def _zone_picked(self, name: str) -> None:
        self.zone_edit.setText(name)
        self.refresh_preview()

    def _zone_finished(self) -> None:
        text = self.zone_edit.text().strip()
        try:
            zone = parse_zone(text) if text else None
        except ValueError:
            zone = None
        if zone is not None and zone.key != text:
            self.zone_edit.setText(zone.key)  # 'europe/madrid' → 'Europe/Madrid'
        self.refresh_preview()

    # ----------------------------------------------------------------- closing

    def accept(self) -> None:
        """Store the mapping for these columns; the dialog stays open if that fails."""
        self.refresh_preview()
        mapping, _error = self.mapping_or_error()
        if mapping is None or self.error:
            return
        try:
            self.store.save(self.header, mapping)
        except (MappingStoreError, ValueError, OSError) as exc:
            self.error = f"The mapping could not be saved: {exc}"
            self._show_error(self.error)
            self.ok_button.setEnabled(False)
            return
        self.mapping = mapping
        super().accept()

    def reject(self) -> None:
        self._timer.stop()
        super().reject()


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label
