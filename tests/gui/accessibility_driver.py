"""What a screen reader and a keyboard user meet in a window: names, Alt keys, Tab order."""

from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QTabBar,
    QTextEdit,
    QWidget,
)

CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QTextEdit,
    QPlainTextEdit,
    QAbstractItemView,
    QTabBar,
    QSlider,
)
# Pieces of a control that Qt presents as part of it: a line edit's clear button, a combo
# box's or spin box's own line edit, a tab bar's scroll arrows, a table's header.
COMPOSITES = (QLineEdit, QComboBox, QAbstractSpinBox, QTabBar)


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def accessible_description(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Description).strip() if interface is not None else ""


def visible_controls(window: QWidget) -> Iterator[QWidget]:
    """Every control shown in `window` that a user can reach, composites' pieces left out."""
    for widget in window.findChildren(QWidget):
        # A widget of our own that takes the focus is a control too: the walk page, say.
        # (One that hands its focus on, as a tab widget to its tab bar, is named there.)
        focusable = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and not widget.focusProxy()
        if not (isinstance(widget, CONTROLS) or focusable) or isinstance(widget, QHeaderView):
            continue
        if not widget.isVisible() or isinstance(widget.parentWidget(), COMPOSITES):
            continue
        yield widget


def describe(widget: QWidget) -> str:
    """Enough to find the widget in the code: its class, object name, text or tooltip."""
    text = widget.text() if isinstance(widget, QAbstractButton | QLineEdit) else ""
    hint = widget.toolTip() or (widget.placeholderText() if isinstance(widget, QLineEdit) else "")
    parent = widget.parentWidget()
    owner = type(parent).__name__ if parent is not None else ""
    return f"{type(widget).__name__}({widget.objectName()!r}, {text!r}, {hint!r}) in {owner}"


def named(widget: QWidget, window: QWidget) -> bool:
    """A combo box Qt names by its current value ("Full postmortem"), which says what is
    chosen but not what is being chosen: it needs a name of its own or a label."""
    if isinstance(widget, QComboBox) and not widget.accessibleName():
        return any(label.buddy() is widget for label in window.findChildren(QLabel))
    return bool(accessible_name(widget))


def unnamed(window: QWidget) -> list[str]:
    return [f"no name: {describe(w)}" for w in visible_controls(window) if not named(w, window)]


def undescribed_views(window: QWidget) -> list[str]:
    return [
        f"no description: {describe(w)}"
        for w in visible_controls(window)
        if isinstance(w, QAbstractItemView) and not accessible_description(w)
    ]


def mnemonic(text: str) -> str | None:
    text = text.replace("&&", "")
    at = text.find("&")
    return text[at + 1].lower() if 0 <= at < len(text) - 1 else None


def alt_keys(window: QWidget) -> dict[str, list[str]]:
    """Alt letter → the texts of the buttons and buddied labels shown in `window` that own it."""
    owners: dict[str, list[str]] = {}
    texts = [b.text() for b in window.findChildren(QAbstractButton) if b.isVisible()]
    texts += [
        label.text()
        for label in window.findChildren(QLabel)
        if label.isVisible() and label.buddy() is not None
    ]
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            texts += [bar.tabText(i) for i in range(bar.count()) if bar.isTabVisible(i)]
    for text in texts:
        letter = mnemonic(text)
        if letter is not None:
            owners.setdefault(letter, []).append(text)
    return owners


def clashes(window: QWidget) -> dict[str, list[str]]:
    return {letter: texts for letter, texts in alt_keys(window).items() if len(texts) > 1}


def takes_focus(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isEnabled()


def unreachable_by_tab(window: QWidget) -> list[str]:
    """The enabled, shown controls that Tab, pressed round the window, never focuses."""
    window.activateWindow()
    controls = [w for w in visible_controls(window) if w.isEnabled()]
    reached: set[int] = set()
    for _ in range(2 * len(controls) + 10):
        window.focusNextChild()
        focused = window.focusWidget()
        while focused is not None and focused is not window:
            # A composite's inner line edit, or a view's viewport, stands for the control.
            reached.add(id(focused))
            focused = focused.parentWidget()
    return [describe(w) for w in controls if id(w) not in reached]
