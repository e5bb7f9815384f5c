"""A value typed in the Organisation window from a chosen day, its history as the window
lists it, Ctrl+Z taking off the last typed value, and "Back to Imported". On
/work/shared/org-data/pagerduty_services.json: My Application Service, which the import
gives no cost per minute (0)."""

from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDateEdit
from pytestqt.qtbot import QtBot
from test_organisation_window import (
    CTRL,
    TIMEOUT_MS,
    audit,
    filter_to,
    imported,
    open_organisation,
    read,
    save,
    service,
    type_into,
    wait_idle,
)
from window_driver import open_and_wait

from irdesk.gui.main_window import MainWindow
from irdesk.gui.organisation.models import TYPED_MARK
from irdesk.gui.organisation.window import OrganisationWindow
from irdesk.storage.reads.directory import list_policies, list_teams, typed_values

__all__ = ["imported"]  # the fixture, shared
APP = "My Application Service"
SHIFT = Qt.KeyboardModifier.ShiftModifier


def pick_date(qtbot: QtBot, edit: QDateEdit, day: str) -> None:
    """The date picker from the keyboard: Up and Down on the year, Tab, the month, Tab,
    the day (typed digits are refused while a section is incomplete)."""
    target = QDate.fromString(day, Qt.DateFormat.ISODate)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    for part in ("year", "month", "day"):
        for _ in range(400):
            shown, wanted = getattr(edit.date(), part)(), getattr(target, part)()
            if shown == wanted:
                break
            qtbot.keyClick(edit, Qt.Key.Key_Down if shown > wanted else Qt.Key.Key_Up)
        if part != "day":
            qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.date().toString(Qt.DateFormat.ISODate) == day


def midnight(day: str) -> datetime:
    """The start of `day` where the user is, in UTC."""
    local = date.fromisoformat(day)
    return datetime(local.year, local.month, local.day).astimezone().astimezone(UTC)


def history_shown(organisation: OrganisationWindow) -> list[tuple[str, str, str]]:
    model = organisation.service_form.history
    return [
        (model.index(r, 0).data(), model.index(r, 1).data(), model.index(r, 2).data())
        for r in range(model.rowCount())
    ]


def stored(path: Path) -> list[tuple[float, datetime]]:
    found = [
        t
        for t in read(path, lambda db: typed_values(db, "service"))
        if t.field == "cost_per_minute"
    ]
    return [(v.value, v.effective_from) for t in found for v in t.history]


def type_cost(
    qtbot: QtBot, window: MainWindow, organisation: OrganisationWindow, cost: str, day: str
) -> None:
    form = organisation.service_form
    type_into(qtbot, form.editors["cost_per_minute"], cost)
    pick_date(qtbot, form.effective_edit, day)
    type_into(qtbot, form.reason_edit, f"finance's figure from {day}")
    save(qtbot, window, organisation, form)


