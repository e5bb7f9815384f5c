"""The main window: the incident list on the left, the selected incident on the right."""

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QWidget,
)

from irdesk import __version__
from irdesk.gui.common.actor import current_actor
from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.gui.common.incident_table_model import INCIDENT_ID_ROLE
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.common.recent_files import RecentFiles
from irdesk.gui.common.versions import version_lines
from irdesk.gui.importing.dialog import ImportDialog
from irdesk.gui.incidents.details import IncidentDetails
from irdesk.gui.incidents.link_dialog import LinkIncidentDialog, MergeCommand
from irdesk.gui.incidents.list_pane import IncidentList
from irdesk.gui.metrics.dashboard import MetricsDashboard
from irdesk.gui.metrics.policy_dialog import PolicyDialog
from irdesk.gui.packets.actions import PacketActions
from irdesk.gui.review.tab import ReviewTab
from irdesk.gui.timeline.controller import TimelineController
from irdesk.importers.pipeline import ImportReport
from irdesk.storage import paths
from irdesk.storage.database import Database
from irdesk.storage.database import open_database as open_database_file
from irdesk.storage.errors import DatabaseError
from irdesk.storage.reads import queries
from irdesk.storage.reads.incident_view import IncidentView, incident_list, load_incident_view
from irdesk.storage.records import merge_changes
from irdesk.storage.records.merge_changes import MergeChange, MergeOutcome

FILE_FILTER = "irdesk databases (*.db *.irdesk *.sqlite);;All files (*)"
IMPORT_FILTER = "Exports (*.json *.jsonl *.csv *.zip);;All files (*)"
DEFAULT_SIZE = (1400, 850)
SPLIT_RATIO = (57, 43)
# A load that finishes quicker than this shows no busy indicator: no flicker per click.
BUSY_DELAY_MS = 250
BACKUP_MESSAGE_MS = 30_000

FALLBACK_KEYS = {
    QKeySequence.StandardKey.New: "Ctrl+N",
    QKeySequence.StandardKey.Open: "Ctrl+O",
    QKeySequence.StandardKey.Quit: "Ctrl+Q",
    QKeySequence.StandardKey.Find: "Ctrl+F",
    QKeySequence.StandardKey.Undo: "Ctrl+Z",
    QKeySequence.StandardKey.Redo: "Ctrl+Shift+Z",
}
IMPORT_KEY = "Ctrl+I"
LINK_KEY = "Ctrl+L"
METRICS_KEY = "Ctrl+Shift+M"
IMPORT_FOLDER_KEY = "Ctrl+Shift+I"

KEY_GEOMETRY = "mainWindow/geometry"
KEY_SPLITTER = "mainWindow/splitter"
KEY_HEADER = "mainWindow/incidentHeader"
KEY_DETAILS_VISIBLE = "mainWindow/detailsVisible"
KEY_IMPORT_FOLDER = "import/lastFolder"

OpenResult = tuple[Database, list[queries.IncidentRow]]


