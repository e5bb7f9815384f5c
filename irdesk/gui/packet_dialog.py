"""Export › Review Packet… and Tools › Verify Packet…

The dialog picks a profile and what it is about (the selected incident, a
period or a person), shows what redaction will remove before anything is
made, and exports, optionally signed with a PKCS#12 identity whose passphrase
is typed into a password field. Reading, composing and signing run on the
window's background tasks; the dialog only shows progress and the outcome.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenuBar,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from irdesk.gui.background import BackgroundTasks, Report
from irdesk.gui.link_dialog import current_actor
from irdesk.reports.packets.export import (
    CountersignResult,
    ExportResult,
    PacketRequest,
    SignRequest,
    countersign_packet,
    export_packet,
    prepare,
    redaction_preview,
)
from irdesk.reports.packets.profiles import PROFILES, Scope
from irdesk.reports.packets.verify import VerifyReport, report_lines, verify_packet
from irdesk.storage.database import Database

PACKET_KEY = "Ctrl+Shift+E"
PDF_FILTER = "PDF packets (*.pdf);;All files (*)"
IDENTITY_FILTER = "PKCS#12 identities (*.p12 *.pfx);;All files (*)"


@dataclass(frozen=True)
class Failure:
    """An expected problem (bad input, wrong passphrase): shown in the dialog, not the crash box."""

    message: str


EXPECTED = (LookupError, ValueError, OSError)
T = TypeVar("T")


def _guarded(work: Callable[[], T]) -> T | Failure:
    try:
        return work()
    except EXPECTED as exc:
        return Failure(str(exc))


def current_quarter(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}"


class PacketDialog(QDialog):
    def __init__(
        self,
        tasks: BackgroundTasks,
        database: Database,
        incident_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Review Packet")
        self.tasks = tasks
        self.database = database
        self.incident_id = incident_id
        self.result: ExportResult | None = None
        self._preview_generation = 0

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
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("the identity's passphrase")
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
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
        form = QFormLayout()
        form.addRow("&Profile:", self.profile)
        form.addRow("Incident:", self.incident_label)
        form.addRow("P&eriod:", self.period)
        form.addRow("P&erson:", self.person)
        form.addRow("Also &remove:", self.pattern)
        form.addRow("", self.sign)
        identity_label = QLabel("&Identity:")
        identity_label.setBuddy(self.identity)
        form.addRow(identity_label, identity_row)
        form.addRow("Pass&phrase:", self.passphrase)
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
        self.buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self.choose_output)
        self.tasks.progress.connect(self._progress_text)
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
        signing = self.sign.isChecked()
        for widget in (self.identity, self.choose_identity, self.passphrase):
            widget.setEnabled(signing)

    def _choose_identity(self) -> None:
        path = self.ask_identity_path()
        if path is not None:
            self.identity.setText(str(path))
            self.passphrase.setFocus()

    def _progress_text(self, text: str) -> None:
        if self.progress.isVisible():
            self.status.setText(text)

    # ---------------------------------------------------------------- preview

    def refresh_preview(self) -> None:
        request = self.request()
        database = self.database
        self._preview_generation += 1
        generation = self._preview_generation
        self.preview.setPlainText("Reading…")

        def work(_report: Report) -> tuple[str | None, list[str]] | Failure:
            def lines() -> tuple[str | None, list[str]]:
                prepared = prepare(database, request)
                removals = redaction_preview(prepared)
                incident = getattr(prepared.data, "incident", None)
                label = (
                    f"{incident.source}:{incident.external_id} — {incident.title}"
                    if incident
                    else None
                )
                if not removals:
                    return label, [
                        "Nothing: no text in this packet matches the profile's redaction rules."
                    ]
                return label, [
                    f"{r.rule}: “{r.text}” → {r.replacement} ({r.count}×)" for r in removals
                ]

            return _guarded(lines)

        self.tasks.run(work, on_done=lambda result: self._previewed(generation, result))

    def _previewed(self, generation: int, result: tuple[str | None, list[str]] | Failure) -> None:
        if not isValid(self):
            return  # closed while the preview was read
        if generation != self._preview_generation:
            return  # an older request; a newer preview is on its way
        if isinstance(result, Failure):
            self.preview.setPlainText(f"Cannot make this packet: {result.message}")
            self.export_button.setEnabled(False)
            return
        label, lines = result
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
        subject = request.period or request.person or f"incident-{request.incident_id}"
        suggested = f"{request.profile}-{subject}.pdf".replace(" ", "-").replace("/", "-")
        out = self.ask_output_path(suggested)
        if out is None:
            return
        self.export(request, out, sign)

    def export(self, request: PacketRequest, out: Path, sign: SignRequest | None) -> None:
        database, actor = self.database, current_actor()
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.status.setText("Exporting…")

        def work(report: Report) -> ExportResult | Failure:
            return _guarded(
                lambda: export_packet(
                    database, request, out, created_by=actor, sign=sign, report=report
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
        signed = f"signed by {result.signed_by}" if result.signed_by else "not signed"
        self.status.setText(
            f"Wrote {result.path.name}: packet {result.packet_uid}, {result.pages} pages, "
            f"{signed}.\nSHA-256 {result.sha256}"
        )


class PacketActions(QObject):
    """The menu entries, and the dialogs they open, for the main window."""

    def __init__(
        self,
        window: QWidget,
        tasks: BackgroundTasks,
        database: Callable[[], Database | None],
        incident_id: Callable[[], int | None],
        show_message: Callable[[QMessageBox.Icon, str, str, str], QMessageBox],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.database = database
        self.incident_id = incident_id
        self.show_message = show_message
        self.dialog: PacketDialog | None = None
        self.packet_action = QAction("Review &Packet…", window)
        self.packet_action.setShortcut(QKeySequence(PACKET_KEY))
        self.packet_action.setStatusTip("Export a signed PDF packet for legal, insurance, …")
        self.packet_action.triggered.connect(self.open_dialog)
        self.verify_action = QAction("&Verify Packet…", window)
        self.verify_action.setStatusTip("Check a packet's signatures and whether it was changed")
        self.verify_action.triggered.connect(self.choose_and_verify)
        self.countersign_action = QAction("&Countersign Packet…", window)
        self.countersign_action.setStatusTip("Add the second signature to a signed packet")
        self.countersign_action.triggered.connect(self.choose_and_countersign)

    def add_menus(self, menus: QMenuBar) -> None:
        menus.addMenu("E&xport").addAction(self.packet_action)
        tools = menus.addMenu("&Tools")
        tools.addAction(self.verify_action)
        tools.addAction(self.countersign_action)

    def open_dialog(self) -> PacketDialog | None:
        database = self.database()
        if database is None:
            self.show_message(
                QMessageBox.Icon.Information, "No database", "Open a database first.", ""
            )
            return None
        if self.dialog is not None:
            self.dialog.close()
        dialog = PacketDialog(self.tasks, database, self.incident_id(), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: self._dialog_gone(dialog))
        self.dialog = dialog
        dialog.show()
        return dialog

    def _dialog_gone(self, dialog: PacketDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def ask_packet_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Verify a review packet", str(Path.home()), PDF_FILTER
        )
        return Path(name) if name else None

    def ask_identity_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Countersign with identity", str(Path.home()), IDENTITY_FILTER
        )
        return Path(name) if name else None

    def ask_passphrase(self, identity: Path) -> str | None:
        text, ok = QInputDialog.getText(
            self.window,
            "Passphrase",
            f"Passphrase of {identity.name}:",
            QLineEdit.EchoMode.Password,
        )
        return text if ok else None

    def choose_and_countersign(self) -> None:
        packet = self.ask_packet_path()
        if packet is None:
            return
        identity = self.ask_identity_path()
        if identity is None:
            return
        passphrase = self.ask_passphrase(identity)
        if passphrase is not None:
            self.countersign(packet, identity, passphrase.encode())

    def countersign(self, packet: Path, identity: Path, passphrase: bytes) -> None:
        """Countersign `packet` in place; recorded when the open database exported it."""
        database, actor = self.database(), current_actor()
        self.tasks.run(
            lambda _report: _guarded(
                lambda: countersign_packet(
                    packet, identity, passphrase, actor=actor, database=database
                )
            ),
            on_done=lambda result: self._countersigned(packet, result),
            description=f"Countersigning {packet.name}…",
        )

    def _countersigned(self, packet: Path, result: CountersignResult | Failure) -> None:
        if isinstance(result, Failure):
            self.show_message(
                QMessageBox.Icon.Warning,
                "Not countersigned",
                f"{packet.name} was not changed: {result.message}",
                "",
            )
            return
        recorded = (
            "Recorded in the open database."
            if result.recorded
            else "Not recorded: the open database did not export this packet."
        )
        self.show_message(
            QMessageBox.Icon.Information,
            "Packet countersigned",
            f"{packet.name} is countersigned by {result.signer}.",
            f"{recorded}\nSHA-256 {result.sha256}",
        )

    def choose_and_verify(self) -> None:
        path = self.ask_packet_path()
        if path is not None:
            self.verify(path)

    def verify(self, path: Path) -> None:
        self.tasks.run(
            lambda _report: _guarded(lambda: verify_packet(path)),
            on_done=lambda result: self._verified(path, result),
            description=f"Verifying {path.name}…",
        )

    def _verified(self, path: Path, result: VerifyReport | Failure) -> None:
        if isinstance(result, Failure):
            self.show_message(
                QMessageBox.Icon.Warning, "Cannot verify", f"{path.name}: {result.message}", ""
            )
            return
        ok = result.ok()
        self.show_message(
            QMessageBox.Icon.Information if ok else QMessageBox.Icon.Warning,
            "Packet verified" if ok else "Packet does NOT verify",
            f"{path.name}: "
            + (
                "every signature is valid and nothing changed after it."
                if ok
                else "a signature is invalid or missing, or the document changed after signing."
            ),
            "\n".join(report_lines(result)[1:]),
        )
