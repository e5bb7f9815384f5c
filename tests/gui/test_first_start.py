"""`irdesk` with no arguments, as `make run` starts it: the user's own database.

The first start creates it holding the demo organisation; every later start opens it
as it is, so a finding typed on the first day is there on the second.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import col, select

from irdesk.cli.main import main
from irdesk.domain.enums import FindingCategory, ReviewStatus
from irdesk.domain.models import Review
from irdesk.gui.main_window import MainWindow
from irdesk.storage import paths
from irdesk.storage.database import open_database
from irdesk.storage.records import findings

OWN_FINDING = "The retry budget hid the queue's growth from the dashboard."


def start_irdesk(qtbot: QtBot, *args: str) -> tuple[Path, str]:
    """Run `irdesk ARGS` until its window has loaded a database, then close it.

    Returns the file the window opened and its incident count.
    """
    seen: dict[str, object] = {}

    def close_when_loaded() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = next((w for w in windows if w.isVisible()), None)
        if window is None or window.db is None or window.tasks.busy:
            return
        seen["path"] = window.db.path
        seen["count"] = window.count_label.text()
        poll.stop()
        qtbot.addWidget(window)
        window.close()

    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(close_when_loaded)
    poll.start()
    # Never hang the suite: if the window never loads, stop the loop anyway. Stopped once
    # this start is over, so it cannot end the next start of the same test early.
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.timeout.connect(QApplication.quit)
    give_up.start(10_000)
    try:
        assert main(list(args)) == 0
    finally:
        give_up.stop()
    assert "path" in seen, "the window never finished opening a database"
    return Path(str(seen["path"])), str(seen["count"])


def write_a_finding(path: Path) -> None:
    """What a newcomer does on day one: a finding on one of the demo's open reviews."""
    db = open_database(path)
    try:
        with db.transaction() as session:
            review = session.exec(
                select(Review).where(
                    col(Review.status).in_([ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW])
                )
            ).first()
            assert review is not None and review.id is not None
            findings.add_finding(
                session,
                review.id,
                FindingCategory.CONTRIBUTING_FACTOR,
                actor="newcomer",
                text=OWN_FINDING,
            )
    finally:
        db.close()


def count_own_findings(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn, conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM finding WHERE text = ?", (OWN_FINDING,)
        ).fetchone()
    return int(count)


def test_the_first_start_creates_the_users_database_and_later_starts_keep_it(
    qtbot: QtBot, irdesk_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = paths.default_database()
    assert not own.exists()

    opened, count = start_irdesk(qtbot)
    assert opened == own.resolve()
    assert count.endswith(" incidents") and count != "0 incidents"  # the demo organisation
    assert f"First start: created your database {own}" in capsys.readouterr().out

    write_a_finding(own)
    file_before = own.stat().st_ino

    opened, count_again = start_irdesk(qtbot)
    assert opened == own.resolve() and count_again == count
    assert own.stat().st_ino == file_before  # the same file, not a new one put in its place
    assert count_own_findings(own) == 1
    assert "First start" not in capsys.readouterr().out

    # The throwaway demo is another file; the user's database stays as it was.
    opened, _ = start_irdesk(qtbot, "--demo")
    assert opened == paths.demo_database().resolve() != own.resolve()
    assert count_own_findings(own) == 1
    assert count_own_findings(paths.demo_database()) == 0
