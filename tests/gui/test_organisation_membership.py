"""Rotation membership typed in the Organisation window: Kyler Kuhn (from
/work/shared/org-data/pagerduty_users.json) added to the Ops layer of
opsgenie_schedule_first_line.json from 1 August 2019, his membership ended on
10 August, both undone and redone, and kept by a re-import of the schedule."""

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_organisation_history import pick_date
from test_organisation_window import (
    CTRL,
    SAMPLES,
    TIMEOUT_MS,
    audit,
    click_row,
    imported,
    open_organisation,
    read,
    wait_idle,
)
from window_driver import open_and_wait

from irdesk.gui.main_window import MainWindow
from irdesk.gui.organisation.window import OrganisationWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.reads.directory import MemberRow, rotation_members

__all__ = ["imported"]  # the fixture, shared
SHIFT = Qt.KeyboardModifier.ShiftModifier
SCHEDULE = next(p for p in SAMPLES if p.name == "opsgenie_schedule_first_line.json")


def midnight(day: str) -> datetime:
    d = datetime.fromisoformat(day)
    return datetime(d.year, d.month, d.day).astimezone().astimezone(UTC)


def kylers(path: Path) -> list[MemberRow]:
    return [m for m in read(path, rotation_members) if m.person == "Kyler Kuhn"]


def shown_people(organisation: OrganisationWindow) -> set[str]:
    members = organisation.members
    return {members.row_at(r).person for r in range(members.rowCount())}


def test_a_person_added_to_a_rotation_from_a_day_and_ended(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    organisation = open_organisation(qtbot, window)
    qtbot.keyClick(organisation, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    click_row(qtbot, organisation.rotations, "Rotation", "Ops")
    bar = organisation.membership_bar
    bar.person_box.setFocus()
    qtbot.keyClicks(bar.person_box, "Kyler")  # a space would open the list
    assert bar.person_box.currentText() == "Kyler Kuhn"
    pick_date(qtbot, bar.day_edit, "2019-08-01")
    qtbot.mouseClick(bar.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    [added] = kylers(imported)
    assert (added.rotation, added.how, added.starts_at, added.ends_at) == (
        "Ops",
        "typed",
        midnight("2019-08-01"),
        None,
    )
    assert audit(imported)[-1] == (
        "add_rotation_member",
        {"person": "Kyler Kuhn", "from": midnight("2019-08-01").isoformat()},
    )
    # Who was on Ops on 2019-08-02, as the window lists it: Kyler too now.
    organisation.day_edit.setDate(
        organisation.day_edit.date().fromString("2019-08-02", Qt.DateFormat.ISODate)
    )
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: "Kyler Kuhn" in shown_people(organisation), timeout=TIMEOUT_MS)
    assert {"olivia@dxw.com", "Kyler Kuhn"} <= shown_people(organisation)

    # His membership (the row added by hand) ends on 10 August.
    members = organisation.members
    row = next(r for r in range(members.rowCount()) if members.row_at(r).person == "Kyler Kuhn")
    organisation.members_table.setFocus()
    organisation.members_table.setCurrentIndex(members.index(row, 0))
    assert bar.end_button.isEnabled()
    pick_date(qtbot, bar.day_edit, "2019-08-10")
    qtbot.mouseClick(bar.end_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert [m.ends_at for m in kylers(imported)] == [midnight("2019-08-10")]

    # Ctrl+Z opens it again; Ctrl+Z again takes him off; Ctrl+Shift+Z puts him back.
    qtbot.keyClick(organisation.members_table, Qt.Key.Key_Z, CTRL)
    wait_idle(qtbot, window)
    assert [m.ends_at for m in kylers(imported)] == [None]
    qtbot.keyClick(organisation.members_table, Qt.Key.Key_Z, CTRL)
    wait_idle(qtbot, window)
    assert kylers(imported) == []
    assert audit(imported)[-1][0] == "remove_rotation_member"
    qtbot.keyClick(organisation.members_table, Qt.Key.Key_Z, CTRL | SHIFT)
    wait_idle(qtbot, window)
    assert [(m.rotation, m.starts_at) for m in kylers(imported)] == [
        ("Ops", midnight("2019-08-01"))
    ]

    # A re-import of the schedule keeps the membership typed by hand.
    db = open_database(imported, create=False)
    try:
        run_import(db, [SCHEDULE])
    finally:
        db.close()
    assert [(m.rotation, m.how) for m in kylers(imported)] == [("Ops", "typed")]


def test_a_membership_from_the_tool_is_not_ended_by_hand(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    organisation = open_organisation(qtbot, window)
    qtbot.keyClick(organisation, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    click_row(qtbot, organisation.rotations, "Rotation", "Ops")
    organisation.every_date.setChecked(True)
    qtbot.waitUntil(lambda: organisation.members.rowCount() > 0, timeout=TIMEOUT_MS)
    organisation.members_table.setCurrentIndex(organisation.members.index(0, 0))
    # Olivia's, bob's and chris's come from the Opsgenie layer: the button stays off.
    assert organisation.members.row_at(0).how != "typed"
    assert not organisation.membership_bar.end_button.isEnabled()
