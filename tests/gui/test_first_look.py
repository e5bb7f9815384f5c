"""The first file's incidents are listed before the file is open (read with plain sqlite3
while SQLAlchemy and the tables load), and nothing that reads or edits more is offered
until it is; once open, the list keeps its rows and what the user picked meanwhile.

The opening is held on the worker (`held_open`) so that each test looks at the window
between the two, as a user would in the moment the file takes to open.
"""

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile
from sqlalchemy import create_engine
from window_driver import row_of, shown_column, visible_boxes

from irdesk.domain.models import Incident
from irdesk.gui import database_files
from irdesk.gui.common.incident_table_model import COL_ID, COL_TITLE
from irdesk.gui.main_window import MainWindow
from irdesk.storage import schema
from irdesk.storage.database import Database, open_database
from irdesk.storage.errors import CorruptDatabase

HOLD_S = 10


@pytest.fixture
def held_open(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The worker waits before opening a file until the test sets the event (or gives
    up after HOLD_S); set again at teardown, before the window closes."""
    release = threading.Event()
    real = database_files.open_database_file

    def held(
        path: Path, *, create: bool, on_backup: Callable[[Path], None], **options: object
    ) -> Database:
        release.wait(HOLD_S)
        return real(path, create=create, on_backup=on_backup, **options)

    monkeypatch.setattr(database_files, "open_database_file", held)
    yield release
    release.set()


def look_at(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.files.previewed, timeout=5000):
        window.open_database(path)


def pick(qtbot: QtBot, window: MainWindow, external_id: str) -> None:
    index = window.incident_model.index(row_of(window, external_id), COL_TITLE)
    centre = window.table.visualRect(index).center()
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def editing_offered(window: MainWindow) -> dict[str, bool]:
    actions = {
        "import": window.import_action,
        "link": window.merging.link_action,
        "start review": window.review_tab.start_action,
        "add finding": window.review_tab.add_finding_action,
        "feedback": window.review_tab.feedback_action,
        "add event": window.timeline.add_action,
        "walk": window.timeline.walk_action,
    }
    return {name: action.isEnabled() for name, action in actions.items()}


def test_the_list_shows_before_the_file_is_open_and_nothing_is_editable_until_it_is(
    qtbot: QtBot, window: MainWindow, incident_file: IncidentFile, held_open: threading.Event
) -> None:
    look_at(qtbot, window, incident_file.path)
    assert window.db is None  # still opening
    assert sorted(shown_column(window, COL_ID)) == sorted(incident_file.ids)
    assert window.count_label.text() == "5 incidents"
    assert window.path_label.text() == str(incident_file.path.resolve())
    assert "incidents.db" in window.windowTitle()
    # The status bar says the file is still opening (after the indicator's delay).
    qtbot.waitUntil(lambda: window.busy_indicator_visible, timeout=2000)
    assert window.busy_label.text() == "Opening incidents.db…"

    pick(qtbot, window, "OPS-11")  # the one without a review
    assert window.current_incident_id() == incident_file.ids["OPS-11"]
    assert not any(editing_offered(window).values())
    assert window.details.pages.currentWidget() is window.details.placeholder

    resets: list[None] = []
    window.incident_model.modelReset.connect(lambda: resets.append(None))
    with qtbot.waitSignal(window.files.opened, timeout=HOLD_S * 1000):
        held_open.set()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)

    assert resets == []  # the same rows: the list was left as it was
    assert window.current_incident_id() == incident_file.ids["OPS-11"]
    assert window.details.title_label.text() == "Disk alert on batch host"
    assert all(editing_offered(window).values())
    assert not window.busy_indicator_visible


def test_rows_that_changed_before_the_file_opened_are_replaced_keeping_the_pick(
    qtbot: QtBot, window: MainWindow, incident_file: IncidentFile, held_open: threading.Event
) -> None:
    look_at(qtbot, window, incident_file.path)
    pick(qtbot, window, "OPS-9")
    # Another irdesk adds an incident between the look and the opening.
    other = open_database(incident_file.path)
    with other.transaction() as session:
        session.add(Incident(source="jira", external_id="OPS-12", title="Queue backlog"))
    other.close()

    with qtbot.waitSignal(window.files.opened, timeout=HOLD_S * 1000):
        held_open.set()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)

    assert "OPS-12" in shown_column(window, COL_ID)
    assert window.count_label.text() == "6 incidents"
    assert window.current_incident_id() == incident_file.ids["OPS-9"]
    assert window.details.title_label.text() == "Login emails delayed"


def test_a_file_that_then_fails_to_open_leaves_no_rows_behind(
    qtbot: QtBot,
    window: MainWindow,
    incident_file: IncidentFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The opening can still refuse the file the look listed (here: found damaged).
    def damaged(path: Path, **_options: object) -> Database:
        raise CorruptDatabase(path, "is damaged: SQLite reports 'page 7 is never used'.")

    monkeypatch.setattr(database_files, "open_database_file", damaged)
    shown: list[int] = []
    window.files.previewed.connect(lambda _path, pages: shown.append(pages.count()))
    with qtbot.waitSignal(window.tasks.idle, timeout=5000):
        window.open_database(incident_file.path)

    assert shown == [5]
    [box] = visible_boxes(window)
    assert box.text() == "“incidents.db” is damaged: SQLite reports 'page 7 is never used'."
    box.accept()
    assert window.incident_model.rowCount() == 0
    assert window.count_label.text() == "0 incidents"
    assert window.path_label.text() == "No database open"
    assert window.windowTitle() == "irdesk"
    assert not any(editing_offered(window).values())


def test_an_older_file_is_listed_only_once_it_is_upgraded(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "older.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.upgrade(conn, schema.known_revisions()[-2])
    engine.dispose()
    shown: list[object] = []
    window.files.previewed.connect(lambda _path, rows: shown.append(rows))
    with qtbot.waitSignal(window.tasks.idle, timeout=10_000):
        window.open_database(path)
    assert shown == []
    assert window.db is not None and window.db.backup_made is not None
    assert window.count_label.text() == "0 incidents"


def test_a_second_file_asked_for_while_the_first_is_looked_at_opens_after_it(
    qtbot: QtBot, window: MainWindow, incident_file: IncidentFile, tmp_path: Path
) -> None:
    second = tmp_path / "second.db"
    open_database(second).close()
    opened: list[Path] = []
    window.files.opened.connect(lambda db, _rows: opened.append(db.path))
    with qtbot.waitSignal(window.tasks.idle, timeout=10_000):
        window.open_database(incident_file.path)
        window.open_database(second)
    assert opened == [incident_file.path.resolve(), second.resolve()]
    assert window.db is not None and window.db.path == second.resolve()
    assert window.count_label.text() == "0 incidents"
