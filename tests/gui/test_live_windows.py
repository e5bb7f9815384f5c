"""Every screen follows others' changes to a team database as they commit, without a
restart, and keeps what its own user is typing.

Ana's main window is open on the run's throwaway PostgreSQL cluster; Bo is a second
Database on the same server writing through the storage functions his own irdesk
would. Real samples: /work/shared/data/pagerduty_incidents_page.json (26 incidents,
May–June 2021) and /work/shared/org-data/pagerduty_teams.json, imported by Bo. Hand-built
data: tests/team_clients.py's review (INC-1 "Checkout errors") with OG-7, OG-8, Dana Lee
(100/h) and Eli Park (80/h) written out below; tests/register_fixture.py (REG-1…REG-3),
tests/person_fixture.py (Ana and Ben of Payments) and tests/review_feedback_fixture.py
(P-1, P-2, S-1, S-2), each written out by hand in its module.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from note_keys import MANAGER, PASSPHRASE, WORDS
from PySide6.QtCore import QDate, QElapsedTimer, QSocketNotifier, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import select
from team_clients import seeded_review, server_database
from testdata import ORG_DATA, SHARED_DATA
from window_driver import activate, choose_from_menu, click_row, row_of, shown_column

from irdesk.domain.enums import EventKind, FeedbackKind, IncidentRoleKind, Severity
from irdesk.domain.models import Incident, Person
from irdesk.gui.common.incident_table_model import COL_ID, COL_SEVERITY
from irdesk.gui.common.live import ChangedBar, LiveChanges
from irdesk.gui.common.open_database import OpenDatabase
from irdesk.gui.main_window import MainWindow
from irdesk.gui.organisation.window import OrganisationWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database
from irdesk.storage.notify import Change
from irdesk.storage.records import database_edits, directory_edits, incident_roles
from irdesk.storage.server import ServerAddress, ServerLocation

TIMEOUT_MS = 15_000
T = TypeVar("T")


def open_server(qtbot: QtBot, window: MainWindow, postgres_url: str) -> None:
    """Ana opens the team database in her window (File › Open Team Database… does this)."""
    with qtbot.waitSignal(window.files.opened, timeout=20_000):
        window.open_database(ServerLocation(ServerAddress.parse(postgres_url)))


@contextmanager
def built_on_server(
    postgres_url: str, build: Callable[[Database], T]
) -> Iterator[tuple[T, Database]]:
    """The server upgraded to this irdesk's schema, `build` run on Bo's connection: what
    it returned, and that connection, closed at the end."""
    from irdesk.storage import server

    server.upgrade(ServerAddress.parse(postgres_url))
    bo = server_database(postgres_url)
    try:
        yield build(bo), bo
    finally:
        bo.close()


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


@pytest.fixture
def team(postgres_url: str) -> Iterator[tuple[dict[str, int], Database]]:
    ids = seeded_review(postgres_url)
    bo = server_database(postgres_url)
    with bo.transaction() as session:
        session.add(Incident(source="opsgenie", external_id="OG-7", title="Login latency"))
        session.add(
            Incident(
                source="opsgenie",
                external_id="OG-8",
                title="Search timeouts",
                started_at=datetime(2026, 6, 1, 12, 0, tzinfo=UTC),
            )
        )
        dana = Person(name="Dana Lee", email="dana@example.com", hourly_rate=100.0)
        eli = Person(name="Eli Park", email="eli@example.com", hourly_rate=80.0)
        session.add_all([dana, eli])
        session.flush()
        assert dana.id is not None and eli.id is not None
        ids["dana"], ids["eli"] = dana.id, eli.id
    yield ids, bo
    bo.close()


@pytest.fixture
def ana(qtbot: QtBot, window: MainWindow, postgres_url: str, team: object) -> MainWindow:
    open_server(qtbot, window, postgres_url)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert window.live.listening
    return window


def test_the_list_follows_an_import_elsewhere_in_place(
    qtbot: QtBot, ana: MainWindow, team: tuple[dict[str, int], Database]
) -> None:
    _ids, bo = team
    assert shown_column(ana, COL_ID) == ["OG-8", "INC-1", "OG-7"]
    click_row(qtbot, ana, row_of(ana, "INC-1"))
    ana.incident_tabs.setCurrentWidget(ana.review_tab)
    tab = ana.review_tab
    qtbot.waitUntil(lambda: tab.sheet is not None and tab.stack.currentIndex() == 2)
    qtbot.keyClicks(tab.header.summary_edit, "Ana's words")

    # Bo imports the 26 PagerDuty incidents of pagerduty_incidents_page.json.
    run_import(bo, [SHARED_DATA / "pagerduty_incidents_page.json"])

    qtbot.waitUntil(lambda: ana.incident_list.total_count() == 3 + 26, timeout=TIMEOUT_MS)
    assert ana.count_label.text().startswith("29")
    assert ana.current_incident_id() == _ids["incident"]  # still INC-1
    assert tab.header.summary_edit.toPlainText() == "Ana's words"
    assert ana.statusBar().currentMessage() == "Incidents were imported or updated elsewhere"


def test_the_open_incident_follows_a_new_event_and_role(
    qtbot: QtBot, ana: MainWindow, team: tuple[dict[str, int], Database]
) -> None:
    ids, bo = team
    click_row(qtbot, ana, row_of(ana, "INC-1"))
    ana.incident_tabs.setCurrentWidget(ana.timeline.tab)
    timeline = ana.timeline.tab
    qtbot.waitUntil(lambda: timeline.record is not None, timeout=TIMEOUT_MS)
    # Ana searches the timeline; what she typed stays through Bo's change.
    timeline.search_edit.setFocus()
    qtbot.keyClicks(timeline.search_edit, "deploy")

    database_edits.add_event(
        bo,
        ids["incident"],
        occurred_at=datetime(2026, 5, 4, 9, 20, tzinfo=UTC),
        kind=EventKind.ACTION,
        text="Rolled back the deploy",
        actor="Bo",
    )
    qtbot.waitUntil(
        lambda: (
            [timeline.model.row_at(n).text for n in range(timeline.model.rowCount())]
            == ["Rolled back the deploy"]
        ),
        timeout=TIMEOUT_MS,
    )
    assert timeline.search_edit.text() == "deploy"
    assert ana.statusBar().currentMessage() == "Bo edited the timeline of INC-1"

    with bo.transaction() as session:
        incident_roles.set_typed_role(
            session, ids["incident"], ids["dana"], IncidentRoleKind.COMMANDER, 0, actor="Bo"
        )
    roles = ana.roles_panel.model
    qtbot.waitUntil(
        lambda: (
            [(r.person, r.role) for r in (roles.row_at(n) for n in range(roles.rowCount()))]
            == [("Dana Lee", IncidentRoleKind.COMMANDER)]
        ),
        timeout=TIMEOUT_MS,
    )
    assert ana.statusBar().currentMessage() == "Bo edited INC-1"
    assert timeline.search_edit.text() == "deploy"

    # Bo corrects the severity: the Overview and the list's Severity column show it.
    database_edits.classify(bo, [(ids["incident"], 0)], {"severity": Severity.SEV1}, actor="Bo")
    qtbot.waitUntil(
        lambda: "<b>SEV1</b> ✎ (corrected)" in ana.details.values["Severity"].text(),
        timeout=TIMEOUT_MS,
    )
    assert shown_column(ana, COL_SEVERITY) == ["—", "SEV1", "—"]  # OG-8, INC-1, OG-7
    assert ana.statusBar().currentMessage() == "Bo classified INC-1"
    assert ana.current_incident_id() == ids["incident"]
    assert timeline.search_edit.text() == "deploy"


def open_organisation(qtbot: QtBot, window: MainWindow) -> OrganisationWindow:
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_O)
    organisation = window.organisation.organisation
    assert organisation is not None
    qtbot.waitUntil(organisation.isVisible, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: organisation.people.model.rowCount() == 2, timeout=TIMEOUT_MS)
    return organisation


def rates(organisation: OrganisationWindow) -> dict[str, object]:
    model = organisation.people.model
    name, rate = model.headers.index("Name"), model.headers.index("Hourly rate")
    return {
        model.index(r, name).data(): model.index(r, rate).data() for r in range(model.rowCount())
    }


def type_rate(bo: Database, person_id: int, rate: float) -> None:
    with bo.transaction() as session:
        directory_edits.set_value(
            session, "person", person_id, "hourly_rate", rate, reason="new contract", actor="Bo"
        )


def test_the_organisation_reloads_or_offers_a_refresh_while_typing(
    qtbot: QtBot, ana: MainWindow, team: tuple[dict[str, int], Database]
) -> None:
    ids, bo = team
    organisation = open_organisation(qtbot, ana)
    assert rates(organisation) == {"Dana Lee": "100", "Eli Park": "80"}

    # Ana picks Dana's time zone with the completer's help, on the People tab (Alt+3).
    qtbot.keyClick(organisation, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    form = organisation.person_form
    qtbot.waitUntil(form.isVisible, timeout=TIMEOUT_MS)
    assert form.row is not None and form.row.name == "Dana Lee"
    zone = form.editors["time_zone"]
    zone.setFocus()
    qtbot.keyClicks(zone, "europe/lisb")
    # The completer offers Europe/Lisbon; Down and Return take it.
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=TIMEOUT_MS)
    popup = QApplication.activePopupWidget()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert zone.text() == "Europe/Lisbon"
    # Offscreen, nothing hands the focus back from a closed popup: the user's click does.
    organisation.activateWindow()
    qtbot.waitUntil(organisation.isActiveWindow, timeout=TIMEOUT_MS)

    # Not typing at that moment: Bo's rate shows by itself, and her zone stays.
    type_rate(bo, ids["eli"], 120.0)
    qtbot.waitUntil(lambda: rates(organisation)["Eli Park"] == "120 ✎", timeout=TIMEOUT_MS)
    bar = organisation.findChild(ChangedBar)
    assert bar is None or not bar.isVisible()
    assert zone.text() == "Europe/Lisbon"

    # Ana types a reason: Bo's next change waits behind the bar instead of a reload.
    form.reason_edit.setFocus()
    qtbot.waitUntil(form.reason_edit.hasFocus, timeout=TIMEOUT_MS)
    qtbot.keyClicks(form.reason_edit, "started in May")
    type_rate(bo, ids["dana"], 110.0)
    qtbot.waitUntil(
        lambda: (b := organisation.findChild(ChangedBar)) is not None and b.isVisible(),
        timeout=TIMEOUT_MS,
    )
    assert rates(organisation)["Dana Lee"] == "100"
    assert form.reason_edit.text() == "started in May"

    # F5, when she is ready: Bo's rate shows, and what she typed is still there.
    qtbot.keyClick(form.reason_edit, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: rates(organisation)["Dana Lee"] == "110 ✎", timeout=TIMEOUT_MS)
    assert not organisation.findChild(ChangedBar).isVisible()
    assert form.row is not None and form.row.name == "Dana Lee"
    assert form.editors["hourly_rate"].text() == "110"  # Bo's, read afresh
    assert zone.text() == "Europe/Lisbon"
    assert form.reason_edit.text() == "started in May"
    assert form.reason_edit.hasFocus()  # where she was typing
    assert ana.statusBar().currentMessage() == "Bo edited person Dana Lee: hourly rate"

    # Ctrl+Return saves what she kept: her zone, with her reason, beside Bo's rate.
    qtbot.keyClick(form.reason_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.reason_edit.text() == "", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not ana.tasks.busy, timeout=TIMEOUT_MS)
    with bo.session() as session:
        dana = session.get(Person, ids["dana"])
        assert dana is not None
        assert (dana.time_zone, dana.hourly_rate) == ("Europe/Lisbon", 110.0)
    assert zone.text() == "Europe/Lisbon" and not zone.isModified()


def test_a_burst_of_changes_reloads_at_most_once_a_second(
    qtbot: QtBot, ana: MainWindow, team: tuple[dict[str, int], Database]
) -> None:
    ids, bo = team
    organisation = open_organisation(qtbot, ana)
    batches: list[int] = []
    ana.live.settled.connect(lambda changes: batches.append(len(changes)))
    clock = QElapsedTimer()
    clock.start()
    for rate in range(101, 111):  # ten commits, one after another
        type_rate(bo, ids["dana"], float(rate))
    qtbot.waitUntil(lambda: sum(batches) == 10, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: rates(organisation)["Dana Lee"] == "110 ✎", timeout=TIMEOUT_MS)
    assert len(batches) <= 1 + clock.elapsed() // 1000


class Gathered:
    """What `settled` sent, and when (ms after the first `note`)."""

    def __init__(self, live: LiveChanges) -> None:
        self.clock = QElapsedTimer()
        self.sent: list[tuple[int, list[str]]] = []
        live.settled.connect(self.settled)

    def settled(self, changes: list[Change]) -> None:
        self.sent.append((self.clock.elapsed(), [c.action for c in changes]))


def test_changes_are_sent_together_at_most_once_an_interval(qtbot: QtBot) -> None:
    live = LiveChanges(OpenDatabase(), interval_ms=400)  # nothing open: no listener
    gathered = Gathered(live)
    gathered.clock.start()

    # The first change of a quiet spell goes at once, with whatever came with it.
    live.note([Change("review", 1, 7, "Bo", "set_summary")])
    live.note([Change("finding", 2, 7, "Bo", "add_finding")])
    qtbot.waitUntil(lambda: len(gathered.sent) == 1)
    assert gathered.sent[0][1] == ["set_summary", "add_finding"]
    first = gathered.sent[0][0]
    assert first < 400

    # Three more within the interval: held, then sent as one, an interval after the first.
    for n in range(3):
        live.note([Change("finding", 3 + n, 7, "Bo", f"move_finding_{n}")])
    qtbot.waitUntil(lambda: len(gathered.sent) == 2, timeout=5000)
    when, actions = gathered.sent[1]
    assert actions == ["move_finding_0", "move_finding_1", "move_finding_2"]
    # From the first `settled`, less the few ms between its send and its arrival here.
    assert when - first >= 400 - 20

    # Stopping drops what was held: a closed window reloads nothing.
    live.note([Change("review", 1, 7, "Bo", "set_summary")])
    live.stop()
    qtbot.wait(600)
    assert len(gathered.sent) == 2


def test_a_file_has_no_listener_and_nothing_waiting(qtbot: QtBot, tmp_path: Path) -> None:
    from irdesk.storage.database import open_database

    opened = OpenDatabase()
    live = LiveChanges(opened)
    db = open_database(tmp_path / "laptop.db")
    try:
        opened.replace(db)
        assert not live.listening
        assert live.findChildren(QSocketNotifier) == []
    finally:
        db.close()


def test_the_dashboard_follows_an_import_elsewhere_keeping_its_period(
    qtbot: QtBot, ana: MainWindow, team: tuple[dict[str, int], Database]
) -> None:
    _ids, bo = team
    activate(qtbot, ana)
    with qtbot.waitSignal(ana.tasks.idle, timeout=TIMEOUT_MS):
        qtbot.keyClick(ana, Qt.Key.Key_M, CTRL_SHIFT)
    board = ana.metrics.dashboard
    assert board is not None and board.isVisible()
    # May and June 2021: when the sample's incidents happened; none is here yet.
    with qtbot.waitSignal(board.figures_shown, timeout=TIMEOUT_MS):
        board.from_edit.setDate(QDate(2021, 5, 1))
        board.to_edit.setDate(QDate(2021, 6, 30))
    qtbot.waitUntil(lambda: board.status_label.text().startswith("0 incidents from 2021-05-01"))

    # Bo imports pagerduty_incidents_page.json: 26 incidents of May and June 2021.
    with qtbot.waitSignal(board.figures_shown, timeout=TIMEOUT_MS):
        run_import(bo, [SHARED_DATA / "pagerduty_incidents_page.json"])
    assert board.status_label.text().startswith("26 incidents from 2021-05-01 to 2021-06-30")
    assert board.from_edit.date() == QDate(2021, 5, 1)


def test_a_note_written_elsewhere_shows_locked_in_the_notes_window(
    qtbot: QtBot, ana: MainWindow, team: tuple[dict[str, int], Database]
) -> None:
    ids, bo = team
    click_row(qtbot, ana, row_of(ana, "INC-1"))
    ana.incident_tabs.setCurrentWidget(ana.review_tab)
    qtbot.waitUntil(lambda: ana.review_tab.sheet is not None, timeout=TIMEOUT_MS)
    activate(qtbot, ana)
    qtbot.keyClick(ana, Qt.Key.Key_F, CTRL_ALT)  # Review › Feedback Notes…
    notes = ana.review_tab.feedback_window
    assert notes is not None
    qtbot.waitUntil(notes.isVisible, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: notes.person_combo.count() == 2, timeout=TIMEOUT_MS)
    notes.person_combo.setCurrentIndex(notes.person_combo.findText("Dana Lee"))
    assert notes.model.rowCount() == 0

    # Morgan, a manager, writes about Dana from Bo's desk: sealed to Morgan alone.
    database_edits.add_note(
        bo,
        person_id=ids["dana"],
        incident_id=ids["incident"],
        kind=FeedbackKind.RECOGNITION,
        actor="Morgan",
        keyring=MANAGER,
        text=WORDS,
    )
    qtbot.waitUntil(lambda: notes.model.rowCount() == 1, timeout=TIMEOUT_MS)
    assert notes.model.index(0, 0).data() == "Locked"
    assert notes.model.index(0, 2).data() == "Morgan Manager"
    assert notes.person_combo.currentText() == "Dana Lee"
    assert not notes.editor_box.isEnabled()
    assert WORDS not in notes.editor.toPlainText()
    assert ana.statusBar().currentMessage() == "Morgan added a feedback note"


@pytest.fixture
def register_on_server(postgres_url: str) -> Iterator[tuple[dict[str, int], Database]]:
    """tests/register_fixture.py's three regulated incidents (REG-1…REG-3) on the server."""
    from register_fixture import build_register

    with built_on_server(postgres_url, build_register) as built:
        yield built


