"""The incident list reads its rows a page at a time as the view scrolls, filters and
sorts in SQL, and selecting an incident reads its timeline once.

Samples: every export in /work/shared/data that imports on its own (all but
opsgenie_alert_logs.json), and a generated file of 1,000 incidents (tests/scale_fixture)
for a list longer than a page.
"""

from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile
from scale_fixture import write_scale_file
from sqlalchemy import event
from testdata import SHARED_DATA
from window_driver import click_row, open_and_wait, row_of, shown_column

from irdesk.gui.common.incident_table_model import COL_ID, COL_SEVERITY, COL_TITLE
from irdesk.gui.incidents.paged_model import PAGE_ROWS
from irdesk.gui.main_window import MainWindow
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.reads.incident_view import incident_list

SAMPLES = sorted(
    p
    for p in SHARED_DATA.iterdir()
    if p.suffix in {".json", ".jsonl", ".csv"} and p.name != "opsgenie_alert_logs.json"
)


def test_the_list_reads_further_pages_as_the_view_scrolls_down(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "thousand.db"
    write_scale_file(path, 1000)
    db = open_database(path)
    expected = [row.external_id for row in incident_list(db)]
    db.close()
    open_and_wait(qtbot, window, path)

    assert window.incident_model.rowCount() == PAGE_ROWS
    assert shown_column(window, COL_ID) == expected[:PAGE_ROWS]
    assert window.count_label.text() == "1000 incidents"
    window.table.setFocus()

    def paged_down_to_the_last() -> bool:
        qtbot.keyClick(window.table, Qt.Key.Key_PageDown)
        return window.incident_model.rowCount() == len(expected)

    qtbot.waitUntil(paged_down_to_the_last, timeout=20_000)
    assert shown_column(window, COL_ID) == expected
    # The view reads the next page as the cursor nears the end of those read.
    assert window.table.currentIndex().row() >= len(expected) - 2 * PAGE_ROWS


def test_typing_a_filter_and_clicking_a_header_list_what_python_would(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "samples.db"
    db = open_database(path)
    # The Jira CSV's dates have no zone of their own.
    run_import(db, SAMPLES, ImportOptions(zone=ZoneInfo("Europe/Madrid")))
    plain = incident_list(db)
    db.close()
    open_and_wait(qtbot, window, path)
    picked = plain[3]
    click_row(qtbot, window, row_of(window, picked.external_id))

    word = max(picked.title.split(), key=len)[1:5]
    window.filter_edit.setFocus()
    qtbot.keyClicks(window.filter_edit, word)
    # What the list always kept: the word is part of one of the fields it shows.
    expected = [
        r.external_id
        for r in plain
        if any(
            word.casefold() in field.casefold()
            for field in (
                r.title,
                r.external_id,
                r.source,
                r.service or "",
                r.severity.value if r.severity else "",
                r.status.value,
            )
        )
    ]
    assert shown_column(window, COL_ID) == expected
    shown = shown_column(window, COL_ID)
    assert picked.external_id in shown
    assert window.current_incident_id() == picked.id  # still selected
    assert window.count_label.text() == f"{len(plain)} incidents · {len(shown)} shown"

    header = window.table.horizontalHeader()
    centre = header.sectionViewportPosition(COL_SEVERITY) + header.sectionSize(COL_SEVERITY) // 2
    with qtbot.waitSignal(window.incident_model.modelReset, timeout=2000):
        qtbot.mouseClick(
            header.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(centre, header.height() // 2),
        )
    ranks = [
        window.incident_model.row_at(n).severity for n in range(window.incident_model.rowCount())
    ]
    present = [s.rank for s in ranks if s is not None]
    assert present == sorted(present)  # worst first: the header's first click
    assert ranks[len(present) :] == [None] * (len(ranks) - len(present))  # missing last
    assert window.current_incident_id() == picked.id
    assert (
        window.table.currentIndex().data()
        == window.incident_model.index(window.table.currentIndex().row(), COL_TITLE).data()
    )


def test_selecting_an_incident_reads_its_timeline_once(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    db = opened.database.current()
    assert db is not None
    statements: list[str] = []
    event.listen(
        db.engine,
        "before_cursor_execute",
        lambda _conn, _cursor, sql, *_rest: statements.append(sql),
    )
    click_row(qtbot, opened, row_of(opened, "OPS-9"))
    qtbot.waitUntil(lambda: not opened.tasks.busy, timeout=5000)
    timeline_reads = [sql for sql in statements if "FROM timeline_event" in sql]
    assert len(timeline_reads) == 1, timeline_reads
    assert opened.details.title_label.text() == "Login emails delayed"


def test_a_filter_with_many_matches_lists_them_at_once_and_counts_them_meanwhile(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    # tests/scale_fixture: 1,000 incidents INC-0000001 … INC-0001000, newest last.
    path = tmp_path / "thousand.db"
    write_scale_file(path, 1000)
    open_and_wait(qtbot, window, path)
    labels: list[str] = []
    window.incident_list.counts_changed.connect(lambda: labels.append(window.count_label.text()))

    window.filter_edit.setFocus()
    qtbot.keyClicks(window.filter_edit, "inc-0000")  # INC-0000001 … INC-0000999
    # A page is listed at once; the matches are counted on another thread meanwhile.
    assert shown_column(window, COL_ID)[:2] == ["INC-0000999", "INC-0000998"]
    assert window.incident_model.rowCount() == PAGE_ROWS
    qtbot.waitUntil(lambda: window.count_label.text() == "1000 incidents · 999 shown")
    assert "1000 incidents · 100+ shown, counting…" in labels

    qtbot.keyClick(window.filter_edit, "9")  # INC-0000900 … INC-0000999: one full page
    assert window.count_label.text() == "1000 incidents · 100+ shown, counting…"
    qtbot.waitUntil(lambda: window.count_label.text() == "1000 incidents · 100 shown")

    qtbot.keyClick(window.filter_edit, "9")  # INC-0000990 … INC-0000999: all read, no count
    assert not window.incident_model.counting
    assert window.count_label.text() == "1000 incidents · 10 shown"
    assert shown_column(window, COL_ID) == [f"INC-0000{n}" for n in range(999, 989, -1)]

    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Escape)  # cleared: the whole list
    assert window.count_label.text() == "1000 incidents"
