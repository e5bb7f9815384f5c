"""Run in a fresh process by test_screen_sizes.py: every window and dialog on every screen.

The offscreen platform is configured (its `configfile` option) with one screen per size
a review room has. On each, the main window opens on the database given, an incident
is selected and its Review tab shown, then each window and dialog is opened the way the
window opens it. For each, what does not fit is collected: the frame outside the
screen's available area, a button outside the window or clipped by a scroll area. The
result is printed as JSON on the last line.

Usage: python screen_sizes_driver.py DB SETTINGS.ini INCIDENT SAMPLE_FILE
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QRect, QSettings, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QMessageBox,
    QWidget,
)

from irdesk.gui.common.crash_dialog import show_crash_dialog
from irdesk.gui.common.help_windows import ProblemReportDialog, ShortcutsDialog
from irdesk.gui.common.user_guides import guides, show_user_guide
from irdesk.gui.main_window import MainWindow


def settle(ms: int = 30) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_idle(window: MainWindow) -> None:
    for _ in range(500):
        settle(10)
        if not window.tasks.busy:
            return


def placed(widget: QWidget) -> list[tuple[int, int, int, int]]:
    """Where the window and each of its buttons are on the screen."""
    buttons = widget.findChildren(QAbstractButton)
    return [widget.frameGeometry().getRect()] + [
        QRect(button.mapToGlobal(QPoint(0, 0)), button.size()).getRect() for button in buttons
    ]


def laid_out(widget: QWidget) -> None:
    """Deliver what is posted (layouts, resizes, zero timers) until nothing moves any more.

    The check needs the window where it settles, not where it was first shown; waiting
    for it to stop moving takes as long as it needs, never a guessed pause.
    """
    before = placed(widget)
    for _ in range(50):
        settle(0)
        after = placed(widget)
        if after == before:
            return
        before = after


def newest(kind: type[QWidget], before: set[int]) -> QWidget | None:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    fresh = [w for w in found if id(w) not in before]
    return (fresh or found or [None])[-1]


def in_scroll_area(button: QWidget, window: QWidget) -> bool:
    """Inside a scroll area the user can scroll it into view: that counts as reachable."""
    parent = button.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def what_does_not_fit(widget: QWidget, screen: QScreen) -> list[str]:
    area = screen.availableGeometry()
    problems = []
    frame = widget.frameGeometry()
    if not area.contains(frame):
        problems.append(f"frame {frame.getRect()} outside {area.getRect()}")
    inside = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size()).intersected(area)
    for button in widget.findChildren(QAbstractButton):
        if not button.isVisible() or in_scroll_area(button, widget):
            continue
        box = QRect(button.mapToGlobal(QPoint(0, 0)), button.size())
        if not inside.contains(box):
            problems.append(f"button {button.text()!r} at {box.getRect()} not on screen")
    return problems


def open_readers_dialog(window: MainWindow) -> QDialog:
    """The readers of a note, as Readers… shows them: four readers, one a manager without
    a key and one the organisation's recovery reader, the longest names the demo has."""
    from irdesk.gui.review.readers_dialog import ReadersDialog
    from irdesk.storage.records.feedback import ReaderRow

    readers = (
        ReaderRow(1, "Morgan Manager", "a1" * 32, recovery=False, removed=False),
        ReaderRow(2, "Ελένη Παπαδοπούλου", "b2" * 32, recovery=False, removed=False),
        ReaderRow(3, "Priya Raghunathan", "c3" * 32, recovery=False, removed=False),
        ReaderRow(4, "Acme Recovery", "d4" * 32, recovery=True, removed=False),
    )
    dialog = ReadersDialog(
        about="Hannah Okafor",
        readers=readers,
        ticked=(1, 3),
        fixed={4: "organisation recovery"},
        note="Their manager in the directory, Liam O'Connor, has no key here yet: they "
        "become a reader the first time they unlock notes in irdesk.",
        parent=window,
    )
    dialog.open()
    return dialog


def open_survey(window: MainWindow) -> QWidget | None:
    """The survey dialog on a made-up approved review with two attendees; nothing is saved."""
    from irdesk.storage.records.review_surveys import SurveyTarget

    if window.db is None:
        return None
    attendees = ((1, "Ana Lima"), (2, "Benedikt Oyelaran-Whitfield"))
    target = SurveyTarget(0, "demo:INC-1022", True, attendees, frozenset(), 0)
    return window.review_feedback.show_survey(window.db, target)


