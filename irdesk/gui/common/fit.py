"""Windows that open on the screen they are on: never larger than what it shows.

A projector at 1024×768 or a 13-inch laptop at 1280×800 has less room than the sizes
irdesk's windows prefer. `fit_to_screen` takes the preferred size and gives the window
at most the screen's available area (less a margin for the window frame), and
`scrolling` puts a long form in a scroll area so its buttons stay in reach.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

# The window frame and title bar take room the available geometry still counts.
FRAME_ALLOWANCE = QSize(16, 48)


def screen_of(widget: QWidget) -> QScreen | None:
    parent = widget.parentWidget()
    window = parent.window() if parent is not None else widget
    return window.screen() or QGuiApplication.primaryScreen()


def available_area(widget: QWidget) -> QRect:
    screen = screen_of(widget)
    if screen is None:
        return QRect(0, 0, 1024, 768)
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize `widget` to width×height, or to as much of its screen as there is."""
    area = available_area(widget)
    room = area.size() - FRAME_ALLOWANCE
    size = QSize(min(width, room.width()), min(height, room.height()))
    widget.resize(size)
    # A dialog is centred over its parent by Qt when shown; a window of its own, here.
    if widget.parentWidget() is None:
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
    return area
