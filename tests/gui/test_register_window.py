"""Tools › Compliance Register… on the hand-built register of tests/register_fixture.py:
every cell as written out by hand, the same cells `irdesk register --format json` prints,
breaches marked ⚠ and in red, and a notice recorded, audited and undone with Ctrl+Z."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot
from register_fixture import EXPECTED_CELLS, NOW, build_register
from window_driver import activate, choose_from_menu, open_and_wait

from irdesk.domain.register import COLUMNS
from irdesk.gui.main_window import MainWindow
from irdesk.gui.packets.register_window import BREACH_COLOUR, RegisterWindow
from irdesk.storage.database import open_database
from irdesk.storage.reads.register import read_register

TIMEOUT_MS = 10_000


@pytest.fixture
def register_file(tmp_path: Path) -> Path:
    path = tmp_path / "register.db"
    database = open_database(path)
    build_register(database)
    database.close()
    return path


def open_register(qtbot: QtBot, window: MainWindow, path: Path) -> RegisterWindow:
    open_and_wait(qtbot, window, path)
    window.register_actions.clock = lambda: NOW
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_R)
    qtbot.waitUntil(
        lambda: (
            window.register_actions.register_window is not None
            and window.register_actions.register_window.model.rowCount() == 3
        ),
        timeout=TIMEOUT_MS,
    )
    register = window.register_actions.register_window
    assert register is not None
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    return register


def shown(register: RegisterWindow) -> list[dict[str, str]]:
    proxy = register.proxy
    return [
        {c.key: proxy.index(r, n).data() for n, c in enumerate(COLUMNS)}
        for r in range(proxy.rowCount())
    ]


def test_every_cell_as_written_out_by_hand(
    qtbot: QtBot, window: MainWindow, register_file: Path
) -> None:
    register = open_register(qtbot, window, register_file)
    assert shown(register) == EXPECTED_CELLS
    assert register.as_of.text() == "As of 2026-12-07 12:00 UTC"
    assert register.summary.text() == (
        "3 incidents · ⚠ 2 notices late or overdue · ⚠ 1 over their RTO"
    )
    status = next(n for n, c in enumerate(COLUMNS) if c.key == "status")
    colours = [
        register.proxy.index(r, status).data(Qt.ItemDataRole.ForegroundRole) for r in range(3)
    ]
    assert colours[0] is None
    # Red, made readable on the list's background; the ⚠ says the same without colour.
    assert all(isinstance(c, QColor) and c.red() > c.green() for c in colours[1:])
    assert BREACH_COLOUR.name() == "#c62828"


@pytest.mark.slow
def test_the_json_agrees_with_the_window_cell_by_cell(
    qtbot: QtBot, window: MainWindow, register_file: Path
) -> None:
    register = open_register(qtbot, window, register_file)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "irdesk",
            "register",
            "--db",
            str(register_file),
            "--format",
            "json",
            "--as-of",
            NOW.isoformat(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [c["label"] for c in data["columns"]] == [
        register.model.headerData(n, Qt.Orientation.Horizontal) for n in range(len(COLUMNS))
    ]
    assert [r["cells"] for r in data["rows"]] == shown(register)


def test_a_notice_typed_is_recorded_audited_and_undone(
    qtbot: QtBot, window: MainWindow, register_file: Path
) -> None:
    register = open_register(qtbot, window, register_file)
    qtbot.mouseClick(
        register.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=register.table.visualRect(register.proxy.index(2, 0)).center(),
    )
    assert register.selected_label.text() == (
        "demo:REG-3: notice due 2026-12-04 06:00 UTC — ⚠ overdue by 3 d 6 h"
    )
    qtbot.keyClicks(register.notified_at, "2026-12-07 13:15+01:00")
    qtbot.keyClicks(register.notified_by, "Dana Privacy (DPO)")
    with qtbot.waitSignal(register.loaded, timeout=TIMEOUT_MS):
        qtbot.mouseClick(register.record_button, Qt.MouseButton.LeftButton)
    row = shown(register)[2]
    assert (row["notified_at"], row["notified_by"], row["status"]) == (
        "2026-12-07 12:15 UTC",
        "Dana Privacy (DPO)",
        "⚠ late by 3 d 6 h",
    )
    assert register.summary.text().startswith("3 incidents · ⚠ 2 notices")
    database = open_database(register_file, create=False)
    try:
        assert read_register(database, NOW)[2].notified_by == "Dana Privacy (DPO)"
        with database.session() as session:
            from sqlmodel import select

            from irdesk.domain.models import AuditEntry

            actions = [e.action for e in session.exec(select(AuditEntry)).all()]
        assert actions.count("record_notice") == 3
    finally:
        database.close()
    assert window.undo_stack.undoText() == "Record the notice of demo:REG-3"
    activate(qtbot, window)
    with qtbot.waitSignal(register.loaded, timeout=TIMEOUT_MS):
        window.undo_action.trigger()
    assert shown(register)[2] == EXPECTED_CELLS[2]
    with qtbot.waitSignal(register.loaded, timeout=TIMEOUT_MS):
        window.redo_action.trigger()
    assert shown(register)[2]["notified_by"] == "Dana Privacy (DPO)"


def test_a_time_it_cannot_read_is_one_sentence_and_writes_nothing(
    qtbot: QtBot, window: MainWindow, register_file: Path
) -> None:
    register = open_register(qtbot, window, register_file)
    register.select(shown_id(register, 2))
    qtbot.keyClicks(register.notified_at, "yesterday")
    qtbot.keyClicks(register.notified_by, "Dana")
    qtbot.mouseClick(register.record_button, Qt.MouseButton.LeftButton)
    assert register.problem.text() == (
        "Notice given at: expected a date and time such as 2026-12-03 15:00, got 'yesterday'."
    )
    register.notified_at.clear()
    qtbot.keyClicks(register.notified_at, "2026-12-07 10:00")
    register.notified_by.clear()
    qtbot.mouseClick(register.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: register.problem.text() != "", timeout=TIMEOUT_MS)
    assert register.problem.text() == (
        "demo:REG-3: a notice needs both when it was given and by whom."
    )
    assert window.undo_stack.count() == 0
    assert shown(register) == EXPECTED_CELLS


def shown_id(register: RegisterWindow, row: int) -> int:
    return register.model.row_at(
        register.proxy.mapToSource(register.proxy.index(row, 0)).row()
    ).incident_id


PASSPHRASE = "register test phrase"


@pytest.mark.slow
def test_the_register_packet_from_the_packet_dialog_is_signed_and_verifies(
    qtbot: QtBot,
    window: MainWindow,
    register_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from packet_fixtures import pdf_text, require_tools, run_tool

    from irdesk.reports.signing.identity import create_identity

    require_tools("pdfsig", "pdftotext")
    identity = tmp_path / "officer.p12"
    create_identity(
        identity,
        name="Casey Compliance",
        role="Compliance officer",
        organisation=None,
        email=None,
        passphrase=PASSPHRASE.encode(),
    )
    open_and_wait(qtbot, window, register_file)
    with qtbot.waitSignal(window.tasks.idle, timeout=TIMEOUT_MS):
        choose_from_menu(qtbot, window, Qt.Key.Key_X, Qt.Key.Key_P)  # Export › Review Packet…
    dialog = window.packet_actions.dialog
    assert dialog is not None and dialog.isVisible()
    keys = [dialog.profile.itemData(i) for i in range(dialog.profile.count())]
    dialog.profile.setFocus()
    for _ in range(keys.index("register") - dialog.profile.currentIndex()):
        qtbot.keyClick(dialog.profile, Qt.Key.Key_Down)
    assert dialog.profile.currentData() == "register"
    # The preview renders the packet once to count what redaction removes.
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=60_000)
    assert dialog.period.isEnabled()
    dialog.period.selectAll()
    with qtbot.waitSignal(window.tasks.idle, timeout=60_000):
        qtbot.keyClicks(dialog.period, "2026-Q4")
        qtbot.keyClick(dialog.period, Qt.Key.Key_Return)
    dialog.sign.setFocus()
    qtbot.keyClick(dialog.sign, Qt.Key.Key_Space)
    monkeypatch.setattr(dialog, "ask_identity_path", lambda: identity)
    qtbot.mouseClick(dialog.choose_identity, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    out = tmp_path / "register.pdf"
    monkeypatch.setattr(dialog, "ask_output_path", lambda _suggested: out)
    with qtbot.waitSignal(window.tasks.idle, timeout=30_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "signed by Casey Compliance" in dialog.status.text()
    signatures = run_tool("pdfsig", str(out))
    assert signatures.returncode == 0, signatures.stderr
    assert signatures.stdout.count("Signature is Valid.") == 1
    assert "  - Total document signed" in signatures.stdout
    text = " ".join(pdf_text(out).split())
    assert "Review packet: Compliance register" in text
    # Measured when the packet was made: REG-3's deadline (2026-12-04 06:00) has passed.
    assert "⚠ late by 3 h 30 min" in text and "⚠ overdue by" in text


def test_an_export_elsewhere_in_the_window_refreshes_the_open_register(
    qtbot: QtBot, window: MainWindow, register_file: Path
) -> None:
    register = open_register(qtbot, window, register_file)
    database = open_database(register_file, create=False)
    try:
        from irdesk.storage.records.register import NoticeState, record_notice

        incident_id = register.model.row_at(2).incident_id
        record_notice(database, incident_id, 0, NoticeState(NOW, "Dana"), actor="Dana")
    finally:
        database.close()
    with qtbot.waitSignal(register.loaded, timeout=TIMEOUT_MS):
        window.packet_actions.exported.emit()
    assert shown(register)[2]["status"] == "⚠ late by 3 d 6 h"
