"""The status bar's busy indicator: what the background work is doing, and a moving bar.

It also stands in for the first opening of a heavy screen (the dashboard, the packet
dialog, the policy editor, the import dialog): the window starts without their
modules, so the first opening imports them on the GUI thread, and `first_import`
shows the wait cursor and says what is loading while it does.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QStatusBar

from irdesk.gui.common.background import BackgroundTasks

# Work that finishes quicker than this shows no indicator: no flicker on every click.
SHOW_DELAY_MS = 250


class BusyIndicator(QObject):
    """Shown while `tasks` has work queued, unless that work ends before the delay."""

    def __init__(self, tasks: BackgroundTasks, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.bar = bar
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

    @contextmanager
    def first_import(self, text: str, *modules: str) -> Iterator[None]:
        """Around importing `modules` on the GUI thread: busy while they load the first time.

        The import holds the event loop, so the wait cursor and `text` are put on the
        screen before it starts rather than left to a paint that would come too late.
        Modules loaded already cost nothing and show nothing.
        """
        if all(name in sys.modules for name in modules):
            yield
            return
        was_visible, was_text = self.visible, self.label.text()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.label.setText(text)
        self._set_visible(True)
        layout = self.bar.layout()
        if layout is not None:
            layout.activate()  # place the label now; the layout request would wait for the loop
        self.bar.repaint()
        try:
            yield
        finally:
            self.label.setText(was_text)
            self._set_visible(was_visible)
            QApplication.restoreOverrideCursor()

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._timer.start()
        else:
            self._timer.stop()
            self._set_visible(False)

    def _set_visible(self, visible: bool) -> None:
        self.label.setVisible(visible)
        self.progress.setVisible(visible)
