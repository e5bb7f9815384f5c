"""Starting the desktop application: QApplication, crash handler, settings, main window."""

import os
import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from irdesk import __version__
from irdesk.gui.common.colours import follow_system_scheme
from irdesk.gui.common.crash_dialog import install_excepthook
from irdesk.gui.common.open_database import is_server
from irdesk.gui.main_window import MainWindow
from irdesk.storage import paths

# Set by tests/benchmarks/bench_startup.py, so that a stopwatch outside the process times
# start-up and nothing else: "window" ends the process once the window is painted, "list"
# once the first database's incidents are, "ready" once that database is open as well.
EXIT_WHEN_SHOWN = "IRDESK_EXIT_WHEN_SHOWN"

ICON_NAMES = ("irdesk.svg", "irdesk.png")
# A CJK font for names in Chinese or Japanese; the system's own fonts cover the rest.
SHIPPED_FONTS = ("WenQuanYiMicroHei.ttf",)


def window_icon() -> QIcon | None:
    """The bundled icon, found the same way from a source tree and an installed package."""
    try:
        folder = resources.files("irdesk.resources")
    except ModuleNotFoundError:
        return None
    for name in ICON_NAMES:
        candidate = folder / name
        if candidate.is_file():
            icon = QIcon(str(candidate))
            if not icon.isNull():
                return icon
    return None


def add_shipped_fonts() -> list[str]:
    """Make the fonts irdesk ships available to Qt: names such as 王伟 then show on a
    machine without a CJK font of its own (Qt falls back to them per character)."""
    families: list[str] = []
    folder = resources.files("irdesk.resources").joinpath("fonts")
    for name in SHIPPED_FONTS:
        with resources.as_file(folder.joinpath(name)) as path:
            font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def user_settings() -> QSettings:
    """Window state in an ini file under irdesk's config folder (IRDESK_HOME moves it)."""
    return QSettings(str(paths.config_dir() / "irdesk.ini"), QSettings.Format.IniFormat)


def end_once_shown(main: MainWindow, what: str) -> None:
    """End the process as soon as `what` is painted: "window", "list" (the incidents of
    the first database, from the first look at it or from the open file, whichever
    comes first) or "ready" (the database open, the screens able to read and edit it).

    Once ready the window is closed the user's way first (settings saved, the database
    closed); closing it sooner would wait for the opening still running. A file that
    fails to open ends it with 1. It ends with os._exit: the interpreter's teardown,
    freeing what the system reclaims anyway, is not start-up.
    """

    def painted() -> None:
        main.repaint()
        os._exit(0)

    def listed(*_shown: object) -> None:
        main.repaint()  # the rows are drawn, not just handed to the model
        os._exit(0)

    def ready(*_opened: object) -> None:
        main.repaint()
        # Closed from the event loop, not from inside the task's delivery that called us.
        QTimer.singleShot(0, closed)

    def closed() -> None:
        main.close()
        os._exit(0)

    if what == "window":
        QTimer.singleShot(0, painted)
        return
    if what == "list":
        main.files.previewed.connect(listed)
        main.files.opened.connect(listed)
    else:
        main.files.opened.connect(ready)
    main.tasks.errored.connect(lambda *_error: os._exit(1))


def run_gui(
    db_path: Path, *, argv: list[str] | None = None, settings: QSettings | None = None
) -> int:
    """Show the main window on `db_path` (created if missing) and run until it closes."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setOrganizationName("irdesk")
    app.setApplicationName("irdesk")
    app.setApplicationVersion(__version__)
    icon = window_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    add_shipped_fonts()
    follow_system_scheme(app)

    window: list[QWidget] = []
    previous_hook = install_excepthook(lambda: window[0] if window else None)
    try:
        main = MainWindow(settings if settings is not None else user_settings())
        window.append(main)
        if ending := os.environ.get(EXIT_WHEN_SHOWN):
            end_once_shown(main, ending)
        main.show()
        main.ask_name_at_first_start()
        # A team database's address (storage/server.ServerLocation) is a Path already, and
        # Path() would fold its "//".
        main.open_database(db_path if is_server(db_path) else Path(db_path), create=True)
        return app.exec()
    finally:
        sys.excepthook = previous_hook
