"""Undo for structural edits of a review: add, delete, move and link findings and action items.

Each command is pushed after its change was made (the push's redo does
nothing); undo and redo hand work to the tab, which runs it in the background
and shows the result. Typing is undone by the editors themselves.
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

Step = Callable[[], None]


class ReviewCommand(QUndoCommand):
    def __init__(self, text: str, *, redo: Step, undo: Step) -> None:
        super().__init__(text)
        self._redo = redo
        self._undo = undo
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._redo()

    def undo(self) -> None:
        self._undo()


class Holder:
    """What a command learns as it runs: the id a restore gave, the snapshot a delete took."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)
