"""The message boxes the window shows: modeless, so the window stays usable behind them."""

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def show_message(
    parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, informative: str = ""
) -> QMessageBox:
    """A modeless box over `parent`: tests find it among the parent's children and accept it.

    Plain text only: file names and incident titles come from outside and may hold "<".
    """
    # For Help › Report a Problem: what the user was told, in this session's log.
    logging.getLogger("irdesk").info("%s: %s %s", title, text, informative)
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(informative)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box
