"""The File › Open Recent list, kept in the window's QSettings, and the menu that shows it."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

MAX_RECENT = 8
_GROUP = "recentFiles"
_KEY = "path"


class RecentFiles:
    """Most recent first, at most `MAX_RECENT`, no duplicates."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def paths(self) -> list[Path]:
        # An ini array, not a list value: QSettings turns a one-item list into a string.
        count = self._settings.beginReadArray(_GROUP)
        try:
            found = []
            for i in range(count):
                self._settings.setArrayIndex(i)
                value = self._settings.value(_KEY)
                if isinstance(value, str) and value:
                    found.append(Path(value))
            return found
        finally:
            self._settings.endArray()

    def add(self, path: Path) -> None:
        path = Path(path).resolve()
        self._write([path, *(p for p in self.paths() if p != path)])

    def remove(self, path: Path) -> None:
        self._write([p for p in self.paths() if p != Path(path)])

    def clear(self) -> None:
        self._write([])

    def _write(self, paths: list[Path]) -> None:
        self._settings.remove(_GROUP)
        self._settings.beginWriteArray(_GROUP, min(len(paths), MAX_RECENT))
        for i, path in enumerate(paths[:MAX_RECENT]):
            self._settings.setArrayIndex(i)
            self._settings.setValue(_KEY, str(path))
        self._settings.endArray()


def fill_recent_menu(
    menu: QMenu, recent: list[Path], open_path: Callable[[Path], None], clear: Callable[[], None]
) -> None:
    """Replace `menu`'s entries: one per file (greyed when gone), then Clear list."""
    menu.clear()
    for number, path in enumerate(recent, start=1):
        # "&" marks an accelerator in menu text; one in a file name must be doubled.
        label = f"&{number}  " + f"{path.name}  —  {path.parent}".replace("&", "&&")
        exists = path.exists()
        action = menu.addAction(label if exists else f"{label}  (not found)")
        action.setData(str(path))
        action.setEnabled(exists)
        action.setToolTip(str(path))
        action.triggered.connect(lambda _checked=False, p=path: open_path(p))
    if recent:
        menu.addSeparator()
    clear_action = menu.addAction("&Clear list")
    clear_action.setEnabled(bool(recent))
    clear_action.triggered.connect(clear)
