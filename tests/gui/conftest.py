"""GUI fixtures: a small incident database, a settings file in tmp_path, a watched window."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile, write_incidents
from window_driver import open_and_wait

from irdesk.gui.main_window import MainWindow

# The offscreen platform has no window manager and says so; none of it is a problem of ours.
OFFSCREEN_NOISE = (
    r"^This plugin does not support propagateSizeHints\(\)$",
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support grabbing the keyboard$",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def no_work_on_the_global_pool() -> Iterator[None]:
    """Background work belongs to a window's own pool, never Qt's shared one."""
    yield
    assert QThreadPool.globalInstance().activeThreadCount() == 0, "work ran on Qt's global pool"


@pytest.fixture
def incident_file(tmp_path: Path) -> IncidentFile:
    return write_incidents(tmp_path / "incidents.db")


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings" / "irdesk.ini"


@pytest.fixture
def gui_settings(settings_path: Path) -> QSettings:
    """Never the user's real configuration."""
    return QSettings(str(settings_path), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot: QtBot, gui_settings: QSettings) -> Iterator[Callable[..., MainWindow]]:
    """Windows that must leave no background work running once closed."""
    windows: list[MainWindow] = []

    def make(settings: QSettings | None = None) -> MainWindow:
        window = MainWindow(settings if settings is not None else gui_settings)
        # The figures' facts are prepared as part of an opening rather than seconds
        # later, in the middle of whatever the test does next.
        window.figures_preparation.opening_delay_ms = 0
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        assert window.tasks.active_thread_count() == 0, "a background task outlived its window"
        assert not window.tasks.busy


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window()


@pytest.fixture
def opened(qtbot: QtBot, window: MainWindow, incident_file: IncidentFile) -> MainWindow:
    open_and_wait(qtbot, window, incident_file.path)
    return window


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Switch the process's local time zone; restored afterwards."""

    def switch(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield switch
    monkeypatch.undo()
    time.tzset()
