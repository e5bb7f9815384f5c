"""Export › Review Packet… and Tools › Verify Packet…, driven as a compliance officer would."""

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packet_fixtures import pdf_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile
from window_driver import choose_from_menu, click_row, row_of, visible_boxes

from irdesk.domain.metrics.selection import Period
from irdesk.gui.main_window import MainWindow
from irdesk.gui.packets.actions import PacketActions
from irdesk.gui.packets.dialog import PacketDialog
from irdesk.reports.signing.identity import create_identity
from irdesk.reports.signing.verify import verify_packet
from irdesk.storage.bulk.metric_data import compute_from_database
from irdesk.storage.database import open_database

PASSPHRASE = "gui test phrase"
# A ceiling, not a pace: each wait ends when its signal or condition comes. Rendering a
# preview or a signed packet has taken more than 10 s on a loaded two-core runner.
WORK_MS = 60_000


@pytest.fixture
def identity(tmp_path: Path) -> Path:
    path = tmp_path / "officer.p12"
    create_identity(
        path,
        name="Søren Kjærgaard",
        role="Compliance Officer",
        organisation=None,
        email=None,
        passphrase=PASSPHRASE.encode(),
    )
    return path


def signed_legal_packet(window: MainWindow, identity: Path, path: Path) -> Path:
    """INC-101's legal packet, signed with `identity`, written without the dialog."""
    from irdesk.reports.packets.export import PacketRequest, SignRequest, export_packet

    assert window.db is not None
    export_packet(
        window.db,
        PacketRequest("legal", incident_id="INC-101"),
        path,
        created_by="t",
        sign=SignRequest(identity, PASSPHRASE.encode()),
    )
    return path


def open_packet_dialog(qtbot: QtBot, window: MainWindow) -> PacketDialog:
    click_row(qtbot, window, row_of(window, "INC-101"))
    with qtbot.waitSignal(window.tasks.idle, timeout=WORK_MS):
        choose_from_menu(qtbot, window, Qt.Key.Key_X, Qt.Key.Key_P)  # Export › Review Packet…
    dialog = window.packet_actions.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def choose_profile(qtbot: QtBot, dialog: PacketDialog, key: str) -> None:
    keys = [dialog.profile.itemData(i) for i in range(dialog.profile.count())]
    dialog.profile.setFocus()
    with qtbot.waitSignal(dialog.tasks.idle, timeout=WORK_MS):
        for _ in range(keys.index(key) - dialog.profile.currentIndex()):
            qtbot.keyClick(dialog.profile, Qt.Key.Key_Down)


def tick(qtbot: QtBot, dialog: PacketDialog) -> None:
    dialog.sign.setFocus()
    qtbot.keyClick(dialog.sign, Qt.Key.Key_Space)
    assert dialog.sign.isChecked() and dialog.passphrase.isEnabled()