def test_the_register_follows_a_notice_recorded_elsewhere(
    qtbot: QtBot,
    window: MainWindow,
    postgres_url: str,
    register_on_server: tuple[dict[str, int], Database],
) -> None:
    from register_fixture import NOW

    from irdesk.storage.records.register import NoticeState, record_notice_named

    _ids, bo = register_on_server
    open_server(qtbot, window, postgres_url)
    window.register_actions.clock = lambda: NOW
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_R)  # Tools › Register…
    qtbot.waitUntil(
        lambda: (
            (r := window.register_actions.register_window) is not None and r.model.rowCount() == 3
        ),
        timeout=TIMEOUT_MS,
    )
    register = window.register_actions.register_window
    assert register is not None

    def notified_by(external_id: str) -> str | None:
        model = register.model
        rows = (model.row_at(n) for n in range(model.rowCount()))
        return next(r for r in rows if r.label.endswith(external_id)).notified_by

    # Nothing typed: the notice Bo records shows by itself.
    record_notice_named(
        bo,
        "REG-1",
        NoticeState(datetime(2026, 10, 2, 9, tzinfo=UTC), "Bo (DPO)"),
        actor="Bo",
    )
    qtbot.waitUntil(lambda: notified_by("REG-1") == "Bo (DPO)", timeout=TIMEOUT_MS)

    # Ana picks REG-2 and types who notified: Bo's next notice waits behind the bar.
    qtbot.mouseClick(
        register.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=register.table.visualRect(register.proxy.index(1, 0)).center(),
    )
    assert register.selected_label.text().startswith("demo:REG-2")
    register.notified_by.setFocus()
    qtbot.keyClick(register.notified_by, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(register.notified_by, "Ana for the DPO")
    record_notice_named(
        bo,
        "REG-3",
        NoticeState(datetime(2026, 12, 5, 9, tzinfo=UTC), "Bo (DPO)"),
        actor="Bo",
    )
    qtbot.waitUntil(
        lambda: (b := register.findChild(ChangedBar)) is not None and b.isVisible(),
        timeout=TIMEOUT_MS,
    )
    assert notified_by("REG-3") is None
    assert register.notified_by.text() == "Ana for the DPO"
    assert register.findChild(ChangedBar).label.text() == "Changed by others: Bo recorded REG-3"
    with qtbot.waitSignal(register.loaded, timeout=TIMEOUT_MS):
        qtbot.mouseClick(register.findChild(ChangedBar).button, Qt.MouseButton.LeftButton)
    assert notified_by("REG-3") == "Bo (DPO)"
    assert ana_message(window) == "Bo recorded REG-3"


def ana_message(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


@pytest.fixture
def people_on_server(postgres_url: str) -> Iterator[tuple[dict[str, int], Database]]:
    """tests/person_fixture.py's organisation (Ana and Ben on Payments primary in March
    2026, PAY-1…PAY-4) on the server."""
    from person_fixture import build

    with built_on_server(postgres_url, build) as built:
        yield built


def test_the_person_window_follows_leave_typed_elsewhere_keeping_the_question(
    qtbot: QtBot,
    window: MainWindow,
    postgres_url: str,
    people_on_server: tuple[dict[str, int], Database],
) -> None:
    from test_person_window import ask, open_person

    from irdesk.storage.records.leave import add_leave

    ids, bo = people_on_server
    open_server(qtbot, window, postgres_url)
    person = open_person(qtbot, window)
    ask(qtbot, window, person, "Ana", "2026-03-01", "2026-04-30")
    before = person.period
    assert before is not None

    add_leave(bo, ids["Ana"], date(2026, 3, 10), date(2026, 3, 12), None, actor="Bo")
    qtbot.waitUntil(lambda: person.period is not before, timeout=TIMEOUT_MS)
    assert person.period is not None and person.period.person == "Ana"
    assert person.person_combo.currentText() == "Ana"
    assert person.from_edit.date() == QDate(2026, 3, 1)
    assert person.to_edit.date() == QDate(2026, 4, 30)
    assert window.statusBar().currentMessage() == "Bo edited person Ana: leave"


def test_the_person_window_reads_again_for_its_persons_notes_only(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    postgres_url: str,
    people_on_server: tuple[dict[str, int], Database],
) -> None:
    """tests/person_fixture.py's Ana and Ben (Payments, PAY-1 in March 2026): Bo writes a
    feedback note about Ben, then one about Ana, each sealed to Morgan Manager."""
    from note_keys import OTHER_WORDS, make_identity
    from test_person_window import ask, open_person

    from irdesk.reports.signing.note_keys import unlock
    from irdesk.storage.records import feedback

    ids, bo = people_on_server
    keyring = unlock(make_identity(tmp_path / "manager.p12", "Morgan Manager"), PASSPHRASE)
    with bo.transaction() as session:
        feedback.publish_reader(session, keyring.public)
    open_server(qtbot, window, postgres_url)
    person = open_person(qtbot, window)
    ask(qtbot, window, person, "Ana", "2026-03-01", "2026-04-30")
    shown = person.period
    assert shown is not None and shown.person == "Ana"

    def note_about(who: str, text: str) -> None:
        database_edits.add_note(
            bo,
            person_id=ids[who],
            incident_id=ids["PAY-1"],
            kind=FeedbackKind.GROWTH,
            actor="Bo",
            keyring=keyring,
            text=text,
            dimensions=["documentation"],
        )

    # A note about Ben: the status bar tells of it, Ana's period is not read again.
    settled: list[list[Change]] = []
    window.live.settled.connect(settled.append)
    note_about("Ben", OTHER_WORDS)
    qtbot.waitUntil(lambda: bool(settled), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    assert [c.person_id for c in settled[-1]] == [ids["Ben"]]
    assert ana_message(window) == "Bo added a feedback note"
    assert person.period is shown

    # A note about Ana: read again, her question kept.
    note_about("Ana", WORDS)
    qtbot.waitUntil(lambda: person.period is not shown, timeout=TIMEOUT_MS)
    assert person.period is not None and person.period.person == "Ana"
    assert person.period.locked_notes == shown.locked_notes + 1
    assert (person.from_edit.date(), person.to_edit.date()) == (
        QDate(2026, 3, 1),
        QDate(2026, 4, 30),
    )


def test_the_problems_window_follows_a_problem_made_elsewhere(
    qtbot: QtBot, window: MainWindow, postgres_url: str
) -> None:
    samples = [SHARED_DATA / "pagerduty_incidents_page.json", ORG_DATA / "pagerduty_teams.json"]
    with built_on_server(postgres_url, lambda bo: run_import(bo, samples)) as (_report, bo):
        open_server(qtbot, window, postgres_url)
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
        click_row(qtbot, window, row_of(window, "PUJY049"))
        activate(qtbot, window)
        qtbot.keyClick(window, Qt.Key.Key_R, CTRL_SHIFT)  # Tools › Problems…
        qtbot.waitUntil(lambda: window.problems.problems is not None, timeout=TIMEOUT_MS)
        problems = window.problems.problems
        assert problems is not None
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
        assert problems.problems.rowCount() == 0

        # Bo makes the problem of PUJY049's recurring group (4 incidents) from his desk.
        database_edits.create_problem_named(
            bo,
            "PUJY049",
            accountable_team="Engineering",
            title="Payments response time",
            actor="Bo",
        )
        qtbot.waitUntil(lambda: problems.problems.rowCount() == 1, timeout=TIMEOUT_MS)
        assert [problems.problems.index(0, c).data() for c in range(4)] == [
            "Payments response time",
            "Engineering",
            "—",
            "4",
        ]
        assert window.statusBar().currentMessage() == "Bo added a problem"


def test_the_team_window_follows_leave_typed_elsewhere_keeping_the_question(
    qtbot: QtBot,
    window: MainWindow,
    postgres_url: str,
    people_on_server: tuple[dict[str, int], Database],
) -> None:
    from test_person_window import pick_day

    from irdesk.storage.records.leave import add_leave

    ids, bo = people_on_server
    open_server(qtbot, window, postgres_url)
    choose_from_menu(qtbot, window, Qt.Key.Key_P, Qt.Key.Key_T)  # People › Team…
    team = window.people.team
    assert team is not None
    qtbot.waitUntil(lambda: team.team_combo.count() > 0, timeout=TIMEOUT_MS)
    team.activateWindow()
    qtbot.waitUntil(team.isActiveWindow, timeout=TIMEOUT_MS)
    qtbot.keyClick(team, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(team.team_combo, "Payments")
    pick_day(qtbot, team.from_edit, "2026-03-01")
    pick_day(qtbot, team.to_edit, "2026-04-30")
    qtbot.keyClick(team.to_edit, Qt.Key.Key_Tab)
    qtbot.keyClick(team.show_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: team.picture is not None, timeout=TIMEOUT_MS)
    before = team.picture

    add_leave(bo, ids["Ben"], date(2026, 3, 10), None, "parental leave", actor="Bo")
    qtbot.waitUntil(lambda: team.picture is not before, timeout=TIMEOUT_MS)
    assert team.picture is not None and team.picture.team == "Payments"
    assert team.team_combo.currentText() == "Payments"
    assert (team.from_edit.date(), team.to_edit.date()) == (
        QDate(2026, 3, 1),
        QDate(2026, 4, 30),
    )


def test_calibration_and_review_health_follow_a_survey_answer_given_elsewhere(
    qtbot: QtBot, window: MainWindow, postgres_url: str
) -> None:
    """tests/review_feedback_fixture.py's reviews (P-1, P-2 of Payments; S-1, S-2 of
    Search) on the server; the windows asked about July–December 2026."""
    from review_feedback_fixture import AS_OF, build_reviews
    from test_review_feedback_windows import type_date

    from irdesk.storage.records.review_surveys import Answer, record_answers

    with built_on_server(postgres_url, build_reviews) as (ids, bo):
        open_server(qtbot, window, postgres_url)
        window.review_feedback.today = lambda: AS_OF
        opened = []
        for key in (Qt.Key.Key_C, Qt.Key.Key_H):  # Review › Calibration…, Review Health…
            choose_from_menu(qtbot, window, Qt.Key.Key_W, key)
            qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
        for shown in (
            window.review_feedback.calibration_window,
            window.review_feedback.health_window,
        ):
            assert shown is not None
            type_date(qtbot, shown.first, "2026-07-01")
            with qtbot.waitSignal(shown.loaded, timeout=TIMEOUT_MS):
                qtbot.mouseClick(shown.refresh_button, Qt.MouseButton.LeftButton)
            opened.append(shown)
        calibration, health = opened

        # Fay answers S-1's survey at Bo's desk: both windows read again by themselves.
        with (
            qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS),
            qtbot.waitSignal(health.loaded, timeout=TIMEOUT_MS),
        ):
            record_answers(
                bo,
                [
                    Answer(
                        review_id=ids["S-1"],
                        person_id=ids["Fay"],
                        useful=4,
                        safe=5,
                        hours=1.0,
                        comment=None,
                        anonymous=True,
                        answered_on=AS_OF,
                    )
                ],
                actor="Bo",
            )
        for shown in opened:
            assert shown.first.date().toString("yyyy-MM-dd") == "2026-07-01"
        # A survey answer is audited under an anonymous actor: the note names nobody.
        assert (
            window.statusBar().currentMessage() == "Anonymous respondent edited the review of S-1"
        )


def test_calibration_reads_again_for_reviews_of_its_period_only(
    qtbot: QtBot, window: MainWindow, postgres_url: str
) -> None:
    """tests/review_feedback_fixture.py's reviews on the server; Calibration asked about
    October–December 2026, which holds P-2 (approved 10-06) and S-2 (11-10), not S-1
    (09-11), with the fixture's findings. Fay answers S-1's survey at Bo's desk, then Bo
    confirms capacity as the contributing factor of P-2's "Refund totals were summed twice"."""
    from review_feedback_fixture import AS_OF, add_factor_findings, build_reviews
    from sqlmodel import select
    from test_review_feedback_windows import type_date

    from irdesk.domain.models import Finding
    from irdesk.domain.policy import Policy
    from irdesk.storage.records.finding_factors import factors_of, set_finding_factors
    from irdesk.storage.records.review_surveys import Answer, record_answers

    def build(db: Database) -> dict[str, int]:
        built = build_reviews(db)
        add_factor_findings(db)
        return built

    def answer(review: str) -> None:
        record_answers(
            bo,
            [
                Answer(
                    review_id=ids[review],
                    person_id=ids["Fay"],
                    useful=4,
                    safe=5,
                    hours=1.0,
                    comment=None,
                    anonymous=True,
                    answered_on=AS_OF,
                )
            ],
            actor="Bo",
        )

    with built_on_server(postgres_url, build) as (ids, bo):
        open_server(qtbot, window, postgres_url)
        window.review_feedback.today = lambda: AS_OF
        choose_from_menu(qtbot, window, Qt.Key.Key_W, Qt.Key.Key_C)  # Review › Calibration…
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
        calibration = window.review_feedback.calibration_window
        assert calibration is not None
        type_date(qtbot, calibration.first, "2026-10-01")
        with qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS):
            qtbot.mouseClick(calibration.refresh_button, Qt.MouseButton.LeftButton)
        assert calibration.summary.text() == "2 teams · 2 reviews approved"
        loads: list[None] = []
        calibration.loaded.connect(lambda: loads.append(None))
        settled: list[list[Change]] = []
        window.live.settled.connect(settled.append)

        answer("S-1")  # outside the period: told, not read
        qtbot.waitUntil(lambda: bool(settled), timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
        assert ana_message(window) == "Anonymous respondent edited the review of S-1"
        assert loads == []

        with (
            qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS),
            bo.transaction() as session,
        ):  # inside: read again
            finding = session.exec(
                select(Finding).where(Finding.text == "Refund totals were summed twice")
            ).one()
            assert finding.id is not None
            _factors, revision = factors_of(session, finding.id)
            set_finding_factors(
                session,
                finding.id,
                ("capacity",),
                revision,
                taxonomy=Policy().contributing_factors,
                actor="Bo",
            )
        assert ana_message(window) == "Bo edited a finding on P-2"
        assert calibration.first.date().toString("yyyy-MM-dd") == "2026-10-01"


def test_the_person_window_follows_action_items_that_are_or_become_its_persons(
    qtbot: QtBot,
    window: MainWindow,
    postgres_url: str,
    people_on_server: tuple[dict[str, int], Database],
) -> None:
    """tests/person_fixture.py's review of PAY-1 with Ana's three action items: "Add a
    rollback step" (due 2026-03-10), "Alert on checkout latency" (2026-03-20) and
    "Retire the old gateway" (2026-05-15, after March–April). Bo adds one, gives it to
    Ben, then to Ana, and moves Ana's gateway item into April."""
    from test_person_window import ask, open_person

    from irdesk.domain.models import ActionItem, Review

    ids, bo = people_on_server
    open_server(qtbot, window, postgres_url)
    person = open_person(qtbot, window)
    ask(qtbot, window, person, "Ana", "2026-03-01", "2026-04-30")
    qtbot.keyClick(person, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Action Items
    table = person.tables["actions"]
    qtbot.waitUntil(table.isVisible, timeout=TIMEOUT_MS)
    second = table.visualRect(person.models["actions"].index(1, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=second)

    def titles() -> list[str]:
        assert person.period is not None
        return [a.title for a in person.period.actions]

    assert titles() == ["Add a rollback step", "Alert on checkout latency"]
    settled: list[list[Change]] = []
    window.live.settled.connect(settled.append)

    def quietly(write: Callable[[], object]) -> None:
        """Bo's change arrives; Ana's period is not read again."""
        shown, told = person.period, len(settled)
        write()
        qtbot.waitUntil(lambda: len(settled) > told, timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
        assert person.period is shown

    def read_again(write: Callable[[], object]) -> None:
        shown = person.period
        write()
        qtbot.waitUntil(lambda: person.period is not shown, timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)

    with bo.session() as session:
        review_id = session.exec(select(Review.id).where(Review.incident_id == ids["PAY-1"])).one()
    # Added: an item has no owner yet, so it is nobody's.
    added: list[int] = []
    quietly(
        lambda: added.append(
            database_edits.add_action(
                bo, review_id, actor="Bo", title="Page the vendor", due_on=date(2026, 4, 10)
            ).id
        )
    )
    new = added[0]

    def item(title: str) -> ActionItem:
        with bo.session() as session:
            return session.exec(select(ActionItem).where(ActionItem.title == title)).one()

    # Given to Ben: the notification says an owner was chosen, and Ana reads again once…
    read_again(
        lambda: database_edits.set_action_owner(
            bo, new, item("Page the vendor").revision, person_id=ids["Ben"], actor="Bo"
        )
    )
    assert titles() == ["Add a rollback step", "Alert on checkout latency"]
    # …but Ben's item retitled is none of hers.
    quietly(
        lambda: database_edits.edit_action(
            bo, new, item("Page the vendor").revision, actor="Bo", title="Call the vendor"
        )
    )
    # Her gateway item, outside the period, moved into April: read again, in view.
    gateway = item("Retire the old gateway")
    assert gateway.id in person.period.owned_actions
    read_again(
        lambda: database_edits.edit_action(
            bo, gateway.id, gateway.revision, actor="Bo", due_on=date(2026, 4, 20)
        )
    )
    assert titles() == [
        "Add a rollback step",
        "Alert on checkout latency",
        "Retire the old gateway",
    ]
    # Ben's item given to Ana: hers now.
    read_again(
        lambda: database_edits.set_action_owner(
            bo, new, item("Call the vendor").revision, person_id=ids["Ana"], actor="Bo"
        )
    )
    assert "Call the vendor" in titles()
    # The question, the tab and the row chosen stay.
    assert person.person_combo.currentText() == "Ana"
    assert (person.from_edit.date(), person.to_edit.date()) == (
        QDate(2026, 3, 1),
        QDate(2026, 4, 30),
    )
    assert person.tabs.currentIndex() == list(person.models).index("actions")
    chosen = person.models["actions"].row_at(table.currentIndex().row())
    assert chosen.cells[0] == "Alert on checkout latency"


def test_locked_calibration_reads_again_only_for_a_note_added_or_deleted(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, postgres_url: str
) -> None:
    """tests/review_feedback_fixture.py's reviews and NOTES on the server (Payments 4 notes,
    Search 2 over July–December 2026), Ana's notes locked: her Calibration counts notes
    and opens none. Bo edits P-1's note on Ana (its dimensions), shares it with HR, then
    writes another on P-2: only the last changes a count, and only it is read again."""
    from note_keys import HR, OTHER_WORDS, make_identity
    from review_feedback_fixture import AS_OF, add_notes, build_reviews
    from test_review_feedback_windows import type_date
    from test_review_undo_and_compare import columns

    from irdesk.domain.models import FeedbackNote, Review
    from irdesk.reports.signing.note_keys import unlock
    from irdesk.storage.records import feedback

    morgan = unlock(make_identity(tmp_path / "morgan.p12", "Morgan Manager"), PASSPHRASE)

    def build(db: Database) -> dict[str, int]:
        built = build_reviews(db)
        add_notes(db, built, morgan, HR)
        return built

    with built_on_server(postgres_url, build) as (ids, bo):
        open_server(qtbot, window, postgres_url)
        window.review_feedback.today = lambda: AS_OF
        choose_from_menu(qtbot, window, Qt.Key.Key_W, Qt.Key.Key_C)  # Review › Calibration…
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
        calibration = window.review_feedback.calibration_window
        assert calibration is not None
        type_date(qtbot, calibration.first, "2026-07-01")
        with qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS):
            qtbot.mouseClick(calibration.refresh_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(calibration, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
        assert {t: c["notes"] for t, c in columns(calibration.notes_model).items()} == {
            "Payments": "4",
            "Search": "2",
        }
        loads: list[None] = []
        calibration.loaded.connect(lambda: loads.append(None))
        settled: list[list[Change]] = []
        window.live.settled.connect(settled.append)

        def told_not_read(write: Callable[[], object]) -> None:
            count = len(settled)
            write()
            qtbot.waitUntil(lambda: len(settled) > count, timeout=TIMEOUT_MS)
            qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
            assert loads == []

        with bo.session() as session:
            note = session.exec(
                select(FeedbackNote).where(FeedbackNote.person_id == ids["Ana"])
            ).one()
            hr = next(r for r in feedback.list_readers(session) if r.name == HR.name)
        assert note.id is not None
        told_not_read(
            lambda: database_edits.edit_note(
                bo, note.id, note.revision, actor="Morgan", keyring=morgan, dimensions=["procedure"]
            )
        )
        told_not_read(
            lambda: database_edits.share_note(bo, note.id, hr.id, actor="Morgan", keyring=morgan)
        )
        assert ana_message(window) == "Morgan shared a feedback note"

        with bo.session() as session:
            p2 = session.exec(select(Review.incident_id).where(Review.id == ids["P-2"])).one()
        with qtbot.waitSignal(calibration.loaded, timeout=TIMEOUT_MS):
            database_edits.add_note(
                bo,
                person_id=ids["Cy"],
                incident_id=p2,
                kind=FeedbackKind.GROWTH,
                actor="Morgan",
                keyring=morgan,
                text=OTHER_WORDS,
            )
        assert {t: c["notes"] for t, c in columns(calibration.notes_model).items()} == {
            "Payments": "5",
            "Search": "2",
        }
        assert calibration.first.date().toString("yyyy-MM-dd") == "2026-07-01"
