"""The Review tab's capture fields in one table: field → widget → storage setter.

`review_fields` below is the table: one row per field of the review, of its
findings and of its action items. A row names the widget the field is typed or
chosen in (its edits then save by themselves), or none when its owner saves it
(a dialog's answer, a button, two widgets read together); the storage setter
that writes it; and what the tab does once a save lands or is refused. Adding a
field is adding a row.

A row is `typed` (saved a moment after the first unsaved keystroke, left as
typed) or `chosen` (saved straight away, then shown as stored). Saves go through
the tab's Autosaver, which carries each record's revision and reports conflicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Flag, auto
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QWidget

from irdesk.gui.common.autosave import Autosaver, Write
from irdesk.gui.common.dates import as_date
from irdesk.gui.review.blame_editor import BlameTextEdit

if TYPE_CHECKING:
    from irdesk.gui.review.tab import ReviewTab
    from irdesk.storage.database import Database

Record = tuple[str, int]  # ("finding", 12): a kind below and the record's id
REVIEW, FINDING, ACTION = "review", "finding", "action"
# How a message or a question names a record of each kind.
WHAT = {REVIEW: "The review", FINDING: "This finding", ACTION: "This action item"}


class Setter(Protocol):
    """Storage writing one field on the revision it was based on; returns the new revision."""

    def __call__(
        self, db: Database, record_id: int, revision: int, value: Any, /, *, actor: str
    ) -> int: ...


class Then(Flag):
    """What the tab does after a field's save or refusal, beyond telling the user."""

    NOTHING = 0
    RELOAD = auto()  # once saved: show the review as stored, with what follows from it
    RELOAD_IF_REFUSED = auto()  # once refused: the field shows what is stored again
    CLEAR_PROBLEM = auto()  # once saved: what was refused while typing is accepted now


SHOW_STORED = Then.RELOAD | Then.RELOAD_IF_REFUSED


@dataclass(frozen=True)
class Field:
    record: str  # REVIEW, FINDING or ACTION
    name: str
    widget: QWidget | None  # None: its owner calls FieldTable.changed
    setter: Setter
    at_once: bool  # a choice, saved straight away rather than after a pause
    then: Then


def typed(
    record: str, name: str, widget: QWidget | None, setter: Setter, then: Then = Then.NOTHING
) -> Field:
    """Typing: saved a moment after the first unsaved keystroke, and left as typed."""
    return Field(record, name, widget, setter, at_once=False, then=then)


def chosen(
    record: str, name: str, widget: QWidget | None, setter: Setter, then: Then = SHOW_STORED
) -> Field:
    """A choice (combo box, dialog, button): saved straight away, then shown as stored."""
    return Field(record, name, widget, setter, at_once=True, then=then)


# ------------------------------------------------------- setters of two values


def stored(name: str) -> Setter:
    """The storage setter `name` of one field, found when it first writes (on the worker):
    the tab is built with the window, before the storage modules are loaded."""

    def write(db: Database, record_id: int, revision: int, value: Any, /, *, actor: str) -> int:
        from irdesk.storage.records import database_edits

        setter: Setter = getattr(database_edits, name)
        return setter(db, record_id, revision, value, actor=actor)

    return write


def set_tier(db: Database, review_id: int, revision: int, value: Any, *, actor: str) -> int:
    from irdesk.storage.records import database_edits

    tier, reason = value
    return database_edits.set_tier(db, review_id, revision, tier, reason, actor=actor)


def set_status(db: Database, review_id: int, revision: int, value: Any, *, actor: str) -> int:
    from irdesk.storage.records import database_edits

    status, override_reason = value
    return database_edits.set_status(
        db, review_id, revision, status, actor=actor, override_reason=override_reason
    )


def set_action_owner(db: Database, action_id: int, revision: int, value: Any, *, actor: str) -> int:
    """`value` as the owner combo box holds it: 'person:3', 'team:2' or None."""
    from irdesk.storage.records import database_edits

    kind, _, owner_id = (value or ":").partition(":")
    return database_edits.set_action_owner(
        db,
        action_id,
        revision,
        person_id=int(owner_id) if kind == "person" else None,
        team_id=int(owner_id) if kind == "team" else None,
        actor=actor,
    )


def action_field(name: str) -> Setter:
    """The setter of an action item's plain field `name`."""

    def write(db: Database, action_id: int, revision: int, value: Any, *, actor: str) -> int:
        from irdesk.storage.records import database_edits

        return database_edits.edit_action(db, action_id, revision, actor=actor, **{name: value})

    return write


