"""Two people on one team database: each Review tab shows the other's changes as they
commit, and never replaces what its own user is typing.

Ana's Review tab holds a Database of its own on the run's throwaway PostgreSQL cluster;
Bo is a second Database on the same server writing through the same storage functions
his window would. The review is tests/team_clients.py's: INC-1 with two findings
("F1", "F2") and two action items ("A1", "A2"), every record at revision 0.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from team_clients import seeded_review, server_database

from irdesk.domain.enums import FindingCategory
from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.live import LiveChanges
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.review.tab import ReviewTab
from irdesk.storage.database import Database
from irdesk.storage.errors import DatabaseError
from irdesk.storage.records import database_edits


@dataclass
class Desk:
    tab: ReviewTab
    live: LiveChanges
    mine: Database  # Ana's
    theirs: Database  # Bo's
    ids: dict[str, int]

    def stored_summary(self) -> str:
        with self.theirs.session() as session:
            from irdesk.storage.records.reviews import review_by_id

            return review_by_id(session, self.ids["review"]).summary


@pytest.fixture
def desk(qtbot: QtBot, postgres_url: str) -> Iterator[Desk]:
    ids = seeded_review(postgres_url)
    mine, theirs = server_database(postgres_url), server_database(postgres_url)
    opened = OpenDatabase()
    tasks = BackgroundTasks(expected=(DatabaseError,))
    tab = ReviewTab(tasks, QUndoStack(), "Ana", opened)
    live = LiveChanges(opened)
    live.changed.connect(tab.changed_elsewhere)
    qtbot.addWidget(tab)
    opened.replace(mine)
    assert live.listening
    tab.resize(1024, 700)
    tab.show()
    tab.show_incident(ids["incident"])
    qtbot.waitUntil(lambda: tab.sheet is not None and tab.stack.currentIndex() == 2)
    yield Desk(tab, live, mine, theirs, ids)
    live.stop()  # no reload starts after this
    tab.shut_down()
    # Generous: on a loaded run the last reload and save finish long after the test's end.
    qtbot.waitUntil(lambda: not tasks.busy and not tab.autosaver.busy, timeout=20000)
    tasks.shutdown()
    mine.close()
    theirs.close()


def finding_texts(tab: ReviewTab) -> list[str]:
    return [tab.findings.model.row_at(n).text for n in range(tab.findings.model.rowCount())]


def action_titles(tab: ReviewTab) -> list[str]:
    return [tab.actions.model.row_at(n).title for n in range(tab.actions.model.rowCount())]


def test_the_other_persons_changes_show_without_a_reload(qtbot: QtBot, desk: Desk) -> None:
    tab, bo, ids = desk.tab, desk.theirs, desk.ids
    assert finding_texts(tab) == ["F1", "F2"]

    database_edits.set_summary(bo, ids["review"], 0, "Checkout failed for 40 minutes.", actor="Bo")
    qtbot.waitUntil(
        lambda: tab.header.summary_edit.toPlainText() == "Checkout failed for 40 minutes."
    )

    database_edits.add_finding(
        bo, ids["review"], FindingCategory.WENT_WELL, actor="Bo", text="Paging was fast."
    )
    database_edits.edit_action(bo, ids["action 2"], 0, actor="Bo", title="Add a canary stage")
    database_edits.delete_finding(bo, ids["finding 2"], actor="Bo")
    qtbot.waitUntil(lambda: finding_texts(tab) == ["F1", "Paging was fast."])
    qtbot.waitUntil(lambda: action_titles(tab) == ["A1", "Add a canary stage"])

    # Ana's edit after Bo's is based on what she now sees: it saves, with no conflict.
    qtbot.keyClicks(tab.header.summary_edit, " Rolled back.")
    qtbot.waitUntil(lambda: desk.stored_summary() == "Checkout failed for 40 minutes. Rolled back.")
    assert not tab.conflict_boxes


def test_what_is_being_typed_stays_and_its_save_asks(qtbot: QtBot, desk: Desk) -> None:
    tab, ids = desk.tab, desk.ids

    qtbot.keyClicks(tab.header.summary_edit, "Ana's words")
    # Bo saves the same field, and a finding, while Ana's keystrokes are not yet saved.
    database_edits.set_summary(desk.theirs, ids["review"], 0, "Bo's words", actor="Bo")
    database_edits.set_finding_text(desk.theirs, ids["finding 1"], 0, "F1, Bo's", actor="Bo")

    # His finding shows (the review was reloaded), and her summary is as she typed it.
    qtbot.waitUntil(lambda: finding_texts(tab) == ["F1, Bo's", "F2"])
    assert tab.header.summary_edit.toPlainText() == "Ana's words"
    qtbot.waitUntil(lambda: bool(tab.conflict_boxes), timeout=5000)
    [box] = tab.conflict_boxes.values()
    assert tab.header.summary_edit.toPlainText() == "Ana's words"
    assert desk.stored_summary() == "Bo's words"  # nothing overwritten while she decides

    keep = next(b for b in box.buttons() if b.text().replace("&", "") == "Keep Mine")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.stored_summary() == "Ana's words")
    assert isinstance(box, QMessageBox)


def test_a_file_is_not_listened_to(qtbot: QtBot, tmp_path: Path) -> None:
    from irdesk.storage.database import open_database

    opened = OpenDatabase()
    live = LiveChanges(opened)
    db = open_database(tmp_path / "laptop.db")
    try:
        opened.replace(db)
        assert not live.listening
    finally:
        db.close()
