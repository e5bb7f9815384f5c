"""Asking what to do when another window changed a record first: Reload Theirs or Keep Mine.

Non-modal, so the meeting goes on while the question waits; the box names the
record, never its content (a feedback note's words stay in its own window). The
Review tab and the feedback window each keep one `ConflictPrompts` for the
conflicts their Autosaver reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from irdesk.gui.common.autosave import Autosaver, Write
from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.storage.errors import EditConflict

if TYPE_CHECKING:
    from irdesk.storage.database import Database


Record = tuple[str, int]

RELOAD_TEXT = "&Reload Theirs"
KEEP_TEXT = "&Keep Mine"


def ask_about_conflict(
    parent: QWidget,
    what: str,
    *,
    on_reload: Callable[[], None],
    on_keep: Callable[[], None],
) -> QMessageBox:
    """Show the question; it deletes itself once answered."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Changed in another window",
        f"{what} was changed in another window (or by another irdesk) since you started "
        "editing it. Your latest change is not saved yet.",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setInformativeText(
        "Reload shows their version and drops yours; Keep Mine saves yours over theirs."
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    reload_button = box.addButton(RELOAD_TEXT, QMessageBox.ButtonRole.RejectRole)
    keep_button = box.addButton(KEEP_TEXT, QMessageBox.ButtonRole.AcceptRole)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    reload_button.clicked.connect(on_reload)
    keep_button.clicked.connect(on_keep)
    box.show()
    return box


class ConflictPrompts:
    """One question per record in conflict; the answer reloads theirs or saves mine over it.

    `what(record)` names the record ("This finding"); `write(record, field)` is how the
    autosaver writes that field (None: not known, so it cannot be kept); `reload_stored`
    shows what the file holds, replacing what is typed; `reload_theirs` is the answer
    Reload Theirs.
    """

    def __init__(
        self,
        parent: QWidget,
        tasks: BackgroundTasks,
        autosaver: Autosaver,
        database: Callable[[], Database | None],
        *,
        what: Callable[[Record], str],
        write: Callable[[Record, str], Write | None],
        show_problem: Callable[[str], None],
        reload_stored: Callable[[], None],
        reload_theirs: Callable[[], None],
    ) -> None:
        self._parent = parent
        self._tasks = tasks
        self._autosaver = autosaver
        self._database = database
        self._what = what
        self._write = write
        self._show_problem = show_problem
        self._reload_stored = reload_stored
        self._reload_theirs = reload_theirs
        self.boxes: dict[Record, QMessageBox] = {}

    def conflicted(self, record: Record, field: str, error: EditConflict, value: Any) -> None:
        """The autosaver's news: `value` for `field` was not saved over another window's edit."""
        what = self._what(record)
        if error.deleted:
            self._gone(what)
            return
        old = self.boxes.pop(record, None)
        if old is not None:
            old.close()
        write = self._write(record, field)
        box = ask_about_conflict(
            self._parent,
            what,
            on_reload=self._reload_theirs,
            on_keep=lambda: self._keep_mine(what, record, field, value, write),
        )
        box.destroyed.connect(lambda _o=None: self._box_gone(record, box))
        self.boxes[record] = box

    def close_all(self) -> None:
        for box in list(self.boxes.values()):
            box.close()
        self.boxes.clear()

    def _box_gone(self, record: Record, box: QMessageBox) -> None:
        if self.boxes.get(record) is box:
            del self.boxes[record]

    def _gone(self, what: str) -> None:
        self._show_problem(f"{what} was deleted in another window; your edit was not saved")
        self._reload_stored()

    def _keep_mine(
        self, what: str, record: Record, field: str, value: Any, write: Write | None
    ) -> None:
        """Write our value over theirs: read the record's revision now, then save on it."""
        db = self._database()
        if db is None or write is None:
            self._show_problem("Your change could not be saved: reload and type it again")
            return
        kind, record_id = record

        def done(revision: int | None) -> None:
            if revision is None:
                self._gone(what)  # deleted over there meanwhile: nothing to keep it in
                return
            self._autosaver.keep_mine(record, field, value, write, revision)

        def read(_report: Report) -> int | None:
            from irdesk.storage.reads import database_reads

            return database_reads.current_revision(db, kind, record_id)

        self._tasks.run(read, on_done=done)
