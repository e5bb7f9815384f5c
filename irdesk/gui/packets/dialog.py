"""Export › Review Packet…: the dialog that makes a packet.

It picks a profile and what it is about (the selected incident, a
period or a person), shows what redaction will remove before anything is
made, and exports, optionally signed with a PKCS#12 identity whose passphrase
is typed into a password field. Reading, composing and signing run on the
window's background tasks; the dialog only shows progress and the outcome.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.gui.common.notes_session import NotesSession, UnlockDialog
from irdesk.gui.packets.identity_dialog import NewIdentityDialog
from irdesk.gui.packets.outcomes import IDENTITY_FILTER, PDF_FILTER, Failure, guarded
from irdesk.reports.packets.export import (
    ExportResult,
    PacketRequest,
    SignRequest,
    export_packet,
    prepare,
    redaction_preview,
)
from irdesk.reports.packets.profiles import PROFILES, Scope
from irdesk.storage.database import Database
from irdesk.storage.records.actor import current_actor


def current_quarter(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}"


def suggested_file_name(profile: str, subject: str) -> str:
    """'legal-INC-1186.pdf': what the packet is and whose, safe as a file name anywhere."""
    safe = re.sub(r"[^\w.-]+", "-", f"{profile}-{subject}", flags=re.ASCII).strip("-.")
    return f"{safe or profile}.pdf"


class PacketDialog(QDialog):
    exported = Signal(object)  # the ExportResult: the records it changed (a review now Signed)

    def __init__(
        self,
        tasks: BackgroundTasks,
        database: Database,
        incident_id: int | None,
        parent: QWidget | None = None,
        notes: NotesSession | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Review Packet")
        # The manager packet shows the notes this session's reader unlocked, and says
        # how many are locked otherwise.
        self.notes = notes if notes is not None else NotesSession(self)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.unlock_notes = QPushButton("&Unlock Notes…")
        self.unlock_notes.clicked.connect(self.ask_unlock)
        self.unlock_dialog: UnlockDialog | None = None
        self.tasks = tasks
        self.database = database
        self.incident_id = incident_id
        self.result: ExportResult | None = None
        self._preview_generation = 0
        self._incident_key: str | None = None

        self.profile = QComboBox()
        for profile in PROFILES.values():
            self.profile.addItem(f"{profile.title} — for {profile.audience}", profile.key)
        self.incident_label = QLabel("…" if incident_id else "no incident selected")
        self.incident_label.setWordWrap(True)
        self.period = QLineEdit(current_quarter())
        self.period.setPlaceholderText("2026-Q3, 2026-07 or 2026")
        self.person = QLineEdit()
        self.person.setPlaceholderText("the person's full name")
        self.pattern = QLineEdit()
        self.pattern.setPlaceholderText("optional regular expression, e.g. CUST-\\d+|ACME Corp")
        self.pattern.setToolTip("Text matching it is replaced by [redacted] in this packet")
        self.sign = QCheckBox("Sign with my identity")
        self.identity = QLineEdit()
        self.identity.setPlaceholderText("PKCS#12 file (irdesk identity create)")
        self.choose_identity = QPushButton("Choose…")
        self.new_identity = QPushButton("Ne&w…")
        self.new_identity.setToolTip("Make a signing identity (a key pair and certificate)")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("the identity's passphrase")
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("What the packet holds")
        self.preview.setMinimumHeight(140)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton(
            "&Export…", QDialogButtonBox.ButtonRole.ActionRole
        )

        # Enter in a field refreshes the preview; it must not export or close the dialog.
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)

        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity)
        identity_row.addWidget(self.choose_identity)
        identity_row.addWidget(self.new_identity)
        form = QFormLayout()
        form.addRow("&Profile:", self.profile)
        form.addRow("Incident:", self.incident_label)
        form.addRow("Peri&od:", self.period)
        form.addRow("Perso&n:", self.person)
        notes_row = QHBoxLayout()
        notes_row.addWidget(self.notes_label, 1)
        notes_row.addWidget(self.unlock_notes)
        form.addRow("Feedback notes:", notes_row)
        form.addRow("Also &remove:", self.pattern)
        form.addRow("", self.sign)
        identity_label = QLabel("&Identity:")
        identity_label.setBuddy(self.identity)
        form.addRow(identity_label, identity_row)
        form.addRow("Pa&ssphrase:", self.passphrase)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Redaction: what this packet will not show"))
        layout.addWidget(self.preview)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.profile.currentIndexChanged.connect(self._profile_changed)
        self.period.editingFinished.connect(self.refresh_preview)
        self.person.editingFinished.connect(self.refresh_preview)
        self.pattern.editingFinished.connect(self.refresh_preview)
        self.sign.toggled.connect(self._update_fields)
        self.choose_identity.clicked.connect(self._choose_identity)
        self.new_identity.clicked.connect(self._new_identity)
        self.buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self.choose_output)
        self.tasks.progress.connect(self._progress_text)
        self.notes.changed.connect(self._notes_changed)
        self._update_fields()
        self.refresh_preview()

    def ask_unlock(self) -> UnlockDialog:
        """Non-blocking, as in the Feedback Notes window: the same session, unlocked once."""
        dialog = UnlockDialog(self.notes, self)
        self.unlock_dialog = dialog
        dialog.open()
        return dialog

    def _notes_changed(self) -> None:
        self._update_fields()
        self.refresh_preview()

    # ------------------------------------------------------- fakeable dialogs

    def ask_output_path(self, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save review packet", str(Path.home() / suggested), PDF_FILTER
        )
        return Path(name) if name else None

    def ask_identity_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a signing identity", str(Path.home()), IDENTITY_FILTER
        )
        return Path(name) if name else None

    # ------------------------------------------------------------------ state

    def request(self) -> PacketRequest:
        key = self.profile.currentData()
        scope = PROFILES[key].scope
        return PacketRequest(
            profile=key,
            incident_id=self.incident_id if scope is Scope.INCIDENT else None,
            period=self.period.text().strip() if scope is Scope.PERIOD else None,
            person=self.person.text().strip() if scope is Scope.PERSON else None,
            patterns=(self.pattern.text(),) if self.pattern.text().strip() else (),
        )

    def _profile_changed(self) -> None:
        self._update_fields()
        self.refresh_preview()

    def _update_fields(self) -> None:
        scope = PROFILES[self.profile.currentData()].scope
        self.period.setEnabled(scope is Scope.PERIOD)
        self.person.setEnabled(scope is Scope.PERSON)
        self.incident_label.setEnabled(scope is Scope.INCIDENT)
        keyring = self.notes.keyring
        self.notes_label.setText(
            f"unlocked as {keyring.name}: the notes you may read are shown"
            if keyring is not None
            else "locked: the packet says how many notes are locked, and to whom"
        )
        # The calibration packet compares what the notes its maker may read speak to.
        reads_notes = scope is Scope.PERSON or self.profile.currentData() == "calibration"
        self.notes_label.setEnabled(reads_notes)
        self.unlock_notes.setVisible(reads_notes and keyring is None)
        signing = self.sign.isChecked()
        for widget in (self.identity, self.choose_identity, self.new_identity, self.passphrase):
            widget.setEnabled(signing)

    def _choose_identity(self) -> None:
        path = self.ask_identity_path()
        if path is not None:
            self.identity.setText(str(path))
            self.passphrase.setFocus()

    def _new_identity(self) -> NewIdentityDialog:
        dialog = NewIdentityDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def created() -> None:
            if dialog.created is not None:
                self.identity.setText(str(dialog.created))
                self.status.setText(
                    f"Identity written to {dialog.created}; its certificate, to give to whoever "
                    f"checks your packets, to {dialog.created.with_suffix('.pem')}."
                )
                self.passphrase.setFocus()

        dialog.accepted.connect(created)
        dialog.open()
        return dialog

    def _progress_text(self, text: str) -> None:
        if self.progress.isVisible():
            self.status.setText(text)

    # ---------------------------------------------------------------- preview

    def refresh_preview(self) -> None:
        request = self.request()
        database, keyring = self.database, self.notes.keyring
        self._preview_generation += 1
        generation = self._preview_generation
        self.preview.setPlainText("Reading…")

        def work(_report: Report) -> tuple[str | None, str | None, list[str]] | Failure:
            def lines() -> tuple[str | None, str | None, list[str]]:
                prepared = prepare(database, request, keyring)
                removals = redaction_preview(prepared)
                incident = getattr(prepared.data, "incident", None)
                label = (
                    f"{incident.source}:{incident.external_id} — {incident.title}"
                    if incident
                    else None
                )
                key = incident.external_id if incident else None
                if not removals:
                    return (
                        label,
                        key,
                        ["Nothing: no text in this packet matches the profile's redaction rules."],
                    )
                return (
                    label,
                    key,
                    [f"{r.rule}: “{r.text}” → {r.replacement} ({r.count}×)" for r in removals],
                )

            return guarded(lines)

        self.tasks.run(work, on_done=lambda result: self._previewed(generation, result))

    def _previewed(
        self, generation: int, result: tuple[str | None, str | None, list[str]] | Failure
    ) -> None:
        if not isValid(self):
            return  # closed while the preview was read
        if generation != self._preview_generation:
            return  # an older request; a newer preview is on its way
        if isinstance(result, Failure):
            self.preview.setPlainText(f"Cannot make this packet: {result.message}")
            self.export_button.setEnabled(False)
            return
        label, self._incident_key, lines = result
        if label is not None:
            self.incident_label.setText(label)
        rules = PROFILES[self.profile.currentData()].redaction.names()
        header = "Rules: " + (", ".join(rules) if rules else "none") + "\n\n"
        self.preview.setPlainText(header + "\n".join(lines))
        self.export_button.setEnabled(True)

    # ----------------------------------------------------------------- export

    def choose_output(self) -> None:
        sign = None
        if self.sign.isChecked():
            identity = self.identity.text().strip()
            if not identity:
                self.status.setText("Choose the identity to sign with, or untick Sign.")
                return
            sign = SignRequest(Path(identity).expanduser(), self.passphrase.text().encode())
        request = self.request()
        # The ID the incident list shows (INC-1186), not irdesk's row number.
        incident = self._incident_key or f"incident-{request.incident_id}"
        out = self.ask_output_path(
            suggested_file_name(request.profile, request.period or request.person or incident)
        )
        if out is None:
            return
        self.export(request, out, sign)

    def export(self, request: PacketRequest, out: Path, sign: SignRequest | None) -> None:
        database, actor = self.database, self.notes.actor(current_actor())
        keyring = self.notes.keyring
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.status.setText("Exporting…")

        def work(report: Report) -> ExportResult | Failure:
            return guarded(
                # The save dialog has asked before replacing a file; a link, device or
                # folder chosen there is still refused by the write itself.
                lambda: export_packet(
                    database,
                    request,
                    out,
                    created_by=actor,
                    sign=sign,
                    report=report,
                    overwrite=True,
                    keyring=keyring,
                )
            )

        self.tasks.run(work, on_done=self._exported, description="Exporting the packet…")

    def _exported(self, result: ExportResult | Failure) -> None:
        if not isValid(self):
            return  # closed while exporting: the export itself finished and was recorded
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.passphrase.clear()
        if isinstance(result, Failure):
            self.status.setText(f"Not exported: {result.message}")
            return
        self.result = result
        self.exported.emit(result)
        signed = f"signed by {result.signed_by}" if result.signed_by else "not signed"
        self.status.setText(
            f"Wrote {result.path.name}: packet {result.packet_uid}, {result.pages} pages, "
            f"{signed}.\nSHA-256 {result.sha256}"
        )