def _load_database(path: Path, create: bool, report: Report) -> OpenResult:
    """Worker side of opening: recognise, maybe back up and upgrade, then list."""

    def backed_up(saved: Path) -> None:
        report(f"Upgrading {path.name} (backup saved as {saved.name})…")

    db = open_database_file(path, create=create, on_backup=backed_up)
    try:
        rows = incident_list(db)
    except BaseException:
        db.close()
        raise
    return db, rows


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
        self.recent = RecentFiles(settings)
        self.database = OpenDatabase(self)
        self._closed = False
        # Bumped on every selection and database change, so a late detail load is dropped.
        self._detail_generation = 0
        self.tasks = BackgroundTasks(expected=(DatabaseError, OSError), parent=self)
        self.import_dialog: ImportDialog | None = None
        self.link_dialog: LinkIncidentDialog | None = None
        self.context_menu: QMenu | None = None
        # Links and unlinks made here, for Ctrl+Z; emptied when another database opens.
        self.undo_stack = QUndoStack(self)
        self.actor = current_actor()

        self.setWindowTitle("irdesk")
        self.incident_list = IncidentList()
        # Short names for what the window and its tests reach for most.
        self.incident_model = self.incident_list.model
        self.proxy = self.incident_list.proxy
        self.table = self.incident_list.table
        self.filter_edit = self.incident_list.filter_edit
        self.incident_list.current_incident_changed.connect(self._current_incident_changed)
        self.incident_list.counts_changed.connect(self._update_count)
        self.details = IncidentDetails()
        self.details.unlink_requested.connect(self.unlink_incident)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        # One tab per way of looking at the selected incident.
        self.incident_tabs = QTabWidget()
        self.incident_tabs.setDocumentMode(True)
        self.incident_tabs.addTab(self.details, "&Overview")
        # The review record of the selected incident (findings, action items; issue 4).
        self.review_tab = ReviewTab(self.tasks, self.undo_stack, self.actor, self.database)
        self.incident_tabs.addTab(self.review_tab, "&Review")
        self.incident_list.current_incident_changed.connect(self.review_tab.show_incident)
        self.review_tab.message.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        self.splitter.addWidget(self.incident_list)
        self.splitter.addWidget(self.incident_tabs)
        self.setCentralWidget(self.splitter)
        # Files dropped anywhere on the window are imported, the filter box included.
        self.setAcceptDrops(True)
        self.filter_edit.setAcceptDrops(False)
        self._build_status_bar()
        self._build_menus()
        self._build_timeline()
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
        self.busy_label = QLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # indeterminate: we cannot know how long SQLite takes
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(14)
        self.busy_bar.setTextVisible(False)
        self.count_label = QLabel()
        bar.addWidget(self.path_label, 1)
        bar.addPermanentWidget(self.busy_label)
        bar.addPermanentWidget(self.busy_bar)
        bar.addPermanentWidget(self.count_label)
        self._set_busy_visible(False)

        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self._set_busy_visible(True))
        self.tasks.busy_changed.connect(self._busy_changed)
        self.tasks.progress.connect(self.busy_label.setText)

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        self.new_action = self._action(file_menu, "&New…", QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_database)
        self.open_action = self._action(file_menu, "&Open…", QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_database)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._rebuild_recent_menu)
        file_menu.addSeparator()
        self.import_action = self._action(file_menu, "&Import…", None)
        self.import_action.setShortcut(QKeySequence(IMPORT_KEY))
        self.import_action.setStatusTip(
            "Import exports from PagerDuty, Opsgenie, Jira or Statuspage (you can also drop "
            "files on the window)"
        )
        self.import_action.triggered.connect(self.choose_import_files)
        self.import_folder_action = self._action(file_menu, "Import &Folder…", None)
        self.import_folder_action.setShortcut(QKeySequence(IMPORT_FOLDER_KEY))
        self.import_folder_action.triggered.connect(self.choose_import_folder)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

        edit_menu = menus.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        for action, key in (
            (self.undo_action, QKeySequence.StandardKey.Undo),
            (self.redo_action, QKeySequence.StandardKey.Redo),
        ):
            action.setShortcuts(QKeySequence.keyBindings(key) or [QKeySequence(FALLBACK_KEYS[key])])
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        self.find_action = self._action(edit_menu, "&Find", QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_filter)
        edit_menu.addSeparator()
        self.link_action = self._action(edit_menu, "&Link to Incident…", None)
        self.link_action.setShortcut(QKeySequence(LINK_KEY))
        self.link_action.setStatusTip(
            "Join the selected incident to another one: the same outage seen by another tool"
        )
        self.link_action.triggered.connect(self.link_current_incident)

        view_menu = menus.addMenu("&View")
        self.details_action = self._action(view_menu, "&Details Pane", None)
        self.details_action.setCheckable(True)
        self.details_action.setChecked(True)
        self.details_action.toggled.connect(self.details.setVisible)

        self.review_menu = self.review_tab.build_menu(menus)
        # Metrics (issue 5): the dashboard window and the policy editor.
        self.metrics_dashboard: MetricsDashboard | None = None
        self.metrics_action = self._action(view_menu, "&Metrics Dashboard", None)
        self.metrics_action.setShortcut(QKeySequence(METRICS_KEY))
        self.metrics_action.triggered.connect(self.show_metrics_dashboard)
        tools_menu = menus.addMenu("&Tools")
        self.policy_action = self._action(tools_menu, "&Policy…", None)
        self.policy_action.setStatusTip(
            "The choices behind the metrics; saving makes a new version"
        )
        self.policy_action.triggered.connect(self.edit_policy)
        # Review packets (issue 6): Export › Review Packet…, Tools › Verify Packet…
        self.packet_actions = PacketActions(
            self, self.tasks, self.database, self.current_incident_id, self.show_message
        )
        self.packet_actions.add_menus(menus, tools_menu)

        help_menu = menus.addMenu("&Help")
        self.about_action = self._action(help_menu, "&About irdesk", None)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self._rebuild_recent_menu()

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
            lifecycle_changed=lambda: self._current_incident_changed(self.current_incident_id()),
            current_incident=self.current_incident_id,
            parent=self,
        )
        # Second, between the facts and the review: the order a review walks through.
        self.incident_tabs.insertTab(1, self.timeline.tab, "Ti&meline")
        self.incident_list.current_incident_changed.connect(self.timeline.incident_changed)
        self.incident_model.modelReset.connect(self.timeline.list_reset)
        menus = {action.text(): action.menu() for action in self.menuBar().actions()}
        for name, actions in (
            ("&Edit", self.timeline.edit_actions()),
            ("&View", self.timeline.view_actions()),
        ):
            menu = menus[name]
            assert isinstance(menu, QMenu)
            menu.addSeparator()
            menu.addActions(actions)

    def _action(self, menu: QMenu, text: str, shortcut: QKeySequence.StandardKey | None) -> QAction:
        action = menu.addAction(text)
        if shortcut is not None:
            # Some platform themes bind no key to a standard action (Quit, on a bare X11
            # or offscreen session); the usual key beats none.
            keys = QKeySequence.keyBindings(shortcut) or [QKeySequence(FALLBACK_KEYS[shortcut])]
            action.setShortcuts(keys)
        return action

    # ---------------------------------------------------------------- settings

    def _restore_settings(self) -> None:
        geometry = self.settings.value(KEY_GEOMETRY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(*DEFAULT_SIZE)
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
            self._save_settings()
            if self.import_dialog is not None:
                # An import being written stops at its next step and rolls back.
                self.import_dialog.shut_down()
            self.review_tab.shut_down()  # what was typed is queued before the shutdown
            # Running work may still hold the database: let it finish before closing it.
            self.tasks.shutdown()
            if self.db is not None:
                self.db.close()
        super().closeEvent(event)

    # ------------------------------------------------------- fakeable dialogs

    def ask_open_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open irdesk database", str(self._dialog_folder()), FILE_FILTER
        )
        return Path(name) if name else None

    def ask_new_path(self) -> Path | None:
        # We refuse existing files ourselves, so the dialog must not offer to replace one.
        name, _ = QFileDialog.getSaveFileName(
            self,
            "New irdesk database",
            str(self._dialog_folder() / "incidents.db"),
            FILE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return Path(name) if name else None

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
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setInformativeText(informative)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        return box

    def _dialog_folder(self) -> Path:
        return self.db.path.parent if self.db is not None else paths.data_dir()

    def _import_folder(self) -> Path:
        folder = self.settings.value(KEY_IMPORT_FOLDER)
        if isinstance(folder, str) and folder and Path(folder).is_dir():
            return Path(folder)
        return Path.home()

    # ------------------------------------------------------------ user actions

    def choose_database(self) -> None:
        path = self.ask_open_path()
        if path is not None:
            self.open_database(path)

    def new_database(self) -> None:
        path = self.ask_new_path()
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(".db")
        if path.exists():
            self.show_message(
                QMessageBox.Icon.Warning,
                "File already exists",
                f"“{path.name}” already exists; New… never replaces a file.",
                f"Choose another name, or use File › Open… to open it.\n\n{path}",
            )
            return
        self.open_database(path, create=True)

    def open_database(self, path: Path, *, create: bool = False) -> None:
        """Open `path` in the background; on failure the current database stays open.

        Without `create`, a missing file is an error rather than a new empty database.
        """
        path = Path(path).expanduser()
        self.tasks.run(
            lambda report: _load_database(path, create, report),
            on_done=self._database_opened,
            on_expected_error=lambda exc: self._open_failed(path, exc),
            description=f"Opening {path.name}…",
        )

    def open_recent(self, path: Path) -> None:
        if path.exists():
            self.open_database(path)
            return
        self.recent.remove(path)
        self._rebuild_recent_menu()
        self.show_message(
            QMessageBox.Icon.Information,
            "File not found",
            f"“{path.name}” is no longer there, so it was removed from the recent list.",
            str(path),
        )

    def clear_recent(self) -> None:
        self.recent.clear()
        self._rebuild_recent_menu()

    def focus_filter(self) -> None:
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
        if self.db is None:
            self.statusBar().showMessage("Open a database before importing into it.", 10_000)
            return None
        if self.import_dialog is None:
            self.import_dialog = ImportDialog(self.tasks, self)
            self.import_dialog.imported.connect(self._imported)
        dialog = self.import_dialog
        if not dialog.start(self.db, chosen):
            dialog.raise_()
            self.statusBar().showMessage(
                "An import is being written; wait for it before starting another.", 10_000
            )
        return dialog

    def reload_incidents(self, *, select: int | None = None) -> None:
        """List the incidents again, keeping the selected one (or `select`) selected."""
        db = self.db
        if db is None:
            return
        self.tasks.run(
            lambda _report: incident_list(db),
            on_done=lambda rows: self._incidents_reloaded(db, rows, select),
            description="Loading incidents…",
        )

    def current_incident_id(self) -> int | None:
        current = self.table.currentIndex()
        return current.data(INCIDENT_ID_ROLE) if current.isValid() else None

    def link_current_incident(self) -> LinkIncidentDialog | None:
        """Edit › Link to Incident…: pick the incident the selected one is the same outage as."""
        incident_id = self.current_incident_id()
        if self.db is None or incident_id is None:
            self.statusBar().showMessage("Select the incident to link first.", 10_000)
            return None
        rows = [self.incident_model.row_at(r) for r in range(self.incident_model.rowCount())]
        incident = next((row for row in rows if row.id == incident_id), None)
        if incident is None:
            return None
        if len(rows) < 2:
            self.statusBar().showMessage("There is no other incident to link it to.", 10_000)
            return None
        if self.link_dialog is not None:
            self.link_dialog.reject()
        dialog = LinkIncidentDialog(incident, rows, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._link_chosen(dialog, incident_id))
        dialog.destroyed.connect(lambda _obj=None: self._link_dialog_gone(dialog))
        self.link_dialog = dialog
        dialog.show()
        return dialog

    def link_incidents(self, incident_id: int, into_id: int) -> None:
        """Merge `incident_id` into `into_id` in the background; Ctrl+Z takes it back."""
        self._run_merge_work(
            lambda db, actor: merge_changes.link(db, incident_id, into_id, actor=actor),
            undoable=True,
            description="Linking incidents…",
        )

    def unlink_incident(self, incident_id: int) -> None:
        """Show a merged incident on its own again; Ctrl+Z links it back as it was."""
        self._run_merge_work(
            lambda db, actor: merge_changes.unlink(db, incident_id, actor=actor),
            undoable=True,
            description="Unlinking incident…",
        )

    def show_about(self) -> QMessageBox:
        versions = "\n".join(f"{name} {version}" for name, version in version_lines())
        open_file = str(self.db.path) if self.db is not None else "none"
        return self.show_message(
            QMessageBox.Icon.Information,
            "About irdesk",
            f"irdesk {__version__}\nIncident performance reviews on your desktop.",
            f"{versions}\n\nOpen database: {open_file}",
        )

    # ---------------------------------------------------------- drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.db is not None and dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        dropped = dropped_paths(event.mimeData())
        if not dropped or self.db is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_paths(dropped)

    # ------------------------------------------------------ background results

    def _database_opened(self, result: OpenResult) -> None:
        db, rows = result
        self.review_tab.flush()  # typing still unsaved goes to the file it was typed in
        previous = self.database.replace(db)
        if previous is not None:
            # Queued behind any work still reading the old file.
            self.tasks.run(lambda _report: previous.close(), on_done=lambda _none: None)
        self._detail_generation += 1
        self.undo_stack.clear()  # the history belongs to the file it was made in
        if self.metrics_dashboard is not None:
            self.metrics_dashboard.set_database(db)
        self.incident_list.set_rows(rows)
        self.details.clear()
        self.review_tab.database_changed()
        self.path_label.setText(str(db.path))
        self.path_label.setToolTip(str(db.path))
        self.setWindowTitle(f"{db.path.name} — irdesk")
        self.setWindowFilePath(str(db.path))
        self.recent.add(db.path)
        self._rebuild_recent_menu()
        self._update_actions()
        if db.backup_made is not None:
            self.statusBar().showMessage(
                f"Upgraded {db.path.name} to the current schema; "
                f"backup saved as {db.backup_made.name}",
                BACKUP_MESSAGE_MS,
            )

    def _imported(self, report: ImportReport) -> None:
        self.statusBar().showMessage(
            f"Imported {report.count('new')} new, {report.count('updated')} updated incidents",
            BACKUP_MESSAGE_MS,
        )
        self.reload_incidents()

    def _incidents_reloaded(
        self, db: Database, rows: list[queries.IncidentRow], select: int | None = None
    ) -> None:
        if db is not self.db or self._closed:
            return  # another database was opened meanwhile; its own rows are shown
        selected = select if select is not None else self.current_incident_id()
        self._detail_generation += 1
        self.incident_list.set_rows(rows)
        if selected is None or not self.incident_list.select_incident(selected):
            self.details.clear()
        self._update_actions()

    # ---------------------------------------------------------------- metrics

    def show_metrics_dashboard(self) -> MetricsDashboard | None:
        if self.db is None:
            self.show_message(QMessageBox.Icon.Information, "Metrics", "Open a database first.")
            return None
        if self.metrics_dashboard is None:
            self.metrics_dashboard = MetricsDashboard(self.tasks, self)
            self.metrics_dashboard.incident_chosen.connect(self._metrics_incident_chosen)
        # Read again each time it is asked for: imports and edits since then count.
        self.metrics_dashboard.set_database(self.db)
        self.metrics_dashboard.show()
        self.metrics_dashboard.raise_()
        self.metrics_dashboard.activateWindow()
        return self.metrics_dashboard

    def edit_policy(self) -> PolicyDialog | None:
        if self.db is None:
            self.show_message(QMessageBox.Icon.Information, "Policy", "Open a database first.")
            return None
        dialog = PolicyDialog(self.db, self.tasks, self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._policy_saved)
        dialog.open()
        return dialog

    def _policy_saved(self, record: object) -> None:
        self.statusBar().showMessage(f"Saved the policy as {getattr(record, 'label', '')}", 5000)
        if self.metrics_dashboard is not None:
            self.metrics_dashboard.refresh()
        self.review_tab.policy_changed()  # its tier proposal follows the new version

    def _metrics_incident_chosen(self, incident_id: int) -> None:
        if not self.incident_list.select_incident(incident_id):
            self.filter_edit.clear()  # it may only have been filtered out
            self.incident_list.select_incident(incident_id)
        self.raise_()
        self.activateWindow()

    # ------------------------------------------------------------------ links

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.setCurrentIndex(index)
        if self.context_menu is not None:
            self.context_menu.close()
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.link_action)
        menu.destroyed.connect(lambda _obj=None: self._context_menu_gone(menu))
        self.context_menu = menu
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _context_menu_gone(self, menu: QMenu) -> None:
        if self.context_menu is menu:
            self.context_menu = None

    def _link_dialog_gone(self, dialog: LinkIncidentDialog) -> None:
        if self.link_dialog is dialog:
            self.link_dialog = None

    def _link_chosen(self, dialog: LinkIncidentDialog, incident_id: int) -> None:
        into_id = dialog.chosen_id()
        if into_id is not None:
            self.link_incidents(incident_id, into_id)

    def _apply_merge_change(self, change: MergeChange) -> None:
        """Undo and redo: make `change` happen; the stack already moved."""
        self._run_merge_work(
            lambda db, actor: merge_changes.apply(db, change, actor=actor),
            undoable=False,
            description="Undoing…",
        )

    def _run_merge_work(
        self,
        work: Callable[[Database, str], MergeOutcome],
        *,
        undoable: bool,
        description: str,
    ) -> None:
        """Link, unlink or undo on the open database in the background."""
        db, actor = self.db, self.actor
        if db is None:
            return
        self.tasks.run(
            lambda _report: work(db, actor),
            on_done=lambda outcome: self._merge_done(db, outcome, undoable=undoable),
            on_expected_error=self._merge_failed,
            description=description,
        )

    def _merge_done(self, db: Database, outcome: MergeOutcome, *, undoable: bool) -> None:
        if db is not self.db or self._closed:
            return
        change = outcome.change
        if change is None:
            if not undoable:
                self.undo_stack.clear()  # the file changed under the history: it no longer holds
            self.show_message(
                QMessageBox.Icon.Warning,
                "Cannot link" if undoable else "Cannot undo",
                outcome.refused,
                "Nothing was changed.",
            )
            return
        if undoable:
            self.undo_stack.push(MergeCommand(change, self._apply_merge_change))
        if change.linked:
            message = (
                f"Linked {change.incident_label} into {change.into_label}; "
                "its events are in that timeline now (Ctrl+Z undoes)"
            )
        else:
            message = f"{change.incident_label} is an incident of its own again (Ctrl+Z undoes)"
        self.statusBar().showMessage(message, BACKUP_MESSAGE_MS)
        self.reload_incidents(select=change.into_id)

    def _merge_failed(self, exc: Exception) -> None:
        """A database that cannot be written (locked, read-only, full)."""
        self.undo_stack.clear()
        text = f"“{exc.path.name}” {exc.problem}" if isinstance(exc, DatabaseError) else str(exc)
        hint = exc.hint if isinstance(exc, DatabaseError) else ""
        self.show_message(QMessageBox.Icon.Warning, "Cannot change the links", text, hint)

    def _open_failed(self, path: Path, exc: Exception) -> None:
        if isinstance(exc, DatabaseError):
            text = f"“{exc.path.name}” {exc.problem}"
            hint = exc.hint
            where = exc.path
        else:
            text = f"“{path.name}” could not be opened: {exc}"
            hint = ""
            where = path
        still_open = (
            f"{self.db.path.name} stays open." if self.db is not None else "No database is open."
        )
        informative = "\n\n".join(part for part in (hint, str(where), still_open) if part)
        self.statusBar().showMessage(f"Could not open {path.name}", BACKUP_MESSAGE_MS)
        self.show_message(QMessageBox.Icon.Warning, "Cannot open database", text, informative)

    def _current_incident_changed(self, incident_id: int | None) -> None:
        if self._closed:
            return
        self._update_actions()
        self._detail_generation += 1
        db = self.db
        if incident_id is None or db is None:
            self.details.clear()
            return
        generation = self._detail_generation
        self.tasks.run(
            lambda _report: load_incident_view(db, incident_id),
            on_done=lambda view: self._incident_loaded(generation, view),
            description="Loading incident…",
        )

    def _incident_loaded(self, generation: int, view: IncidentView | None) -> None:
        if generation != self._detail_generation:
            return  # the user has moved on; a newer load is queued
        if view is None:
            self.details.show_missing()
        else:
            self.details.show_incident(view)

    # -------------------------------------------------------------- status bar

    def _update_actions(self) -> None:
        for action in (self.import_action, self.import_folder_action):
            action.setEnabled(self.db is not None)
        self.link_action.setEnabled(
            self.db is not None
            and self.current_incident_id() is not None
            and self.incident_list.total_count() > 1
        )

    def _update_count(self) -> None:
        self.count_label.setText(self.incident_list.count_text())

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self._set_busy_visible(False)

    def _set_busy_visible(self, visible: bool) -> None:
        self.busy_label.setVisible(visible)
        self.busy_bar.setVisible(visible)

    @property
    def busy_indicator_visible(self) -> bool:
        return self.busy_bar.isVisible()

    def _rebuild_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = self.recent.paths()
        for number, path in enumerate(recent, start=1):
            # "&" marks an accelerator in menu text; one in a file name must be doubled.
            label = f"&{number}  " + f"{path.name}  —  {path.parent}".replace("&", "&&")
            exists = path.exists()
            action = menu.addAction(label if exists else f"{label}  (not found)")
            action.setData(str(path))
            action.setEnabled(exists)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_recent(p))
        if recent:
            menu.addSeparator()
        clear = menu.addAction("&Clear list")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(self.clear_recent)
