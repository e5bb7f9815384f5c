"""The figures' stored facts built in the background after an import and at an opening:
progress in the status bar, edits never lost or kept waiting, a consistent file whenever
the window closes."""

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from import_driver import choose_files, click, open_empty
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile
from testdata import SHARED_DATA
from timeline_driver import open_timeline, shown
from window_driver import activate, open_and_wait

from irdesk.cli.main import main as irdesk_main
from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.selection import GROUPINGS, Period
from irdesk.domain.metrics.tables import figures_json
from irdesk.domain.policy import Policy
from irdesk.gui.importing.dialog import ImportDialog
from irdesk.gui.main_window import MainWindow
from irdesk.gui.metrics import prepare
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk import metric_facts
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database, open_database

PAGERDUTY = SHARED_DATA / "pagerduty_incidents_page.json"
TIMEOUT_MS = 10_000
CTRL = Qt.KeyboardModifier.ControlModifier


def on_file(path: Path, read: Callable[[Database], object]) -> object:
    """What `read` finds in the file, through a connection of the test's own."""
    db = open_database(path, create=False)
    try:
        return read(db)
    finally:
        db.close()


def stored_blocks(db: Database) -> list[int]:
    with db.connection() as conn:
        return [b for (b,) in conn.exec_driver_sql("SELECT block FROM metric_fact_block")]


def nothing_missing(db: Database) -> bool:
    with db.connection() as conn:
        found = metric_facts.plan(conn.connection.dbapi_connection.cursor(), None)
    return all(b in found.stored for b in found.blocks)


def texts(db: Database) -> list[str]:
    with db.connection() as conn:
        rows = conn.exec_driver_sql("SELECT text FROM timeline_event").all()
    return [t for (t,) in rows]


