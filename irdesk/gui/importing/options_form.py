"""The import dialog's options: the source format, the time zone, clock offsets, and
whether records that cannot be read are left out (listed in the report) instead of
refusing the whole import.

The time zone is applied when the user is done with it (Enter, leaving the field,
picking a completion) or has paused typing: `zone_applied(explicit)` says which,
so that only an explicit one is told it is not a zone irdesk knows.
"""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from irdesk.gui.common.colours import text_style
from irdesk.gui.common.zones import zone_completer
from irdesk.gui.importing.clock_offsets import ClockOffsetBox
from irdesk.importers import registry

AUTO_DETECT = "Detect automatically"
ZONE_PLACEHOLDER = "None: only for exports without zones (Jira CSV), e.g. Europe/Madrid"
ZONE_HINT = "Needed only for exports whose times carry no zone (Jira CSV); never guessed."
ZONE_APPLY_DELAY_MS = 600


class ImportOptionsForm(QWidget):
    source_changed = Signal()
    zone_typed = Signal()  # the field no longer says what the preview used
    zone_applied = Signal(bool)  # explicit: the user is done with it, not only pausing
    clock_changed = Signal()
    skip_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source_combo = QComboBox()
        self.source_combo.addItem(AUTO_DETECT, None)
        for source_format in registry.formats():
            self.source_combo.addItem(source_format.label, source_format.name)
        self.source_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_combo.setMinimumContentsLength(24)
        self.source_combo.currentIndexChanged.connect(lambda _index: self.source_changed.emit())

        self.zone_edit = QLineEdit()
        self.zone_edit.setPlaceholderText(ZONE_PLACEHOLDER)
        self.zone_edit.setClearButtonEnabled(True)
        self.zone_edit.setToolTip(ZONE_HINT)
        completer = zone_completer(self)
        self.zone_edit.setCompleter(completer)
        self.zone_completer = completer
        # After setCompleter: the line edit takes the chosen name first, then we read it.
        completer.activated.connect(lambda _text: self.zone_applied.emit(True))
        self.zone_edit.textEdited.connect(self._zone_typed)
        self.zone_edit.editingFinished.connect(self._zone_finished)
        # Enter in the zone field applies the zone; it never imports with the old one.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.zone_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self.zone_applied.emit(True))
        self._zone_timer = QTimer(self)
        self._zone_timer.setSingleShot(True)
        self._zone_timer.setInterval(ZONE_APPLY_DELAY_MS)
        self._zone_timer.timeout.connect(lambda: self.zone_applied.emit(False))
        # Says what is wrong with the zone typed; hidden while there is nothing to say.
        self.zone_note = QLabel()
        self.zone_note.setWordWrap(True)
        self.zone_note.setStyleSheet(f"QLabel {{ {text_style('#b3261e')} }}")

        # The zone of the last batch, offered (never applied) for the next one: files from
        # another team may be in another zone, and a wrong zone shifts every time silently.
        self.last_zone = ""
        self.last_zone_button = QPushButton()
        self.last_zone_button.setToolTip("Use the time zone of the previous import again")
        self.last_zone_button.clicked.connect(self._use_last_zone)
        self.last_zone_button.hide()
        zone_row = QHBoxLayout()
        zone_row.setContentsMargins(0, 0, 0, 0)
        zone_row.addWidget(self.zone_edit, 1)
        zone_row.addWidget(self.last_zone_button)

        self._form = form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        source_label = QLabel("&Source:")
        source_label.setBuddy(self.source_combo)
        zone_label = QLabel("&Time zone:")
        zone_label.setBuddy(self.zone_edit)
        form.addRow(source_label, self.source_combo)
        form.addRow(zone_label, zone_row)
        form.addRow("", self.zone_note)
        form.setRowVisible(self.zone_note, False)
        self.clock_box = ClockOffsetBox()
        self.clock_box.changed.connect(self.clock_changed)
        clock_label = QLabel("&Clock offset:")
        clock_label.setBuddy(self.clock_box.seconds)
        form.addRow(clock_label, self.clock_box)
        form.setRowVisible(self.clock_box, False)  # until a preview names its sources
        self.skip_check = QCheckBox("Leave out records that cannot be read (&listed in the report)")
        self.skip_check.setToolTip(
            "Without it, one record irdesk cannot read stops the whole import, "
            "and nothing is written"
        )
        self.skip_check.toggled.connect(lambda _on: self.skip_changed.emit())
        form.addRow("", self.skip_check)
        form.setContentsMargins(0, 0, 0, 0)

    def _use_last_zone(self) -> None:
        self.zone_edit.setText(self.last_zone)
        self.zone_applied.emit(True)

    def _zone_typed(self, _text: str) -> None:
        self.zone_typed.emit()
        self._zone_timer.start()

    def _zone_finished(self) -> None:
        # The field also loses focus as the dialog goes (hidden, or torn down): that is not
        # the user finishing the zone, and a form being torn down cannot signal any more.
        if self.isVisible():
            self.zone_applied.emit(True)

    def stop_zone_timer(self) -> None:
        """The zone is being applied (or the dialog goes): no second application after a pause."""
        self._zone_timer.stop()

    def show_zone_note(self, text: str) -> None:
        self.zone_note.setText(text)
        self._form.setRowVisible(self.zone_note, bool(text))

    def show_clock(self, visible: bool) -> None:
        self._form.setRowVisible(self.clock_box, visible)

    def new_files(self) -> None:
        """Options that belong to the files chosen before go with them, the zone too.

        The zone used last is offered as a suggestion (a button and the placeholder), so a
        CSV from another place is never read in the previous batch's zone without a word.
        """
        if typed := self.zone_edit.text().strip():
            self.last_zone = typed
        self.zone_edit.clear()
        self.show_zone_note("")
        if self.last_zone:
            self.zone_edit.setPlaceholderText(f"Last used: {self.last_zone} (not applied)")
            self.last_zone_button.setText(f"Use {self.last_zone}")
        self.last_zone_button.setVisible(bool(self.last_zone))
        self.source_combo.blockSignals(True)
        self.source_combo.setCurrentIndex(0)
        self.source_combo.blockSignals(False)
        self.clock_box.reset()
        self.show_clock(False)
        # Leaving records out is decided for each batch, after seeing what is wrong.
        self.skip_check.blockSignals(True)
        self.skip_check.setChecked(False)
        self.skip_check.blockSignals(False)
