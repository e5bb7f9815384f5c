"""Timeline walking in the main window: loading the tab, walk and presenter modes, record edits.

The window builds one `TimelineController` and puts its tab beside the
overview. Loads and edits run on the window's background tasks; every edit is
a command on the window's undo stack (Ctrl+Z / Ctrl+Shift+Z). What each edit
does, and how it is undone, is timeline.edits; an undo storage refuses (another
window changed the event meanwhile) drops the history, and the user is told.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QScreen,
    QUndoStack,
)
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QTabWidget, QWidget

from irdesk.domain.lifecycle import LIFECYCLE_FIELDS
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.refusals import Refused, ShowMessage, tell_refused
from irdesk.gui.common.undo import EditCommand, replay_refused
from irdesk.gui.timeline import edits
from irdesk.gui.timeline.edits import Edit, EditOutcome, RevisionBook, run_edit, short
from irdesk.gui.timeline.escalation_panel import EscalationPanel
from irdesk.gui.timeline.event_dialog import EventDialog
from irdesk.gui.timeline.presenter_window import PresenterWindow, screen_label
from irdesk.gui.timeline.tab import TimelineTab
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from irdesk.gui.timeline.runbook_dialog import RunbookStepDialog
    from irdesk.storage.database import Database
    from irdesk.storage.reads.timeline_records import IncidentTimeline, RecordEvent
    from irdesk.storage.records.runbooks import StepRow


DialogT = TypeVar("DialogT", bound=QDialog)

WALK_KEY = "F5"
PRESENT_KEY = "Shift+F5"
ADD_KEY = "Ctrl+E"
CORRECT_KEY = "Ctrl+Shift+E"
KEY_MOMENT_KEY = "Ctrl+K"
RUNBOOK_KEY = "Ctrl+R"
MESSAGE_MS = 15_000

LIFECYCLE_LABELS = {
    "started_at": "&Started (impact began)",
    "detected_at": "&Detected",
    "acknowledged_at": "&Acknowledged",
    "mitigated_at": "&Mitigated",
    "resolved_at": "&Resolved",
    "verified_at": "&Verified",
}
assert tuple(LIFECYCLE_LABELS) == LIFECYCLE_FIELDS


def _load_timeline(db: Database, incident_id: int) -> IncidentTimeline | None:
    """Worker side of showing a timeline: its storage modules load here, off the GUI thread."""
    from irdesk.storage.reads import database_reads

    return database_reads.load_timeline(db, incident_id)


PRESENTING = "Presenting: Esc on the presenter screen ends it."


class TimelineController(QObject):
    def __init__(
        self,
        *,
        tabs: QTabWidget,
        tasks: BackgroundTasks,
        undo_stack: QUndoStack,
        database: OpenDatabase,
        actor: str,
        show_message: ShowMessage,
        status: Callable[[str, int], None],
        withdraw_status: Callable[[str], None],
        lifecycle_changed: Callable[[], None],
        current_incident: Callable[[], int | None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.window = parent
        self.tabs = tabs
        self.tasks = tasks
        self.undo_stack = undo_stack
        self.database = database
        self.actor = actor
        self.show_message = show_message
        self.status = status
        self.withdraw_status = withdraw_status
        self.lifecycle_changed = lifecycle_changed
        self.current_incident = current_incident
        self.book = RevisionBook()
        self.tab = TimelineTab()
        # Beside the timeline: its pages and acknowledgement against the service's policy.
        self.escalation = EscalationPanel(tasks, database.current)
        self.presenter: PresenterWindow | None = None
        self.dialog: QDialog | None = None
        self.incident_id: int | None = None
        self._generation = 0
        # The incident chosen in the list whose timeline the Overview's read will bring.
        self._awaited: int | None = None
        self._db_seen: Database | None = None
        self._closed = False
        self._build_actions()
        self.tab.key_moment_requested.connect(self.toggle_key_moment)
        self.tab.current_event_changed.connect(self._current_changed)
        self.tab.timeline_shown.connect(self._timeline_shown)
        self.tab.walk_mode_changed.connect(self.walk_action.setChecked)
        self.tabs.currentChanged.connect(lambda _index: self._update_actions())
        parent.installEventFilter(self)  # the presenter goes when the window closes
        self._update_actions()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self._closed = True  # the window's background tasks are shutting down
            self.close_presenter()
        return super().eventFilter(watched, event)

    # ---------------------------------------------------------------- actions

    def _action(
        self, text: str, key: str | None, slot: Callable[[], object], *, window_wide: bool = False
    ) -> QAction:
        """A menu action; its key works anywhere in the window, or only in the Timeline tab.

        Edits take their keys only inside the tab, so other panes (the review's capture
        panes) are free to use the same keys for their own work.
        """
        action = QAction(text, self.window)
        if key is not None:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False: slot())
        if window_wide:
            self.window.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.tab.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.walk_action = self._action(
            "&Walk the Timeline", WALK_KEY, self.toggle_walk, window_wide=True
        )
        self.walk_action.setCheckable(True)
        self.walk_action.setStatusTip("Step through the events one at a time (Esc leaves)")
        self.present_action = self._action("&Present", PRESENT_KEY, self.present, window_wide=True)
        self.present_action.setStatusTip(
            "Show the walk full screen on the projector (another screen if there is one)"
        )
        self.present_menu = QMenu("Present &On")
        self.present_menu.aboutToShow.connect(self._rebuild_present_menu)
        self.add_action = self._action("&Add Event…", ADD_KEY, self.add_event)
        self.correct_action = self._action("&Correct Event…", CORRECT_KEY, self.correct_event)
        self.key_action = self._action("Mark &Key Moment", KEY_MOMENT_KEY, self.toggle_key_moment)
        self.runbook_action = self._action("Run&book Step…", RUNBOOK_KEY, self.runbook_step)
        self.runbook_action.setStatusTip(
            "Which runbook step the selected event carried out, or a step skipped or done "
            "differently, justified or not"
        )
        self.lifecycle_menu = QMenu("Set Lifecycle &Time from Event")
        self.lifecycle_actions: dict[str, QAction] = {}
        for field_name, label in LIFECYCLE_LABELS.items():
            action = self.lifecycle_menu.addAction(label)
            action.triggered.connect(
                lambda _checked=False, f=field_name: self.lifecycle_from_current(f)
            )
            self.lifecycle_actions[field_name] = action
        self._rebuild_present_menu()

    def view_actions(self) -> list[QAction]:
        return [self.walk_action, self.present_action, self.present_menu.menuAction()]

    def edit_actions(self) -> list[QAction]:
        return [
            self.add_action,
            self.correct_action,
            self.key_action,
            self.runbook_action,
            self.lifecycle_menu.menuAction(),
        ]

    def _update_actions(self) -> None:
        has_record = self.tab.record is not None
        has_event = self.tab.current_event() is not None
        chosen = self.incident_id is not None and self.database.current() is not None
        self.walk_action.setEnabled(has_record or chosen)
        self.present_action.setEnabled(has_record)
        self.add_action.setEnabled(has_record)
        self.runbook_action.setEnabled(has_record)
        for action in (self.correct_action, self.key_action, self.lifecycle_menu.menuAction()):
            action.setEnabled(has_event)
        event = self.tab.current_event()
        self.key_action.setText(
            "Unmark &Key Moment"
            if event is not None and event.is_key_moment
            else "Mark &Key Moment"
        )

    # --------------------------------------------------------------- loading

    def incident_changed(self, incident_id: int | None) -> None:
        """The incident list moved: load the new incident's timeline in the background."""
        if self._closed:
            return
        db = self.database.current()
        if db is not self._db_seen:
            self._db_seen = db
            self.book.clear()  # revisions belong to the file they were read from
        self.incident_id = incident_id
        self._generation += 1
        self._awaited = None
        self.escalation.show_incident(incident_id if db is not None else None)
        if incident_id is None or db is None:
            self.tab.clear()
            self._update_actions()
            return
        # The Overview reads the incident with its timeline (`timeline_read`): one read
        # of the timeline serves both tabs.
        self._awaited = incident_id

    def timeline_read(self, incident_id: int, record: IncidentTimeline | None) -> None:
        """The Overview's read of `incident_id`: shown if it is the one awaited."""
        if self._closed or incident_id != self._awaited or incident_id != self.incident_id:
            return
        self._awaited = None
        self._loaded(self._generation, record, None, None)

    def list_reset(self) -> None:
        """The incident list was refilled (another file, an import): follow what it selects.

        A refill that selects an incident again says so itself; one that selects
        nothing (another database opened) leaves the tab to be cleared here.
        """
        QTimer.singleShot(0, self._follow_list)

    def _follow_list(self) -> None:
        if self._closed:
            return
        current = self.current_incident()
        if current != self.incident_id or self.database.current() is not self._db_seen:
            self.incident_changed(current)
            self.reload()  # no selection was announced, so no Overview read is coming

    def reload(self, *, select: int | None = None, then: Callable[[], None] | None = None) -> None:
        db, incident_id = self.database.current(), self.incident_id
        if db is None or incident_id is None or self._closed:
            return
        self._awaited = None  # read here instead
        generation = self._generation

        self.tasks.run(
            lambda _report: _load_timeline(db, incident_id),
            on_done=lambda record: self._loaded(generation, record, select, then),
            description="Loading timeline…",
        )

    def _loaded(
        self,
        generation: int,
        record: IncidentTimeline | None,
        select: int | None,
        then: Callable[[], None] | None,
    ) -> None:
        if generation != self._generation:
            return  # the user has moved on to another incident
        if record is None:
            self.tab.clear("This incident no longer exists in the database.")
        else:
            self.tab.show_record(record, keep_event=select)
        self._update_actions()
        if then is not None:
            then()

    # ------------------------------------------------------- walk and present

    def toggle_walk(self) -> None:
        if self.tab.walking:
            self.tab.leave_walk()
            return
        self.tabs.setCurrentWidget(self.tab)
        if self.tab.record is None:
            # F5 right after choosing an incident: walk as soon as its timeline is there.
            self.walk_action.setChecked(False)
            if self.incident_id is not None and self.tasks.busy:
                self.reload(then=self.tab.enter_walk)
            else:
                self.status("Select an incident to walk its timeline.", MESSAGE_MS)
            return
        self.tab.enter_walk()

    def _rebuild_present_menu(self) -> None:
        self.present_menu.clear()
        for number, screen in enumerate(QGuiApplication.screens(), start=1):
            action = self.present_menu.addAction(screen_label(number, screen))
            action.triggered.connect(lambda _checked=False, s=screen: self.present(s))

    def present(self, screen: QScreen | None = None) -> PresenterWindow | None:
        """Presenter mode on `screen`; by default a screen other than the window's, if any."""
        if self.tab.record is None:
            self.status("Select an incident to present its timeline.", MESSAGE_MS)
            return None
        screens = QGuiApplication.screens()
        if screen is None:
            here = self.window.screen()
            others = [s for s in screens if s is not here]
            screen = others[0] if others else here
        if self.presenter is None:
            self.presenter = PresenterWindow(self.window)
            self.presenter.key_pressed.connect(self._presenter_key)
            self.presenter.closed.connect(self._presenter_closed)
        self.presenter.show_record(self.tab.record, self.tab.model.events())
        self.presenter.show_current(self.tab.current_row, self.tab.walk_text())
        self.presenter.present_on(screen)
        # Said for as long as it is true: shown until presenting ends, then taken back.
        self.status(PRESENTING, 0)
        return self.presenter

    def close_presenter(self) -> None:
        if self.presenter is not None:
            self.presenter.close()

    def _presenter_key(self, event: QKeyEvent) -> None:
        if self.tab.handle_walk_key(event):
            event.accept()

    def _presenter_closed(self) -> None:
        self.withdraw_status(PRESENTING)
        self.window.activateWindow()

    def _timeline_shown(self) -> None:
        if self.presenter is not None and self.presenter.isVisible():
            self.presenter.show_record(self.tab.record, self.tab.model.events())

    def _current_changed(self, _event: RecordEvent | None) -> None:
        if self.presenter is not None and self.presenter.isVisible():
            self.presenter.show_current(self.tab.current_row, self.tab.walk_text())
        self._update_actions()

    # ----------------------------------------------------------------- edits

    def _editable(self) -> tuple[Database, IncidentTimeline] | None:
        # An edit chosen from the menu while another pane is in front: show what is edited.
        self.tabs.setCurrentWidget(self.tab)
        db, record = self.database.current(), self.tab.record
        if db is None or record is None:
            self.status("Select an incident first.", MESSAGE_MS)
            return None
        return db, record

    def add_event(self) -> EventDialog | None:
        if self._editable() is None:
            return None
        current = self.tab.current_event()
        record = self.tab.record
        assert record is not None
        when = current.occurred_at if current is not None else record.lifecycle.get("started_at")
        if when is None:
            when = record.detail.incident.created_at
        dialog = EventDialog.adding(when, self.window)
        dialog.accepted.connect(lambda: self._add_chosen(dialog))
        return self._open_dialog(dialog)

    def correct_event(self) -> EventDialog | None:
        event = self.tab.current_event()
        if self._editable() is None or event is None:
            return None
        dialog = EventDialog.correcting_event(event, self.window)
        dialog.accepted.connect(lambda: self._correct_chosen(dialog, event))
        return self._open_dialog(dialog)

    def _open_dialog(self, dialog: DialogT) -> DialogT:
        if self.dialog is not None:
            self.dialog.reject()
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: self._dialog_gone(dialog))
        self.dialog = dialog
        dialog.show()
        return dialog

    def _dialog_gone(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _add_chosen(self, dialog: EventDialog) -> None:
        value = dialog.value()
        record = self.tab.record
        if value is None or record is None:
            return
        self._edit(
            edits.adding(self.book, self.actor, record.incident_id, value),
            f"Add event “{short(value.text)}”",
        )

    def _correct_chosen(self, dialog: EventDialog, event: RecordEvent) -> None:
        value = dialog.value()
        if value is not None:
            self._edit(
                edits.correcting(self.book, self.actor, event, value),
                f"Correct event “{short(event.text)}”",
            )

    def toggle_key_moment(self) -> None:
        event = self.tab.current_event()
        if self._editable() is None or event is None:
            return
        marked = not event.is_key_moment
        text = "Mark key moment" if marked else "Unmark key moment"
        self._edit(
            edits.keying(self.book, self.actor, event, marked), f"{text} “{short(event.text)}”"
        )

    def lifecycle_from_current(self, field_name: str) -> None:
        event = self.tab.current_event()
        editable = self._editable()
        if editable is None or event is None:
            return
        label = field_name.removesuffix("_at")
        self._edit(
            edits.lifecycle_from(self.actor, editable[1].incident_id, event, field_name),
            f"Set {label} from “{short(event.text)}”",
        )

    def runbook_step(self) -> None:
        """Read the runbook of the incident's service, then ask which step and how."""
        editable = self._editable()
        if editable is None:
            return
        db, record = editable
        incident_id, event = record.incident_id, self.tab.current_event()

        def read(_report: object) -> tuple[str | None, list[StepRow]]:
            from irdesk.storage.records.database_edits import read_incident_steps

            return read_incident_steps(db, incident_id)

        self.tasks.run(
            read,
            on_done=lambda found: self._ask_step(db, incident_id, event, *found),
            on_expected_error=self._failed,
            description="Reading the runbook…",
        )

    def _ask_step(
        self,
        db: Database,
        incident_id: int,
        event: RecordEvent | None,
        title: str | None,
        steps: list[StepRow],
    ) -> None:
        if db is not self.database.current() or self._closed or incident_id != self.incident_id:
            return
        if title is None:
            self.status(
                "No runbook for this incident's service: import one with "
                "irdesk runbooks import FOLDER.",
                MESSAGE_MS,
            )
            return
        # Loaded the first time it opens: the window starts without it.
        from irdesk.gui.timeline.runbook_dialog import RunbookStepDialog

        dialog = RunbookStepDialog(title, steps, event, self.window)
        dialog.accepted.connect(lambda: self._step_chosen(incident_id, dialog))
        self._open_dialog(dialog)

    def _step_chosen(self, incident_id: int, dialog: RunbookStepDialog) -> None:
        step = dialog.chosen_step()
        if step is None:
            return
        self._edit(
            edits.recording_step(self.actor, incident_id, step, dialog.choice()),
            f"Record runbook step {step.position}",
        )

    # ----------------------------------------------------------- running edits

    def _edit(self, edit: Edit, text: str) -> None:
        """A fresh edit: made in the background, pushed on the undo stack once it is done."""
        self._run(edit, "Saving…", lambda outcome: self._fresh_done(outcome, text))

    def _apply(self, edit: Edit, description: str) -> None:
        """Undo or redo: the stack already moved; a refusal drops the history."""
        self._run(edit, description, self._replayed)

    def _run(
        self, edit: Edit, description: str, on_done: Callable[[EditOutcome | Refused], None]
    ) -> None:
        db = self.database.current()
        if db is None or self._closed:
            return
        self.tasks.run(
            lambda _report: run_edit(db, edit),
            on_done=lambda outcome: self._if_same(db, outcome, on_done),
            on_expected_error=self._failed,
            description=description,
        )

    def _if_same(
        self,
        db: Database,
        outcome: EditOutcome | Refused,
        on_done: Callable[[EditOutcome | Refused], None],
    ) -> None:
        if db is self.database.current():
            on_done(outcome)

    def _fresh_done(self, outcome: EditOutcome | Refused, text: str) -> None:
        if isinstance(outcome, Refused):
            tell_refused(self.show_message, "Cannot change the timeline", outcome)
            self.reload()
            return
        undo, redo = outcome.undo, outcome.redo
        assert undo is not None and redo is not None
        self.undo_stack.push(
            EditCommand(
                text,
                redo=lambda: self._apply(redo, "Redoing…"),
                undo=lambda: self._apply(undo, "Undoing…"),
            )
        )
        self._changed(outcome)

    def _replayed(self, outcome: EditOutcome | Refused) -> None:
        if isinstance(outcome, Refused):
            replay_refused(self.undo_stack, self.show_message, outcome)
            self.reload()
            return
        self._changed(outcome)

    def _changed(self, outcome: EditOutcome) -> None:
        self.status(outcome.message, MESSAGE_MS)
        self.reload(select=outcome.select)
        self.escalation.mark_stale()  # a page or acknowledgement may have moved
        self.lifecycle_changed()

    def _failed(self, exc: Exception) -> None:
        """A database that cannot be written (locked, read-only, full)."""
        self.undo_stack.clear()
        text = f"“{exc.path.name}” {exc.problem}" if isinstance(exc, DatabaseError) else str(exc)
        hint = exc.hint if isinstance(exc, DatabaseError) else ""
        self.show_message(QMessageBox.Icon.Warning, "Cannot change the timeline", text, hint)
