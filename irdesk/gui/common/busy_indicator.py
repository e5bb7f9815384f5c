"""The status bar's busy indicator: what the background work is doing, and a moving bar."""

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from irdesk.gui.common.background import BackgroundTasks

# Work that finishes quicker than this shows no indicator: no flicker on every click.
SHOW_DELAY_MS = 250


class BusyIndicator(QObject):
    """Shown while `tasks` has work queued, unless that work ends before the delay."""

    def __init__(self, tasks: BackgroundTasks, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: we cannot know how long SQLite takes
        self.progress.setMaximumWidth(120)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        bar.addPermanentWidget(self.label)
        bar.addPermanentWidget(self.progress)
        self._set_visible(False)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOW_DELAY_MS)
        self._timer.timeout.connect(lambda: self._set_visible(True))
        tasks.busy_changed.connect(self._busy_changed)
        tasks.progress.connect(self.label.setText)

    @property
    def visible(self) -> bool:
        return self.progress.isVisible()

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._timer.start()
        else:
            self._timer.stop()
            self._set_visible(False)

    def _set_visible(self, visible: bool) -> None:
        self.label.setVisible(visible)
        self.progress.setVisible(visible)
