"""Tools › Problems… (Ctrl+Shift+R) on imported data: make a problem from the incident
selected in the list, see its figure, incidents and open actions, the same as
`irdesk problems list --format json` says, cell by cell.

Samples: /work/shared/data/pagerduty_incidents_page.json ("Warning: High Response Time
Detected", four incidents of WD: Payments, the last at 10:32:09 on 4 May 2021) and
/work/shared/org-data/pagerduty_teams.json (team "Engineering").
"""

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from testdata import ORG_DATA, SHARED_DATA
from window_driver import activate, click_row, open_and_wait, row_of

from irdesk.cli.problems import problem_json
from irdesk.domain.utc import utc_now
from irdesk.gui.incidents.problems_window import ProblemsWindow, days_since
from irdesk.gui.main_window import MainWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.records import database_edits


def test_make_a_problem_from_the_selected_incident(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "imported.db"
    db = open_database(path, create=True)
    run_import(
        db, [SHARED_DATA / "pagerduty_incidents_page.json", ORG_DATA / "pagerduty_teams.json"]
    )
    db.close()
    open_and_wait(qtbot, window, path)
    click_row(qtbot, window, row_of(window, "PUJY049"))
    activate(qtbot, window)
    qtbot.keyClick(
        window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.problems.problems is not None, timeout=5000)
    problems = window.problems.problems
    assert isinstance(problems, ProblemsWindow) and problems.isVisible()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    assert problems.team_combo.currentText() == "Engineering"
    assert problems.problems.rowCount() == 0

    qtbot.keyClicks(problems.title_edit, "Payments response time")
    with qtbot.waitSignal(window.tasks.idle, timeout=5000):
        qtbot.mouseClick(problems.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: problems.problems.rowCount() == 1, timeout=5000)
    assert problems.message.text() == "Problem 1 made: 4 incidents, 3 repeats."
    shown = [problems.problems.index(0, c).data() for c in range(7)]
    incidents = [
        problems.incidents.index(r, 0).data() for r in range(problems.incidents.rowCount())
    ]

    db = open_database(path)
    try:
        [view] = database_edits.read_problems(db, utc_now())
    finally:
        db.close()
    said = problem_json(view)
    assert shown[:5] == [
        said["title"],
        said["accountable_team"],
        "—",  # no contributing team
        str(len(said["incidents"])),
        str(said["repeat_incidents"]),
    ]
    assert shown[0] == "Payments response time"
    assert float(shown[5]) == float(days_since(view))
    assert (
        incidents
        == [i["incident"] for i in said["incidents"]]
        == [
            "pagerduty:PO3U4E3",
            "pagerduty:P1I97AH",
            "pagerduty:P0MHP79",
            "pagerduty:PUJY049",
        ]
    )


def test_an_incident_that_does_not_recur_is_named_and_nothing_made(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "imported.db"
    db = open_database(path, create=True)
    run_import(
        db, [SHARED_DATA / "pagerduty_incidents_page.json", ORG_DATA / "pagerduty_teams.json"]
    )
    db.close()
    open_and_wait(qtbot, window, path)
    click_row(qtbot, window, row_of(window, "PGW5XNE"))
    problems = window.problems.show_problems()
    assert problems is not None
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    with qtbot.waitSignal(window.tasks.idle, timeout=5000):
        qtbot.mouseClick(problems.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "does not recur" in problems.message.text(), timeout=5000)
    assert problems.problems.rowCount() == 0
