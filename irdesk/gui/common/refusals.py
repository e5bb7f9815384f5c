"""A refused edit: storage's answer that the rules, or another window, did not allow it.

Storage refuses by raising. On the worker thread `refusing` turns a refusal into a
`Refused` value, so that it comes back to the GUI thread as an answer for the user
and never reaches the crash dialog; anything else raised is a bug and still does.
A screen shows the answer where the user is looking: the Review tab above its
findings (a meeting goes on), the timeline and the window in a message box
(`tell_refused`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtWidgets import QMessageBox

from irdesk.storage.errors import EditConflict, EditRefused

T = TypeVar("T")

# Every way storage says no, in this one place: the rules did not allow the edit
# (EditRefused), another window changed the record first (EditConflict), or the
# record is gone (LookupError).
REFUSALS: tuple[type[Exception], ...] = (EditRefused, EditConflict, LookupError)

NOTHING_CHANGED = "Nothing was changed."

# The window's modeless message box: (icon, title, text, informative text).
ShowMessage = Callable[[QMessageBox.Icon, str, str, str], object]


@dataclass(frozen=True)
class Refused:
    """Why storage did not make the edit; nothing was written."""

    message: str


def refusing(work: Callable[[], T]) -> T | Refused:
    """Worker side: run `work`; a refusal is returned as `Refused`, not raised."""
    try:
        return work()
    except REFUSALS as exc:
        return Refused(str(exc))


def tell_refused(show_message: ShowMessage, title: str, refused: Refused) -> None:
    """A refusal in the window's message box: storage's reason, and that nothing changed."""
    show_message(QMessageBox.Icon.Warning, title, refused.message, NOTHING_CHANGED)
