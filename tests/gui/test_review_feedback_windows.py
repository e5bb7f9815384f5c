"""Review › Review Health…, Review › Calibration… and Review › Participant Survey… on the
hand-built reviews of tests/review_feedback_fixture.py: every cell as written out by
hand, the same cells `irdesk review-health` and `irdesk calibration` print as JSON,
groups under three answers withheld, a session recorded and an answer given by keys."""

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateEdit, QDialogButtonBox
from pytestqt.qtbot import QtBot
from review_feedback_fixture import AS_OF, EXPECTED_HEALTH, EXPECTED_TEAMS, build_reviews
from sqlmodel import select
from window_driver import choose_from_menu, click_row, open_and_wait, row_of

from irdesk.cli.main import main
from irdesk.domain.calibration import MEASURES
from irdesk.domain.models import CalibrationSession, ReviewSurvey, ReviewSurveyRespondent
from irdesk.domain.review_health import COLUMNS
from irdesk.gui.main_window import MainWindow
from irdesk.gui.review.calibration_window import CalibrationWindow
from irdesk.gui.review.health_window import ReviewHealthWindow
from irdesk.gui.review.survey_dialog import SurveyDialog
from irdesk.storage.database import open_database

TIMEOUT_MS = 10_000


@pytest.fixture
def reviews_file(tmp_path: Path) -> Path:
    path = tmp_path / "reviews.db"
    database = open_database(path)
    build_reviews(database)
    database.close()
    return path


def type_date(qtbot: QtBot, editor: QDateEdit, text: str) -> None:
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    assert editor.date().toString("yyyy-MM-dd") == text


def cli_json(capsys: pytest.CaptureFixture[str], command: str, path: Path) -> dict:
    period = ["--from", "2026-07-01", "--to", "2026-12-07", "--as-of", "2026-12-07"]
    code = main([command, *period, "--format", "json", "--db", str(path)])
    out, _ = capsys.readouterr()
    assert code == 0
    return json.loads(out)


def open_health(qtbot: QtBot, window: MainWindow, path: Path) -> ReviewHealthWindow:
    open_and_wait(qtbot, window, path)
    window.review_feedback.today = lambda: AS_OF
    choose_from_menu(qtbot, window, Qt.Key.Key_W, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: window.review_feedback.health_window is not None, timeout=TIMEOUT_MS)
    health = window.review_feedback.health_window
    assert isinstance(health, ReviewHealthWindow)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    # It opens on the quarter so far; the reader widens it to the year's second half.
    assert health.first.date().toString("yyyy-MM-dd") == "2026-10-01"
    type_date(qtbot, health.first, "2026-07-01")
    with qtbot.waitSignal(health.loaded, timeout=TIMEOUT_MS):
        qtbot.mouseClick(health.refresh_button, Qt.MouseButton.LeftButton)
    return health


def test_review_health_shows_every_cell_as_written_out_by_hand(
    qtbot: QtBot, window: MainWindow, reviews_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    health = open_health(qtbot, window, reviews_file)
    model = health.model
    shown = [
        {key: model.index(r, n).data() for n, (key, _) in enumerate(COLUMNS)}
        for r in range(model.rowCount())
    ]
    assert shown == EXPECTED_HEALTH
    assert health.summary.text() == "4 groups · 2 with fewer than 3 answers"
    versions = [health.versions.item(n).text() for n in range(health.versions.count())]
    assert versions == [
        "v1 · 2026-07-01\nStarting policy",
        "v2 · 2026-10-01\nFull reviews for SEV1 only",
    ]
    # The command prints the same cells, and withholds the same groups.
    printed = cli_json(capsys, "review-health", reviews_file)
    assert [r["cells"] for r in printed["rows"]] == shown
    assert [r["useful"] for r in printed["rows"]] == [3.0, 4.5, None, None]
    # A period ending before it starts is said, and nothing is read: the rows stay.
    type_date(qtbot, health.last, "2026-06-30")
    qtbot.mouseClick(health.refresh_button, Qt.MouseButton.LeftButton)
    assert health.summary.text() == "The period ends before it starts."
    assert not window.tasks.busy and health.model.rowCount() == len(shown)


def open_calibration(qtbot: QtBot, window: MainWindow, path: Path) -> CalibrationWindow:
    open_and_wait(qtbot, window, path)
    window.review_feedback.today = lambda: AS_OF
    choose_from_menu(qtbot, window, Qt.Key.Key_W, Qt.Key.Key_C)
    qtbot.waitUntil(
        lambda: window.review_feedback.calibration_window is not None, timeout=TIMEOUT_MS
    )
    calibration = window.review_feedback.calibration_window
    assert isinstance(calibration, CalibrationWindow)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    type_date(qtbot, calibration.first, "2026-07-01")
    with qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS):
        qtbot.mouseClick(calibration.refresh_button, Qt.MouseButton.LeftButton)
    return calibration


