"""The autosaver on its own: throttled saves, one at a time per record, retries after a failure."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from irdesk.gui.common.autosave import SAVE_DELAY_MS, Autosaver
from irdesk.gui.common.background import BackgroundTasks
from irdesk.storage.database import Database
from irdesk.storage.errors import DatabaseBusy, DatabaseError

RECORD = ("finding", 1)
KEY_INTERVAL_MS = 60  # well under SAVE_DELAY_MS, while the 11 keys below take longer


class FakeFile:
    """Stands in for storage: records what was written on which revision."""

    def __init__(self, failures: int = 0) -> None:
        self.writes: list[tuple[Any, int]] = []
        self.failures = failures

    def write(self, _db: Database, value: Any, revision: int) -> int:
        if self.failures:
            self.failures -= 1
            raise DatabaseBusy(Path("review.db"), "is locked by another program.")
        self.writes.append((value, revision))
        return revision + 1


@pytest.fixture
def tasks() -> Iterator[BackgroundTasks]:
    helper = BackgroundTasks(expected=(DatabaseError,))
    yield helper
    helper.shutdown()


def test_typing_is_saved_every_delay_not_only_when_it_stops(
    qtbot: QtBot, database: Database, tasks: BackgroundTasks
) -> None:
    saver = Autosaver(tasks, lambda: database)
    file = FakeFile()
    text = ""
    # Keys come quicker than SAVE_DELAY_MS, and the typing lasts longer than it.
    for char in "retry storm":
        text += char
        saver.edited(RECORD, "text", lambda t=text: t, file.write)
        qtbot.wait(KEY_INTERVAL_MS)
    # At least one save landed mid-typing, although the typing never paused for SAVE_DELAY_MS.
    assert file.writes and file.writes[0][0] != "retry storm"
    qtbot.waitUntil(lambda: not saver.busy and not tasks.busy, timeout=2 * SAVE_DELAY_MS)
    assert file.writes[-1][0] == "retry storm"
    # Each save is based on the revision the previous one left.
    assert [revision for _value, revision in file.writes] == list(range(len(file.writes)))


def test_a_failed_save_is_retried_and_reported(
    qtbot: QtBot, database: Database, tasks: BackgroundTasks
) -> None:
    saver = Autosaver(tasks, lambda: database)
    saver.retry_ms = 50
    file = FakeFile(failures=2)
    problems: list[Exception] = []
    saver.failed.connect(problems.append)
    saver.save_now(RECORD, "text", "kept", file.write)
    qtbot.waitUntil(lambda: file.writes == [("kept", 0)], timeout=2000)
    assert len(problems) == 2 and isinstance(problems[0], DatabaseBusy)
    qtbot.waitUntil(lambda: not saver.busy and not tasks.busy, timeout=1000)
