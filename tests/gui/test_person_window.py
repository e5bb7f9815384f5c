"""People › Person… on incidents imported from /work/shared/data (pagerduty_incidents_page.json,
pagerduty_incident_and_log_entry.jsonl) under the directory of tests/org_samples.py (with
/work/shared/org-data's pagerduty_users.json and pagerduty_schedule_rendered.json): what
the window shows agrees with `irdesk person --format json` cell by cell, and every figure
leads to its incidents. On the hand-built organisation of tests/person_fixture.py, the
Notes tab shows the notes about that person once unlocked, and nobody else's."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from note_keys import OTHER_WORDS, PASSPHRASE, WORDS, make_identity
from org_samples import import_organisation
from person_fixture import build
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDateEdit, QDialogButtonBox
from pytestqt.qtbot import QtBot
from window_driver import choose_from_menu, open_and_wait

from irdesk.domain.enums import FeedbackKind
from irdesk.gui.main_window import MainWindow
from irdesk.gui.metrics.policy_dialog import PolicyDialog
from irdesk.gui.people.window import PersonWindow
from irdesk.reports.signing.note_keys import unlock
from irdesk.storage.database import open_database
from irdesk.storage.records import database_edits, feedback
from irdesk.storage.records.policies import current_policy

TIMEOUT_MS = 15_000
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, _ = import_organisation(tmp_path_factory.mktemp("person"))
    return db


def irdesk_json(*args: str | Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "irdesk", *map(str, args), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def open_person(qtbot: QtBot, window: MainWindow) -> PersonWindow:
    """People › Person… from the keyboard (Alt+P, P)."""
    choose_from_menu(qtbot, window, Qt.Key.Key_P, Qt.Key.Key_P)
    person = window.people.person
    assert person is not None
    qtbot.waitUntil(person.isVisible, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: person.person_combo.count() > 0, timeout=TIMEOUT_MS)
    return person


def pick_day(qtbot: QtBot, edit: QDateEdit, day: str) -> None:
    """A date from the keyboard: the year stepped with Down (a year typed over the shown
    one is refused while it is incomplete, and "-" on an untouched year steps it down),
    then the month and day typed."""
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=TIMEOUT_MS)
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    years = edit.date().year() - int(day[:4])
    for _ in range(years):
        qtbot.keyClick(edit, Qt.Key.Key_Down)
    if years == 0:
        qtbot.keyClick(edit, Qt.Key.Key_Down)
        qtbot.keyClick(edit, Qt.Key.Key_Up)
    qtbot.keyClicks(edit, day[4:])
    assert edit.date().toString(Qt.DateFormat.ISODate) == day


def ask(
    qtbot: QtBot, window: MainWindow, person: PersonWindow, name: str, first: str, last: str
) -> None:
    person.activateWindow()
    qtbot.waitUntil(person.isActiveWindow, timeout=TIMEOUT_MS)
    qtbot.keyClick(person, Qt.Key.Key_P, ALT)  # the Person box
    assert person.person_combo.hasFocus()
    qtbot.keyClicks(person.person_combo, name)
    assert person.person_combo.currentText() == name
    pick_day(qtbot, person.from_edit, first)
    pick_day(qtbot, person.to_edit, last)
    before = person.period
    # From the last date, Tab reaches Show.
    qtbot.keyClick(person.to_edit, Qt.Key.Key_Tab)
    assert person.show_button.hasFocus()
    qtbot.keyClick(person.show_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: person.period is not before, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)


def activate_row(qtbot: QtBot, person: PersonWindow, key: str, row: int) -> None:
    """Show the section's tab, go to the row and press Enter (as a double-click does)."""
    person.tabs.setCurrentIndex(list(person.models).index(key))
    table = person.tables[key]
    qtbot.waitUntil(table.isVisible, timeout=TIMEOUT_MS)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(row):
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == row
    qtbot.keyClick(table, Qt.Key.Key_Return)


