"""The versions a bug report needs, shared by the About box and the crash dialog."""

import platform

import PySide6
from PySide6.QtCore import qVersion

from irdesk import __version__
from irdesk.storage.reads.library_versions import sqlite_version


def version_lines() -> list[tuple[str, str]]:
    return [
        ("irdesk", __version__),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("SQLite", sqlite_version()),
        ("Platform", platform.platform()),
    ]


def version_text() -> str:
    return "\n".join(f"{name}: {version}" for name, version in version_lines())
