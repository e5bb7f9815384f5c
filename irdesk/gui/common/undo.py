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

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.refusals import Refused, ShowMessage, refusing, tell_refused

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


def run_edit(
    tasks: BackgroundTasks,
    stack: QUndoStack,
    show_message: ShowMessage,
    refused_title: str,
    *,
    work: Callable[[], Any],
    done: Callable[[Any], None],
    text: str,
    undo: Callable[[], Any],
    redo: Callable[[], Any],
    written: Step,
) -> None:
    """`work` in the background; once storage accepts it, `done` with its result and one
    step named `text` on `stack`, whose undo and redo run `undo` and `redo` in the
    background too. A refused edit is told under `refused_title` and pushes nothing, so
    what was typed stays to be corrected; a refused replay drops the history.
    `written` runs after every write that went through, for the screen to re-read."""

    def replayed(result: Any) -> None:
        if isinstance(result, Refused):
            replay_refused(stack, show_message, result)
        written()

    def replay(step: Callable[[], Any]) -> None:
        tasks.run(lambda _r: refusing(step), on_done=replayed, description="Saving…")

    def first(result: Any) -> None:
        if isinstance(result, Refused):
            tell_refused(show_message, refused_title, result)
            return
        done(result)
        stack.push(EditCommand(text, redo=lambda: replay(redo), undo=lambda: replay(undo)))
        written()

    tasks.run(lambda _r: refusing(work), on_done=first, description="Saving…")


class Holder:
    """What a command learns as it runs: the id a restore gave, the snapshot a delete took."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)
