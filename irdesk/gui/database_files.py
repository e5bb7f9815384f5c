"""File › New…, Open…, Open Team Database… and Open Recent: choosing a database and
opening it.

A team database on a PostgreSQL server (storage/server) is opened by its address: not
looked at first, never upgraded by the window (`irdesk db upgrade` is run once for the
team), and left out of the recent list, which holds files.

A file is recognised, backed up and upgraded if it must be, and listed on the
window's background tasks; `opened(db, pages)` hands the result to the window,
which switches every screen over to it. A file that cannot be opened is
explained in a message box, and the database already open stays open.

The storage modules (SQLAlchemy, the tables) are imported by the worker that opens
the first file, not by the window: it shows while they load. Loading them takes
longer than anything else the window does to start, so the first file is looked at
before it is opened: `previewed(path, pages)` carries its incident list, read with
plain sqlite3 (storage/bulk/incident_pages), for the window to show while the worker
goes on to open it; `preview_withdrawn(path)` follows if it then cannot be opened.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QMenu, QMessageBox

from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.gui.common.menus import add_action
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.open_database import OpenDatabase, is_server, shown_name
from irdesk.gui.common.recent_files import RecentFiles, fill_recent_menu
from irdesk.storage import paths
from irdesk.storage.errors import DatabaseError

if TYPE_CHECKING:
    from irdesk.gui.upgrade_progress import UpgradeProgressDialog
    from irdesk.storage.bulk.incident_pages import IncidentPages
    from irdesk.storage.database import Database, UpgradeProgress

FILE_FILTER = "irdesk databases (*.db *.irdesk *.sqlite);;All files (*)"
MESSAGE_MS = 30_000

OpenResult = tuple["Database", "IncidentPages"]


def open_database_file(
    path: Path,
    *,
    create: bool,
    on_backup: Callable[[Path], None],
    on_progress: Callable[[UpgradeProgress], None] | None = None,
) -> Database:
    """Storage's `open_database`, imported by the worker that opens the first file."""
    from irdesk.storage.database import open_database

    return open_database(path, create=create, on_backup=on_backup, on_progress=on_progress)


def _first_look(path: Path) -> IncidentPages | None:
    """Worker side of the first look: the incident list of a file not open yet, or None."""
    from irdesk.storage.bulk.incident_pages import IncidentPages

    return IncidentPages.first_look(path)


def _load_server(path: Path) -> OpenResult:
    """A team database on a PostgreSQL server. Its schema is upgraded by `irdesk db
    upgrade`, not by one member's window: the team's other clients may still run the
    irdesk it was at, and the server, unlike a file, is backed up by its administrator."""
    from irdesk.storage.bulk.incident_pages import IncidentPages
    from irdesk.storage.server import ServerError, ServerLocation, open_server_database

    assert isinstance(path, ServerLocation)
    try:
        db = open_server_database(path.address, may_upgrade=False)
    except ServerError as exc:
        problem = str(exc).removeprefix(f"{path}: ")
        raise DatabaseError(path, problem) from exc
    try:
        pages = IncidentPages.of_server(db.engine)
    except BaseException:
        db.close()
        raise
    return db, pages


def _load_database(
    path: Path,
    create: bool,
    report: Report,
    on_progress: Callable[[UpgradeProgress], None] | None = None,
) -> OpenResult:
    """Worker side of opening: recognise, maybe back up and upgrade (telling
    `on_progress` how far it got), then list."""
    from irdesk.storage.bulk.incident_pages import IncidentPages

    if is_server(path):
        return _load_server(path)

    def backed_up(saved: Path) -> None:
        report(f"Upgrading {path.name} (backup saved as {saved.name})…")

    db = open_database_file(path, create=create, on_backup=backed_up, on_progress=on_progress)
    try:
        pages = IncidentPages.of_open_file(db.path)
    except BaseException:
        db.close()
        raise
    return db, pages


