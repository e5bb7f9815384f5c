"""The metrics menu entries: View › Metrics Dashboard and Tools › Policy…

The main window constructs one `MetricsActions` and adds its entries to the
menus; the dashboard is one window, kept once opened and pointed at every
database the window opens. What the window must act on comes out as signals.

The dashboard (numpy, matplotlib, the figures) and the policy editor are imported
the first time they are opened, not when the window starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from irdesk.gui.common.background import BackgroundTasks
from irdesk.gui.common.busy_indicator import BusyIndicator
from irdesk.gui.common.menus import Menus
from irdesk.gui.common.message_box import show_message
from irdesk.gui.common.open_database import OpenDatabase

if TYPE_CHECKING:
    from irdesk.gui.metrics.dashboard import MetricsDashboard
    from irdesk.gui.metrics.policy_dialog import PolicyDialog
    from irdesk.storage.database import Database
    from irdesk.storage.records.policies import PolicyRecord

METRICS_KEY = "Ctrl+Shift+M"


class MetricsActions(QObject):
    """The dashboard window and the policy editor, for the main window."""

    incident_chosen = Signal(int)  # picked in the dashboard: select it in the list
    policy_saved = Signal(object)  # the PolicyRecord of a new version

    def __init__(
        self,
        window: QWidget,
        tasks: BackgroundTasks,
        database: OpenDatabase,
        actor: str,
        busy: BusyIndicator,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.database = database
        self.actor = actor
        self.busy = busy
        self.dashboard: MetricsDashboard | None = None
        self.dashboard_action = QAction("&Metrics Dashboard", window)
        self.dashboard_action.setShortcut(QKeySequence(METRICS_KEY))
        self.dashboard_action.triggered.connect(self.show_dashboard)
        self.policy_action = QAction("&Policy…", window)
        self.policy_action.setStatusTip(
            "The choices behind the metrics; saving makes a new version"
        )
        self.policy_action.triggered.connect(self.edit_policy)
        database.changed.connect(self._database_changed)

    def add_to(self, menus: Menus) -> None:
        menus.view.addAction(self.dashboard_action)
        menus.tools.addAction(self.policy_action)

    def show_dashboard(self) -> MetricsDashboard | None:
        db = self.database.current()
        if db is None:
            show_message(
                self.window, QMessageBox.Icon.Information, "Metrics", "Open a database first."
            )
            return None
        if self.dashboard is None:
            with self.busy.first_import(
                "Loading the metrics dashboard…", "irdesk.gui.metrics.dashboard"
            ):
                from irdesk.gui.metrics.dashboard import MetricsDashboard

            self.dashboard = MetricsDashboard(self.tasks, self.window)
            self.dashboard.incident_chosen.connect(self.incident_chosen)
        # Read again each time it is asked for: imports and edits since then count.
        self.dashboard.set_database(db)
        self.dashboard.show()
        self.dashboard.raise_()
        self.dashboard.activateWindow()
        return self.dashboard

    def edit_policy(self) -> PolicyDialog | None:
        db = self.database.current()
        if db is None:
            show_message(
                self.window, QMessageBox.Icon.Information, "Policy", "Open a database first."
            )
            return None
        with self.busy.first_import(
            "Loading the policy editor…", "irdesk.gui.metrics.policy_dialog"
        ):
            from irdesk.gui.metrics.policy_dialog import PolicyDialog

        dialog = PolicyDialog(db, self.tasks, self.actor, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._policy_saved)
        dialog.open()
        return dialog

    def _policy_saved(self, record: PolicyRecord) -> None:
        if self.dashboard is not None:
            self.dashboard.refresh()
        self.policy_saved.emit(record)

    def _database_changed(self, db: Database) -> None:
        if self.dashboard is not None:
            self.dashboard.set_database(db)
