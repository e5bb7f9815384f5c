"""The window's menu bar, each menu held by name: screens add their entries to these.

Nothing looks a menu up by its label: a label is for people (and changes with
an accelerator), the attribute is for code.
"""

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

# Some platform themes bind no key to a standard action (Quit, on a bare X11 or
# offscreen session); the usual key beats none.
FALLBACK_KEYS = {
    QKeySequence.StandardKey.New: "Ctrl+N",
    QKeySequence.StandardKey.Open: "Ctrl+O",
    QKeySequence.StandardKey.Quit: "Ctrl+Q",
    QKeySequence.StandardKey.Find: "Ctrl+F",
    QKeySequence.StandardKey.Undo: "Ctrl+Z",
    QKeySequence.StandardKey.Redo: "Ctrl+Shift+Z",
}


@dataclass(frozen=True)
class Menus:
    """The menus of the menu bar, left to right."""

    file: QMenu
    edit: QMenu
    view: QMenu
    incident: QMenu
    review: QMenu
    export: QMenu
    people: QMenu
    tools: QMenu
    help: QMenu


def standard_keys(key: QKeySequence.StandardKey) -> list[QKeySequence]:
    """The platform's keys for `key`, or the usual one where the platform has none."""
    return QKeySequence.keyBindings(key) or [QKeySequence(FALLBACK_KEYS[key])]


def add_action(
    menu: QMenu, text: str, key: QKeySequence.StandardKey | str | None = None
) -> QAction:
    """An entry of `menu` with a standard key (and its fallback) or a fixed one."""
    action = menu.addAction(text)
    if isinstance(key, QKeySequence.StandardKey):
        action.setShortcuts(standard_keys(key))
    elif key is not None:
        action.setShortcut(QKeySequence(key))
    return action
