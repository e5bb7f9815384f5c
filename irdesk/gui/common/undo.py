"""The one undoable edit of the window's undo stack (Ctrl+Z / Ctrl+Shift+Z).

Every screen makes its edit first, in the background, and pushes an `EditCommand`
only once storage has accepted it: the redo that pushing runs therefore does
nothing. Later undo and redo run the command's steps, which hand the opposite (or
the same) edit to the screen's background work; the screen shows the result.

A refused step is reported the one way (gui.common.refusals). When storage refuses
an undo or redo because the file changed under the history, `replay_refused`
drops that history and says so. Typing is undone by the editors themselves.
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from irdesk.gui.common.refusals import Refused, ShowMessage, tell_refused

Step = Callable[[], None]

REPLAY_REFUSED_TITLE = "Cannot undo"


class EditCommand(QUndoCommand):
    """An edit already made: `text` names it in the Edit menu, `undo` and `redo` replay it."""

    def __init__(self, text: str, *, redo: Step, undo: Step) -> None:
        super().__init__(text)
        self._redo = redo
        self._undo = undo
        self._pushed = True  # the push runs redo(); the edit is already made by then

    def redo(self) -> None:
        if self._pushed:
            self._pushed = False
            return
        self._redo()

    def undo(self) -> None:
        self._undo()


def replay_refused(stack: QUndoStack, show_message: ShowMessage, refused: Refused) -> None:
    """An undo or redo storage refused: the file changed under the history, so it goes."""
    stack.clear()
    tell_refused(show_message, REPLAY_REFUSED_TITLE, refused)


class Holder:
    """What a command learns as it runs: the id a restore gave, the snapshot a delete took."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)