def test_calibration_side_by_side_and_a_session_recorded(
    qtbot: QtBot, window: MainWindow, reviews_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calibration = open_calibration(qtbot, window, reviews_file)
    model = calibration.model
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header == ["Measure", "Payments", "Search"]
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        label for _, label in MEASURES
    ]
    shown = {
        team: {key: model.index(r, c).data() for r, (key, _) in enumerate(MEASURES)}
        for c, team in enumerate(header[1:], start=1)
    }
    assert shown == EXPECTED_TEAMS
    lines = [calibration.overrides.item(n).text() for n in range(calibration.overrides.count())]
    assert lines == [
        "Payments · demo:P-2: full, proposed lightweight — Card data involved",
        "Payments · demo:P-2: approved over blame flags — Quoted customer email",
    ]
    printed = cli_json(capsys, "calibration", reviews_file)
    assert {t["team"]: t["cells"] for t in printed["teams"]} == shown

    # The session: typed, linked to the version it led to, recorded with a click.
    for edit, text in (
        (calibration.attendees, "Ana\nEli"),
        (calibration.discussed, "Payments chose full reviews v2 would not ask for"),
        (calibration.decisions, "Card data makes a review full"),
    ):
        edit.setFocus()
        qtbot.keyClicks(edit, text.split("\n")[0])
        if "\n" in text:
            qtbot.keyClick(edit, Qt.Key.Key_Return)
            qtbot.keyClicks(edit, text.split("\n")[1])
    calibration.version.setFocus()
    qtbot.keyClick(calibration.version, Qt.Key.Key_Down)  # the newest version is listed first
    assert calibration.version.currentText() == "v2: Full reviews for SEV1 only"
    with qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS):
        qtbot.mouseClick(calibration.record_button, Qt.MouseButton.LeftButton)
    assert calibration.problem.text() == ""
    assert calibration.sessions.item(0).text() == (
        f"{AS_OF} · 2026-07-01 to 2026-12-07 · Ana, Eli\n"
        "Discussed: Payments chose full reviews v2 would not ask for\n"
        "Decided: Card data makes a review full\n"
        "led to policy v2: Full reviews for SEV1 only"
    )
    database = window.db
    assert database is not None
    with database.session() as session:
        [row] = session.exec(select(CalibrationSession)).all()
        assert (row.attendees, row.held_on) == ("Ana\nEli", date(2026, 12, 7))
    assert cli_json(capsys, "calibration", reviews_file)["sessions"][0]["policy_version"] == 2


def test_an_anonymous_answer_by_keys_then_a_refusal_keeps_what_was_typed(
    qtbot: QtBot, window: MainWindow, reviews_file: Path
) -> None:
    open_and_wait(qtbot, window, reviews_file)
    window.review_feedback.today = lambda: AS_OF
    click_row(qtbot, window, row_of(window, "S-1"))
    choose_from_menu(qtbot, window, Qt.Key.Key_W, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: window.review_feedback.survey_dialog is not None, timeout=TIMEOUT_MS)
    dialog = window.review_feedback.survey_dialog
    assert isinstance(dialog, SurveyDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT_MS)
    # Eli's answer was anonymous: both attendees are offered.
    assert [dialog.person.itemText(n) for n in range(dialog.person.count())] == ["Eli", "Fay"]
    dialog.person.setFocus()
    qtbot.keyClick(dialog.person, Qt.Key.Key_Down)
    assert dialog.person.currentText() == "Fay"
    dialog.useful.setFocus()
    qtbot.keyClick(dialog.useful, Qt.Key.Key_Up)  # 3 → 4
    qtbot.keyClick(dialog.anonymous, Qt.Key.Key_Space)
    dialog.comment.setFocus()
    qtbot.keyClicks(dialog.comment, "=SUM(A1) stays text")
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT_MS):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    database = window.db
    assert database is not None
    with database.session() as session:
        newest = session.exec(select(ReviewSurvey).order_by(ReviewSurvey.id.desc())).first()  # type: ignore[union-attr]
        assert newest is not None
        assert (newest.useful, newest.safe, newest.anonymous, newest.comment) == (
            4,
            3,
            True,
            "=SUM(A1) stays text",
        )
        assert session.get(ReviewSurveyRespondent, newest.id) is None

    # Both attendees have answered now: a third answer is refused in the dialog.
    choose_from_menu(qtbot, window, Qt.Key.Key_W, Qt.Key.Key_I)
    qtbot.waitUntil(
        lambda: (
            window.review_feedback.survey_dialog is not dialog
            and window.review_feedback.survey_dialog is not None
        ),
        timeout=TIMEOUT_MS,
    )
    second = window.review_feedback.survey_dialog
    assert isinstance(second, SurveyDialog)
    qtbot.waitUntil(second.isVisible, timeout=TIMEOUT_MS)
    second.comment.setFocus()
    qtbot.keyClicks(second.comment, "one more thought")
    qtbot.mouseClick(
        second.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: second.problem.text() != "", timeout=TIMEOUT_MS)
    assert "every attendee has answered (2 answers)" in second.problem.text()
    assert second.isVisible()
    assert second.comment.toPlainText() == "one more thought"