# ----------------------------------------------------------------- the table


def review_fields(tab: ReviewTab) -> FieldTable:
    header, findings, actions = tab.header, tab.findings, tab.actions
    # fmt: off
    rows = (
        typed(REVIEW, "summary", header.summary_edit, stored("set_summary")),
        typed(REVIEW, "tier", None, set_tier, Then.RELOAD | Then.CLEAR_PROBLEM),
        # Picked in a calendar or typed a part at a time: saved like typing, but a refused
        # date is put back as stored, like a choice.
        typed(REVIEW, "due_on", header.due_edit, stored("set_due_on"), Then.RELOAD_IF_REFUSED),
        chosen(REVIEW, "facilitator", header.facilitator_combo, stored("set_facilitator")),
        chosen(REVIEW, "attendees", None, stored("set_attendees")),
        chosen(REVIEW, "status", None, set_status),
        typed(FINDING, "text", findings.editor, stored("set_finding_text")),
        chosen(FINDING, "category", findings.category_combo, stored("set_finding_category"), Then.RELOAD),
        typed(ACTION, "title", actions.title_edit, action_field("title")),
        typed(ACTION, "external_key", actions.key_edit, action_field("external_key"), Then.CLEAR_PROBLEM),
        chosen(ACTION, "owner", actions.owner_combo, set_action_owner),
        chosen(ACTION, "due_on", None, action_field("due_on")),
        chosen(ACTION, "status", actions.status_combo, action_field("status")),
    )
    # fmt: on
    bound = {
        REVIEW: lambda: tab.review.id if tab.review is not None else None,
        FINDING: lambda: findings.bound_id,
        ACTION: lambda: actions.bound_id,
    }
    return FieldTable(tab.autosaver, tab.actor, bound, rows)


# ----------------------------------------------------- how the table is used


def _edits(widget: QWidget) -> tuple[Any, Callable[[], Any]]:
    """The signal a user's edit of `widget` emits, and how to read its value."""
    if isinstance(widget, BlameTextEdit):
        # Not textChanged: that also fires when only the underlines are redrawn.
        return widget.text_edited, widget.toPlainText
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged, widget.toPlainText
    if isinstance(widget, QLineEdit):
        return widget.textEdited, widget.text
    if isinstance(widget, QComboBox):
        return widget.activated, widget.currentData
    if isinstance(widget, QDateEdit):
        return widget.dateChanged, lambda: as_date(widget.date())
    raise TypeError(f"no capture field is edited in a {type(widget).__name__}")


class FieldTable:
    """The rows, bound: widgets' edits reach the autosaver with the right record and setter.

    `bound[kind]()` says which record of that kind the widgets show (None: none).
    """

    def __init__(
        self,
        autosaver: Autosaver,
        actor: str,
        bound: dict[str, Callable[[], int | None]],
        rows: Iterable[Field],
    ) -> None:
        self._autosaver = autosaver
        self._actor = actor
        self._bound = bound
        self._rows = {(row.record, row.name): row for row in rows}
        for row in self._rows.values():
            if row.widget is not None:
                signal, value = _edits(row.widget)
                signal.connect(lambda *_args, r=row, v=value: self._save(r, v))

    def changed(self, kind: str, name: str, value: Callable[[], Any]) -> None:
        """The field `name` of the shown record of `kind` is now `value()`: save it."""
        self._save(self._rows[(kind, name)], value)

    def then(self, record: Record, name: str) -> Then:
        row = self._rows.get((record[0], name))
        return row.then if row is not None else Then.NOTHING

    def write(self, record: Record, name: str) -> Write | None:
        """How the autosaver writes field `name` of `record` (to keep mine after a conflict)."""
        row = self._rows.get((record[0], name))
        if row is None:
            return None
        setter, record_id, actor = row.setter, record[1], self._actor

        def write(db: Database, value: Any, revision: int) -> int:
            return setter(db, record_id, revision, value, actor=actor)

        return write

    def _save(self, row: Field, value: Callable[[], Any]) -> None:
        record_id = self._bound[row.record]()
        if record_id is None:
            return
        record = (row.record, record_id)
        write = self.write(record, row.name)
        assert write is not None
        if row.at_once:
            self._autosaver.save_now(record, row.name, value(), write)
        else:
            self._autosaver.edited(record, row.name, value, write)
