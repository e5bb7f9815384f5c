"""Who is using irdesk: asked in the window at the first start, changed from the File menu.

The audit log names the person who said who they are, not the login account; tests
run with IRDESK_HOME in a fresh folder, so every test starts as a first start would.
"""

import hashlib
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from note_keys import PASSPHRASE, make_identity
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from review_driver import open_review, query, wait_settled
from sample_incidents import IncidentFile
from window_driver import open_and_wait

from irdesk.gui.common.actor_dialog import ActorDialog
from irdesk.gui.main_window import MainWindow
from irdesk.reports.signing.identity import read_identity
from irdesk.storage.records.actor import actor_file, login_full_name, saved_actor


def click_ok(qtbot: QtBot, dialog: ActorDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def type_name(qtbot: QtBot, dialog: ActorDialog, name: str) -> None:
    dialog.name_edit.selectAll()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(dialog.name_edit, name)


def start_review_actor(qtbot: QtBot, window: MainWindow, incident_file: IncidentFile) -> str:
    """Start INC-102's review with the button, as a facilitator would; the entry's actor."""
    tab = open_review(qtbot, window, "INC-102")
    qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, window)
    rows = query(incident_file.path, "SELECT actor FROM audit_entry WHERE action = 'create_review'")
    assert len(rows) == 1
    return str(rows[0][0])


def test_the_first_start_asks_the_name_after_opening_and_the_audit_log_records_it(
    qtbot: QtBot, window: MainWindow, incident_file: IncidentFile
) -> None:
    assert not actor_file().exists()
    window.ask_name_at_first_start()
    assert window.name_dialog is None  # not before the database is open
    open_and_wait(qtbot, window, incident_file.path)
    qtbot.waitUntil(lambda: window.name_dialog is not None, timeout=5000)
    dialog = window.name_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Welcome to irdesk"
    assert dialog.name_edit.text() == login_full_name()  # the account's name, to confirm
    assert "File › Your Name…" in dialog.intro_label.text()

    type_name(qtbot, dialog, "  Ada   Lovelace ")
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert saved_actor() == ("Ada Lovelace", None)
    assert actor_file().stat().st_mode & 0o777 == 0o600
    assert window.actor == "Ada Lovelace"
    assert start_review_actor(qtbot, window, incident_file) == "Ada Lovelace"


def test_a_person_who_already_said_is_not_asked_again(
    qtbot: QtBot, make_window: object, incident_file: IncidentFile
) -> None:
    actor_file().parent.mkdir(parents=True, exist_ok=True)
    actor_file().write_text(json.dumps({"name": "Grace Hopper", "certificate_fingerprint": None}))
    window = make_window()  # type: ignore[operator]
    assert window.actor == "Grace Hopper"
    window.ask_name_at_first_start()
    open_and_wait(qtbot, window, incident_file.path)
    qtbot.wait(50)
    assert window.name_dialog is None


def test_an_empty_name_is_refused_and_later_changes_nothing(
    qtbot: QtBot, opened: MainWindow
) -> None:
    dialog = opened.ask_name(first_start=True)
    type_name(qtbot, dialog, "   ")
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "Type your name" in dialog.problem_label.text()
    assert not actor_file().exists()
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert not dialog.isVisible() and not actor_file().exists()


def test_choosing_an_identity_fills_the_name_and_ties_edits_to_its_certificate(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile, tmp_path: Path
) -> None:
    identity = make_identity(tmp_path / "morgan.p12", "Morgan Manager")
    pem = read_identity(identity, PASSPHRASE).certificate_pem
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()

    # File › Your Name…, from the menu.
    opened.name_action.trigger()
    dialog = opened.name_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Your Name"
    dialog.ask_identity_file = lambda: identity  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.identity_edit.text() == str(identity)

    # OK with a wrong passphrase: said in the dialog, nothing saved.
    qtbot.keyClicks(dialog.passphrase_edit, "not the passphrase")
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and not actor_file().exists()
    assert "wrong passphrase" in dialog.problem_label.text()
    assert dialog.name_edit.text() == login_full_name()  # left as it was
    assert dialog.passphrase_edit.text() == ""  # never kept

    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE.decode())
    qtbot.mouseClick(dialog.read_button, Qt.MouseButton.LeftButton)
    assert dialog.name_edit.text() == "Morgan Manager"
    assert fingerprint[:16] in dialog.tied_label.text()
    click_ok(qtbot, dialog)

    assert saved_actor() == ("Morgan Manager", fingerprint)
    expected = f"Morgan Manager [cert {fingerprint[:16]}]"
    assert opened.actor == expected == opened.review_tab.actor == opened.timeline.actor
    assert start_review_actor(qtbot, opened, incident_file) == expected
