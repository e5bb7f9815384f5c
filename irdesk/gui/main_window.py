"""The main window, where the screens meet: the incident list on the left, the selected
incident's tabs (Overview, Timeline, Escalation, Review) on the right, the menus above.

The window owns what the screens share (the open database, the background tasks,
the undo stack, the menus) and hands each screen the parts it needs; the screens
never reach into each other, and what one must tell another goes through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QWidget,
)

from irdesk import __version__
from irdesk.gui.common import message_box
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.busy_indicator import BusyIndicator
from irdesk.gui.common.fit import fit_to_screen
from irdesk.gui.common.help_menu import add_help_entries
from irdesk.gui.common.live import LiveChanges, follow_changes
from irdesk.gui.common.menus import Menus, add_action, standard_keys
from irdesk.gui.common.notes_session import NotesSession
from irdesk.gui.common.open_database import OpenDatabase, is_server, shown_name
from irdesk.gui.common.user_guides import guides, show_user_guide
from irdesk.gui.common.versions import version_lines
from irdesk.gui.database_files import DatabaseFiles
from irdesk.gui.incidents.classifying import IncidentClassifying
from irdesk.gui.incidents.details import IncidentDetails
from irdesk.gui.incidents.list_pane import IncidentList
from irdesk.gui.incidents.merging import IncidentMerging
from irdesk.gui.incidents.overview import OverviewLoader
from irdesk.gui.incidents.problems_actions import ProblemsActions
from irdesk.gui.incidents.roles_panel import RolesPanel
from irdesk.gui.metrics.actions import MetricsActions
from irdesk.gui.metrics.prepare import FigurePreparation
from irdesk.gui.metrics.validation_actions import ValidationActions
from irdesk.gui.organisation.actions import OrganisationActions
from irdesk.gui.packets.actions import PacketActions
from irdesk.gui.packets.register_actions import RegisterActions
from irdesk.gui.people.actions import PeopleActions
from irdesk.gui.review.feedback_actions import ReviewFeedbackActions
from irdesk.gui.review.tab import ReviewTab
from irdesk.gui.timeline.controller import TimelineController
from irdesk.gui.timeline.tab import WALK_KEYS
from irdesk.storage.errors import DatabaseError
from irdesk.storage.records.actor import actor_remembered, current_actor

# What the window needs only once a user asks for it (the import dialog and the
# importers, the database's own modules) is imported where it is first used, so the
# window shows without them; tests/gui/test_startup_imports.py holds it so.
if TYPE_CHECKING:
    from irdesk.gui.common.actor_dialog import ActorDialog
    from irdesk.gui.importing.dialog import ImportDialog
    from irdesk.importers.pipeline import ImportReport
    from irdesk.storage.bulk.incident_pages import IncidentPages
    from irdesk.storage.database import Database
    from irdesk.storage.notify import Change
    from irdesk.storage.records.policies import PolicyRecord

IMPORT_FILTER = "Exports (*.json *.jsonl *.csv *.zip);;All files (*)"
DEFAULT_SIZE = (1400, 850)
SPLIT_RATIO = (45, 55)
MESSAGE_MS = 30_000
HINT_MS = 10_000
REVIEW_MESSAGE_MS = 15_000
POLICY_MESSAGE_MS = 5000
LIVE_MESSAGE_MS = 15_000

# What each screen shows, as the audit log names the records ("incidents": an import or
# any other write to the incident table): a change to another leaves the screen unread.
LISTED = frozenset({"incidents", "incident"})
# The list shows a review's status only: typing in a review elsewhere leaves it unread.
LISTED_REVIEW_ACTIONS = frozenset({"create_review", "set_review_status"})
OPEN_INCIDENT = frozenset({"incidents", "incident", "timeline_event"})
NOTES = frozenset({"feedback_note", "note_reader"})
DIRECTORY = frozenset({"incidents", "person", "team", "service", "rotation"})
FIGURES = DIRECTORY | {"incident", "timeline_event", "policy_version"}
PEOPLE = FIGURES | NOTES
# The Person window also lists the action items its person owns.
PERSON = PEOPLE | {"action_item"}
CALIBRATION = NOTES | {"calibration_session", "finding", "review", "person", "team"}
REGISTER = frozenset({"incidents", "incident", "packet", "regulation_rule"})
PROBLEMS = frozenset({"incidents", "incident", "problem", "action_item", "review"})
REVIEWS = frozenset({"review", "finding", "action_item"})

HERE_SETTLE_MS = 1000
IMPORT_KEY = "Ctrl+I"
IMPORT_FOLDER_KEY = "Ctrl+Shift+I"

KEY_GEOMETRY = "mainWindow/geometry"
KEY_SPLITTER = "mainWindow/splitter"
KEY_HEADER = "mainWindow/incidentHeader"
KEY_DETAILS_VISIBLE = "mainWindow/detailsVisible"
KEY_IMPORT_FOLDER = "import/lastFolder"


def dropped_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders in a drag, or [] if it carries anything else."""
    if not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(url.isLocalFile() for url in urls):
        return []
    return [Path(url.toLocalFile()) for url in urls]


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.database = OpenDatabase(self)
        self._closed = False
        self.tasks = BackgroundTasks(expected=(DatabaseError, OSError), parent=self)
        self.files = DatabaseFiles(self, self.tasks, self.database, settings)
        self.import_dialog: ImportDialog | None = None
        self._first_look: Path | None = None  # the file whose rows are listed before it is open
        # Every edit made here, for Ctrl+Z; emptied when another database opens.
        self.undo_stack = QUndoStack(self)
        self.actor = current_actor()
        self.name_dialog: ActorDialog | None = None
        self.setWindowTitle("irdesk")

        self.incident_list = IncidentList()
        # Short names for what the window and its tests reach for most.
        self.incident_model = self.incident_list.model
        self.table = self.incident_list.table
        self.filter_edit = self.incident_list.filter_edit
        self.details = IncidentDetails()
        self.overview = OverviewLoader(self.details, self.tasks, self.database, self)
        self.roles_panel = RolesPanel(
            self.tasks, self.undo_stack, self.database, self.actor, self.statusBar().showMessage
        )
        self.details.add_section(self.roles_panel)
        # The feedback notes' unlocked reader, in memory for this window's session only.
        self.notes_session = NotesSession(self)
        self.review_tab = ReviewTab(
            self.tasks, self.undo_stack, self.actor, self.database, notes=self.notes_session
        )
        self.merging = IncidentMerging(
            self,
            self.incident_list,
            self.tasks,
            self.undo_stack,
            self.database,
            self.actor,
            self.statusBar().showMessage,
        )
        self.classifying = IncidentClassifying(
            self,
            self.incident_list.selected_incident_ids,
            self.tasks,
            self.undo_stack,
            self.database,
            self.actor,
            self.statusBar().showMessage,
        )
        # Before the screens that load their modules on first use and show it there.
        self._build_status_bar()
        self.metrics = MetricsActions(self, self.tasks, self.database, self.actor, self.busy)
        self.organisation = OrganisationActions(
            self,
            self.tasks,
            self.database,
            self.undo_stack,
            self.actor,
            self.busy,
            self.notes_session,
        )
        self.people = PeopleActions(self, self.tasks, self.database, self.notes_session, self.busy)
        self.problems = ProblemsActions(
            self,
            self.tasks,
            self.database,
            self.actor,
            self.busy,
            self.current_incident_id,
            self.statusBar().showMessage,
        )
        self.validation = ValidationActions(
            self, self.tasks, self.database, self.undo_stack, self.actor, self.busy
        )
        self.packet_actions = PacketActions(
            self, self.tasks, self.database, self.current_incident_id, self.busy, self.notes_session
        )
        self.packet_actions.exported.connect(lambda: self.review_tab.reload())
        self.register_actions = RegisterActions(
            self,
            self.tasks,
            self.undo_stack,
            self.database,
            self.actor,
            self.busy,
            self.show_message,
        )
        self.review_feedback = ReviewFeedbackActions(
            self,
            self.tasks,
            self.database,
            self.current_incident_id,
            self.actor,
            self.busy,
            undo_stack=self.undo_stack,
            notes=self.notes_session,
        )

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        # One tab per way of looking at the selected incident.
        self.incident_tabs = QTabWidget()
        self.incident_tabs.setDocumentMode(True)
        self.incident_tabs.addTab(self.details, "&Overview")
        self.incident_tabs.addTab(self.review_tab, "&Review")
        self.splitter.addWidget(self.incident_list)
        self.splitter.addWidget(self.incident_tabs)
        # A wider window gives most of the new room to the incident's panes (their text
        # wraps), a third to the list (its titles are elided).
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self.setCentralWidget(self.splitter)
        # Files dropped anywhere on the window are imported, the filter box included.
        self.setAcceptDrops(True)
        self.filter_edit.setAcceptDrops(False)
        self.menus = self._build_menus()
        self._build_timeline()
        self._connect_screens()
        self._restore_settings()
        self._update_actions()

    @property
    def db(self) -> Database | None:
        """The open database, or None before the first file opens."""
        return self.database.current()

    # ----------------------------------------------------------------- building

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.path_label = QLabel("No database open")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar.addWidget(self.path_label, 1)
        self.busy = BusyIndicator(self.tasks, bar)
        self.busy_label = self.busy.label
        # The dashboard's first read after an import or an opening finds its facts stored.
        self.figures_preparation = FigurePreparation(self.tasks, self.database, bar)
        self.count_label = QLabel()
        bar.addPermanentWidget(self.count_label)

    def _build_menus(self) -> Menus:
        bar = self.menuBar()
        file_menu, edit_menu, view_menu = (bar.addMenu(t) for t in ("&File", "&Edit", "&View"))
        menus = Menus(
            file=file_menu,
            edit=edit_menu,
            view=view_menu,
            incident=bar.addMenu("In&cident"),
            review=self.review_tab.build_menu(bar),  # Review › …, beside the tab it acts on
            export=bar.addMenu("E&xport"),
            people=bar.addMenu("&People"),
            tools=bar.addMenu("&Tools"),
            help=bar.addMenu("&Help"),
        )
        self.files.add_to(menus.file)
        menus.file.addSeparator()
        self.import_action = add_action(menus.file, "&Import…", IMPORT_KEY)
        self.import_action.setStatusTip(
            "Import exports from PagerDuty, Opsgenie, Jira or Statuspage (you can also drop "
            "files on the window)"
        )
        self.import_action.triggered.connect(self.choose_import_files)
        self.import_folder_action = add_action(menus.file, "Import &Folder…", IMPORT_FOLDER_KEY)
        self.import_folder_action.triggered.connect(self.choose_import_folder)
        menus.file.addSeparator()
        self.name_action = add_action(menus.file, "Your Na&me…")
        self.name_action.setStatusTip("The name the audit log and your edits record")
        self.name_action.triggered.connect(lambda: self.ask_name())
        menus.file.addSeparator()
        self.quit_action = add_action(menus.file, "&Quit", QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        for action, key in (
            (self.undo_action, QKeySequence.StandardKey.Undo),
            (self.redo_action, QKeySequence.StandardKey.Redo),
        ):
            action.setShortcuts(standard_keys(key))
            menus.edit.addAction(action)
        menus.edit.addSeparator()
        self.find_action = add_action(menus.edit, "&Find", QKeySequence.StandardKey.Find)
        self.find_action.setStatusTip(
            "Filter the incident list; in the Timeline tab, search the timeline"
        )
        self.find_action.triggered.connect(self.focus_filter)
        menus.edit.addSeparator()
        menus.edit.addAction(self.merging.link_action)
        menus.incident.addAction(self.classifying.classify_action)

        self.details_action = add_action(menus.view, "&Details Pane")
        self.details_action.setCheckable(True)
        self.details_action.setChecked(True)
        self.details_action.toggled.connect(self.details.setVisible)
        self.metrics.add_to(menus)
        self.organisation.add_to(menus)
        self.people.add_to(menus.people)
        self.problems.add_to(menus)
        self.validation.add_to(menus)
        self.register_actions.add_to(menus)
        self.review_feedback.add_to(menus.review)
        self.packet_actions.add_to(menus)

        # F1 opens the first guide: the facilitator's, the one the review room reaches for.
        self.guide_actions = []
        for index, (title, name) in enumerate(guides()):
            key = QKeySequence.StandardKey.HelpContents if index == 0 else None
            action = add_action(menus.help, title, key)
            action.triggered.connect(lambda _checked=False, n=name: show_user_guide(n, self))
            self.guide_actions.append(action)
        menus.help.addSeparator()
        walk_keys = [("Timeline › walk mode", what, keys) for keys, what in WALK_KEYS]
        self.shortcuts_action, self.report_action = add_help_entries(
            menus.help, bar, self, walk_keys
        )
        menus.help.addSeparator()
        self.about_action = add_action(menus.help, "&About irdesk")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        return menus

    def _build_timeline(self) -> None:
        """The Timeline tab, walk and presenter modes (View menu) and record edits (Edit menu)."""
        self.timeline = TimelineController(
            tabs=self.incident_tabs,
            tasks=self.tasks,
            undo_stack=self.undo_stack,
            database=self.database,
            actor=self.actor,
            show_message=self.show_message,
            status=self.statusBar().showMessage,
            withdraw_status=self.withdraw_message,
            lifecycle_changed=self._reload_current_incident,
            current_incident=self.current_incident_id,
            parent=self,
        )
        # Second, between the facts and the review: the order a review walks through.
        self.incident_tabs.insertTab(1, self.timeline.tab, "Ti&meline")
        self.incident_tabs.insertTab(2, self.timeline.escalation, "Esca&lation")
        for menu, actions in (
            (self.menus.edit, self.timeline.edit_actions()),
            (self.menus.view, self.timeline.view_actions()),
        ):
            menu.addSeparator()
            menu.addActions(actions)

    def _connect_screens(self) -> None:
        """What one screen must tell the others, wired here so that none knows the others."""
        incidents = self.incident_list
        incidents.current_incident_changed.connect(self._current_incident_changed)
        incidents.counts_changed.connect(self._update_count)
        incidents.current_incident_changed.connect(self.review_tab.show_incident)
        incidents.current_incident_changed.connect(self.timeline.incident_changed)
        self.overview.timeline_read.connect(self.timeline.timeline_read)
        self.incident_model.modelReset.connect(self.timeline.list_reset)
        self.details.unlink_requested.connect(self.merging.unlink_incident)
        self.merging.links_changed.connect(self._links_changed)
        self.classifying.classified.connect(self._classified)
        # A classification or an export changes who is in the register and what it shows.
        self.classifying.classified.connect(self.register_actions.database_changed)
        self.packet_actions.exported.connect(self.register_actions.database_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.review_tab.message.connect(self._show_review_message)
        self.review_tab.message_withdrawn.connect(self.withdraw_message)
        self.review_tab.incident_wanted.connect(self._review_incident_wanted)
        # Others' changes to a team database, shown as they commit; a file stays quiet.
        self.live = LiveChanges(self.database, self)
        self.live.changed.connect(self.review_tab.changed_elsewhere)
        self.live.settled.connect(self._changed_elsewhere)
        self.live.unavailable.connect(self.statusBar().showMessage)
        # This user's own review saves: no server tells of them (nor does a file).
        self._here: list[Change] = []
        self._here_timer = QTimer(self)
        self._here_timer.setSingleShot(True)
        self._here_timer.setInterval(HERE_SETTLE_MS)
        self._here_timer.timeout.connect(self._settle_here)
        self.review_tab.edited_here.connect(self._changed_here)
        self.metrics.incident_chosen.connect(self._metrics_incident_chosen)
        self.people.incident_chosen.connect(self._metrics_incident_chosen)
        self.metrics.policy_saved.connect(self._policy_saved)
        self.files.opened.connect(self._database_opened)
        self.files.previewed.connect(self._database_previewed)
        self.files.preview_withdrawn.connect(self._preview_withdrawn)

    # ---------------------------------------------------------------- settings

    def _restore_settings(self) -> None:
        geometry = self.settings.value(KEY_GEOMETRY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            fit_to_screen(self, *DEFAULT_SIZE)
        elif not self.isMaximized():
            # Saved on a larger screen than the one it opens on now (a projector): shrink.
            fit_to_screen(self, self.width(), self.height())
        splitter = self.settings.value(KEY_SPLITTER)
        if not (isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter)):
            width = self.width()
            self.splitter.setSizes([width * SPLIT_RATIO[0] // 100, width * SPLIT_RATIO[1] // 100])
        header = self.settings.value(KEY_HEADER)
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
        visible = self.settings.value(KEY_DETAILS_VISIBLE, True, type=bool)
        self.details_action.setChecked(bool(visible))

    def _save_settings(self) -> None:
        self.settings.setValue(KEY_GEOMETRY, self.saveGeometry())
        self.settings.setValue(KEY_SPLITTER, self.splitter.saveState())
        self.settings.setValue(KEY_HEADER, self.table.horizontalHeader().saveState())
        self.settings.setValue(KEY_DETAILS_VISIBLE, self.details_action.isChecked())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.merging.shut_down()
            self.classifying.shut_down()
            self.organisation.shut_down()
            self.people.shut_down()
            self.problems.shut_down()
            self.register_actions.shut_down()
            self.review_feedback.shut_down()
            self._save_settings()
            if self.import_dialog is not None:
                # An import being written stops at its next step and rolls back.
                self.import_dialog.shut_down()
            self.review_tab.shut_down()  # what was typed is queued before the shutdown
            self.live.stop()
            self.notes_session.lock()
            if self.name_dialog is not None:
                # Asked again at the next start: nothing was said.
                self.name_dialog.close()
            self.figures_preparation.stop()
            # Running work may still hold the database: let it finish before closing it.
            self.tasks.shutdown()
            self.incident_list.set_pages(None)
            db = self.database.current()
            if db is not None:
                db.close()
        super().closeEvent(event)

    # ------------------------------------------------------------ who is using it

    def ask_name_at_first_start(self) -> None:
        """Once the first database is open, ask who is using irdesk, unless they said.

        After the opening, not before: the list shows as fast as ever, and the dialog's
        module loads only when it is needed.
        """
        if actor_remembered():
            return

        def opened(*_args: object) -> None:
            self.files.opened.disconnect(opened)
            if not actor_remembered() and not self._closed and self.name_dialog is None:
                self.ask_name(first_start=True)

        self.files.opened.connect(opened)

    def ask_name(self, *, first_start: bool = False) -> ActorDialog:
        """File › Your Name…: OK names the person from then on.

        Modeless: the window stays usable while it is open, so a first start is never held
        up by it (nor is a script driving the window).
        """
        from irdesk.gui.common.actor_dialog import ActorDialog

        dialog = ActorDialog(self, first_start=first_start)
        dialog.chosen.connect(self.set_actor)
        self.name_dialog = dialog
        dialog.setModal(False)
        dialog.show()
        return dialog

    def set_actor(self, actor: str) -> None:
        """Every screen names `actor` on the edits it makes from now on."""
        self.actor = actor
        holders: list[object] = [
            self.roles_panel,
            self.review_tab,
            self.merging,
            self.classifying,
            self.metrics,
            self.organisation,
            self.validation,
            self.register_actions,
            self.timeline,
        ]
        for window in (self.organisation.organisation, self.register_actions.register_window):
            if window is not None:
                holders.append(window)
        for holder in holders:
            holder.actor = actor  # type: ignore[attr-defined]
        if self.review_tab.feedback_window is not None:
            self.review_tab.feedback_window.default_actor = actor
        self.statusBar().showMessage(f"Your edits are recorded as {actor}.", MESSAGE_MS)

    # ------------------------------------------------------- fakeable dialogs

    def ask_import_paths(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Import incident exports", str(self._import_folder()), IMPORT_FILTER
        )
        return [Path(name) for name in names]

    def ask_import_folder(self) -> Path | None:
        name = QFileDialog.getExistingDirectory(
            self, "Import a folder of incident exports", str(self._import_folder())
        )
        return Path(name) if name else None

    def show_message(
        self, icon: QMessageBox.Icon, title: str, text: str, informative: str = ""
    ) -> QMessageBox:
        """A modeless box: the window stays usable, and tests can read and accept it."""
        return message_box.show_message(self, icon, title, text, informative)

    def _import_folder(self) -> Path:
        folder = self.settings.value(KEY_IMPORT_FOLDER)
        if isinstance(folder, str) and folder and Path(folder).is_dir():
            return Path(folder)
        return Path.home()

    # ------------------------------------------------------------ user actions

    def open_database(self, path: Path, *, create: bool = False) -> None:
        """Open `path` in the background (see `DatabaseFiles.open_database`)."""
        self.files.open_database(path, create=create)

    def focus_filter(self) -> None:
        """Edit › Find: the timeline's search while the Timeline tab has the focus, else the
        incident list's filter; each box names Ctrl+F in its placeholder."""
        focused = QApplication.focusWidget()
        if focused is not None and self.timeline.tab.isAncestorOf(focused):
            self.timeline.tab.focus_search()
        else:
            self.incident_list.focus_filter()

    def choose_import_files(self) -> None:
        chosen = self.ask_import_paths()
        if chosen:
            self.settings.setValue(KEY_IMPORT_FOLDER, str(chosen[0].parent))
            self.import_paths(chosen)

    def choose_import_folder(self) -> None:
        folder = self.ask_import_folder()
        if folder is not None:
            self.settings.setValue(KEY_IMPORT_FOLDER, str(folder.parent))
            self.import_paths([folder])

    def import_paths(self, chosen: Sequence[Path]) -> ImportDialog | None:
        """Preview importing `chosen` into the open database; nothing is written yet."""
        db = self.database.current()
        if db is None:
            self.statusBar().showMessage("Open a database before importing into it.", HINT_MS)
            return None
        if self.import_dialog is None:
            with self.busy.first_import("Loading the importers…", "irdesk.gui.importing.dialog"):
                from irdesk.gui.importing.dialog import ImportDialog

            self.import_dialog = ImportDialog(self.tasks, self)
            self.import_dialog.imported.connect(self._imported)
        dialog = self.import_dialog
        if not dialog.start(db, chosen):
            dialog.raise_()
            self.statusBar().showMessage(
                "An import is being written; wait for it before starting another.", HINT_MS
            )
        return dialog

    def reload_incidents(self, *, select: int | None = None) -> None:
        """List the incidents again, keeping the selected one (or `select`) selected."""
        if self.database.current() is None:
            return
        self.overview.drop_pending()
        self.incident_list.refresh(select=select)
        if self.current_incident_id() is None:
            self.overview.clear()
        self._update_actions()

    def current_incident_id(self) -> int | None:
        return self.incident_list.current_incident_id()

    def show_about(self) -> QMessageBox:
        versions = "\n".join(f"{name} {version}" for name, version in version_lines())
        db = self.database.current()
        open_file = str(db.path) if db is not None else "none"
        return self.show_message(
            QMessageBox.Icon.Information,
            "About irdesk",
            f"irdesk {__version__}\nIncident performance reviews on your desktop.",
            f"{versions}\n\nOpen database: {open_file}",
        )

    # ---------------------------------------------------------- drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.database.current() is not None and dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        dropped = dropped_paths(event.mimeData())
        if not dropped or self.database.current() is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_paths(dropped)

    # ------------------------------------------------------ background results

    def _database_previewed(self, path: Path, pages: IncidentPages) -> None:
        """The file's incidents, read before it is open: listed and selectable, while
        everything that reads or edits more waits for the open database."""
        self._first_look = path.resolve()
        self.incident_list.set_pages(pages)
        self._show_file_name(self._first_look)
        # Drawn now: the opening that follows on the worker loads modules for a while,
        # and a paint left to the event loop would wait on it for the interpreter.
        self.repaint()

    def _preview_withdrawn(self, _path: Path) -> None:
        if self.database.current() is None:
            self._first_look = None
            self.incident_list.set_pages(None)
            self.path_label.setText("No database open")
            self.path_label.setToolTip("")
            self.setWindowTitle("irdesk")
            self.setWindowFilePath("")

    def _database_opened(self, db: Database, pages: IncidentPages) -> None:
        self.review_tab.flush()  # typing still unsaved goes to the file it was typed in
        previous = self.database.current()
        if previous is not None:
            # Queued behind any work still reading the old file.
            self.tasks.run(lambda _report: previous.close(), on_done=lambda _none: None)
        self.undo_stack.clear()  # the history belongs to the file it was made in
        looked, self._first_look = self._first_look == db.path, None
        # What was picked from the first look at this file (see _database_previewed).
        picked = self.current_incident_id() if looked else None
        self.database.replace(db)  # the Overview and the dashboard follow it
        # The first look's rows stay when the file still holds them: the list neither
        # blinks nor loses its place.
        kept = looked and self.incident_model.follow(pages)
        if not kept:
            self.incident_list.set_pages(pages)
        self.review_tab.database_changed()
        self.register_actions.database_changed()
        self.review_feedback.database_changed()
        self._show_file_name(db.path)
        self._update_actions()
        if picked is not None:
            # Every screen reads it now that the file is open.
            if kept:
                self.incident_list.announce_current()
            else:
                self.incident_list.select_incident(picked)
        if db.backup_made is not None:
            self.statusBar().showMessage(
                f"Upgraded {shown_name(db.path)} to the current schema; "
                f"backup saved as {db.backup_made.name}",
                MESSAGE_MS,
            )
        self.figures_preparation.after_opening()

    def _show_file_name(self, path: Path) -> None:
        self.path_label.setText(str(path))
        self.path_label.setToolTip(str(path))
        self.setWindowTitle(f"{shown_name(path)} — irdesk")
        # A team database is no file: the title bar offers no folder for it.
        self.setWindowFilePath("" if is_server(path) else str(path))

    def _imported(self, report: ImportReport) -> None:
        self.statusBar().showMessage(
            f"Imported {report.count('new')} new, {report.count('updated')} updated incidents",
            MESSAGE_MS,
        )
        self.reload_incidents()
        self.organisation.refresh()  # an import may have brought people, services, rotations
        if report.changed_anything:
            self.figures_preparation.after_import()

    # ---------------------------------------------------- between the screens

    def _current_incident_changed(self, incident_id: int | None) -> None:
        if self._closed:
            return
        self._update_actions()
        self.overview.show_incident(incident_id)
        self.roles_panel.show_incident(incident_id)

    def _reload_current_incident(self) -> None:
        """A timeline edit moved a lifecycle time: the Overview shows it."""
        self._current_incident_changed(self.current_incident_id())

    def _classified(self) -> None:
        """The list's severities, the Overview and the review's tier proposal follow a
        classification."""
        self.reload_incidents()
        self._reload_current_incident()
        self.review_tab.show_incident(self.current_incident_id())

    def _links_changed(self, into_id: int) -> None:
        self.reload_incidents(select=into_id)

    def _changed_elsewhere(self, changes: list[Change]) -> None:
        """Others' changes, a second's worth at a time (gui/common/live): every screen
        showing what they touched reads it again, keeping its place and what is typed."""
        if self._closed or self.database.current() is None:
            return
        self.statusBar().showMessage(changes[-1].sentence(), LIVE_MESSAGE_MS)
        entities = {change.entity for change in changes}
        if entities & LISTED or any(c.action in LISTED_REVIEW_ACTIONS for c in changes):
            self.incident_list.refresh_keeping_place()
        current = self.current_incident_id()
        if current is not None and any(
            c.entity in OPEN_INCIDENT and c.incident_id in (current, None) for c in changes
        ):
            self._reload_current_incident()
            self.timeline.incident_changed(current)  # read with the Overview's read
        feedback = self.review_tab.feedback_window
        if entities & NOTES and feedback is not None and feedback.isVisible():
            feedback.reload()  # a note being typed stays as typed (FeedbackWindow._loaded)
        people, review = self.people, self.review_feedback
        dashboard, register = self.metrics.dashboard, self.register_actions.register_window
        calibration, health = review.calibration_window, review.health_window
        problems, organisation = self.problems.problems, self.organisation.organisation
        person = people.person
        for shown, window, reload, concerns in (
            (FIGURES, dashboard, dashboard and dashboard.refresh, None),
            (PERSON, person, person and person.reload, person and person.concerns),
            (PEOPLE, people.team, people.team and people.team.reload, None),
            (
                CALIBRATION,
                calibration,
                calibration and calibration.reload,
                calibration and calibration.concerns,
            ),
            (REVIEWS, health, health and health.reload, None),
            (REGISTER, register, register and register.reload, None),
            (PROBLEMS, problems, problems and problems.reload, None),
            (DIRECTORY, organisation, organisation and organisation.reload, None),
        ):
            if window is not None and reload:
                follow_changes(window, changes, shown, reload, concerns or None)

    def _changed_here(self, change: Change) -> None:
        """A save of this user's in the review tab, held for a moment: typing saves every
        half second, and the windows that follow it read once the burst is over."""
        self._here.append(change)
        self._here_timer.start()

    def _settle_here(self) -> None:
        changes, self._here = self._here, []
        person = self.people.person
        if changes and not self._closed and person is not None:
            follow_changes(person, changes, PERSON, person.reload, person.concerns)

    def _show_review_message(self, text: str) -> None:
        self.statusBar().showMessage(text, REVIEW_MESSAGE_MS)

    def withdraw_message(self, text: str) -> None:
        """Take back a status-bar message that stopped being true, unless another replaced it."""
        if self.statusBar().currentMessage() == text:
            self.statusBar().clearMessage()

    def _metrics_incident_chosen(self, incident_id: int) -> None:
        self.incident_list.reveal_incident(incident_id)
        self.raise_()
        self.activateWindow()

    def _review_incident_wanted(self, incident_id: int) -> None:
        self.incident_list.reveal_incident(incident_id)
        self.incident_tabs.setCurrentWidget(self.review_tab)
        self.raise_()
        self.activateWindow()

    def _policy_saved(self, record: PolicyRecord) -> None:
        self.statusBar().showMessage(f"Saved the policy as {record.label}", POLICY_MESSAGE_MS)
        self.review_tab.policy_changed()  # its tier proposal follows the new version

    # ------------------------------------------------------ actions and counts

    def _update_actions(self) -> None:
        for action in (self.import_action, self.import_folder_action):
            action.setEnabled(self.database.current() is not None)
        self.merging.update_action()
        self.classifying.update_action()

    def _update_count(self) -> None:
        self.count_label.setText(self.incident_list.count_text())

    @property
    def busy_indicator_visible(self) -> bool:
        return self.busy.visible