class DatabaseFiles(QObject):
    """The File menu's database entries, the file dialogs they show, and the recent list."""

    opened = Signal(object, object)  # the Database and its incident list's pages
    previewed = Signal(object, object)  # the path and its list's pages, the file not open yet
    preview_withdrawn = Signal(object)  # the path previewed, which could not be opened
    # From the worker: (path, UpgradeProgress) while an opening upgrades an older file.
    _upgrading = Signal(object, object)

    def __init__(
        self,
        window: QMainWindow,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        settings: QSettings,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.database = database
        self.recent = RecentFiles(settings)
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._rebuild_recent_menu)
        self._opening = 0  # openings queued and not over yet
        # Files asked for while the first file is looked at, opened after it.
        self._waiting: list[tuple[Path, bool]] | None = None
        self._previewed: Path | None = None  # the file looked at, until it is open
        self.upgrade_dialog: UpgradeProgressDialog | None = None  # while one upgrades
        self._upgrading.connect(self.show_upgrade_progress)

    def add_to(self, file_menu: QMenu) -> None:
        """New…, Open… and Open Recent at the top of the File menu."""
        self.new_action = add_action(file_menu, "&New…", QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_database)
        self.open_action = add_action(file_menu, "&Open…", QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_database)
        self.team_action = add_action(file_menu, "Open &Team Database…")
        self.team_action.triggered.connect(self.choose_team_database)
        file_menu.addMenu(self.recent_menu)
        self._rebuild_recent_menu()

    # ------------------------------------------------------- fakeable dialogs

    def ask_open_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Open irdesk database", str(self._dialog_folder()), FILE_FILTER
        )
        return Path(name) if name else None

    def ask_new_path(self) -> Path | None:
        # We refuse existing files ourselves, so the dialog must not offer to replace one.
        name, _ = QFileDialog.getSaveFileName(
            self.window,
            "New irdesk database",
            str(self._dialog_folder() / "incidents.db"),
            FILE_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return Path(name) if name else None

    def ask_server_address(self) -> str | None:
        text, accepted = QInputDialog.getText(
            self.window,
            "Open team database",
            "PostgreSQL address, postgresql://[USER@]HOST[:PORT]/DATABASE\n"
            "(its password comes from ~/.pgpass, never from the address):",
        )
        return text.strip() if accepted and text.strip() else None

    def _dialog_folder(self) -> Path:
        db = self.database.current()
        return db.path.parent if db is not None and not is_server(db.path) else paths.data_dir()

    # ------------------------------------------------------------ user actions

    def choose_database(self) -> None:
        path = self.ask_open_path()
        if path is not None:
            self.open_database(path)

    def choose_team_database(self) -> None:
        """File › Open Team Database…: a server's address, checked before anything opens."""
        from irdesk.storage.server import ServerAddress, ServerError, ServerLocation

        text = self.ask_server_address()
        if text is None:
            return
        try:
            location = ServerLocation(ServerAddress.parse(text))
        except ServerError as exc:
            db = self.database.current()
            show_message(
                self.window,
                QMessageBox.Icon.Warning,
                "Cannot open database",
                str(exc),
                f"{shown_name(db.path)} stays open." if db is not None else "No database is open.",
            )
            return
        self.open_database(location)

    def new_database(self) -> None:
        path = self.ask_new_path()
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(".db")
        if path.exists():
            show_message(
                self.window,
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
        # A server's address stays a ServerLocation: Path() would fold its "//".
        path = path if is_server(path) else Path(path).expanduser()
        if self._waiting is not None:
            self._waiting.append((path, create))  # opened after the file being looked at
        elif self.database.current() is None and not self._opening and not is_server(path):
            self._waiting = []
            # The opening is queued once the rows are shown, whatever the look found: the
            # modules it loads neither slow the list's first drawing nor come before it.
            self.tasks.run(
                lambda _report: _first_look(path),
                on_done=lambda pages: self._looked(path, pages),
                description=f"Opening {path.name}…",
                then=lambda: self._open_after_look(path, create),
            )
        else:
            self._open(path, create)

    def _open_after_look(self, path: Path, create: bool) -> None:
        waiting, self._waiting = self._waiting or [], None
        for each, create_each in [(path, create), *waiting]:
            self._open(each, create_each)

    def _open(self, path: Path, create: bool) -> None:
        self._opening += 1

        def upgrading(progress: UpgradeProgress) -> None:
            self._upgrading.emit(path, progress)  # a signal: the worker touches no widget

        self.tasks.run(
            lambda report: _load_database(path, create, report, upgrading),
            on_done=self._opened,
            on_expected_error=lambda exc: self._open_failed(path, exc),
            description=f"Opening {shown_name(path)}…",
            then=self._open_over,
        )

    def show_upgrade_progress(self, path: Path, progress: UpgradeProgress) -> None:
        """The upgrade's step in its dialog, opened at its first step."""
        from irdesk.gui.upgrade_progress import UpgradeProgressDialog

        if self.upgrade_dialog is None:
            self.upgrade_dialog = UpgradeProgressDialog(shown_name(path), self.window)
            self.upgrade_dialog.show()
        self.upgrade_dialog.show_progress(progress)

    def _upgrade_over(self) -> None:
        dialog, self.upgrade_dialog = self.upgrade_dialog, None
        if dialog is not None:
            dialog.hide()
            dialog.deleteLater()

    def _open_over(self) -> None:
        self._upgrade_over()
        self._opening -= 1
        if self._previewed is not None and not self._opening:
            # Every file asked for failed: the rows of the first look are not a file's.
            withdrawn, self._previewed = self._previewed, None
            self.preview_withdrawn.emit(withdrawn)

    def open_recent(self, path: Path) -> None:
        if path.exists():
            self.open_database(path)
            return
        self.recent.remove(path)
        self._rebuild_recent_menu()
        show_message(
            self.window,
            QMessageBox.Icon.Information,
            "File not found",
            f"“{path.name}” is no longer there, so it was removed from the recent list.",
            str(path),
        )

    def clear_recent(self) -> None:
        self.recent.clear()
        self._rebuild_recent_menu()

    # ------------------------------------------------------ background results

    def _looked(self, path: Path, pages: IncidentPages | None) -> None:
        if pages is not None:  # None: the opening will say what the file is
            self._previewed = path
            self.previewed.emit(path, pages)

    def _opened(self, result: OpenResult) -> None:
        self._upgrade_over()
        db, pages = result
        self._previewed = None
        self.opened.emit(db, pages)
        if is_server(db.path):
            return  # the recent list holds files: a path read back would fold the address
        self.recent.add(db.path)
        self._rebuild_recent_menu()

    def _open_failed(self, path: Path, exc: Exception) -> None:
        self._upgrade_over()
        if isinstance(exc, DatabaseError):
            text = f"“{shown_name(exc.path)}” {exc.problem}"
            hint = exc.hint
            where = exc.path
        else:
            text = f"“{shown_name(path)}” could not be opened: {exc}"
            hint = ""
            where = path
        db = self.database.current()
        still_open = (
            f"{shown_name(db.path)} stays open." if db is not None else "No database is open."
        )
        informative = "\n\n".join(part for part in (hint, str(where), still_open) if part)
        self.window.statusBar().showMessage(f"Could not open {shown_name(path)}", MESSAGE_MS)
        show_message(
            self.window, QMessageBox.Icon.Warning, "Cannot open database", text, informative
        )

    def _rebuild_recent_menu(self) -> None:
        fill_recent_menu(self.recent_menu, self.recent.paths(), self.open_recent, self.clear_recent)