def test_export_a_signed_packet_with_a_redaction_preview(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    identity: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_packet_dialog(qtbot, opened)
    assert "Rules: email addresses" in dialog.preview.toPlainText()  # legal, the first profile
    assert dialog.incident_label.text() == "pagerduty:INC-101 — Checkout latency spike"
    choose_profile(qtbot, dialog, "insurance")
    shown = dialog.preview.toPlainText()
    assert "people's names (shown as their roles)" in shown
    assert "name: “Ada Lovelace” → team member" in shown
    assert not dialog.period.isEnabled() and not dialog.person.isEnabled()
    dialog.pattern.setFocus()
    with qtbot.waitSignal(dialog.tasks.idle, timeout=WORK_MS):
        qtbot.keyClicks(dialog.pattern, r"release \d\.\d\.\d")
        qtbot.keyClick(dialog.pattern, Qt.Key.Key_Return)
    assert "your pattern: “release 4.2.1” → [redacted] (1×)" in dialog.preview.toPlainText()

    tick(qtbot, dialog)
    monkeypatch.setattr(dialog, "ask_identity_path", lambda: identity)
    qtbot.mouseClick(dialog.choose_identity, Qt.MouseButton.LeftButton)
    assert dialog.identity.text() == str(identity)
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    out = tmp_path / "insurance.pdf"
    suggested: list[str] = []
    monkeypatch.setattr(dialog, "ask_output_path", lambda name: suggested.append(name) or out)
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    assert suggested == ["insurance-INC-101.pdf"]  # the ID the list shows
    assert "signed by Søren Kjærgaard" in dialog.status.text()
    assert dialog.passphrase.text() == ""  # not kept around after use
    report = verify_packet(out)
    assert report.intact() and report.signatures[0].signer == "Søren Kjærgaard"
    assert report.manifest is not None
    assert report.manifest["redaction"]["patterns"] == [r"release \d\.\d\.\d"]
    with closing(sqlite3.connect(incident_file.path)) as conn, conn:
        rows = conn.execute("SELECT profile, incident_id, signers_json FROM packet").fetchall()
    assert rows == [("insurance", incident_file.ids["INC-101"], '["Søren Kjærgaard"]')]


def test_a_wrong_passphrase_is_said_in_the_dialog_and_writes_nothing(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    identity: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_packet_dialog(qtbot, opened)
    tick(qtbot, dialog)
    dialog.identity.setFocus()
    qtbot.keyClicks(dialog.identity, str(identity))
    qtbot.keyClicks(dialog.passphrase, "not it")
    out = tmp_path / "legal.pdf"
    monkeypatch.setattr(dialog, "ask_output_path", lambda _suggested: out)
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "Not exported:" in dialog.status.text() and "wrong passphrase" in dialog.status.text()
    assert not out.exists()
    with closing(sqlite3.connect(incident_file.path)) as conn, conn:
        assert conn.execute("SELECT count(*) FROM packet").fetchone() == (0,)


def test_closing_the_dialog_during_an_export_lets_the_export_finish(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_packet_dialog(qtbot, opened)
    out = tmp_path / "legal.pdf"
    monkeypatch.setattr(dialog, "ask_output_path", lambda _suggested: out)
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: opened.packet_actions.dialog is None, timeout=WORK_MS)
    assert verify_packet(out).problems == ["the packet is not signed"]
    with closing(sqlite3.connect(incident_file.path)) as conn, conn:
        assert conn.execute("SELECT profile FROM packet").fetchall() == [("legal",)]


def test_a_period_the_profile_cannot_use_is_explained_in_the_preview(
    qtbot: QtBot, opened: MainWindow
) -> None:
    dialog = open_packet_dialog(qtbot, opened)
    choose_profile(qtbot, dialog, "executive")
    assert dialog.period.isEnabled()
    dialog.period.selectAll()
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.keyClicks(dialog.period, "2026-Q9")
        qtbot.keyClick(dialog.period, Qt.Key.Key_Return)
    assert "Cannot make this packet: expected a period like 2026-Q3" in (
        dialog.preview.toPlainText()
    )
    assert not dialog.export_button.isEnabled()


def test_an_executive_packet_from_the_dialog_shows_the_metrics_figures(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_packet_dialog(qtbot, opened)
    choose_profile(qtbot, dialog, "executive")
    dialog.period.selectAll()
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.keyClicks(dialog.period, "2026-Q4")
        qtbot.keyClick(dialog.period, Qt.Key.Key_Return)
    out = tmp_path / "board.pdf"
    monkeypatch.setattr(dialog, "ask_output_path", lambda _suggested: out)
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "not signed" in dialog.status.text()
    database = open_database(incident_file.path)
    try:
        figures = compute_from_database(
            database,
            Period(datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
            "severity",
        )
    finally:
        database.close()
    assert figures.incidents > 0
    text = " ".join(pdf_text(out).split())
    assert f"Incidents {figures.incidents}" in text
    assert "Policy built-in defaults" in text  # the file never saved a policy
    with closing(sqlite3.connect(incident_file.path)) as conn, conn:
        row = conn.execute("SELECT profile, subject, policy_version_id FROM packet").fetchone()
    assert row == ("executive", "2026-Q4", None)


def test_verify_packet_reports_a_valid_and_a_tampered_file(
    qtbot: QtBot,
    opened: MainWindow,
    identity: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = signed_legal_packet(opened, identity, tmp_path / "good.pdf")
    bad = tmp_path / "bad.pdf"
    data = bytearray(good.read_bytes())
    data[data.index(b"/Producer") + 2] ^= 1  # inside the signed bytes
    bad.write_bytes(bytes(data))
    # The window names no signer to trust: an intact packet is never called verified.
    titles = ((good, "Signatures intact, signer not verified"), (bad, "Packet does NOT verify"))
    for path, title in titles:
        monkeypatch.setattr(PacketActions, "ask_packet_path", lambda _self, p=path: p)
        with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
            choose_from_menu(qtbot, opened, Qt.Key.Key_T, Qt.Key.Key_V)  # Tools › Verify Packet…
        (box,) = visible_boxes(opened)
        assert box.windowTitle() == title
        assert "Søren Kjærgaard (Compliance Officer)" in box.informativeText()
        assert "signed with key SHA-256 " in box.informativeText()
        box.accept()
        qtbot.waitUntil(lambda: not visible_boxes(opened), timeout=WORK_MS)
    assert QApplication.activePopupWidget() is None


def test_countersign_from_the_tools_menu_records_the_second_signer(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    identity: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    packet = signed_legal_packet(opened, identity, tmp_path / "legal.pdf")
    second = tmp_path / "second.p12"
    create_identity(
        second, name="王伟", role="Auditor", organisation=None, email=None, passphrase=b"phrase two"
    )
    monkeypatch.setattr(PacketActions, "ask_packet_path", lambda _self: packet)
    monkeypatch.setattr(PacketActions, "ask_identity_path", lambda _self: second)
    monkeypatch.setattr(PacketActions, "ask_passphrase", lambda _self, _identity: "phrase two")
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        choose_from_menu(qtbot, opened, Qt.Key.Key_T, Qt.Key.Key_C)  # Tools › Countersign…
    (box,) = visible_boxes(opened)
    assert box.windowTitle() == "Packet countersigned"
    assert "Recorded in the open database." in box.informativeText()
    box.accept()
    report = verify_packet(packet)
    assert report.intact() and [s.signer for s in report.signatures] == ["Søren Kjærgaard", "王伟"]
    with closing(sqlite3.connect(incident_file.path)) as conn, conn:
        (signers,) = conn.execute("SELECT signers_json FROM packet").fetchone()
    assert signers == '["Søren Kjærgaard", "王伟"]'


def test_a_signed_export_signs_the_approved_review_which_can_then_be_archived(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    identity: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from review_driver import wait_settled

    from irdesk.domain.enums import ReviewStatus
    from irdesk.storage.records import reviews

    assert opened.db is not None
    with opened.db.transaction() as session:
        review = reviews.get_review(session, incident_file.ids["INC-101"])
        assert review is not None and review.status == ReviewStatus.IN_REVIEW
        reviews.set_status(session, review.id, review.revision, ReviewStatus.APPROVED, actor="t")
    dialog = open_packet_dialog(qtbot, opened)  # INC-101 selected
    bar = opened.incident_tabs.tabBar()
    review_tab = bar.tabRect(opened.incident_tabs.indexOf(opened.review_tab)).center()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=review_tab)
    wait_settled(qtbot, opened)
    tab = opened.review_tab
    assert tab.header.status_label.text() == "Approved"

    tick(qtbot, dialog)
    dialog.identity.setFocus()
    qtbot.keyClicks(dialog.identity, str(identity))
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    monkeypatch.setattr(dialog, "ask_output_path", lambda _name: tmp_path / "legal.pdf")
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.header.status_label.text() == "Signed", timeout=WORK_MS)
    archive = tab.header.findChild(QPushButton, "move_to_archived")
    assert archive is not None
    with closing(sqlite3.connect(incident_file.path)) as conn, conn:
        assert conn.execute("SELECT status FROM review WHERE id = ?", (review.id,)).fetchall() == [
            ("signed",)
        ]


def test_a_new_identity_is_made_from_the_dialog_and_signs_the_packet(
    qtbot: QtBot,
    opened: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import stat

    from irdesk.gui.packets.identity_dialog import NewIdentityDialog

    dialog = open_packet_dialog(qtbot, opened)
    tick(qtbot, dialog)
    qtbot.mouseClick(dialog.new_identity, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.findChildren(NewIdentityDialog)), timeout=WORK_MS)
    [maker] = dialog.findChildren(NewIdentityDialog)
    qtbot.keyClicks(maker.name_edit, "Søren Kjærgaard")
    assert maker.path_edit.text().endswith("Søren-Kjærgaard.p12")  # suggested from the name
    maker.path_edit.clear()
    qtbot.keyClicks(maker.path_edit, str(tmp_path / "me.p12"))
    qtbot.keyClicks(maker.passphrase_edit, PASSPHRASE)
    qtbot.keyClicks(maker.again_edit, PASSPHRASE + "x")
    qtbot.mouseClick(
        maker.buttons.button(maker.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert "differ" in maker.problem_label.text() and maker.isVisible()
    assert not (tmp_path / "me.p12").exists()
    qtbot.keyClicks(maker.again_edit, PASSPHRASE)
    qtbot.mouseClick(
        maker.buttons.button(maker.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: not maker.isVisible(), timeout=WORK_MS)

    key = tmp_path / "me.p12"
    assert dialog.identity.text() == str(key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "me.pem").exists()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    out = tmp_path / "legal.pdf"
    monkeypatch.setattr(dialog, "ask_output_path", lambda _name: out)
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "signed by Søren Kjærgaard" in dialog.status.text()
    report = verify_packet(out)
    assert report.signatures[0].signer == "Søren Kjærgaard"


def test_the_manager_packet_shows_notes_only_once_a_reader_unlocks(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from note_keys import PASSPHRASE as NOTES_PHRASE
    from note_keys import make_identity

    from irdesk.domain.enums import FeedbackKind
    from irdesk.reports.signing.note_keys import unlock
    from irdesk.storage.records import database_edits

    manager = make_identity(tmp_path / "manager.p12", "Morgan Manager")
    words = "Vermilion-harbour: calm and clear on the bridge"
    assert opened.db is not None
    database_edits.add_note(
        opened.db,
        person_id=1,
        incident_id=incident_file.ids["INC-101"],
        kind=FeedbackKind.RECOGNITION,
        actor="t",
        keyring=unlock(manager, NOTES_PHRASE),
        text=words,
    )
    with closing(sqlite3.connect(incident_file.path)) as conn, conn:
        (person,) = conn.execute("SELECT name FROM person WHERE id = 1").fetchone()
    conn.close()
    dialog = open_packet_dialog(qtbot, opened)
    # End, then one up: the manager's profile comes just before the register's, the last,
    # without computing the executive figures on the way (slow on a busy machine).
    keys = [dialog.profile.itemData(i) for i in range(dialog.profile.count())]
    assert keys[-2:] == ["manager", "register"]
    dialog.profile.setFocus()
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.keyClick(dialog.profile, Qt.Key.Key_End)
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.keyClick(dialog.profile, Qt.Key.Key_Up)
    assert dialog.profile.currentData() == "manager"
    with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
        qtbot.keyClicks(dialog.person, person)
        qtbot.keyClick(dialog.person, Qt.Key.Key_Return)
    assert dialog.unlock_notes.isVisible() and "locked" in dialog.notes_label.text()

    locked, unlocked = tmp_path / "locked.pdf", tmp_path / "unlocked.pdf"
    for out in (locked, unlocked):
        if out is unlocked:  # Unlock Notes…, as in the Feedback Notes window
            qtbot.mouseClick(dialog.unlock_notes, Qt.MouseButton.LeftButton)
            unlocking = dialog.unlock_dialog
            assert unlocking is not None
            qtbot.waitUntil(unlocking.isVisible, timeout=WORK_MS)
            unlocking.identity_edit.setText(str(manager))
            qtbot.keyClicks(unlocking.passphrase_edit, NOTES_PHRASE.decode())
            with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
                qtbot.keyClick(unlocking.passphrase_edit, Qt.Key.Key_Return)
            assert "unlocked as Morgan Manager" in dialog.notes_label.text()
            assert opened.notes_session.keyring is not None  # the window's one session
        monkeypatch.setattr(dialog, "ask_output_path", lambda _suggested, out=out: out)
        with qtbot.waitSignal(opened.tasks.idle, timeout=WORK_MS):
            qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert oct(out.stat().st_mode & 0o777) == oct(0o600)
    shown = " ".join(pdf_text(locked).split())
    assert "1 feedback note is locked: it is sealed to Morgan Manager" in shown
    assert "Vermilion" not in shown and b"Vermilion" not in locked.read_bytes()
    assert words in " ".join(pdf_text(unlocked).split())
