"""The main window on a team database on a PostgreSQL server: `irdesk --db postgresql://…`.

The server is the run's throwaway cluster (tests/pg_cluster.py); the data is
tests/team_clients.py's review (INC-1 "Checkout errors", findings "F1" and "F2") and,
for the list's filter and order, three incidents written out by hand below. A second
Database on the same server (Bo's) writes through the storage functions his own window
would use.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from team_clients import seeded_review, server_database
from window_driver import choose_from_menu, click_row, row_of, shown_column, visible_boxes

from irdesk.domain.models import Incident
from irdesk.gui.common.incident_table_model import COL_ID
from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import Database
from irdesk.storage.records import database_edits
from irdesk.storage.server import ServerAddress, ServerLocation


def open_server(qtbot: QtBot, window: MainWindow, url: str) -> None:
    with qtbot.waitSignal(window.files.opened, timeout=20_000):
        window.open_database(ServerLocation(ServerAddress.parse(url)))
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=10_000)


@pytest.fixture
def team(postgres_url: str) -> Iterator[tuple[dict[str, int], Database]]:
    ids = seeded_review(postgres_url)
    bo = server_database(postgres_url)
    with bo.transaction() as session:
        # Two more incidents: one without a start (listed last), one of another source.
        session.add(Incident(source="opsgenie", external_id="OG-7", title="Login latency"))
        session.add(
            Incident(
                source="opsgenie",
                external_id="OG-8",
                title="Search timeouts",
                started_at=datetime(2026, 6, 1, 12, 0, tzinfo=UTC),
                resolved_at=datetime(2026, 6, 1, 12, 5, tzinfo=UTC),
            )
        )
    yield ids, bo
    bo.close()


def test_the_window_opens_a_team_database_and_follows_others_changes(
    qtbot: QtBot, window: MainWindow, postgres_url: str, team: tuple[dict[str, int], Database]
) -> None:
    ids, bo = team
    open_server(qtbot, window, postgres_url)

    # Newest first, the incident without a start last, as on a file.
    assert shown_column(window, COL_ID) == ["OG-8", "INC-1", "OG-7"]
    # The address as ServerLocation shows it: the socket folder (?host=…) is left out.
    assert "?" not in window.windowTitle() and "host=" not in window.path_label.text()
    assert window.windowTitle().startswith("postgresql://irdesk_admin@/t_test_the_window")
    assert window.live.listening

    # The filter box, typed into: the server filters by the words the list always used.
    window.incident_list.focus_filter()
    qtbot.keyClicks(window.incident_list.filter_edit, "CHECK")
    qtbot.waitUntil(lambda: shown_column(window, COL_ID) == ["INC-1"], timeout=5000)
    qtbot.keyClick(
        window.incident_list.filter_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.keyClicks(window.incident_list.filter_edit, "opsgenie")
    qtbot.waitUntil(lambda: shown_column(window, COL_ID) == ["OG-8", "OG-7"], timeout=5000)
    qtbot.keyClick(
        window.incident_list.filter_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.keyClick(window.incident_list.filter_edit, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(shown_column(window, COL_ID)) == 3, timeout=5000)

    click_row(qtbot, window, row_of(window, "INC-1"))
    window.incident_tabs.setCurrentWidget(window.review_tab)
    tab = window.review_tab
    qtbot.waitUntil(lambda: tab.sheet is not None and tab.stack.currentIndex() == 2, timeout=10_000)
    findings = tab.findings.model
    assert [findings.row_at(n).text for n in range(findings.rowCount())] == ["F1", "F2"]

    # Bo, at his own desk, writes the summary: Ana's window shows it without a reload.
    database_edits.set_summary(bo, ids["review"], 0, "Checkout failed for 40 minutes.", actor="Bo")
    qtbot.waitUntil(
        lambda: tab.header.summary_edit.toPlainText() == "Checkout failed for 40 minutes.",
        timeout=10_000,
    )


def test_a_server_database_not_upgraded_yet_is_named_with_the_command_to_run(
    qtbot: QtBot, window: MainWindow, postgres_url: str
) -> None:
    # postgres_url is an empty database: no irdesk schema on it yet.
    address = ServerAddress.parse(postgres_url)
    with qtbot.waitSignal(window.tasks.idle, timeout=20_000):
        window.open_database(ServerLocation(address))
    [box] = visible_boxes(window)
    assert box.windowTitle() == "Cannot open database"
    assert box.text() == (
        f"“{address.shown}” its schema revision is none; run "
        f"`irdesk db upgrade {address.shown}` first (nothing was changed)."
    )
    assert "host=" not in box.text() + box.informativeText()
    assert window.database.current() is None


def test_file_open_team_database_takes_an_address_and_refuses_a_password(
    qtbot: QtBot,
    window: MainWindow,
    postgres_url: str,
    team: tuple[dict[str, int], Database],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = ["postgresql://ana:secret@db.example/irdesk", postgres_url]
    monkeypatch.setattr(window.files, "ask_server_address", lambda: answers.pop(0))

    # An address holding a password is refused in one sentence, before anything opens.
    choose_from_menu(qtbot, window, Qt.Key.Key_F, Qt.Key.Key_T)
    [box] = visible_boxes(window)
    assert box.text().startswith("postgresql://ana@db.example…: the address holds a password")
    assert "secret" not in box.text() + box.informativeText()
    assert box.informativeText() == "No database is open."
    assert window.database.current() is None
    box.close()

    with qtbot.waitSignal(window.files.opened, timeout=20_000):
        choose_from_menu(qtbot, window, Qt.Key.Key_F, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: shown_column(window, COL_ID) == ["OG-8", "INC-1", "OG-7"])
    # Open Recent lists files: an address read back as a path would lose its "//".
    assert window.files.recent.paths() == []
