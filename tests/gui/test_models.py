"""The incident and timeline table models, without any window."""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from sample_incidents import IncidentFile

from irdesk.gui.common import formatting
from irdesk.gui.common.incident_table_model import (
    COL_DURATION,
    COL_ID,
    COL_SERVICE,
    COL_SEVERITY,
    COL_STARTED,
    COL_TITLE,
    SORT_ROLE,
    IncidentFilterProxy,
    IncidentTableModel,
)
from irdesk.gui.incidents.overview_timeline_model import (
    COL_ACTOR,
    COL_KIND,
    COL_TEXT,
    COL_TIME,
    TimelineModel,
)
from irdesk.storage.database import open_database
from irdesk.storage.reads import queries
from irdesk.storage.reads.incident_row import IncidentRow


def incident_rows(incident_file: IncidentFile) -> list[IncidentRow]:
    db = open_database(incident_file.path)
    try:
        with db.session() as session:
            return queries.list_incidents(session)
    finally:
        db.close()


def event_rows(incident_file: IncidentFile, external_id: str) -> list[queries.EventRow]:
    db = open_database(incident_file.path)
    try:
        with db.session() as session:
            return queries.timeline(session, incident_file.ids[external_id])
    finally:
        db.close()


def column_texts(model: IncidentTableModel | IncidentFilterProxy, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_incident_model_passes_qt_model_checks(
    qtmodeltester: ModelTester, incident_file: IncidentFile
) -> None:
    model = IncidentTableModel()
    model.set_rows(incident_rows(incident_file))
    qtmodeltester.check(model, force_py=True)
    proxy = IncidentFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_SEVERITY)
    proxy.set_filter_text("checkout")
    qtmodeltester.check(proxy, force_py=True)


def test_timeline_model_passes_qt_model_checks(
    qtmodeltester: ModelTester, incident_file: IncidentFile
) -> None:
    model = TimelineModel()
    model.set_rows(event_rows(incident_file, "INC-101"))
    qtmodeltester.check(model, force_py=True)


def test_incident_model_shows_text_local_times_and_severity_colour(
    incident_file: IncidentFile, local_zone: Callable[[str], None]
) -> None:
    local_zone("America/New_York")
    model = IncidentTableModel()
    model.set_rows(incident_rows(incident_file))
    row = model.row_of(incident_file.ids["INC-101"])
    assert row is not None

    def cell(column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.index(row, column).data(role)

    assert cell(COL_ID) == "INC-101"
    assert cell(COL_SEVERITY) == "SEV2"
    assert cell(COL_SEVERITY, Qt.ItemDataRole.DecorationRole) == QColor("#ef6c00")
    assert cell(COL_SERVICE) == "checkout-api"
    # 09:32 UTC on 14 October is 05:32 in New York (daylight saving time).
    assert cell(COL_STARTED) == "2026-10-14 05:32"
    assert cell(COL_DURATION) == "1h 15m"
    assert cell(COL_DURATION, SORT_ROLE) == 75 * 60


def test_flagged_incident_has_marker_and_tooltip(incident_file: IncidentFile) -> None:
    model = IncidentTableModel()
    model.set_rows(incident_rows(incident_file))
    row = model.row_of(incident_file.ids["OPS-9"])
    assert row is not None
    title = model.index(row, COL_TITLE)
    assert title.data() == "⚠ Login emails delayed"
    tooltip = title.data(Qt.ItemDataRole.ToolTipRole)
    assert "⚠ Resolved before detected — from the source data" in tooltip
    clean = model.index(model.row_of(incident_file.ids["INC-101"]) or 0, COL_TITLE)
    assert "⚠" not in clean.data()


def test_proxy_sorts_on_raw_values_with_missing_last_both_ways(
    incident_file: IncidentFile,
) -> None:
    model = IncidentTableModel()
    model.set_rows(incident_rows(incident_file))
    proxy = IncidentFilterProxy()
    proxy.setSourceModel(model)

    proxy.sort(COL_SEVERITY, Qt.SortOrder.AscendingOrder)
    assert column_texts(proxy, COL_SEVERITY) == ["SEV1", "SEV2", "SEV3", "SEV4", "—"]
    proxy.sort(COL_SEVERITY, Qt.SortOrder.DescendingOrder)
    assert column_texts(proxy, COL_SEVERITY) == ["SEV4", "SEV3", "SEV2", "SEV1", "—"]
    proxy.sort(COL_DURATION, Qt.SortOrder.DescendingOrder)
    assert column_texts(proxy, COL_DURATION)[:2] == ["2h 00m", "1h 15m"]
    assert column_texts(proxy, COL_DURATION)[-1] == "—"


def test_proxy_filter_matches_every_word_in_any_field_ignoring_case(
    incident_file: IncidentFile,
) -> None:
    model = IncidentTableModel()
    model.set_rows(incident_rows(incident_file))
    proxy = IncidentFilterProxy()
    proxy.setSourceModel(model)

    proxy.set_filter_text("CHECKOUT")  # a service name
    assert sorted(column_texts(proxy, COL_ID)) == ["INC-101", "OPS-9"]
    proxy.set_filter_text("checkout sev4")  # both words, different fields
    assert column_texts(proxy, COL_ID) == ["OPS-9"]
    proxy.set_filter_text("ops-11")  # an id
    assert column_texts(proxy, COL_TITLE) == ["Disk alert on batch host"]
    proxy.set_filter_text("mitigated")  # a status
    assert column_texts(proxy, COL_ID) == ["OPS-7"]
    proxy.set_filter_text("")
    assert proxy.rowCount() == 5


def test_timeline_marks_key_moments_and_corrections(
    incident_file: IncidentFile, local_zone: Callable[[str], None]
) -> None:
    local_zone("UTC")
    model = TimelineModel()
    model.set_rows(event_rows(incident_file, "INC-101"))
    assert [model.index(r, COL_TIME).data() for r in range(4)] == [
        "09:36:00",
        "09:38:00",
        "10:12:00",
        "10:47:00 ✎",
    ]
    assert model.index(1, COL_ACTOR).data() == "Ada Lovelace"  # a known person
    assert model.index(2, COL_ACTOR).data() == "grace"  # as the source named them
    key = model.index(2, COL_KIND)
    assert key.data() == "★ mitigate"
    assert key.data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, COL_KIND).data(Qt.ItemDataRole.FontRole) is None
    assert "original is kept" in model.index(3, COL_TEXT).data(Qt.ItemDataRole.ToolTipRole)


def test_durations_read_compactly() -> None:
    assert formatting.duration_text(None) == "—"
    assert formatting.duration_text(42) == "42s"
    assert formatting.duration_text(45 * 60) == "45m"
    assert formatting.duration_text(2 * 3600 + 5 * 60) == "2h 05m"
    assert formatting.duration_text(3 * 86400 + 4 * 3600) == "3d 4h"
    assert formatting.duration_text(-10 * 60) == "−10m"
