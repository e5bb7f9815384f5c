"""The background helper: work off the GUI thread, results and errors back on it."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QThread
from pytestqt.qtbot import QtBot

from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.storage.errors import DatabaseError, NotAnIrdeskDatabase


@pytest.fixture
def tasks() -> Iterator[BackgroundTasks]:
    owner = QObject()
    unexpected: list[BaseException] = []
    helper = BackgroundTasks(
        expected=(DatabaseError,), on_unexpected=unexpected.append, parent=owner
    )
    helper.unexpected = unexpected  # type: ignore[attr-defined]
    yield helper
    helper.shutdown()
    assert helper.active_thread_count() == 0


def test_work_runs_off_the_gui_thread_and_results_arrive_on_it(
    qtbot: QtBot, tasks: BackgroundTasks
) -> None:
    gui_thread = QThread.currentThread()
    seen: dict[str, object] = {}

    def work(report: Report) -> int:
        seen["worker_is_gui"] = QThread.currentThread() is gui_thread
        report("halfway")
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["callback_is_gui"] = QThread.currentThread() is gui_thread

    progress: list[str] = []
    tasks.progress.connect(progress.append)
    with qtbot.waitSignals([tasks.finished, tasks.idle], timeout=5000):
        tasks.run(work, on_done=done, description="starting")
    assert seen == {"worker_is_gui": False, "result": 42, "callback_is_gui": True}
    assert progress == ["starting", "halfway"]
    assert not tasks.busy


def test_expected_errors_go_to_the_callers_handler(qtbot: QtBot, tasks: BackgroundTasks) -> None:
    failure = NotAnIrdeskDatabase(Path("x.db"), "is not an irdesk database.")
    handled: list[Exception] = []

    def work(_report: Report) -> None:
        raise failure

    with qtbot.waitSignal(tasks.errored, timeout=5000):
        tasks.run(work, on_done=lambda _r: None, on_expected_error=handled.append)
    assert handled == [failure]
    assert tasks.unexpected == []  # type: ignore[attr-defined]


def test_bugs_go_to_the_crash_handler_with_their_traceback(
    qtbot: QtBot, tasks: BackgroundTasks
) -> None:
    handled: list[Exception] = []

    def work(_report: Report) -> None:
        raise KeyError("bug")

    with qtbot.waitSignal(tasks.errored, timeout=5000):
        tasks.run(work, on_done=lambda _r: None, on_expected_error=handled.append)
    [bug] = tasks.unexpected  # type: ignore[attr-defined]
    assert isinstance(bug, KeyError)
    assert bug.__traceback__ is not None
    assert handled == []


def test_results_arrive_in_the_order_work_was_queued(qtbot: QtBot, tasks: BackgroundTasks) -> None:
    order: list[int] = []
    with qtbot.waitSignal(tasks.idle, timeout=5000):
        for number in range(5):
            tasks.run(lambda _r, n=number: n, on_done=order.append)
    assert order == [0, 1, 2, 3, 4]


def test_shutdown_waits_for_running_work_and_drops_its_result(
    qtbot: QtBot, tasks: BackgroundTasks
) -> None:
    started = threading.Event()
    finished = threading.Event()
    delivered: list[str] = []

    def slow(_report: Report) -> str:
        started.set()
        finished.wait(0.2)
        return "late"

    tasks.run(slow, on_done=delivered.append)
    assert started.wait(5)
    tasks.shutdown()
    assert tasks.active_thread_count() == 0
    # Whatever the worker queued before it stopped is delivered now, if it is delivered at all.
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()
    assert delivered == []
    with pytest.raises(RuntimeError, match="shut down"):
        tasks.run(slow, on_done=delivered.append)


def test_what_follows_a_task_runs_after_its_outcome_whatever_it_was(
    qtbot: QtBot, tasks: BackgroundTasks
) -> None:
    seen: list[object] = []
    idle_after: list[int] = []
    tasks.idle.connect(lambda: idle_after.append(len(seen)))

    def expected(_report: Report) -> None:
        raise NotAnIrdeskDatabase(Path("x.db"), "is not an irdesk database.")

    def bug(_report: Report) -> None:
        raise KeyError("bug")

    def after_expected() -> None:
        seen.append("after the expected error")
        tasks.run(bug, on_done=seen.append, then=lambda: seen.append("after the bug"))

    def after_result() -> None:
        seen.append("after the result")
        tasks.run(
            expected,
            on_done=seen.append,
            on_expected_error=lambda _exc: seen.append("expected error"),
            then=after_expected,
        )

    with qtbot.waitSignal(tasks.idle, timeout=5000):
        tasks.run(lambda _r: 1, on_done=seen.append, then=after_result)
    assert seen == [
        1,
        "after the result",
        "expected error",
        "after the expected error",
        "after the bug",
    ]
    assert idle_after == [5]  # busy from the first task to the last that followed it
    [crash] = tasks.unexpected  # type: ignore[attr-defined]
    assert isinstance(crash, KeyError)