def test_the_window_agrees_with_the_command_cell_by_cell(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    person = open_person(qtbot, window)
    ask(qtbot, window, person, "Hattie Hendricks", "2021-05-01", "2021-06-30")
    printed = irdesk_json(
        "person", "Hattie Hendricks", "--from", "2021-05-01", "--to", "2021-06-30", "--db", imported
    )
    assert person.summary_label.text() == printed["summary"]
    # PS8TBIQ is approved technical debt (tests/org_samples.py): listed, not counted.
    incidents = {i["id"]: i for i in printed["incidents"]}
    assert incidents["PS8TBIQ"]["excluded"] == ["approved technical debt"]
    assert incidents["PTVD0IY"]["role"] == ["on-call primary"]
    for section in printed["sections"]:
        model = person.models[section["key"]]
        assert model.section is not None
        assert list(model.section.columns) == section["columns"], section["key"]
        assert model.cells() == [r["cells"] for r in section["rows"]], section["key"]
    # The notes are sealed: the command printed none, the window shows none while locked.
    assert "notes" not in [s["key"] for s in printed["sections"]]
    assert person.models["notes"].rowCount() == 0
    assert not person.empty_labels["notes"].isHidden()


def test_every_figure_leads_to_its_incidents(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    person = open_person(qtbot, window)
    ask(qtbot, window, person, "Tim Teller", "2021-05-01", "2021-06-30")
    # Enter (or a double-click) on "Pages" (Tim was paged for PE8XPNI; PXQYZNB, an external cause,
    # counts in no figure) selects its incident in the Incidents tab.
    figures = person.models["figures"]
    pages_row = [r[0] for r in figures.cells()].index("Pages")
    assert figures.cells()[pages_row][1] == "1"
    activate_row(qtbot, person, "figures", pages_row)
    assert person.tabs.currentIndex() == 0
    chosen = person.tables["incidents"].selectionModel().selectedRows()
    assert [person.models["incidents"].row_at(i.row()).cells[0] for i in chosen] == ["PE8XPNI"]
    # Enter (or a double-click) on an incident opens it in the main window's list.
    row = [c[0] for c in person.models["incidents"].cells()].index("PXQYZNB")
    activate_row(qtbot, person, "incidents", row)
    wanted = person.models["incidents"].row_at(row).incident_ids[0]
    qtbot.waitUntil(lambda: window.current_incident_id() == wanted, timeout=TIMEOUT_MS)


def test_the_notes_tab_once_unlocked_shows_only_theirs(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "hand.db"
    identity = make_identity(tmp_path / "manager.p12", "Morgan Manager")
    keyring = unlock(identity, PASSPHRASE)
    db = open_database(path)
    try:
        ids = build(db)
        with db.transaction() as session:
            feedback.publish_reader(session, keyring.public)
        for who, text in (("Ana", WORDS), ("Ben", OTHER_WORDS)):
            database_edits.add_note(
                db,
                person_id=ids[who],
                incident_id=ids["PAY-1"],
                kind=FeedbackKind.GROWTH,
                actor="tester",
                keyring=keyring,
                text=text,
                dimensions=["documentation"],
            )
    finally:
        db.close()
    open_and_wait(qtbot, window, path)
    person = open_person(qtbot, window)
    ask(qtbot, window, person, "Ana", "2026-03-01", "2026-04-30")
    assert person.models["notes"].rowCount() == 0
    assert person.unlock_button.isVisible()
    # Unlocking the session (as the Unlock dialog does) reads the period again.
    before = person.period
    window.notes_session.unlock(identity, PASSPHRASE)
    qtbot.waitUntil(lambda: person.period is not before, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    notes = person.models["notes"].cells()
    assert [row[:3] for row in notes] == [["PAY-1", "growth", "documentation"]]
    assert notes[0][-1] == WORDS
    assert all(OTHER_WORDS not in cell for row in notes for cell in row)
    assert not person.unlock_button.isVisible()


def test_the_team_window_agrees_with_the_command_and_leads_to_people(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    choose_from_menu(qtbot, window, Qt.Key.Key_P, Qt.Key.Key_T)  # People › Team…
    team = window.people.team
    assert team is not None
    qtbot.waitUntil(team.isVisible, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: team.team_combo.count() > 0, timeout=TIMEOUT_MS)
    team.activateWindow()
    qtbot.waitUntil(team.isActiveWindow, timeout=TIMEOUT_MS)
    qtbot.keyClick(team, Qt.Key.Key_T, ALT)
    assert team.team_combo.hasFocus()
    qtbot.keyClicks(team.team_combo, "Payments Team")
    pick_day(qtbot, team.from_edit, "2021-05-01")
    pick_day(qtbot, team.to_edit, "2021-06-30")
    qtbot.keyClick(team.to_edit, Qt.Key.Key_Tab)
    assert team.show_button.hasFocus()
    qtbot.keyClick(team.show_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: team.picture is not None, timeout=TIMEOUT_MS)
    printed = irdesk_json(
        "team", "Payments Team", "--from", "2021-05-01", "--to", "2021-06-30", "--db", imported
    )
    for section in printed["sections"]:
        assert team.pages[section["key"]].model.cells() == [r["cells"] for r in section["rows"]], (
            section["key"]
        )
    # Enter on a person opens their period in the Person window.
    team.tabs.setCurrentIndex(1)
    table = team.pages["members"].table
    qtbot.waitUntil(table.isVisible, timeout=TIMEOUT_MS)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    person = window.people.person
    assert person is not None
    qtbot.waitUntil(
        lambda: person.period is not None and person.period.person == "Hattie Hendricks",
        timeout=TIMEOUT_MS,
    )
    assert (person.period.first_day.isoformat(), person.period.last_day.isoformat()) == (
        "2021-05-01",
        "2021-06-30",
    )


def test_the_policys_surge_treatment_from_its_dialog_to_the_person_view(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Tools › Policy…: a long incident at half an hour, surges left out of the figures;
    Hattie Hendricks's two incidents of 0.8 h and 0.7 h (PTVD0IY, P22QOP7) then leave her
    figures, each saying why (tests/e2e/test_surge_policy.py works the figures out)."""
    db, _ = import_organisation(tmp_path)
    open_and_wait(qtbot, window, db)
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_P)  # Tools › Policy…
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, PolicyDialog) and w.isVisible()
    )
    qtbot.waitUntil(dialog.isActiveWindow, timeout=TIMEOUT_MS)
    qtbot.keyClick(dialog, Qt.Key.Key_L, ALT)  # A long incident takes
    assert dialog.surge_hours_spin.hasFocus()
    qtbot.keyClick(dialog.surge_hours_spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.surge_hours_spin, "0.5")
    qtbot.keyClick(dialog, Qt.Key.Key_P, ALT)  # Surge periods
    assert dialog.surge_combo.hasFocus()
    qtbot.keyClick(dialog.surge_combo, Qt.Key.Key_Down)  # mark → exclude
    assert dialog.surge_combo.currentText() == "Leave their incidents out of the person's figures"
    qtbot.keyClicks(dialog.note_edit, "a long night is half an hour for us")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    saved = open_database(db)
    try:
        qtbot.waitUntil(lambda: current_policy(saved).version == 1, timeout=TIMEOUT_MS)
        policy = current_policy(saved).policy
    finally:
        saved.close()
    assert (policy.surge_long_incident_hours, policy.surge_treatment) == (0.5, "exclude")

    person = open_person(qtbot, window)
    ask(qtbot, window, person, "Hattie Hendricks", "2021-05-01", "2021-06-30")
    figures = person.models["figures"]
    assert figures.section is not None and figures.section.columns[-1] == "Surges left out"
    why = "long incident 2021-05-04 (PTVD0IY); long incident 2021-05-04 (P22QOP7)"
    assert figures.cells()[:2] == [
        ["Incidents taken part in", "15", "7.5", "7.5", why],
        ["Pages", "0", "0", "0", why],
    ]
    incidents = {row[0]: row for row in person.models["incidents"].cells()}
    assert incidents["PTVD0IY"][-1] == "not counted: surge (long incident 2021-05-04)"
    # Enter on "Pages" selects the incidents its surges left out.
    activate_row(qtbot, person, "figures", 1)
    chosen = person.tables["incidents"].selectionModel().selectedRows()
    assert sorted(person.models["incidents"].row_at(i.row()).cells[0] for i in chosen) == [
        "P22QOP7",
        "PTVD0IY",
    ]


@pytest.fixture(scope="module")
def escalated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, _ = import_organisation(tmp_path_factory.mktemp("person-escalation"), escalations=True)
    return db


def test_the_escalations_tab_writes_minutes_as_the_escalation_tab_does(
    qtbot: QtBot, window: MainWindow, escalated: Path
) -> None:
    """PGW5XNE (pagerduty_incidents_page.json, with tests/org_samples.py's escalation
    policies): Giran Moodley held level 1 for 189 s (3.15 min) against the policy's 2, so
    the path moved on 1.15 min after the policy's time; the Escalation tab beside the
    timeline writes the same 3.15 and 1.15 (tests/gui/test_escalation_tab.py)."""
    open_and_wait(qtbot, window, escalated)
    person = open_person(qtbot, window)
    ask(qtbot, window, person, "Giran Moodley", "2021-05-01", "2021-05-31")
    person.tabs.setCurrentIndex(list(person.models).index("escalations"))
    rows = [r for r in person.models["escalations"].cells() if r[0] == "PGW5XNE"]
    assert rows == [
        [
            "PGW5XNE",
            "passed on",
            "1",
            "0.02 min",
            "0 min",
            "3.15 min",
            "2 min",
            "1.15 min after the policy's time",
        ]
    ]


def test_the_person_window_follows_an_action_item_saved_in_the_review_tab(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """tests/person_fixture.py's review of PAY-1: Ana owns "Add a rollback step" (done),
    "Alert on checkout latency" (open, due 2026-03-20) and "Retire the old gateway"
    (due 2026-05-15). This user sets the latency item Done in the main window's Review
    tab; the Person window, open on Ana's March–April, shows it done, its row still
    chosen. A file: no server tells of the save, the review tab does."""
    from review_driver import open_review, query, wait_settled

    from irdesk.gui.review.models import A_TITLE

    path = tmp_path / "hand.db"
    db = open_database(path)
    try:
        build(db)
    finally:
        db.close()
    open_and_wait(qtbot, window, path)
    person = open_person(qtbot, window)
    ask(qtbot, window, person, "Ana", "2026-03-01", "2026-04-30")
    qtbot.keyClick(person, Qt.Key.Key_A, ALT)  # the Action Items tab
    table, model = person.tables["actions"], person.models["actions"]
    qtbot.waitUntil(table.isVisible, timeout=TIMEOUT_MS)
    assert [r[:3] for r in model.cells()] == [
        ["Add a rollback step", "PAY-1", "done"],
        ["Alert on checkout latency", "PAY-1", "open"],
    ]
    second = table.visualRect(model.index(1, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=second)
    shown = person.period

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT_MS)
    tab = open_review(qtbot, window, "PAY-1")
    panel = tab.actions
    row = next(
        r
        for r in range(panel.model.rowCount())
        if panel.model.index(r, A_TITLE).data() == "Alert on checkout latency"
    )
    index = panel.table.model().index(row, A_TITLE)
    qtbot.mouseClick(
        panel.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.table.visualRect(index).center(),
    )
    panel.status_combo.setFocus()
    qtbot.keyClicks(panel.status_combo, "Done")
    wait_settled(qtbot, window)
    assert query(
        path, "SELECT status FROM action_item WHERE title = 'Alert on checkout latency'"
    ) == [("done",)]

    qtbot.waitUntil(lambda: person.period is not shown, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert [r[:3] for r in model.cells()] == [
        ["Add a rollback step", "PAY-1", "done"],
        ["Alert on checkout latency", "PAY-1", "done"],
    ]
    assert model.row_at(table.currentIndex().row()).cells[0] == "Alert on checkout latency"
    assert person.person_combo.currentText() == "Ana"