# A runbook for INC-101's service, so the Runbook Step dialog has steps to show.
RUNBOOK = (
    "checkout-api",
    "Checkout errors",
    [
        "Acknowledge the page and open the incident channel",
        "Check the error rate on the checkout dashboard against the last deploy",
        "Roll back the last deploy if it started the errors",
        "Post a status update for customers",
    ],
    None,
)


def open_runbook_step(window: MainWindow) -> None:
    from irdesk.storage.records.database_edits import save_runbooks

    db = window.database.current()
    assert db is not None
    save_runbooks(db, [RUNBOOK], actor="screen sizes")
    window.timeline.runbook_step()


def show_upgrade_progress(window: MainWindow) -> QWidget | None:
    from irdesk.storage.database import UpgradeProgress

    step = UpgradeProgress("migrating", "step 3 of 3: metric read indexes", 2, 3)
    window.files.show_upgrade_progress(Path("incidents-2019-2026.db"), step)
    return window.files.upgrade_dialog


def window_openers(
    window: MainWindow, sample: Path
) -> list[tuple[str, type[QWidget], Callable[[], object]]]:
    """(name, kind, how the window opens it) for every window and dialog irdesk has."""
    return [
        ("import", QDialog, lambda: window.import_paths([sample])),
        ("metrics dashboard", QWidget, window.metrics.show_dashboard),
        ("policy", QDialog, window.metrics.edit_policy),
        ("organisation", QWidget, window.organisation.show_organisation),
        ("person", QWidget, window.people.show_person),
        ("team", QWidget, window.people.show_team),
        ("problems", QWidget, window.problems.show_problems),
        ("validation sample", QDialog, window.validation.open_dialog),
        ("review packet", QDialog, window.packet_actions.open_dialog),
        ("compliance register", QWidget, window.register_actions.open_register),
        ("review health", QWidget, window.review_feedback.open_health),
        ("calibration", QWidget, window.review_feedback.open_calibration),
        ("participant survey", QDialog, lambda: open_survey(window)),
        ("feedback notes", QWidget, window.review_tab.open_feedback),
        ("themes", QWidget, window.review_tab.open_themes),
        ("your name", QDialog, window.ask_name),
        ("note readers", QDialog, lambda: open_readers_dialog(window)),
        ("attendees", QDialog, window.review_tab.header.choose_attendees),
        ("add event", QDialog, window.timeline.add_event),
        ("correct event", QDialog, window.timeline.correct_event),
        ("runbook step", QDialog, lambda: open_runbook_step(window)),
        ("link incidents", QDialog, window.merging.link_current_incident),
        ("classify", QDialog, window.classifying.classify_selected),
        ("user guide", QDialog, lambda: show_user_guide(guides()[0][1], window)),
        ("keyboard shortcuts", ShortcutsDialog, window.shortcuts_action.trigger),
        ("report a problem", ProblemReportDialog, window.report_action.trigger),
        ("about", QMessageBox, window.show_about),
        ("crash", QDialog, lambda: show_crash_dialog(ValueError, ValueError("x"), None, window)),
        ("upgrade progress", QDialog, lambda: show_upgrade_progress(window)),
    ]


def main() -> int:
    db_path, settings_path, incident, sample = sys.argv[1:5]
    _app = QApplication(sys.argv[:1])
    results: dict[str, dict[str, list[str]]] = {}
    for screen in QGuiApplication.screens():
        size = f"{screen.size().width()}x{screen.size().height()}"
        window = MainWindow(QSettings(settings_path, QSettings.Format.IniFormat))
        window.setScreen(screen)
        window.move(screen.availableGeometry().topLeft())
        window.show()
        window.open_database(Path(db_path))
        wait_idle(window)
        model = window.incident_model
        ids = [model.row_at(r).external_id for r in range(model.rowCount())]
        window.table.setCurrentIndex(model.index(ids.index(incident), 2))
        wait_idle(window)
        window.incident_tabs.setCurrentWidget(window.review_tab)
        wait_idle(window)
        laid_out(window)
        found: dict[str, list[str]] = {"main window": what_does_not_fit(window, screen)}
        openers = window_openers(window, Path(sample))
        for name, kind, open_it in openers:
            before = {id(w) for w in QApplication.topLevelWidgets()}
            opened = open_it()
            wait_idle(window)
            settle(0)
            shown = opened if isinstance(opened, QWidget) and opened.isVisible() else None
            shown = shown or newest(kind, before)
            if shown is None or shown is window:
                found[name] = ["did not open"]
                continue
            laid_out(shown)
            found[name] = what_does_not_fit(shown, screen)
            shown.close()
            wait_idle(window)
        results[size] = found
        window.close()
        wait_idle(window)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