def test_a_value_typed_from_a_day_has_a_history_undo_and_a_way_back(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    organisation = open_organisation(qtbot, window)
    form = organisation.service_form
    qtbot.keyClick(organisation, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    filter_to(qtbot, organisation.services, "My Application")
    # Untouched: the history is the import's value alone, and there is nothing to go back to.
    form.editors["cost_per_minute"].setFocus()
    assert form.history_field.currentText() == "Cost per minute"
    assert history_shown(organisation) == [("as imported", "0", "")]
    assert not form.back_button.isEnabled()

    type_cost(qtbot, window, organisation, "12", "2026-03-01")
    type_cost(qtbot, window, organisation, "20", "2026-06-01")
    assert stored(imported) == [(12.0, midnight("2026-03-01")), (20.0, midnight("2026-06-01"))]
    assert service(imported, APP).cost_per_minute == 20.0  # the latest, for the lists
    qtbot.waitUntil(lambda: len(history_shown(organisation)) == 3, timeout=TIMEOUT_MS)
    assert history_shown(organisation) == [
        ("as imported", "0", ""),
        ("2026-03-01", "12", "finance's figure from 2026-03-01"),
        ("2026-06-01", "20", "finance's figure from 2026-06-01"),
    ]

    # Ctrl+Z takes off the last typed value only.
    qtbot.keyClick(organisation.services.table, Qt.Key.Key_Z, CTRL)
    wait_idle(qtbot, window)
    assert stored(imported) == [(12.0, midnight("2026-03-01"))]
    assert service(imported, APP).cost_per_minute == 12.0
    assert audit(imported)[-1] == (
        "restore_directory_values",
        {
            "field": "cost_per_minute",
            "values": [{"value": 12.0, "effective_from": midnight("2026-03-01").isoformat()}],
        },
    )
    qtbot.waitUntil(lambda: len(history_shown(organisation)) == 2, timeout=TIMEOUT_MS)

    # Back to the import's value from the keyboard, with the cost's field chosen.
    form.editors["cost_per_minute"].setFocus()
    qtbot.waitUntil(form.back_button.isEnabled, timeout=TIMEOUT_MS)
    qtbot.keyClick(form.editors["cost_per_minute"], Qt.Key.Key_Backspace, CTRL | SHIFT)
    wait_idle(qtbot, window)
    assert stored(imported) == []
    assert (service(imported, APP).cost_per_minute, service(imported, APP).typed) == (0.0, ())
    action, detail = audit(imported)[-1]
    assert (action, detail["back_to"]) == ("clear_directory_value", 0.0)
    qtbot.waitUntil(
        lambda: history_shown(organisation) == [("as imported", "0", "")], timeout=TIMEOUT_MS
    )
    assert window.undo_action.text() == f"&Undo Put {APP}'s cost per minute back to the import's"

    # …and Ctrl+Z brings the typed value back, with its day.
    qtbot.keyClick(organisation.services.table, Qt.Key.Key_Z, CTRL)
    wait_idle(qtbot, window)
    assert stored(imported) == [(12.0, midnight("2026-03-01"))]
    qtbot.waitUntil(lambda: len(history_shown(organisation)) == 2, timeout=TIMEOUT_MS)


def test_a_day_after_today_cannot_be_chosen(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    open_and_wait(qtbot, window, imported)
    organisation = open_organisation(qtbot, window)
    qtbot.keyClick(organisation, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    filter_to(qtbot, organisation.services, "My Application")
    edit = organisation.service_form.effective_edit
    assert edit.date() == QDate.currentDate()
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    qtbot.keyClick(edit, Qt.Key.Key_Up)  # a year on: the picker stays on today
    assert edit.date() == QDate.currentDate()


def test_a_team_renamed_and_a_policy_given_a_team_by_hand(
    qtbot: QtBot, window: MainWindow, imported: Path
) -> None:
    """backstage_giantswarm_2026-01-08_groups.yaml's Team Atlas renamed, then put back;
    pagerduty_escalation_policies.json's Engineering Escalation Policy (no team in the
    export) given Team Atlas."""
    open_and_wait(qtbot, window, imported)
    organisation = open_organisation(qtbot, window)
    qtbot.keyClick(organisation, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    # "Atlas" finds the team under either name.
    filter_to(qtbot, organisation.teams, "Atlas")
    assert organisation.teams.current().name == "Team Atlas"
    team_id = organisation.teams.current().id
    form = organisation.team_form
    type_into(qtbot, form.editors["name"], "Atlas")
    type_into(qtbot, form.reason_edit, "renamed in the reorganisation")
    save(qtbot, window, organisation, form)
    teams = {t.id: t for t in read(imported, list_teams)}
    assert teams[team_id].name == "Atlas"
    assert audit(imported)[-1][1]["imported"] == "Team Atlas"
    qtbot.waitUntil(lambda: form.history.rowCount() == 2, timeout=TIMEOUT_MS)
    assert form.history.index(0, 1).data() == "Team Atlas"
    assert form.history.index(1, 1).data() == "Atlas"
    assert organisation.teams.current().name == "Atlas"
    assert str(
        organisation.teams.proxy.index(organisation.teams.table.currentIndex().row(), 0).data()
    ).endswith(TYPED_MARK)

    form.editors["name"].setFocus()
    qtbot.mouseClick(form.back_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert {t.id: t for t in read(imported, list_teams)}[team_id].name == "Team Atlas"

    qtbot.keyClick(organisation, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    filter_to(qtbot, organisation.policies, "Engineering")
    policy_form = organisation.policy_form
    team_box = policy_form.editors["team_id"]
    team_box.setFocus()
    # The space opens the list; the rest of the name finds the team in it; Return takes it.
    qtbot.keyClicks(team_box, "Team Atlas")
    assert QApplication.activePopupWidget() is not None
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the list in the popup
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=TIMEOUT_MS)
    assert team_box.currentText() == "Team Atlas"
    type_into(qtbot, policy_form.reason_edit, "Atlas answers for it")
    save(qtbot, window, organisation, policy_form)
    policy = next(p for p in read(imported, list_policies) if "Engineering" in p.name)
    assert policy.team == "Team Atlas"
    assert (audit(imported)[-1][0], audit(imported)[-1][1]["field"]) == (
        "type_directory_value",
        "team_id",
    )
