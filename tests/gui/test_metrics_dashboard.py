"""View › Metrics Dashboard: figures for a period, drill-down to the incidents, the policy editor,
and the same numbers as `irdesk metrics`."""

import json
from datetime import date
from pathlib import Path

import metric_fixture as fx
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import select
from window_driver import activate, choose_from_menu, open_and_wait

from irdesk.cli import main as cli
from irdesk.domain.metrics.tables import format_cell
from irdesk.domain.models import AuditEntry, PolicyVersion
from irdesk.gui.common.incident_table_model import COL_ID, INCIDENT_ID_ROLE
from irdesk.gui.main_window import MainWindow
from irdesk.gui.metrics.dashboard import MetricsDashboard, _qdate
from irdesk.gui.metrics.models import RAW_ROLE
from irdesk.gui.metrics.policy_dialog import PolicyDialog
from irdesk.storage.database import open_database

TIMEOUT_MS = 10_000
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def fixture_file(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    db = open_database(path)
    try:
        with db.transaction() as session:
            fx.write_to(session)
    finally:
        db.close()
    return path


@pytest.fixture
def dashboard(qtbot: QtBot, window: MainWindow, fixture_file: Path) -> MetricsDashboard:
    """Opened with Ctrl+Shift+M on the fixture, showing Jan 5–14, 2026."""
    open_and_wait(qtbot, window, fixture_file)
    activate(qtbot, window)
    with qtbot.waitSignal(window.tasks.idle, timeout=TIMEOUT_MS):
        qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
    board = window.metrics.dashboard
    assert board is not None and board.isVisible()
    with qtbot.waitSignal(board.figures_shown, timeout=TIMEOUT_MS):
        board.from_edit.setDate(_qdate(date(2026, 1, 5)))
        board.to_edit.setDate(_qdate(date(2026, 1, 14)))
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    return board


def shown(board: MetricsDashboard) -> list[list[str]]:
    model = board.table_model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def click_list_item(qtbot: QtBot, board: MetricsDashboard, title: str) -> None:
    board.tabs.setCurrentIndex(1)
    items = board.table_list.findItems(title, Qt.MatchFlag.MatchExactly)
    rect = board.table_list.visualItemRect(items[0])
    qtbot.mouseClick(board.table_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def drill_ids(board: MetricsDashboard) -> list[str]:
    model = board.drill_model
    return [model.index(r, COL_ID).data() for r in range(model.rowCount())]


def test_the_dashboard_shows_every_figure_for_the_period(dashboard: MetricsDashboard) -> None:
    titles = [dashboard.table_list.item(i).text() for i in range(dashboard.table_list.count())]
    assert titles == [
        "Time to resolve",
        "Time to detect",
        "Time to acknowledge",
        "Time to mitigate",
        "Customer-reported vs internal severity",
        "SLO adherence per service",
        "Incident cost",
        "On-call load per person",
        "Load spread per rotation",
        "Concentration: who resolves a team's incidents",
        "Action-item follow-through",
        "Recurring incidents",
        "Postmortem compliance",
    ]
    assert len(dashboard.canvases) == 4
    assert "4 incidents from 2026-01-05 to 2026-01-14" in dashboard.status_label.text()
    assert "built-in default policy" in dashboard.status_label.text()
    # Time to resolve: 60, 120, 200, 50 minutes: median 90 (1.5 h), p90 176 (2.9 h).
    rows = shown(dashboard)
    header = [
        dashboard.table_model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(rows[0]))
    ]
    assert "Mean" not in header  # available, never the default
    assert rows[0][: header.index("p90") + 1][0] == "All"
    assert rows[0][header.index("Median")] == "1.5 h"
    assert rows[0][header.index("p90")] == "2.9 h"


def test_a_table_cell_leads_to_its_incidents_and_on_to_the_main_window(
    qtbot: QtBot, window: MainWindow, dashboard: MetricsDashboard
) -> None:
    click_list_item(qtbot, dashboard, "SLO adherence per service")
    assert dashboard.table_model.table is not None
    assert dashboard.table_model.table.key == "slo"
    # Sorted by availability (a click on its header), worst first: web (99.03%), api (99.375%).
    header = dashboard.table_view.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(2) + 5, 5),
    )
    proxy = dashboard.table_proxy
    shown_services = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert shown_services == ["web", "api"]
    web = shown_services.index("web")
    cell = dashboard.table_view.visualRect(proxy.index(web, 2)).center()
    with qtbot.waitSignal(dashboard.drill_shown, timeout=TIMEOUT_MS):
        qtbot.mouseClick(dashboard.table_view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    # web's impact: incident 4 (newest first) and 3, the external one included.
    assert drill_ids(dashboard) == ["T-4", "T-3"]
    assert "web" in dashboard.drill_label.text() and "2 incidents" in dashboard.drill_label.text()

    dashboard.drill_view.setFocus()
    dashboard.drill_view.setCurrentIndex(dashboard.drill_model.index(1, COL_ID))
    with qtbot.waitSignal(window.tasks.idle, timeout=TIMEOUT_MS):
        qtbot.keyClick(dashboard.drill_view, Qt.Key.Key_Return)
    assert window.current_incident_id() == dashboard.drill_model.index(1, 0).data(INCIDENT_ID_ROLE)
    assert window.details.isVisible()


def test_clicking_a_bar_lists_the_incidents_behind_it(
    qtbot: QtBot, dashboard: MetricsDashboard
) -> None:
    chart, canvas = dashboard.charts[1], dashboard.canvases[1]
    assert chart.key == "distribution"
    canvas.draw()
    bar = next(a for a in chart.targets if "api" in chart.targets[a].description)
    box = bar.get_window_extent()
    ratio = canvas.device_pixel_ratio or 1
    x, y = box.x0 + box.width / 2, box.y0 + box.height / 2
    pos = QPoint(int(x / ratio), int(canvas.height() - y / ratio))
    with qtbot.waitSignal(dashboard.drill_shown, timeout=TIMEOUT_MS):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert drill_ids(dashboard) == ["T-2", "T-1"]  # api's incidents in the period
    assert "Time to resolve, api" in dashboard.drill_label.text()


def test_names_with_dollar_signs_are_drawn_as_typed(
    qtbot: QtBot, window: MainWindow, fixture_file: Path
) -> None:
    # Once drawn as formulas, or a math-text parse error on every repaint.
    from matplotlib.text import Text

    from irdesk.domain.models import Service

    names = {"api": "deploy-${ENV}_$ api", "web": r"$\undefinedmacro$"}
    db = open_database(fixture_file)
    try:
        with db.transaction() as session:
            for service in session.exec(select(Service)).all():
                service.name = names[service.name]
                session.add(service)
    finally:
        db.close()
    open_and_wait(qtbot, window, fixture_file)
    activate(qtbot, window)
    with qtbot.waitSignal(window.tasks.idle, timeout=TIMEOUT_MS):
        qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
    board = window.metrics.dashboard
    assert board is not None
    with qtbot.waitSignal(board.figures_shown, timeout=TIMEOUT_MS):
        board.from_edit.setDate(_qdate(date(2026, 1, 5)))
        board.to_edit.setDate(_qdate(date(2026, 1, 14)))
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=TIMEOUT_MS)
    texts = []
    for canvas in board.canvases:
        canvas.draw()
        texts += [t for t in canvas.figure.findobj(Text) if t.get_text()]
    assert all(not t.get_parse_math() for t in texts)
    drawn = " | ".join(t.get_text() for t in texts)
    for name in names.values():
        assert name in drawn


