"""Asking what to do when another window changed a record first: Reload Theirs or Keep Mine.

Non-modal, so the meeting goes on while the question waits; the box names the
record, never its content (a feedback note's words stay in its own window).
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from irdesk.gui.common.autosave import Autosaver, Write
from irdesk.gui.common.background import BackgroundTasks
from irdesk.storage.database import Database
from irdesk.storage.reads import database_reads

# How the question names each kind of record.
WHAT = {
    "review": "The review",
    "finding": "This finding",
    "action": "This action item",
    "note": "This feedback note",
}
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


def keep_mine(
    tasks: BackgroundTasks,
    db: Database,
    saver: Autosaver,
    change: tuple[tuple[str, int], str, Any, Write],
    on_gone: Callable[[], None],
) -> None:
    """Write our value over theirs: read the record's revision now, then save on it."""
    record, field, value, write = change

    def done(revision: int | None) -> None:
        if revision is None:
            on_gone()  # deleted over there meanwhile: nothing to keep it in
            return
        saver.keep_mine(record, field, value, write, revision)

    kind, record_id = record
    tasks.run(lambda _report: database_reads.current_revision(db, kind, record_id), on_done=done)
