"""Shared fixtures. Every test gets its own irdesk home, so nothing touches the user's files."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
