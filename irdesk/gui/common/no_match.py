"""A sentence over an item view that a filter emptied: "No incident matches “xyz”."

An empty table looks the same whether nothing matched, nothing has loaded yet or the
file holds nothing; the sentence says which, and a screen reader reads it.
"""

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel

from irdesk.gui.common.colours import make_quiet


class NoMatchNotice(QLabel):
    """Centred over `view` while it shows no rows and `describe()` gives a sentence;
    `describe` returns None when no filter is set (an empty table then says nothing)."""

    def __init__(self, view: QAbstractItemView, describe: Callable[[], str | None]) -> None:
        super().__init__(view.viewport())
        self.view = view
        self.describe = describe
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # the typed text is shown as typed
        make_quiet(self)
        self.hide()
        model = view.model()
        for signal in (
            model.modelReset,
            model.rowsInserted,
            model.rowsRemoved,
            model.layoutChanged,
        ):
            signal.connect(self.update_notice)
        view.viewport().installEventFilter(self)

    def update_notice(self) -> None:
        text = self.describe() if self.view.model().rowCount() == 0 else None
        if text:
            self.setText(text)
            self.setGeometry(self.view.viewport().rect())
        self.setVisible(bool(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.view.viewport().rect())
        return super().eventFilter(watched, event)
