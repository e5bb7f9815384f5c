"""Who has unlocked the feedback notes in this window, and the dialog that unlocks them.

One `NotesSession` per main window, passed to the screens that show notes (the
Feedback Notes window, the manager packet): the reader's identity and passphrase are
asked once, the unlocked keyring lives in memory only, and Lock (or quitting) drops
it. The passphrase itself is never kept: the field is cleared as soon as it is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
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

if TYPE_CHECKING:
    from irdesk.storage.sealing import Keyring


class NotesSession(QObject):
    """The unlocked reader of this window's session, or None (locked)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keyring: Keyring | None = None
        self.identity: Path | None = None  # offered again in the dialog; not secret

    @property
    def keyring(self) -> Keyring | None:
        return self._keyring

    @property
    def unlocked(self) -> bool:
        return self._keyring is not None

    def unlock(self, identity: Path, passphrase: bytes) -> None:
        """Raises IdentityError (wrong passphrase, not an identity) and changes nothing."""
        from irdesk.reports.signing.note_keys import unlock

        keyring = unlock(identity, passphrase)
        self._keyring, self.identity = keyring, identity
        self._remember_first(keyring)
        self.changed.emit()

    @staticmethod
    def _remember_first(keyring: Keyring) -> None:
        """The first identity unlocked on this machine names its user in the audit log,
        unless they already said who they are (`irdesk identity use`)."""
        from irdesk.storage.records.actor import actor_remembered, remember_actor

        if not actor_remembered():
            remember_actor(keyring.name, keyring.certificate_fingerprint)

    def lock(self) -> None:
        if self._keyring is not None:
            self._keyring = None
            self.changed.emit()

    def actor(self, default: str) -> str:
        """The audit log's name for this session: the unlocked identity, else `default`."""
        from irdesk.storage.records.actor import identity_actor

        if self._keyring is None:
            return default
        return identity_actor(self._keyring.name, self._keyring.certificate_fingerprint)


class UnlockDialog(QDialog):
    """Identity file and passphrase; a wrong passphrase is said here and nothing changes."""

    def __init__(self, session: NotesSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock Feedback Notes")
        self.session = session
        self.identity_edit = QLineEdit(str(session.identity or ""))
        self.identity_edit.setPlaceholderText("your identity, ID.p12 (irdesk identity create)")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(text_style("#c62828"))
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        self.rejected.connect(self.passphrase_edit.clear)
        row = QHBoxLayout()
        row.addWidget(self.identity_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Identity:", row)
        form.addRow("&Passphrase:", self.passphrase_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Notes are encrypted to their readers. Your passphrase unlocks the notes you "
                "may read until you lock them or quit irdesk; it is not stored."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        if session.identity is not None:
            self.passphrase_edit.setFocus()

    def _browse(self) -> None:
        chosen = self.ask_identity_file()
        if chosen is not None:
            self.identity_edit.setText(str(chosen))

    def ask_identity_file(self) -> Path | None:
        """Fakeable: the file dialog."""
        name, _filter = QFileDialog.getOpenFileName(
            self, "Your identity", "", "Identities (*.p12 *.pfx);;All files (*)"
        )
        return Path(name) if name else None

    def try_unlock(self) -> None:
        from irdesk.reports.signing.identity import IdentityError

        text = self.identity_edit.text().strip()
        passphrase = self.passphrase_edit.text().encode()
        self.passphrase_edit.clear()
        if not text:
            self._problem("Choose your identity file (ID.p12).")
            return
        try:
            self.session.unlock(Path(text).expanduser(), passphrase)
        except IdentityError as exc:
            self._problem(f"{exc}. Nothing was unlocked.")
            self.passphrase_edit.setFocus()
            return
        self.accept()

    def _problem(self, text: str) -> None:
        self.problem_label.setText(f"⚠ {text}")
        self.problem_label.show()
