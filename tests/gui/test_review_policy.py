"""The Review tab proposes the tier, and a new review's due date, by the stored policy."""

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot
from review_driver import query, wait_settled
from sample_incidents import T0, IncidentFile
from window_driver import activate, choose_from_menu, click_row, open_and_wait, row_of

from irdesk.domain.enums import IncidentStatus, ServiceTier, Severity
from irdesk.domain.models import Incident, Service
from irdesk.domain.policy import Policy
from irdesk.gui.main_window import MainWindow
from irdesk.gui.metrics.policy_dialog import PolicyDialog
from irdesk.storage.database import open_database
from irdesk.storage.reads.review_sheet import ReviewSheet
from irdesk.storage.records.policies import save_policy

RESOLVED = T0 + timedelta(hours=1)  # 2026-10-14 (UTC)
SEV1_ONLY = Policy(
    full_review_severities=("SEV1",),
    lightweight_review_severities=("SEV2", "SEV3"),
    postmortem_deadline_days=3,
    lightweight_deadline_days=7,
)


@pytest.fixture
def with_sev2(qtbot: QtBot, window: MainWindow, incident_file: IncidentFile) -> MainWindow:
    """The sample file plus INC-103: SEV2 and nothing else that calls for a full postmortem."""
    db = open_database(incident_file.path)
    try:
        with db.transaction() as session:
            service = Service(name="card-vault", tier=ServiceTier.TIER2, slo_target=99.9)
            session.add(service)
            session.flush()
            session.add(
                Incident(
                    source="pagerduty",
                    external_id="INC-103",
                    title="Card tokenisation slow",
                    service_id=service.id,
                    severity=Severity.SEV2,
                    status=IncidentStatus.RESOLVED,
                    started_at=T0,
                    resolved_at=RESOLVED,
                    users_affected=300,
                )
            )
    finally:
        db.close()
    open_and_wait(qtbot, window, incident_file.path)
    return window


def alt_r(qtbot: QtBot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert window.incident_tabs.currentWidget() is window.review_tab
    wait_settled(qtbot, window)


def shown_sheet(window: MainWindow) -> ReviewSheet:
    sheet = window.review_tab.sheet
    assert sheet is not None
    return sheet


def test_a_new_policy_version_changes_the_proposal_and_the_review_it_starts(
    qtbot: QtBot, with_sev2: MainWindow, incident_file: IncidentFile
) -> None:
    window = with_sev2
    click_row(qtbot, window, row_of(window, "INC-103"))
    alt_r(qtbot, window)
    tab = window.review_tab
    assert tab.stack.currentIndex() == 1  # no review yet: Start Review
    # The built-in defaults: SEV1–SEV2 need a full postmortem, due 5 days after resolution.
    assert "full postmortem (built-in policy defaults: severity SEV2), due 2026-10-19." in (
        tab.start_label.text()
    )

    db = open_database(incident_file.path)
    try:
        save_policy(db, SEV1_ONLY, note="full postmortems for SEV1 only", author="lead")
    finally:
        db.close()
    # Look at another incident and come back, as a user would after the policy changed.
    click_row(qtbot, window, row_of(window, "INC-102"))
    wait_settled(qtbot, window)
    click_row(qtbot, window, row_of(window, "INC-103"))
    wait_settled(qtbot, window)
    assert shown_sheet(window).incident_label.startswith("INC-103")
    text = tab.start_label.text()
    assert "The policy proposes a lightweight summary (policy version 1: SEV2 is not a " in text
    assert "full-postmortem severity (SEV1)" in text
    assert text.endswith(", due 2026-10-21.")  # resolved 2026-10-14 + the policy's 7 days

    qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    wait_settled(qtbot, window)
    assert tab.stack.currentIndex() == 2
    stored = query(
        incident_file.path,
        "SELECT r.tier, r.due_on FROM review r JOIN incident i ON i.id = r.incident_id "
        "WHERE i.external_id = 'INC-103'",
    )
    assert stored == [("lightweight", "2026-10-21")]
    assert tab.header.tier_combo.currentText() == "Lightweight summary"
    assert tab.header.proposal_label.text().startswith(
        "Proposed: lightweight summary — policy version 1: SEV2 is not a full-postmortem"
    )
    assert tab.header.due_edit.date() == QDate(2026, 10, 21)

    # Choosing the full postmortem (with a reason) moves the untouched due date to its deadline.
    tab.header.tier_combo.setFocus()
    qtbot.keyClick(tab.header.tier_combo, Qt.Key.Key_Up)  # Full postmortem
    qtbot.keyClicks(tab.header.tier_reason_edit, "card data involved")
    qtbot.waitUntil(
        lambda: (
            query(
                incident_file.path,
                "SELECT r.tier, r.tier_reason, r.due_on FROM review r "
                "JOIN incident i ON i.id = r.incident_id WHERE i.external_id = 'INC-103'",
            )
            == [("full", "card data involved", "2026-10-17")]
        ),
        timeout=3000,
    )
    wait_settled(qtbot, window)
    qtbot.waitUntil(lambda: tab.header.due_edit.date() == QDate(2026, 10, 17), timeout=3000)


def test_saving_the_policy_in_its_dialog_updates_the_open_review_tab(
    qtbot: QtBot, with_sev2: MainWindow
) -> None:
    window = with_sev2
    click_row(qtbot, window, row_of(window, "INC-103"))
    alt_r(qtbot, window)
    tab = window.review_tab
    assert "proposes a full postmortem (built-in policy defaults: severity SEV2)" in (
        tab.start_label.text()
    )
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_P)  # Tools › Policy…
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, PolicyDialog) and w.isVisible()
    )
    assert dialog.customer_checks["SEV2"].isChecked()  # the customers' view counts by default
    qtbot.mouseClick(dialog.full_checks["SEV2"], Qt.MouseButton.LeftButton)  # SEV1 only
    qtbot.keyClicks(dialog.note_edit, "Full postmortems for SEV1 only")
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    # The tab shows the new version's proposal without the incident being chosen again.
    qtbot.waitUntil(lambda: "policy version 1" in tab.start_label.text(), timeout=5000)
    wait_settled(qtbot, window)
    text = tab.start_label.text()
    assert "proposes a lightweight summary (policy version 1: SEV2 is not a full-post" in text
    assert "the policy requires no review" in text  # SEV2 is in neither list now
    assert text.endswith(", due 2026-10-24.")  # resolved 2026-10-14 + 10 days
