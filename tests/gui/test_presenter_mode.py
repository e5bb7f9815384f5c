"""Presenter mode: full screen on the chosen (here: the only) screen, following the walk.

It shows timeline content only; a feedback note and a finding written for the
incident never appear in it.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile
from sqlmodel import select
from timeline_driver import open_timeline
from window_driver import activate, open_and_wait

from irdesk.domain.enums import FeedbackKind, FindingCategory
from irdesk.domain.models import FeedbackNote, Finding, Person, Review
from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import open_database

FEEDBACK = "Private: Ada stayed calm and should lead the next drill"
FINDING = "The rollback runbook lacked the cache warm-up step"


def write_review_notes(incident_file: IncidentFile) -> None:
    db = open_database(incident_file.path)
    try:
        with db.transaction() as session:
            ada = session.exec(select(Person).where(Person.name == "Ada Lovelace")).one()
            review = session.exec(
                select(Review).where(Review.incident_id == incident_file.ids["INC-101"])
            ).one()
            session.add(
                FeedbackNote(
                    person_id=ada.id,
                    incident_id=incident_file.ids["INC-101"],
                    kind=FeedbackKind.RECOGNITION,
                    text=FEEDBACK,
                )
            )
            session.add(
                Finding(
                    review_id=review.id, category=FindingCategory.CONTRIBUTING_FACTOR, text=FINDING
                )
            )
    finally:
        db.close()


def presenter_texts(window: MainWindow) -> list[str]:
    presenter = window.timeline.presenter
    assert presenter is not None
    return [label.text() for label in presenter.findChildren(QLabel)]


def test_present_follows_the_walk_shows_no_review_notes_and_esc_leaves(
    qtbot: QtBot, window: MainWindow, incident_file: IncidentFile
) -> None:
    write_review_notes(incident_file)
    open_and_wait(qtbot, window, incident_file.path)
    tab = open_timeline(qtbot, window, "INC-101")
    activate(qtbot, window)
    qtbot.keyClick(tab.table, Qt.Key.Key_F5)
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Right)

    # One screen: Shift+F5 presents on it.
    assert len(QGuiApplication.screens()) == 1
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    presenter = window.timeline.presenter
    assert presenter is not None
    qtbot.waitUntil(presenter.isFullScreen, timeout=2000)
    assert presenter.screen() is QGuiApplication.primaryScreen()
    assert presenter.card.text_label.text() == "Acknowledged"
    assert presenter.title_label.text() == "Checkout latency spike"
    assert presenter.ruler.current == 1

    # The main window keeps working: stepping there moves the projector too.
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Right)
    assert presenter.card.text_label.text() == "Rolled back release 4.2.1"
    # A clicker talks to the presenter window when it has the focus.
    qtbot.keyClick(presenter, Qt.Key.Key_PageDown)
    assert tab.card.text_label.text() == "Resolved after cache warm-up"
    assert presenter.card.text_label.text() == "Resolved after cache warm-up"
    qtbot.keyClick(presenter, Qt.Key.Key_Home)
    assert presenter.ruler.current == 0

    # Nothing from the review reaches the projector, in any label.
    texts = " ".join(presenter_texts(window))
    assert FEEDBACK not in texts and FINDING not in texts and "Ada stayed calm" not in texts

    qtbot.keyClick(presenter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not presenter.isVisible(), timeout=2000)
    assert window.isVisible() and tab.walking
    qtbot.keyClick(tab.walk_page, Qt.Key.Key_Right)
    assert tab.card.text_label.text() == "Acknowledged"


def test_present_on_lists_the_screens_and_presents_on_the_one_chosen(
    qtbot: QtBot, opened: MainWindow
) -> None:
    open_timeline(qtbot, opened, "INC-101")
    menu = opened.timeline.present_menu
    menu.aboutToShow.emit()
    entries = [action.text() for action in menu.actions()]
    screen = QGuiApplication.primaryScreen()
    size = screen.geometry().size()
    assert len(entries) == 1
    assert entries[0].startswith("&1  ") and entries[0].endswith(
        f"({size.width()}×{size.height()})"
    )

    menu.actions()[0].trigger()
    presenter = opened.timeline.presenter
    assert presenter is not None
    qtbot.waitUntil(presenter.isFullScreen, timeout=2000)
    assert presenter.screen() is screen
    assert presenter.card.text_label.text() == "p99 latency above 2 s on checkout-api"
    # Closing the main window takes the projector's window with it.
    opened.close()
    assert not presenter.isVisible()
    assert QApplication.activePopupWidget() is None
