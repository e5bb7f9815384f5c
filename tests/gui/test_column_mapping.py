"""Import › Map columns: a CSV or JSON of the user's own tool, mapped once and remembered."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from import_driver import choose_files, click, import_and_close, open_empty, wait_for_preview
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from testdata import FIXTURES

from irdesk.gui.importing.column_mapping_dialog import ISO_TEXT, NO_COLUMN, ColumnMappingDialog
from irdesk.gui.importing.dialog import ImportDialog
from irdesk.gui.importing.mappable_file import default_source_name, guess_date_format, mappable_file
from irdesk.gui.importing.mapping_preview import MappingPreviewModel
from irdesk.gui.importing.presentation import ImportFileModel
from irdesk.gui.importing.states import State
from irdesk.gui.main_window import MainWindow
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.formats.generic import parse_with
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.column_mapping import ColumnMapping, MappingStore, suggest_mapping
from irdesk.storage.database import open_database
from irdesk.storage.reads import queries

CSV = FIXTURES / "generic" / "ops_tracker_export.csv"
API_JSON = FIXTURES / "generic" / "ops_tracker_api.json"
CSV_HEADER = [
    "Ticket",
    "Headline",
    "Opened",
    "Detected",
    "Acknowledged",
    "Mitigated",
    "Resolved",
    "Sev",
    "Affected service",
    "State",
    "Link",
    "Notes",
]
TIMEOUT_MS = 10_000


@pytest.fixture
def empty(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, local_zone: Callable[[str], None]
) -> MainWindow:
    local_zone("UTC")  # the preview shows times on the user's clock: make it UTC
    return open_empty(qtbot, window, tmp_path / "fresh.db")


def stored(path: Path) -> list[tuple[str, str, str]]:
    db = open_database(path, create=False)
    try:
        with db.session() as session:
            return sorted(
                (row.source, row.external_id, row.title) for row in queries.list_incidents(session)
            )
    finally:
        db.close()


def open_mapping(qtbot: QtBot, dialog: ImportDialog) -> ColumnMappingDialog:
    assert dialog.state is State.BLOCKED
    assert dialog.map_button.isVisible()
    click(qtbot, dialog.map_button)
    mapping = dialog.mapping_dialog
    assert mapping is not None and mapping.isVisible()
    return mapping


def preview(mapping: ColumnMappingDialog, field: str) -> list[str]:
    return mapping.preview.model.column_values(field)


def test_an_unknown_csv_is_mapped_previewed_stored_and_then_imported(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow, irdesk_home: Path
) -> None:
    db_path = empty.db.path  # type: ignore[union-attr]
    dialog = choose_files(qtbot, monkeypatch, empty, CSV)
    assert "expected an export irdesk reads" in dialog.headline.text()
    assert "press Map columns" in dialog.headline.text()
    assert dialog.map_button.text() == "&Map columns…"

    mapping = open_mapping(qtbot, dialog)

    # Pre-filled from the header's names; the date pattern guessed from the values.
    assert mapping.header == CSV_HEADER
    assert "Ticket · Headline · Opened" in mapping.columns_label.text()
    assert mapping.columns() == {
        "external_id": "Ticket",
        "title": "Headline",
        "started_at": "Opened",
        "detected_at": "Detected",
        "acknowledged_at": "Acknowledged",
        "mitigated_at": "Mitigated",
        "resolved_at": "Resolved",
        "severity": "Sev",
        "service": "Affected service",
        "status": "State",
        "url": "Link",
        "summary": "Notes",
    }
    assert mapping.source_edit.text() == "ops-tracker"
    assert mapping.date_format() == "%d/%m/%Y %H:%M"
    assert mapping.date_example.text() == "e.g. 14/10/2026 09:30"

    # The times carry no zone: the preview says where, and asks for one.
    assert mapping.preview.stack.currentIndex() == 1
    error = mapping.preview.error_label.text()
    assert "line 2, column “Opened”" in error
    assert "14/10/2026 09:12" in error
    assert "choose the zone they were written in" in error
    assert not mapping.ok_button.isEnabled()

    # Picked from the completion list, as most people will.
    qtbot.keyClicks(mapping.zone_edit, "madrid")
    popup = mapping.zone_completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT_MS)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    with qtbot.waitSignal(mapping.preview_updated, timeout=TIMEOUT_MS):
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert mapping.isVisible()  # Enter in the list picks the zone, it does not save
    assert mapping.zone_edit.text() == "Europe/Madrid"
    assert mapping.preview.stack.currentIndex() == 0
    assert mapping.preview.heading.text().startswith("Preview: all 3 incidents")
    assert preview(mapping, "external_id") == ["4711", "4712", "4713"]
    assert preview(mapping, "title")[0] == "Checkout 502s after deploy"
    # Madrid in October is UTC+2; the preview shows the user's clock (UTC here).
    assert preview(mapping, "started_at") == [
        "2026-10-14 07:12",
        "2026-10-15 20:01",
        "2026-10-16 05:30",
    ]
    assert preview(mapping, "resolved_at") == ["2026-10-14 08:05", "—", "2026-10-16 06:50"]
    assert preview(mapping, "severity") == ["SEV2", "SEV3 (Sev 3)", "— (high)"]
    assert preview(mapping, "status") == ["Resolved", "Triggered", "Resolved"]
    assert preview(mapping, "service") == ["checkout", "search", "payments"]
    assert mapping.ok_button.isEnabled()

    # No title column: nothing can be imported, and the preview says what is missing.
    mapping.set_column("title", None)
    assert mapping.combos["title"].currentText() == NO_COLUMN
    assert "Choose the column that holds the title" in mapping.preview.error_label.text()
    assert not mapping.ok_button.isEnabled()
    mapping.set_column("title", "Headline")
    assert mapping.ok_button.isEnabled()

    # Times read month-first do not parse: the first bad cell is named.
    line_edit = mapping.date_combo.lineEdit()
    line_edit.selectAll()
    with qtbot.waitSignal(mapping.preview_updated, timeout=TIMEOUT_MS):
        qtbot.keyClicks(line_edit, "%m/%d/%Y %H:%M")
    assert "line 2: field 'Opened': expected a time like 10/14/2026 09:30" in (
        mapping.preview.error_label.text().replace("&#x27;", "'")
    )
    assert not mapping.ok_button.isEnabled()
    line_edit.selectAll()
    with qtbot.waitSignal(mapping.preview_updated, timeout=TIMEOUT_MS):
        qtbot.keyClicks(line_edit, "%d/%m/%Y %H:%M")
    assert mapping.ok_button.isEnabled()

    # Nothing is stored until OK; then the import preview reads the file with the mapping.
    assert MappingStore().load_all() == {}
    columns = mapping.columns()
    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        click(qtbot, mapping.ok_button)
    assert dialog.mapping_dialog is None  # closed, and gone
    wait_for_preview(qtbot, dialog)
    assert MappingStore().for_header(CSV_HEADER) == ColumnMapping(
        source="ops-tracker",
        columns=columns,
        date_format="%d/%m/%Y %H:%M",
        zone="Europe/Madrid",
    )
    assert (irdesk_home / "config" / "column-mappings.json").is_file()

    assert dialog.state is State.READY, dialog.headline.text()
    assert dialog.report_view.values["Incidents"].text() == "3 new · 0 updated · 0 unchanged"
    assert dialog.report_view.file_model.column(ImportFileModel.COL_FORMAT) == [
        "CSV or JSON with a column mapping"
    ]
    assert not dialog.map_button.isVisible()
    assert stored(db_path) == []  # still only a preview

    import_and_close(qtbot, empty, dialog)
    assert stored(db_path) == [
        ("ops-tracker", "4711", "Checkout 502s after deploy"),
        ("ops-tracker", "4712", "Search latency above SLO"),
        ("ops-tracker", "4713", "Payments provider timeouts"),
    ]

    # The next import of a file with these columns needs no dialog at all.
    again = choose_files(qtbot, monkeypatch, empty, CSV)
    assert again.state is State.READY, again.headline.text()
    assert again.mapping_dialog is None
    assert not again.map_button.isVisible()
    assert again.report_view.values["Incidents"].text() == "0 new · 0 updated · 3 unchanged"


def test_a_json_array_is_mapped_with_iso_times_and_cancel_changes_nothing(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    dialog = choose_files(qtbot, monkeypatch, empty, API_JSON)
    mapping = open_mapping(qtbot, dialog)

    assert mapping.columns()["started_at"] == "startedAt"
    assert mapping.date_combo.currentText() == ISO_TEXT
    assert mapping.zone_edit.text() == ""  # these times carry their zone
    assert mapping.preview.stack.currentIndex() == 0, mapping.preview.error_label.text()
    # The same instants as the CSV's Madrid times.
    assert preview(mapping, "started_at") == [
        "2026-10-14 07:12",
        "2026-10-15 20:01",
        "2026-10-16 05:30",
    ]
    assert preview(mapping, "external_id") == ["4711", "4712", "4713"]
    assert preview(mapping, "status") == ["Resolved", "Triggered", "Resolved"]

    qtbot.keyClick(mapping, Qt.Key.Key_Escape)
    assert dialog.mapping_dialog is None
    assert MappingStore().load_all() == {}
    assert dialog.state is State.BLOCKED
    assert dialog.map_button.isVisible()  # still on offer


def test_an_edited_source_name_keys_the_incidents(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    dialog = choose_files(qtbot, monkeypatch, empty, API_JSON)
    mapping = open_mapping(qtbot, dialog)

    mapping.source_edit.selectAll()
    with qtbot.waitSignal(mapping.preview_updated, timeout=TIMEOUT_MS):
        qtbot.keyClicks(mapping.source_edit, "ops tracker")
    assert "cannot be a source name" in mapping.preview.error_label.text()
    assert not mapping.ok_button.isEnabled()
    mapping.source_edit.selectAll()
    with qtbot.waitSignal(mapping.preview_updated, timeout=TIMEOUT_MS):
        qtbot.keyClicks(mapping.source_edit, "in-house")

    header = list(mapping.header)
    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        qtbot.keyClick(mapping, Qt.Key.Key_Return)  # Save Mapping is the default button
    wait_for_preview(qtbot, dialog)
    assert dialog.state is State.READY
    stored_mapping = MappingStore().for_header(header)
    assert stored_mapping is not None and stored_mapping.source == "in-house"

    import_and_close(qtbot, empty, dialog)
    assert stored(empty.db.path)[0] == ("in-house", "4711", "Checkout 502s after deploy")  # type: ignore[union-attr]


def test_files_that_are_no_table_are_not_offered_a_mapping(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.json"
    notes.write_text(json.dumps({"meeting": "retro", "when": "friday"}), encoding="utf-8")
    dialog = choose_files(qtbot, monkeypatch, empty, notes)
    assert dialog.state is State.BLOCKED
    assert "expected an export irdesk reads" in dialog.headline.text()
    assert not dialog.map_button.isVisible()
    assert dialog.open_mapping_dialog() is None


def test_a_stored_mapping_that_does_not_fit_the_values_can_be_edited(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow
) -> None:
    """The file is recognised by its columns, but the title column chosen is empty in a row."""
    MappingStore().save(
        CSV_HEADER,
        ColumnMapping(
            source="tracker",
            columns={"external_id": "Ticket", "title": "Notes", "started_at": "Opened"},
            zone="Europe/Madrid",
            date_format="%d/%m/%Y %H:%M",
        ),
    )
    dialog = choose_files(qtbot, monkeypatch, empty, CSV)
    assert dialog.state is State.BLOCKED
    assert "line 3: field &#x27;Notes&#x27;: expected an incident title" in dialog.headline.text()
    assert "Press Edit column mapping" in dialog.headline.text()
    assert dialog.map_button.text() == "&Edit column mapping…"

    mapping = open_mapping(qtbot, dialog)
    # It starts from the stored mapping, not from a guess.
    assert mapping.source_edit.text() == "tracker"
    assert mapping.zone_edit.text() == "Europe/Madrid"
    assert mapping.columns() == {"external_id": "Ticket", "title": "Notes", "started_at": "Opened"}
    assert "line 3: field &#x27;Notes&#x27;" in mapping.preview.error_label.text()

    mapping.set_column("title", "Headline")
    assert mapping.preview.stack.currentIndex() == 0
    assert preview(mapping, "title")[2] == "Payments provider timeouts"
    with qtbot.waitSignal(dialog.preview_finished, timeout=TIMEOUT_MS):
        click(qtbot, mapping.ok_button)
    wait_for_preview(qtbot, dialog)
    assert dialog.state is State.READY, dialog.headline.text()
    stored_mapping = MappingStore().for_header(CSV_HEADER)
    assert stored_mapping is not None and stored_mapping.columns["title"] == "Headline"


def test_a_mapping_that_cannot_be_stored_says_why_and_keeps_the_dialog_open(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, empty: MainWindow, irdesk_home: Path
) -> None:
    store_file = irdesk_home / "config" / "column-mappings.json"
    store_file.parent.mkdir(parents=True)
    store_file.write_text("{ not json", encoding="utf-8")
    dialog = choose_files(qtbot, monkeypatch, empty, API_JSON)
    mapping = open_mapping(qtbot, dialog)
    assert mapping.ok_button.isEnabled()

    click(qtbot, mapping.ok_button)

    assert dialog.mapping_dialog is mapping and mapping.isVisible()
    assert "The mapping could not be saved" in mapping.preview.error_label.text()
    assert "is not valid JSON" in mapping.preview.error_label.text()
    assert not mapping.ok_button.isEnabled()
    assert store_file.read_text(encoding="utf-8") == "{ not json"  # never overwritten
    assert dialog.state is State.BLOCKED


def test_the_preview_model_is_a_sound_qt_model(qtmodeltester: ModelTester) -> None:
    mappable = mappable_file(
        [API_JSON], ImportProblem(str(API_JSON), "", "an export irdesk reads"), ImportOptions()
    )
    assert mappable is not None and not mappable.mapped
    mapping = suggest_mapping(list(mappable.header), "ops-tracker")
    parsed = parse_with(Content(mappable.file), mapping, ImportOptions(), limit=2)
    model = MappingPreviewModel()
    model.set_preview(["external_id", "title", "started_at", "severity"], parsed.incidents)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Severity"
    assert model.column_values("severity") == ["SEV2", "SEV3 (Sev 3)"]


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["2026-10-14T09:12:00+02:00", None, "2026-10-15T20:01:00Z"], None),
        (["14/10/2026 09:12", "", "16/10/2026 07:30"], "%d/%m/%Y %H:%M"),
        (["10/14/2026 09:12", "10/16/2026 07:30"], "%m/%d/%Y %H:%M"),
        (["14.10.2026 09:12:05"], "%d.%m.%Y %H:%M:%S"),
        (["14/Oct/26 9:12 AM"], "%d/%b/%y %I:%M %p"),
        (["yesterday"], None),
        ([], None),
    ],
)
def test_the_date_pattern_is_guessed_from_the_values(
    samples: list[object], expected: str | None
) -> None:
    assert guess_date_format(samples) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("/x/ops_tracker_export.csv", "ops-tracker"),
        ("/x/ops_tracker_api.json", "ops-tracker"),
        ("/x/ServiceNow Incidents 2026-10.csv", "servicenow"),
        ("/x/exports.zip!in-house/export.csv", "export"),
    ],
)
def test_the_source_name_comes_from_the_file_name(name: str, expected: str) -> None:
    assert default_source_name(name) == expected
