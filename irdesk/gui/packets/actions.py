"""The packet menu entries: Export › Review Packet…, Tools › Verify / Countersign Packet…

The main window constructs one `PacketActions` and adds its entries to the
menus; the work runs on the window's background tasks, and outcomes are shown
in non-blocking message boxes over the window.

The dialog (reportlab, the packet composition) is imported the first time it opens,
pyHanko by the first verification or countersignature, on the background worker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks, Report
from irdesk.gui.common.busy_indicator import BusyIndicator
from irdesk.gui.common.menus import Menus
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.notes_session import NotesSession
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.packets.outcomes import IDENTITY_FILTER, PDF_FILTER, Failure, guarded
from irdesk.storage.records.actor import current_actor

if TYPE_CHECKING:
    from irdesk.gui.packets.dialog import PacketDialog
    from irdesk.reports.signing.countersign import CountersignResult
    from irdesk.reports.signing.verify import VerifyReport

PACKET_KEY = "Ctrl+Shift+P"


class PacketActions(QObject):
    """The menu entries, and the dialogs they open, for the main window."""

    exported = Signal()  # a packet was recorded: a review it signed shows its new status

    def __init__(
        self,
        window: QWidget,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        incident_id: Callable[[], int | None],
        busy: BusyIndicator,
        notes: NotesSession | None = None,
    ) -> None:
        super().__init__(window)
        self.notes = notes if notes is not None else NotesSession(self)
        self.window = window
        self.tasks = tasks
        self.database = database
        self.incident_id = incident_id
        self.busy = busy
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

    def add_to(self, menus: Menus) -> None:
        """Export › Review Packet…; Verify and Countersign at the end of Tools."""
        menus.export.addAction(self.packet_action)
        menus.tools.addSeparator()
        menus.tools.addAction(self.verify_action)
        menus.tools.addAction(self.countersign_action)

    def open_dialog(self) -> PacketDialog | None:
        database = self.database.current()
        if database is None:
            show_message(
                self.window,
                QMessageBox.Icon.Information,
                "No database",
                "Open a database first.",
            )
            return None
        if self.dialog is not None:
            self.dialog.close()
        with self.busy.first_import("Loading the packet export…", "irdesk.gui.packets.dialog"):
            from irdesk.gui.packets.dialog import PacketDialog

        dialog = PacketDialog(
            self.tasks, database, self.incident_id(), self.window, notes=self.notes
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: self._dialog_gone(dialog))
        dialog.exported.connect(lambda _result: self.exported.emit())
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
        database, actor = self.database.current(), current_actor()

        def work(_report: Report) -> CountersignResult | Failure:
            from irdesk.reports.signing.countersign import countersign_packet

            return guarded(
                lambda: countersign_packet(
                    packet, identity, passphrase, actor=actor, database=database
                )
            )

        self.tasks.run(
            work,
            on_done=lambda result: self._countersigned(packet, result),
            description=f"Countersigning {packet.name}…",
        )

    def _countersigned(self, packet: Path, result: CountersignResult | Failure) -> None:
        if isinstance(result, Failure):
            show_message(
                self.window,
                QMessageBox.Icon.Warning,
                "Not countersigned",
                f"{packet.name} was not changed: {result.message}",
            )
            return
        recorded = (
            "Recorded in the open database."
            if result.recorded
            else "Not recorded: the open database did not export this packet."
        )
        show_message(
            self.window,
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

        def work(_report: Report) -> VerifyReport | Failure:
            from irdesk.reports.signing.verify import verify_packet

            return guarded(lambda: verify_packet(path))

        self.tasks.run(
            work,
            on_done=lambda result: self._verified(path, result),
            description=f"Verifying {path.name}…",
        )

    def _verified(self, path: Path, result: VerifyReport | Failure) -> None:
        if isinstance(result, Failure):
            show_message(
                self.window,
                QMessageBox.Icon.Warning,
                "Cannot verify",
                f"{path.name}: {result.message}",
            )
            return
        from irdesk.reports.signing.verify import report_lines  # loaded by the verification

        # The window names no signer to trust, so an intact packet is shown as intact
        # with its key fingerprints, never as verified: a forger's packet is intact too.
        intact = result.intact()
        show_message(
            self.window,
            QMessageBox.Icon.Warning,
            "Signatures intact, signer not verified" if intact else "Packet does NOT verify",
            f"{path.name}: "
            + (
                "every signature is intact and nothing changed after it, but anyone can sign "
                "with any name: compare each key fingerprint with the one the signer gave you "
                "(or run irdesk verify --trust CERT.pem)."
                if intact
                else "a signature is invalid or missing, or the document changed after signing."
            ),
            "\n".join(report_lines(result)[1:]),
        )