def test_the_command_line_shows_the_dashboards_numbers(
    qtbot: QtBot,
    dashboard: MetricsDashboard,
    fixture_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with qtbot.waitSignal(dashboard.figures_shown, timeout=TIMEOUT_MS):
        dashboard.by_combo.setCurrentIndex(dashboard.by_combo.findData("team"))
    code = cli.main(
        [
            "metrics",
            "--db",
            str(fixture_file),
            "--from",
            "2026-01-05",
            "--to",
            "2026-01-14",
            "--by",
            "team",
            "--format",
            "json",
        ]
    )
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["by"] == "team" and printed["incidents"] == 4
    for n, table in enumerate(dashboard.tables):
        dashboard.table_list.setCurrentRow(n)
        model = dashboard.table_model
        expected = printed["tables"][table.key]
        assert [c.key for c in model.columns] == expected["columns"]
        for r, values in enumerate(expected["rows"]):
            for c, column in enumerate(model.columns):
                index = model.index(r, c)
                assert index.data(RAW_ROLE) == values[column.key], (table.key, r, column.key)
                assert index.data() == format_cell(values[column.key], column.kind)
        assert model.rowCount() == len(expected["rows"])


def test_a_policy_change_is_a_new_version_with_its_note(
    qtbot: QtBot, window: MainWindow, dashboard: MetricsDashboard, fixture_file: Path
) -> None:
    choose_from_menu(qtbot, window, Qt.Key.Key_T, Qt.Key.Key_P)
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, PolicyDialog) and w.isVisible()
    )
    dialog.weighting_combo.setFocus()
    qtbot.keyClicks(dialog.weighting_combo, "By s")  # type-ahead: "By severity weight"
    assert dialog.weighting_combo.currentData() == "severity"
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert "Say why" in dialog.error_label.text()  # no note: nothing saved
    qtbot.keyClicks(dialog.note_edit, "Weigh incidents by severity")
    with qtbot.waitSignal(dashboard.figures_shown, timeout=TIMEOUT_MS):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert "policy version 1" in dashboard.status_label.text()
    db = open_database(fixture_file, create=False)
    try:
        with db.session() as session:
            versions = session.exec(select(PolicyVersion)).all()
            audit = session.exec(select(AuditEntry)).all()
    finally:
        db.close()
    assert [(v.version, v.note) for v in versions] == [(1, "Weigh incidents by severity")]
    assert json.loads(versions[0].settings_json)["weighting"] == "severity"
    assert [a.action for a in audit] == ["save_policy_version"]
    # Under severity weights (16, 8, 4, 4) the mean resolve time is 2920 / 32 = 91.25 minutes.
    assert dashboard.figures is not None
    assert dashboard.figures.durations["time_to_resolve"][0].mean == pytest.approx(91.25)
