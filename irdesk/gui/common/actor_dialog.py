"""Who is using irdesk here: asked once, at the first start, and changed from the File menu.

The audit log and every edit name this person, not the login account. The name is
prefilled from the system account's full name; choosing one's identity (ID.p12 and its
passphrase, the same check `irdesk identity use` makes) fills it from the certificate
and ties the entries to that certificate's fingerprint. Saved where the command line
saves it (storage/records/actor), so the window and `irdesk` agree.

Loaded the first time it opens: the window's start-up does not pay for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.colours import text_style
from irdesk.gui.common.fit import fit_to_screen
from irdesk.storage.records.actor import (
    identity_actor,
    login_full_name,
    remember_actor,
    saved_actor,
)

if TYPE_CHECKING:
    from irdesk.storage.sealing import Keyring


# Room for a long name and an identity's path without scrolling them.
NAME_SIZE = (520, 280)


class ActorDialog(QDialog):
    """Your name, and optionally your identity; OK saves them, Cancel changes nothing."""

    # The audit log's name for the person, as identity_actor makes it.
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, first_start: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to irdesk" if first_start else "Your Name")
        fit_to_screen(self, *NAME_SIZE, near=parent)
        saved = saved_actor()
        self.certificate_fingerprint: str | None = saved[1] if saved else None
        self.read_from: str | None = None  # the identity file the name was read from
        self.name_edit = QLineEdit(saved[0] if saved else login_full_name())
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("Your full name, as colleagues know you")
        self.name_edit.textEdited.connect(lambda _text: self._problem(""))
        self.identity_edit = QLineEdit()
        self.identity_edit.setAccessibleName("Your identity file")
        self.identity_edit.setPlaceholderText("optional: your identity, ID.p12")
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._browse)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setAccessibleName("The identity's passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.returnPressed.connect(self.read_identity)
        self.read_button = QPushButton("&Use Identity")
        self.read_button.setToolTip("Fill in your name from your identity's certificate")
        self.read_button.clicked.connect(self.read_identity)
        self.tied_label = QLabel()
        self.tied_label.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(text_style("#c62828"))
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            "&Later" if first_start else "&Cancel"
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.rejected.connect(self.passphrase_edit.clear)

        self.intro_label = intro = QLabel(
            "Who are you? irdesk names you in the audit log and on every edit you make, so "
            "a review can say who changed what."
            + (" You can change this later in File › Your Name…" if first_start else "")
        )
        intro.setWordWrap(True)
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity_edit, 1)
        identity_row.addWidget(self.browse_button)
        passphrase_row = QHBoxLayout()
        passphrase_row.addWidget(self.passphrase_edit, 1)
        passphrase_row.addWidget(self.read_button)
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        # A row of two widgets gets no buddy from the form: its Alt letter is set here.
        for text, field, row in (
            ("&Identity:", self.identity_edit, identity_row),
            ("&Passphrase:", self.passphrase_edit, passphrase_row),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, row)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.tied_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self._show_tie()
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _browse(self) -> None:
        chosen = self.ask_identity_file()
        if chosen is not None:
            self.identity_edit.setText(str(chosen))
            self.passphrase_edit.setFocus()

    def ask_identity_file(self) -> Path | None:
        """Fakeable: the file dialog."""
        name, _filter = QFileDialog.getOpenFileName(
            self, "Your identity", "", "Identities (*.p12 *.pfx);;All files (*)"
        )
        return Path(name) if name else None

    def read_identity(self) -> Keyring | None:
        """The name and fingerprint from the identity; a wrong passphrase is said here."""
        from irdesk.reports.signing.identity import IdentityError
        from irdesk.reports.signing.note_keys import unlock

        text = self.identity_edit.text().strip()
        passphrase = self.passphrase_edit.text().encode()
        self.passphrase_edit.clear()
        if not text:
            self._problem("Choose your identity file (ID.p12) first, or just type your name.")
            return None
        try:
            keyring = unlock(Path(text).expanduser(), passphrase)
        except IdentityError as exc:
            self._problem(f"{exc}. Your name was left as it was.")
            self.passphrase_edit.setFocus()
            return None
        self.name_edit.setText(keyring.name)
        self.certificate_fingerprint = keyring.certificate_fingerprint
        self.read_from = text
        self._problem("")
        self._show_tie()
        return keyring

    def _show_tie(self) -> None:
        fingerprint = self.certificate_fingerprint
        self.tied_label.setText(
            f"Tied to the certificate {fingerprint[:16]}…: entries name that key, not only "
            "the name."
            if fingerprint
            else "Not tied to an identity: entries name you by this name only."
        )

    def save(self) -> None:
        name = " ".join(self.name_edit.text().split())
        if not name:
            self._problem("Type your name: the audit log needs someone to name.")
            self.name_edit.setFocus()
            return
        identity = self.identity_edit.text().strip()
        if identity and identity != self.read_from:
            # Return in the passphrase field reads the identity first; a wrong one stays said.
            if not self.passphrase_edit.text() or self.read_identity() is None:
                if not self.problem_label.isVisible():
                    self._problem(
                        "Type the identity's passphrase and press Use Identity, or clear the "
                        "Identity field to go by your name only."
                    )
                return
            name = " ".join(self.name_edit.text().split())
        try:
            remember_actor(name, self.certificate_fingerprint)
        except OSError as exc:
            self._problem(f"Your name could not be saved: {exc.strerror or exc}.")
            return
        self.chosen.emit(identity_actor(name, self.certificate_fingerprint))
        self.accept()

    def _problem(self, text: str) -> None:
        self.problem_label.setText(f"⚠ {text}" if text else "")
        self.problem_label.setVisible(bool(text))
