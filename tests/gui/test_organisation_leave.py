"""Leave typed in Tools › Organisation… on the People tab, on incidents imported from
/work/shared/data (pagerduty_incidents_page.json, pagerduty_incident_and_log_entry.jsonl)
under the directory of tests/org_samples.py: Akiko Almeda away on 4 May 2021, the day all
of her teammate Hattie Hendricks's incidents began. A refused entry keeps what was typed;
each change is audited and undone with Ctrl+Z."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from org_samples import import_organisation
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_organisation_history import pick_date
from test_organisation_window import (
    ALT,
    CTRL,
    audit,
    filter_to,
    open_organisation,
    read,
    refusal,
    type_into,
    wait_idle,
)
from window_driver import open_and_wait

from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import Database
from irdesk.storage.reads.person_period import person_period
from irdesk.storage.records.leave import list_leave

SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    db, _ = import_organisation(tmp_path)
    return db


def spans(db: Path) -> list[tuple[Any, ...]]:
    return [
        (r.starts_on.isoformat(), r.ends_on and r.ends_on.isoformat(), r.note)
        for r in read(db, list_leave)
    ]


def hatties_surges(db: Path) -> list[tuple[str, str, str, float]]:
    """Her surges as `irdesk person` and People › Person… read them (in this process: a
    command run beside the open window would leave this process's reads failing)."""

    def surges(database: Database) -> list[tuple[str, str, str, float]]:
        found = person_period(database, "Hattie Hendricks", date(2021, 5, 1), date(2021, 6, 30))
        return [
            (s.kind, s.first_day.isoformat(), s.last_day.isoformat(), s.amount)
            for s in found.surges
        ]

    return read(db, surges)


def test_leave_typed_on_the_person_refused_added_ended_removed_and_undone(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    organisation = open_organisation(qtbot, window)
    qtbot.keyClick(organisation, Qt.Key.Key_3, ALT)
    filter_to(qtbot, organisation.people, "akiko")
    panel = organisation.leave
    assert panel.person.name == "Akiko Almeda"

    # The last day before the first: refused in a sentence, the fields as typed.
    pick_date(qtbot, panel.from_edit, "2021-05-04")
    pick_date(qtbot, panel.until_edit, "2021-05-03")
    type_into(qtbot, panel.note_edit, "parental leave")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert refusal(qtbot, organisation) == (
        "Until: a day on or after the leave's first day (2021-05-04), found 2021-05-03."
    )
    assert spans(imported) == []
    assert panel.from_edit.date().toString(Qt.DateFormat.ISODate) == "2021-05-04"
    assert panel.note_edit.text() == "parental leave"

    pick_date(qtbot, panel.until_edit, "2021-05-04")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert spans(imported) == [("2021-05-04", "2021-05-04", "parental leave")]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert [panel.model.index(0, c).data() for c in range(3)] == [
        "2021-05-04",
        "2021-05-04",
        "parental leave",
    ]
    assert audit(imported)[-1][0] == "add_leave"
    # Her teammate covered for her that day: a surge in his figures.
    assert hatties_surges(imported) == [
        ("covering for Akiko Almeda on leave", "2021-05-04", "2021-05-04", 1.0)
    ]

    # Ended two days later; Ctrl+Z back to the 4th, again: gone; Ctrl+Shift+Z: back.
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    pick_date(qtbot, panel.until_edit, "2021-05-06")
    qtbot.mouseClick(panel.end_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert spans(imported) == [("2021-05-04", "2021-05-06", "parental leave")]
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, CTRL)
    wait_idle(qtbot, window)
    assert spans(imported) == [("2021-05-04", "2021-05-04", "parental leave")]
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, CTRL)
    wait_idle(qtbot, window)
    assert spans(imported) == []
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, CTRL | SHIFT)
    wait_idle(qtbot, window)
    assert spans(imported) == [("2021-05-04", "2021-05-04", "parental leave")]

    # Removed, and put back with Ctrl+Z.
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert spans(imported) == []
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, CTRL)
    wait_idle(qtbot, window)
    assert spans(imported) == [("2021-05-04", "2021-05-04", "parental leave")]
    assert [a for a, _ in audit(imported) if a.endswith("_leave")] == [
        "add_leave",
        "end_leave",
        "end_leave",
        "remove_leave",
        "add_leave",
        "remove_leave",
        "add_leave",
    ]
