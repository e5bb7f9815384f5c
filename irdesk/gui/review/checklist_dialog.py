"""Pick some of a list (timeline events for a finding, findings for an action item, attendees).

A filter box narrows the list as one types; Space ticks the current item; the
dialog only answers `chosen_ids()` once accepted, the caller writes.
"""

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.fit import fit_to_screen

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ChecklistDialog(QDialog):
    def __init__(
        self,
        title: str,
        explanation: str,
        items: Sequence[tuple[int, str]],
        checked: Iterable[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_to_screen(self, 640, 480)
        chosen = set(checked)
        self.model = QStandardItemModel(self)
        for item_id, text in items:
            item = QStandardItem(text)
            item.setData(item_id, ID_ROLE)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(
                Qt.CheckState.Checked if item_id in chosen else Qt.CheckState.Unchecked
            )
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter…")
        self.filter_edit.setAccessibleName("Filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName(self.windowTitle() or "Choices")
        self.list.setAccessibleDescription("One row per choice; Space ticks or unticks it")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel(explanation)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def set_checked(self, item_id: int, checked: bool) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.data(ID_ROLE) == item_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen_ids(self) -> list[int]:
        return [
            self.model.item(row).data(ID_ROLE)
            for row in range(self.model.rowCount())
            if self.model.item(row).checkState() == Qt.CheckState.Checked
        ]
