"""Windows that open on the screen they are on: never larger than what it shows.

A projector at 1024×768 or a 13-inch laptop at 1280×800 has less room than the sizes
irdesk's windows prefer. `fit_to_screen` takes the preferred size and gives the window
at most the screen's available area (less a margin for the window frame), and
`scrolling` puts a long form in a scroll area so its buttons stay in reach.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QDialog, QFrame, QScrollArea, QWidget

# The window frame and title bar take room the available geometry still counts.
FRAME_ALLOWANCE = QSize(16, 48)


def screen_of(widget: QWidget, near: QWidget | None = None) -> QScreen | None:
    """The screen `widget` belongs on: `near`'s, its parent window's, or its own."""
    anchor = near or widget.parentWidget()
    window = anchor.window() if anchor is not None else widget
    return window.screen() or QGuiApplication.primaryScreen()


def available_area(widget: QWidget, near: QWidget | None = None) -> QRect:
    screen = screen_of(widget, near)
    if screen is None:
        return QRect(0, 0, 1024, 768)
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, width: int, height: int, *, near: QWidget | None = None) -> None:
    """Resize `widget` to width×height, or to as much of its screen as there is.

    The screen is `near`'s (the window that opened it), else its parent's. A dialog is
    centred over its parent by Qt when shown; any other window is centred here.
    """
    area = available_area(widget, near)
    room = area.size() - FRAME_ALLOWANCE
    widget.resize(QSize(min(width, room.width()), min(height, room.height())))
    if isinstance(widget, QDialog) and near is None:
        return
    screen = screen_of(widget, near)
    if screen is not None and widget.screen() is not screen:
        widget.setScreen(screen)
    frame = widget.frameGeometry()
    frame.moveCenter(area.center())
    top_left = frame.topLeft()
    widget.move(max(top_left.x(), area.left()), max(top_left.y(), area.top()))


def scrolling(content: QWidget) -> QScrollArea:
    """`content` in a frameless scroll area that scrolls only when the window is short."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(content)
    # Tab goes from field to field and the area scrolls each into view; a stop of its own
    # would be one more, unnamed, for a keyboard or a screen reader.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area
