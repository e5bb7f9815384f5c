"""Export › Review Packet… › New Identity…: a signing identity made without a terminal.

The same `create_identity` as `irdesk identity create`: a key pair and a self-signed
certificate in a PKCS#12 file readable by its owner only, plus the certificate
(`.pem`) beside it to hand to whoever verifies. The passphrase is typed twice and
never stored; an existing file is never replaced from here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from irdesk.gui.common.colours import text_style
from irdesk.gui.packets.outcomes import IDENTITY_FILTER
from irdesk.reports.signing.identity import MIN_PASSPHRASE, IdentityError, create_identity
from irdesk.reports.signing.note_keys import create_note_key
from irdesk.storage.paths import data_dir


def default_identity_path(name: str) -> Path:
    """~/…/irdesk/identities/Søren-Kjærgaard.p12: the user's data folder, by name."""
    stem = "-".join(name.split()) or "identity"
    return data_dir() / "identities" / f"{stem}.p12"


class NewIdentityDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Signing Identity")
        self.created: Path | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("your full name, as signatures will show it")
        self.role_edit = QLineEdit()
        self.role_edit.setPlaceholderText("e.g. Compliance Officer (optional)")
        self.organisation_edit = QLineEdit()
        self.organisation_edit.setPlaceholderText("optional")
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("optional")
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText(f"at least {MIN_PASSPHRASE} characters")
        self.again_edit = QLineEdit()
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("where the identity file goes")
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._browse)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(text_style("#c62828"))
        self.problem_label.hide()
        self.name_edit.textEdited.connect(self._suggest_path)

        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Role:", self.role_edit)
        form.addRow("&Organisation:", self.organisation_edit)
        form.addRow("E&mail:", self.email_edit)
        form.addRow("&Passphrase:", self.passphrase_edit)
        form.addRow("Passphrase a&gain:", self.again_edit)
        form.addRow("&File:", self.path_edit)
        form.addRow("", self.browse_button)
        note = QLabel(
            "The file holds your private key, readable by you only; keep its passphrase "
            "to yourself. A certificate (.pem) is written beside it: give that to whoever "
            "checks your packets."
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

    def ask_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the identity", self.path_edit.text(), IDENTITY_FILTER
        )
        return Path(name) if name else None

    def _browse(self) -> None:
        chosen = self.ask_path()
        if chosen is not None:
            self.path_edit.setText(str(chosen))

    def _suggest_path(self, name: str) -> None:
        if not self.path_edit.isModified():
            self.path_edit.setText(str(default_identity_path(name)))

    def _problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))

    def create(self) -> None:
        """Make the identity; a refusal is said in the dialog, which stays open."""
        passphrase = self.passphrase_edit.text()
        if passphrase != self.again_edit.text():
            self._problem("The two passphrases differ: type it again in both fields.")
            self.again_edit.clear()
            self.again_edit.setFocus()
            return
        path = Path(self.path_edit.text().strip()).expanduser()
        if not self.path_edit.text().strip():
            self._problem("Choose where the identity file goes.")
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            create_identity(
                path,
                name=self.name_edit.text().strip(),
                role=self.role_edit.text().strip() or None,
                organisation=self.organisation_edit.text().strip() or None,
                email=self.email_edit.text().strip() or None,
                passphrase=passphrase.encode(),
                certificate_path=path.with_suffix(".pem"),
            )
            # Feedback notes are sealed to this key: made with the identity, same passphrase.
            create_note_key(path, passphrase.encode())
        except (IdentityError, OSError) as exc:
            self._problem(f"Not created: {exc}")
            return
        self.passphrase_edit.clear()
        self.again_edit.clear()
        self.created = path
        self.accept()
