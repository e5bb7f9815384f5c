"""Shared fixtures. Every test gets its own irdesk home, so nothing touches the user's files."""

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt's offscreen platform pretends to be an 800×600 screen; windows that fit their
# screen would then open at that size. The window tests run on a desktop-sized one.
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    _screens = Path(tempfile.mkdtemp(prefix="irdesk-test-screens-")) / "screens.json"
    _screens.write_text(
        json.dumps(
            {"screens": [{"name": "desktop", "x": 0, "y": 0, "width": 1920, "height": 1080}]}
        )
    )
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screens}"

from irdesk.storage.database import Database, open_database

# The same examples on every run and machine: a failure found once is found again, and a
# slow shared runner never fails a test on hypothesis's per-example deadline.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def irdesk_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("irdesk-home")
    monkeypatch.setenv("IRDESK_HOME", str(home))
    return home


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "test.db")
    yield db
    db.close()
