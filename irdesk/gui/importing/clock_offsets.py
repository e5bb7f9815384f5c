"""The import dialog's clock correction: how far each source's clock ran ahead.

A tool whose server clock was off writes times that are off by the same amount;
the facilitator who knows (say PagerDuty's clock ran 90 s fast) enters it once per
source and every time from that source is moved back by it. The same as
`irdesk import --clock-offset SOURCE=SECONDS`.
"""

from collections.abc import Iterable
from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from irdesk.importers.pipeline import ImportReport

# A day either way: anything more is a wrong date, not a drifting clock.
LIMIT_SECONDS = 86_400
HINT = (
    "How many seconds this source's clock ran ahead (negative: behind). Its times are "
    "moved back by that much. Same as --clock-offset on the command line."
)


def sources_in(report: ImportReport) -> list[str]:
    """The sources whose times this import reads, in the order the files name them."""
    names: dict[str, None] = {}
    for parsed in report.files:
        for incident in parsed.incidents:
            names.setdefault(incident.source, None)
        names.update(dict.fromkeys(parsed.streamed))  # a large file's, written as read
        for batch in parsed.event_batches:
            names.setdefault(batch.source, None)
    return list(names)


class ClockOffsetBox(QWidget):
    """A source chooser and a seconds field; `changed` once a value has been set."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._offsets: dict[str, int] = {}
        self.source_combo = QComboBox()
        self.source_combo.setToolTip("The source whose clock was off")
        self.source_combo.setAccessibleName("Source with a clock offset")
        self.seconds = QSpinBox()
        self.seconds.setRange(-LIMIT_SECONDS, LIMIT_SECONDS)
        self.seconds.setSuffix(" s")
        self.seconds.setKeyboardTracking(False)  # one preview per value, not per digit
        self.seconds.setAccelerated(True)
        self.seconds.setToolTip(HINT)
        self.seconds.setAccessibleName("Clock offset in seconds")
        self.note = QLabel("ahead (negative: behind)")
        self.note.setEnabled(False)  # secondary text
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.source_combo)
        layout.addWidget(self.seconds)
        layout.addWidget(self.note, 1)
        self.source_combo.currentIndexChanged.connect(self._source_chosen)
        self.seconds.valueChanged.connect(self._seconds_set)

    def set_sources(self, sources: Iterable[str]) -> None:
        """The sources of the latest preview, plus any with an offset already set."""
        names = list(dict.fromkeys([*sources, *self._offsets]))
        current = self.source_combo.currentText()
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        self.source_combo.addItems(names)
        if current in names:
            self.source_combo.setCurrentText(current)
        self.source_combo.blockSignals(False)
        self._source_chosen()

    def offsets(self) -> dict[str, timedelta]:
        return {name: timedelta(seconds=s) for name, s in self._offsets.items() if s}

    def reset(self) -> None:
        self._offsets.clear()
        self.set_sources([])

    def _source_chosen(self) -> None:
        source = self.source_combo.currentText()
        self.seconds.blockSignals(True)
        self.seconds.setValue(self._offsets.get(source, 0))
        self.seconds.blockSignals(False)
        self.seconds.setEnabled(bool(source))

    def _seconds_set(self, value: int) -> None:
        source = self.source_combo.currentText()
        if not source or self._offsets.get(source, 0) == value:
            return
        self._offsets[source] = value
        self.changed.emit()
