"""The File › Open Recent list, kept in the window's QSettings."""

from pathlib import Path

from PySide6.QtCore import QSettings

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