def figures(db: Database, *, cached: bool) -> list[object]:
    policy = Policy()
    data = load_metric_data(db, None, None, cached=cached)
    # The PagerDuty sample's May and June 2021 and the small file's October 2026.
    period = Period(datetime(2021, 5, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
    return [figures_json(compute_figures(data, policy, period, by)) for by in GROUPINGS]


def import_file(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow) -> ImportDialog:
    """File › Import of the PagerDuty sample, the Import button clicked; the dialog stays."""
    dialog = choose_files(qtbot, monkeypatch, window, PAGERDUTY)
    with qtbot.waitSignal(dialog.import_finished, timeout=TIMEOUT_MS):
        click(qtbot, dialog.import_button)
    return dialog


def label(window: MainWindow) -> str:
    shown_label = window.figures_preparation.label
    return shown_label.text() if shown_label.isVisible() else ""


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Each block's building waits for `release` once it has said it `started`: the
    test acts while a batch is under way."""
    started, release = threading.Event(), threading.Event()
    build = metric_facts.build_block

    def slow(cur: object, block: int) -> metric_facts.Facts:
        started.set()
        release.wait(TIMEOUT_MS / 1000)
        return build(cur, block)  # type: ignore[arg-type]

    monkeypatch.setattr(metric_facts, "build_block", slow)
    yield started, release
    release.set()  # never leave the worker waiting


def test_an_import_prepares_the_figures_and_the_dashboard_derives_nothing(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, tmp_path: Path
) -> None:
    open_empty(qtbot, window, tmp_path / "fresh.db")
    assert label(window) == ""  # an empty file has nothing to prepare
    seen: list[str] = []
    window.figures_preparation.label.setText = (  # type: ignore[method-assign]
        lambda text, real=window.figures_preparation.label.setText: (seen.append(text), real(text))
    )

    import_file(qtbot, monkeypatch, window)  # pagerduty_incidents_page.json
    qtbot.waitUntil(lambda: label(window) == "Figures prepared", timeout=TIMEOUT_MS)
    # The sample's 26 incidents all fall in the first block of ids.
    assert seen == ["Preparing figures… 1 of 1 blocks", "Figures prepared"]
    path = tmp_path / "fresh.db"
    assert on_file(path, stored_blocks) == [0]
    assert on_file(path, nothing_missing) is True

    reference = on_file(path, lambda db: figures(db, cached=False))

    def refuse(cur: object, block: int) -> None:
        raise AssertionError(f"block {block} derived again by the read")

    monkeypatch.setattr(metric_facts, "build_block", refuse)
    assert on_file(path, lambda db: figures(db, cached=True)) == reference


def test_opening_a_file_with_missing_blocks_prepares_them(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "imported.db"
    db = open_database(path)
    try:
        run_import(db, [PAGERDUTY])  # pagerduty_incidents_page.json, outside the window
        assert stored_blocks(db) == []
    finally:
        db.close()
    open_and_wait(qtbot, window, path)
    qtbot.waitUntil(lambda: label(window) == "Figures prepared", timeout=TIMEOUT_MS)
    assert on_file(path, stored_blocks) == [0]

    # Nothing missing: the next opening builds nothing and says nothing.
    open_empty(qtbot, window, tmp_path / "other.db")
    assert label(window) == ""  # what it said was about the other file
    open_and_wait(qtbot, window, path)
    assert label(window) == ""


def test_an_edit_made_while_the_figures_are_prepared_is_saved_and_counted(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    window: MainWindow,
    incident_file: IncidentFile,
    held: tuple[threading.Event, threading.Event],
) -> None:
    started, release = held
    release.set()
    open_and_wait(qtbot, window, incident_file.path)  # its one block prepared
    tab = open_timeline(qtbot, window, "INC-101")
    started.clear()
    release.clear()
    import_file(qtbot, monkeypatch, window).close()  # pagerduty_incidents_page.json
    qtbot.waitUntil(started.is_set, timeout=TIMEOUT_MS)  # a batch is under way

    # Add an event to INC-101's timeline, as in the Timeline tab's own tests.
    activate(qtbot, window)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_E, CTRL)
    dialog = window.timeline.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.text_edit, "paged the payments team")
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return)
    # Queued behind the batch under way (a couple of blocks), never beside it.
    assert "paged the payments team" not in on_file(incident_file.path, texts)  # type: ignore[operator]
    release.set()

    qtbot.waitUntil(lambda: label(window) == "Figures prepared", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert "paged the payments team" in shown(tab)
    path = incident_file.path
    assert "paged the payments team" in on_file(path, texts)  # type: ignore[operator]
    # The block the edit touched was built again with it: nothing is stale.
    assert on_file(path, nothing_missing) is True
    reference = on_file(path, lambda db: figures(db, cached=False))
    assert on_file(path, lambda db: figures(db, cached=True)) == reference
    # And Ctrl+Z still takes the edit back.
    activate(qtbot, window)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert "paged the payments team" not in on_file(path, texts)  # type: ignore[operator]


def test_closing_the_window_mid_build_leaves_a_consistent_file(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    window: MainWindow,
    tmp_path: Path,
    held: tuple[threading.Event, threading.Event],
    capsys: pytest.CaptureFixture[str],
) -> None:
    started, release = held
    path = tmp_path / "fresh.db"
    open_empty(qtbot, window, path)
    import_file(qtbot, monkeypatch, window).close()  # pagerduty_incidents_page.json
    qtbot.waitUntil(started.is_set, timeout=TIMEOUT_MS)
    release.set()
    window.close()  # waits for the batch under way; no further batch starts
    assert not window.figures_preparation.running
    capsys.readouterr()
    assert irdesk_main(["db", "check", str(path)]) == 0
    assert "  figure facts:    ok\n" in capsys.readouterr().out


def test_a_file_that_refuses_the_write_is_left_to_the_next_read(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "fresh.db"
    open_empty(qtbot, window, path)
    # Another writer holds the file, or it is read-only: every store is refused.
    monkeypatch.setattr(metric_facts, "store", lambda *_args: False)
    import_file(qtbot, monkeypatch, window).close()  # pagerduty_incidents_page.json
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert not window.figures_preparation.running
    assert label(window) == ""
    assert on_file(path, stored_blocks) == []


def test_a_build_that_gives_way_part_way_does_not_say_prepared(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "fresh.db"
    open_empty(qtbot, window, path)
    # One block of two stored, then the next write refused (another writer came in).
    results = [(1, 2), (0, 0)]
    calls: list[int] = []

    def one_batch(_db: Database, _report: object) -> tuple[int, int]:
        calls.append(1)
        return results[len(calls) - 1] if len(calls) <= len(results) else (0, 0)

    monkeypatch.setattr(prepare, "build_one_batch", one_batch)
    import_file(qtbot, monkeypatch, window).close()  # pagerduty_incidents_page.json
    qtbot.waitUntil(lambda: len(calls) >= 2, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.figures_preparation.running, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    # The last progress it showed, and nothing claiming the figures are prepared.
    assert window.figures_preparation.label.text() == "Preparing figures… 1 of 2 blocks"
    assert label(window) == ""


def test_a_file_this_user_cannot_write_is_not_tried(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "imported.db"
    db = open_database(path)
    try:
        run_import(db, [PAGERDUTY])  # pagerduty_incidents_page.json
    finally:
        db.close()
    tried: list[object] = []
    monkeypatch.setattr(metric_facts, "build_missing", lambda *a, **k: tried.append(a))
    # The tests run as whoever they run as: the file's permission is what os.access says.
    monkeypatch.setattr(prepare.os, "access", lambda p, mode: Path(p) != path)
    open_and_wait(qtbot, window, path)
    assert tried == []
    assert label(window) == ""
