"""Nothing lost: a process killed (SIGKILL) mid-typing keeps everything typed a second earlier."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from irdesk.domain.enums import FindingCategory, Severity
from irdesk.domain.models import Incident
from irdesk.storage.database import open_database
from irdesk.storage.records import findings, reviews
from irdesk.storage.records.audit import verify_chain

TYPIST = Path(__file__).with_name("autosave_typist.py")
# Long enough that the kill, KILL_AFTER_CHARS in, always falls mid-typing.
TEXT = (
    "Retries from the checkout service had no backoff or jitter, so when the acquirer slowed "
    "down every timeout turned into two more requests; the retry budget that would have capped "
    "this existed in the client library but was switched off in 2024 to hide a flaky test, and "
    "nothing alerted on the retry rate itself. Capacity planning assumed one request per "
    "payment attempt, which is why the dashboards looked healthy until the queue filled."
)
KILL_AFTER_CHARS = 200
SAFE_MARGIN_S = 1.0
POLL_S = 0.05


def prepare(path: Path) -> int:
    db = open_database(path)
    try:
        with db.transaction() as session:
            incident = Incident(
                source="test",
                external_id="CRASH-1",
                title="Card authorisations timing out",
                severity=Severity.SEV2,
                started_at=datetime(2026, 10, 14, 9, 30, tzinfo=UTC),
            )
            session.add(incident)
            session.flush()
            assert incident.id is not None
            review = reviews.create_review(session, incident.id, actor="test")
            findings.add_finding(
                session, review.id, FindingCategory.CONTRIBUTING_FACTOR, actor="test"
            )
            return incident.id
    finally:
        db.close()


def progress_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def stored_length(db_path: Path) -> int:
    """How much of the finding another process sees in the file right now."""
    with closing(sqlite3.connect(db_path, timeout=5)) as conn:
        [(text,)] = conn.execute("SELECT text FROM finding").fetchall()
    return len(text)


def typed_by(typed: list[tuple[int, float]], moment: float) -> int:
    return max((count for count, at in typed if at <= moment), default=0)


@pytest.mark.slow
@pytest.mark.alone
def test_a_killed_process_loses_nothing_older_than_a_second(tmp_path: Path) -> None:
    db_path = tmp_path / "review.db"
    incident_id = prepare(db_path)
    progress = tmp_path / "progress.txt"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "IRDESK_HOME": str(tmp_path / "home")}
    child = subprocess.Popen(
        [
            sys.executable,
            str(TYPIST),
            str(db_path),
            str(incident_id),
            TEXT,
            str(progress),
            str(tmp_path),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # While it types, a reader checks the file every POLL_S: the autosave must keep up all along,
    # not just happen to have saved at the moment of the kill.
    samples: list[tuple[float, int]] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            samples.append((time.time(), stored_length(db_path)))
            lines = progress_lines(progress)
            counts = [int(line.split()[0]) for line in lines if line[0].isdigit()]
            if counts and counts[-1] >= KILL_AFTER_CHARS:
                break
            assert "done" not in lines, "typing finished before the kill"
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            assert time.monotonic() < deadline, "the typist never got going"
            time.sleep(POLL_S)
        os.kill(child.pid, signal.SIGKILL)
        killed_at = time.time()
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stderr is not None:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    typed = [
        (int(line.split()[0]), float(line.split()[1]))
        for line in progress_lines(progress)
        if line[0].isdigit()
    ]
    assert typed[-1][0] < len(TEXT), "killed mid-typing"
    old_enough = typed_by(typed, killed_at - SAFE_MARGIN_S)
    assert old_enough >= KILL_AFTER_CHARS // 2  # the checks below cover real typing
    behind = [
        (round(at - typed[0][1], 2), length, typed_by(typed, at - SAFE_MARGIN_S))
        for at, length in samples
        if length < typed_by(typed, at - SAFE_MARGIN_S)
    ]
    assert not behind, f"(seconds into typing, saved, typed a second earlier): {behind}"

    # A fresh process reads the file the killed one left (its WAL included).
    with closing(sqlite3.connect(db_path)) as conn:
        [(stored,)] = conn.execute("SELECT text FROM finding").fetchall()
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert TEXT.startswith(stored), "what is stored is a prefix of what was typed"
    assert len(stored) >= old_enough, (
        f"{old_enough} characters were typed more than {SAFE_MARGIN_S} s before the kill, "
        f"only {len(stored)} were saved"
    )
    db = open_database(db_path)
    try:
        with db.session() as session:
            assert verify_chain(session) is None
    finally:
        db.close()
