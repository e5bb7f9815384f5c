"""Tools › Organisation… on the on-call directory imported from /work/shared/org-data:
pagerduty_users.json (Kyler Kuhn, Asia/Hong_Kong), opsgenie_schedule_first_line.json
(first_line's rotations in 2019), pagerduty_escalation_policies.json (one 30-minute
level), backstage_giantswarm_2026-01-08_groups.yaml with its users, and
pagerduty_services.json (My Application Service). What the window shows, values typed
by hand (the database, the audit log, Ctrl+Z) and a re-import that keeps them."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TypeVar

import pytest
from import_driver import choose_files, import_and_close
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlmodel import select
from testdata import ORG_DATA
from window_driver import choose_from_menu, open_and_wait

from irdesk.domain.models import AuditEntry
from irdesk.gui.main_window import MainWindow
from irdesk.gui.organisation.models import TYPED_MARK, PeopleModel, ServicesModel
from irdesk.gui.organisation.window import ListPane, OrganisationWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.reads import directory

USERS = ORG_DATA / "pagerduty_users.json"
SAMPLES = [
    USERS,
    ORG_DATA / "opsgenie_schedule_first_line.json",
    ORG_DATA / "pagerduty_escalation_policies.json",
    ORG_DATA / "backstage_giantswarm_2026-01-08_groups.yaml",
    ORG_DATA / "backstage_giantswarm_2026-01-08_users.yaml",
    ORG_DATA / "pagerduty_services.json",
]
TIMEOUT_MS = 10_000
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
T = TypeVar("T")


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    path = tmp_path / "org.db"
    db = open_database(path)
    try:
        run_import(db, SAMPLES)
    finally:
        db.close()
    return path


def read(path: Path, reading: Callable[..., T]) -> T:
    db = open_database(path, create=False)
    try:
        return reading(db)
    finally:
        db.close()


def audit(path: Path) -> list[tuple[str, dict[str, object]]]:
    def entries(db: object) -> list[tuple[str, dict[str, object]]]:
        with db.session() as session:  # type: ignore[attr-defined]
            rows = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
            return [(e.action, json.loads(e.detail_json)) for e in rows]

    return read(path, entries)


def person(path: Path, name: str) -> directory.PersonRow:
    return next(p for p in read(path, directory.list_people) if p.name == name)


def service(path: Path, name: str) -> directory.ServiceRow:
    return next(s for s in read(path, directory.list_services) if s.name == name)


def today_starts() -> datetime:
    """Midnight today where the user is, in UTC: the default "Effective from"."""
    today = datetime.now(UTC).astimezone().date()
    return datetime.combine(today, time()).astimezone().astimezone(UTC)


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)


def open_organisation(qtbot: QtBot, window: MainWindow) -> OrganisationWindow:
    """Tools › Organisation… from the keyboard (Alt+T, O)."""
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_O)
    organisation = window.organisation.organisation
    assert organisation is not None
    qtbot.waitUntil(organisation.isVisible, timeout=TIMEOUT_MS)
    qtbot.waitUntil(organisation.isActiveWindow, timeout=TIMEOUT_MS)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: organisation.people.model.rowCount() > 0, timeout=TIMEOUT_MS)
    return organisation


def shown(pane: ListPane, header: str) -> list[str]:
    column = pane.model.headers.index(header)
    return [pane.proxy.index(r, column).data() for r in range(pane.proxy.rowCount())]


def cell(pane: ListPane, header: str, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return pane.proxy.index(0, pane.model.headers.index(header)).data(role)


def filter_to(qtbot: QtBot, pane: ListPane, text: str) -> None:
    pane.filter_edit.setFocus()
    pane.filter_edit.selectAll()
    qtbot.keyClicks(pane.filter_edit, text)
    qtbot.keyClick(pane.filter_edit, Qt.Key.Key_Down)  # into the list, its first row
    qtbot.waitUntil(lambda: pane.current() is not None, timeout=TIMEOUT_MS)


def click_row(qtbot: QtBot, pane: ListPane, header: str, text: str) -> None:
    row = shown(pane, header).index(text)
    index = pane.proxy.index(row, pane.model.headers.index(header))
    centre = pane.table.visualRect(index).center()
    qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def type_into(qtbot: QtBot, widget: object, text: str) -> None:
    widget.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(widget, text)


def pick_day(qtbot: QtBot, organisation: OrganisationWindow, day: str) -> None:
    """The date picker from the keyboard: Down on the year (a year typed over the shown
    one is refused while it is incomplete), then the month and day typed."""
    edit = organisation.day_edit
    # A click on the year puts the cursor there.
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(6, edit.height() // 2))
    qtbot.waitUntil(edit.hasFocus, timeout=TIMEOUT_MS)
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    year, month_day = int(day[:4]), day[4:]
    for _ in range(edit.date().year() - year):
        qtbot.keyClick(edit, Qt.Key.Key_Down)
    qtbot.keyClicks(edit, month_day)
    assert edit.date().toString(Qt.DateFormat.ISODate) == day


def save(qtbot: QtBot, window: MainWindow, organisation: OrganisationWindow, form: object) -> None:
    qtbot.keyClick(form.reason_edit, Qt.Key.Key_Return, CTRL)  # type: ignore[attr-defined]
    wait_idle(qtbot, window)


def refusal(qtbot: QtBot, organisation: OrganisationWindow) -> str:
    """The one message box the window showed, accepted."""

    def visible() -> list[QMessageBox]:
        return [b for b in organisation.findChildren(QMessageBox) if b.isVisible()]

    qtbot.waitUntil(lambda: len(visible()) == 1, timeout=TIMEOUT_MS)
    box = visible()[0]
    text = box.text()
    box.accept()
    qtbot.waitUntil(lambda: not visible(), timeout=TIMEOUT_MS)
    # Offscreen, nothing hands the focus back from a closed box: the user's click does.
    organisation.activateWindow()
    qtbot.waitUntil(organisation.isActiveWindow, timeout=TIMEOUT_MS)
    return text


def test_the_window_shows_the_imported_directory(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    organisation = open_organisation(qtbot, window)

    # pagerduty_users.json: Kyler Kuhn's zone and role.
    qtbot.keyClick(organisation, Qt.Key.Key_3, ALT)
    filter_to(qtbot, organisation.people, "kyler")
    assert shown(organisation.people, "Name") == ["Kyler Kuhn"]
    assert cell(organisation.people, "Time zone") == "Asia/Hong_Kong"
    assert organisation.person_form.editors["time_zone"].text() == "Asia/Hong_Kong"

    # opsgenie_schedule_first_line.json: who was on first_line's rotations on 2019-08-01.
    qtbot.keyClick(organisation, Qt.Key.Key_2, ALT)
    pick_day(qtbot, organisation, "2019-08-01")
    assert organisation.day_edit.date() == QDate(2019, 8, 1)
    wait_idle(qtbot, window)
    members = organisation.members
    on_day = {
        (members.row_at(r).rotation, members.row_at(r).person) for r in range(members.rowCount())
    }
    assert {("OOH", "robbie.paul@dxw.com"), ("Ops", "olivia@dxw.com")} <= on_day
    assert ("On Call Phone", "systems@dxw.com") in on_day  # open-ended since 2017
    click_row(qtbot, organisation.rotations, "Rotation", "Ops")
    assert organisation.rotations.current().name == "Ops"
    wait_idle(qtbot, window)
    ops = {members.row_at(r).person for r in range(members.rowCount())}
    assert ops == {"olivia@dxw.com", "bob@dxw.com", "chris@dxw.com"}
    # The same rotation on a day before the Ops layer began (2019-07-24): nobody.
    pick_day(qtbot, organisation, "2019-07-01")
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: members.rowCount() == 0, timeout=TIMEOUT_MS)

    # pagerduty_escalation_policies.json: one level, 30 minutes, a person and a schedule.
    qtbot.keyClick(organisation, Qt.Key.Key_5, ALT)
    filter_to(qtbot, organisation.policies, "Engineering")
    levels = organisation.levels
    assert levels.rowCount() == 1
    assert levels.index(0, 1).data() == "30"
    assert levels.index(0, 4).data() == (
        "person PagerDuty Admin, rotation Daily Engineering Rotation"
    )

    # backstage_giantswarm_2026-01-08_groups.yaml: Team Atlas's members from spec.members.
    qtbot.keyClick(organisation, Qt.Key.Key_1, ALT)
    filter_to(qtbot, organisation.teams, "Team Atlas")
    atlas = organisation.team_members
    assert "Dominik Schmidle" in {atlas.row_at(r).person for r in range(atlas.rowCount())}

    # opsgenie_schedule_first_line.json: support_team staffs first_line, whose people
    # are on its layers over time.
    filter_to(qtbot, organisation.teams, "support_team")
    over_time = organisation.team_rotations
    rotations = {over_time.row_at(r).rotation for r in range(over_time.rowCount())}
    assert {"OOH", "Ops", "On Call Phone"} <= rotations

    # Services: pagerduty_services.json's service id.
    qtbot.keyClick(organisation, Qt.Key.Key_4, ALT)
    filter_to(qtbot, organisation.services, "My Application")
    assert cell(organisation.services, "Service ids") == "pagerduty:PIJ90N7"

    qtbot.keyClick(organisation.services.table, Qt.Key.Key_Escape)
    assert not organisation.isVisible()


def test_typed_values_are_audited_undone_and_kept_by_a_reimport(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    organisation = open_organisation(qtbot, window)
    people, form = organisation.people, organisation.person_form
    qtbot.keyClick(organisation, Qt.Key.Key_3, ALT)
    filter_to(qtbot, people, "kyler")
    entries = len(audit(imported))

    # Bad input: one sentence naming the field; nothing is written.
    for field, text, message in (
        (
            "time_zone",
            "Mars/Olympus_Mons",
            "Time zone: “Mars/Olympus_Mons” is not an IANA time zone, such as "
            "Europe/Madrid or UTC.",
        ),
        ("hourly_rate", "-5", "Hourly rate: cannot be negative, found -5."),
        ("hourly_rate", "lots", "Hourly rate: expected a number, found “lots”."),
    ):
        organisation.person_form.show_row(people.current(), people.model.typed)
        type_into(qtbot, form.editors[field], text)
        type_into(qtbot, form.reason_edit, "checking")
        save(qtbot, window, organisation, form)
        assert refusal(qtbot, organisation) == message
    assert len(audit(imported)) == entries
    assert person(imported, "Kyler Kuhn").time_zone == "Asia/Hong_Kong"

    # A zone typed with the completer's help, a reason, Ctrl+Return.
    organisation.person_form.show_row(people.current(), people.model.typed)
    type_into(qtbot, form.editors["time_zone"], "europe/lond")
    # The completer offers Europe/London; Return takes it.
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=TIMEOUT_MS)
    popup = QApplication.activePopupWidget()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.editors["time_zone"].text() == "Europe/London"
    # Offscreen, nothing hands the focus back from a closed popup: the user's click does.
    organisation.activateWindow()
    qtbot.waitUntil(organisation.isActiveWindow, timeout=TIMEOUT_MS)
    type_into(qtbot, form.reason_edit, "moved to the London office")
    save(qtbot, window, organisation, form)
    kyler = person(imported, "Kyler Kuhn")
    assert kyler.time_zone == "Europe/London"
    assert kyler.typed == ("time_zone",)
    action, detail = audit(imported)[-1]
    assert action == "type_directory_value"
    assert detail == {
        "field": "time_zone",
        "value": "Europe/London",
        "effective_from": today_starts().isoformat(),
        "imported": "Asia/Hong_Kong",
        "reason": "moved to the London office",
    }
    qtbot.waitUntil(lambda: cell(people, "Time zone") == f"Europe/London {TYPED_MARK}")
    tooltip = str(cell(people, "Time zone", Qt.ItemDataRole.ToolTipRole))
    assert "moved to the London office" in tooltip and "'Asia/Hong_Kong'" in tooltip
    assert form.labels["time_zone"].text().endswith(TYPED_MARK)

    # pagerduty_services.json: My Application Service's cost of a minute down.
    services, service_form = organisation.services, organisation.service_form
    qtbot.keyClick(organisation, Qt.Key.Key_4, ALT)
    filter_to(qtbot, services, "My Application")
    type_into(qtbot, service_form.editors["slo_target"], "150")
    type_into(qtbot, service_form.reason_edit, "finance's figure")
    save(qtbot, window, organisation, service_form)
    assert refusal(qtbot, organisation) == (
        "SLO target: a percentage above 0 and at most 100, found 150."
    )
    organisation.service_form.show_row(services.current(), services.model.typed)
    type_into(qtbot, service_form.editors["cost_per_minute"], "42.5")
    type_into(qtbot, service_form.reason_edit, "finance's figure")
    save(qtbot, window, organisation, service_form)
    assert service(imported, "My Application Service").cost_per_minute == 42.5
    assert service(imported, "My Application Service").typed == ("cost_per_minute",)
    assert audit(imported)[-1][0] == "type_directory_value"
    qtbot.waitUntil(lambda: cell(services, "Cost per minute") == f"42.5 {TYPED_MARK}")

    # Ctrl+Z in the Organisation window: the cost goes back to the import's, audited.
    today = datetime.now(UTC).astimezone().date().isoformat()
    assert window.undo_action.text() == (
        f"&Undo Type My Application Service's cost per minute from {today}"
    )
    qtbot.keyClick(services.table, Qt.Key.Key_Z, CTRL)
    wait_idle(qtbot, window)
    restored = service(imported, "My Application Service")
    assert (restored.cost_per_minute, restored.typed) == (0.0, ())
    assert audit(imported)[-1] == (
        "clear_directory_value",
        {
            "field": "cost_per_minute",
            "back_to": 0.0,
            "removed": [{"value": 42.5, "effective_from": today_starts().isoformat()}],
        },
    )
    qtbot.waitUntil(lambda: cell(services, "Cost per minute") == "0")
    # …and Ctrl+Shift+Z types it again.
    qtbot.keyClick(services.table, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    wait_idle(qtbot, window)
    assert service(imported, "My Application Service").cost_per_minute == 42.5

    # Re-importing pagerduty_users.json through File › Import keeps the typed zone.
    dialog = choose_files(qtbot, monkeypatch, window, USERS)
    import_and_close(qtbot, window, dialog)
    wait_idle(qtbot, window)
    assert person(imported, "Kyler Kuhn").time_zone == "Europe/London"
    qtbot.keyClick(organisation, Qt.Key.Key_3, ALT)
    qtbot.waitUntil(lambda: cell(people, "Time zone") == f"Europe/London {TYPED_MARK}")
    assert "'Asia/Hong_Kong'" in str(cell(people, "Time zone", Qt.ItemDataRole.ToolTipRole))


def test_the_people_and_services_models_are_sound_qt_models(
    qtmodeltester: ModelTester, imported: Path
) -> None:
    """pagerduty_users.json and pagerduty_services.json, as the window lists them."""
    db = open_database(imported, create=False)
    try:
        people = PeopleModel()
        people.set_rows(directory.list_people(db))
        qtmodeltester.check(people)
        services = ServicesModel()
        services.set_rows(directory.list_services(db))
        qtmodeltester.check(services)
        names = [services.index(r, 0).data() for r in range(services.rowCount())]
        assert "My Application Service" in names
    finally:
        db.close()


def choose_row(qtbot: QtBot, pane: ListPane, name: str) -> None:
    """A click on the row named `name`, scrolled into view first as the user would."""
    row = shown(pane, "Name").index(name)
    index = pane.proxy.index(row, 0)
    pane.table.scrollTo(index)
    centre = pane.table.visualRect(index).center()
    qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: pane.current() is not None and pane.current().name == name)


def test_typing_is_kept_per_record_and_closing_asks_before_dropping_it(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    """pagerduty_users.json: Kyler Kuhn (Senior Engineer) and Earline Greenholt
    (America/Lima)."""
    open_and_wait(qtbot, window, imported)
    organisation = open_organisation(qtbot, window)
    people, form = organisation.people, organisation.person_form
    qtbot.keyClick(organisation, Qt.Key.Key_3, ALT)
    choose_row(qtbot, people, "Kyler Kuhn")
    type_into(qtbot, form.editors["role"], "incident commander")
    type_into(qtbot, form.reason_edit, "leads the rota")
    assert form.revert_button.isEnabled()

    # Another row chosen: its own values, nothing marked.
    choose_row(qtbot, people, "Earline Greenholt")
    assert form.editors["role"].text() == person(imported, "Earline Greenholt").role
    assert form.reason_edit.text() == ""
    assert form.pending_label.isHidden()
    # Kyler's row again: the typing is back, marked not saved, and nothing was written.
    choose_row(qtbot, people, "Kyler Kuhn")
    assert form.editors["role"].text() == "incident commander"
    assert form.reason_edit.text() == "leads the rota"
    assert form.pending_label.isVisibleTo(organisation)
    assert form.pending_label.text() == (
        "Not saved: typed here earlier. Save (Ctrl+Return) or Revert."
    )
    assert person(imported, "Kyler Kuhn").role == "Senior Engineer"
    # Saving stores it: a click into the reason, Ctrl+Return.
    qtbot.mouseClick(form.reason_edit, Qt.MouseButton.LeftButton)
    save(qtbot, window, organisation, form)
    assert person(imported, "Kyler Kuhn").role == "incident commander"
    assert audit(imported)[-1][1]["reason"] == "leads the rota"
    qtbot.waitUntil(lambda: form.pending_label.isHidden(), timeout=TIMEOUT_MS)

    # Revert drops what was typed over the row shown.
    choose_row(qtbot, people, "Earline Greenholt")
    type_into(qtbot, form.editors["seniority"], "senior")
    qtbot.mouseClick(form.revert_button, Qt.MouseButton.LeftButton)
    assert form.editors["seniority"].text() == ""
    assert not form.revert_button.isEnabled()

    # Closing with typing not saved asks; Cancel goes back to it, still typed.
    type_into(qtbot, form.editors["time_zone"], "Europe/Madrid")
    choose_row(qtbot, people, "Kyler Kuhn")
    qtbot.keyClick(people.table, Qt.Key.Key_Escape)
    box = organisation.closing_box
    assert box is not None
    qtbot.waitUntil(box.isVisible, timeout=TIMEOUT_MS)
    assert box.text() == "What you typed for Earline Greenholt is not saved. Discard it and close?"
    assert organisation.isVisible()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=TIMEOUT_MS)
    assert organisation.isVisible()
    assert people.current().name == "Earline Greenholt"
    assert form.editors["time_zone"].text() == "Europe/Madrid"

    # Discard and Close: the window closes, nothing is written, the next opening is clean.
    organisation.activateWindow()
    qtbot.waitUntil(organisation.isActiveWindow, timeout=TIMEOUT_MS)
    qtbot.keyClick(people.table, Qt.Key.Key_Escape)
    box = organisation.closing_box
    qtbot.waitUntil(box.isVisible, timeout=TIMEOUT_MS)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not organisation.isVisible(), timeout=TIMEOUT_MS)
    assert person(imported, "Earline Greenholt").time_zone == "America/Lima"
    organisation = open_organisation(qtbot, window)
    qtbot.keyClick(organisation, Qt.Key.Key_3, ALT)
    choose_row(qtbot, people, "Earline Greenholt")
    assert form.editors["time_zone"].text() == "America/Lima"
    assert form.pending_label.isHidden()
