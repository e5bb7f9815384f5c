"""The main window driven as a user would: keyboard, mouse, menus."""

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
)
from pytestqt.qtbot import QtBot
from sample_incidents import IncidentFile, write_incidents
from window_driver import (
    activate,
    choose_from_menu,
    click_row,
    open_and_wait,
    row_of,
    shown_column,
    timeline_texts,
    visible_boxes,
)

from irdesk import __version__
from irdesk.gui.common.incident_table_model import COL_ID, COL_SEVERITY, COL_STATUS, COL_TITLE
from irdesk.gui.common.user_guides import UserGuideDialog
from irdesk.gui.incidents.list_pane import FILTER_PLACEHOLDER
from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import open_database


def test_opening_lists_incidents_and_names_the_file(
    opened: MainWindow, incident_file: IncidentFile
) -> None:
    assert sorted(shown_column(opened, COL_ID)) == sorted(incident_file.ids)
    # Newest impact first, as the list query orders them.
    assert shown_column(opened, COL_ID)[0] == "INC-101"
    assert opened.path_label.text() == str(incident_file.path.resolve())
    assert opened.count_label.text() == "5 incidents"
    assert "incidents.db" in opened.windowTitle()
    assert opened.filter_edit.placeholderText() == FILTER_PLACEHOLDER
    assert not opened.busy_indicator_visible


def test_typing_in_the_filter_narrows_the_list_and_the_status_bar_says_so(
    qtbot: QtBot, opened: MainWindow
) -> None:
    activate(qtbot, opened)
    qtbot.keyClick(opened, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert opened.filter_edit.hasFocus()
    qtbot.keyClicks(opened.filter_edit, "Payment")
    assert shown_column(opened, COL_TITLE) == ["Payment provider outage"]
    assert opened.count_label.text() == "5 incidents · 1 shown"

    qtbot.keyClick(opened.filter_edit, Qt.Key.Key_Escape)
    assert opened.filter_edit.text() == ""
    assert opened.incident_model.rowCount() == 5
    assert opened.count_label.text() == "5 incidents"


def test_clicking_a_row_shows_its_details_and_timeline(qtbot: QtBot, opened: MainWindow) -> None:
    details = opened.details
    assert details.pages.currentWidget() is details.placeholder

    click_row(qtbot, opened, row_of(opened, "INC-101"))

    assert details.title_label.text() == "Checkout latency spike"
    assert details.subtitle_label.text() == "INC-101 · from pagerduty"
    assert details.values["Service"].text() == "checkout-api (tier 1, owned by Payments)"
    assert "SEV2" in details.values["Severity"].text()
    assert "(source: P2)" in details.values["Severity"].text()
    assert details.values["Review"].text() == "Full postmortem · In review, due 2026-10-21"
    assert details.values["Time to detect"].text() == "4m"
    assert details.values["Time to resolve"].text() == "1h 15m"
    assert details.values["Verified"].text() == "—"
    assert details.values["Impact"].text() == "12,000 users affected"
    assert not details.warning_label.isVisible()
    assert details.timeline_label.text() == "Timeline (4 events)"
    assert timeline_texts(opened) == [
        "p99 latency above 2 s on checkout-api",
        "Acknowledged",
        "Rolled back release 4.2.1",
        "Resolved after cache warm-up",
    ]


def test_keyboard_selection_from_the_filter_box_shows_details(
    qtbot: QtBot, opened: MainWindow
) -> None:
    activate(qtbot, opened)
    qtbot.keyClick(opened, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(opened.filter_edit, "search")
    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        qtbot.keyClick(opened.filter_edit, Qt.Key.Key_Down)  # into the list, first row
    assert opened.table.hasFocus()
    assert opened.details.title_label.text() == "Search index lagging"
    assert opened.details.timeline_label.text() == "Timeline (0 events)"

    # Back to the filter, clear it, and walk on down the whole list.
    qtbot.keyClick(opened, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(opened.filter_edit, Qt.Key.Key_Escape)
    assert opened.incident_model.rowCount() == 5
    qtbot.keyClick(opened.filter_edit, Qt.Key.Key_Down)
    assert opened.table.hasFocus()
    row = opened.table.currentIndex().row()
    assert opened.incident_model.index(row, COL_TITLE).data() == "Search index lagging"
    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        qtbot.keyClick(opened.table, Qt.Key.Key_Down)
    assert opened.table.currentIndex().row() == row + 1
    expected = opened.incident_model.index(row + 1, COL_TITLE).data().removeprefix("⚠ ")
    assert opened.details.title_label.text() == expected


def test_clicking_the_severity_header_puts_sev1_first(qtbot: QtBot, opened: MainWindow) -> None:
    header = opened.table.horizontalHeader()
    x = header.sectionViewportPosition(COL_SEVERITY) + header.sectionSize(COL_SEVERITY) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )
    assert shown_column(opened, COL_SEVERITY) == ["SEV1", "SEV2", "SEV3", "SEV4", "—"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder


def test_columns_can_be_hidden_from_the_header_and_stay_hidden_after_a_restart(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    incident_file: IncidentFile,
    settings_path: Path,
) -> None:
    """Right-click the list's header, untick Status: the title gets its width; the next
    window starts without it; ticking it again brings it back."""
    first = make_window()
    open_and_wait(qtbot, first, incident_file.path)
    first.resize(1900, 1000)  # wide enough that the title stretches (narrower, it scrolls)
    header = first.table.horizontalHeader()
    title_before = header.sectionSize(COL_TITLE)
    seen: list[list[str]] = []

    def untick_status() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.append([a.text() for a in menu.actions()])
        next(a for a in menu.actions() if a.text() == "Status").trigger()
        menu.close()

    QTimer.singleShot(0, untick_status)
    # A right click on the header, as the window system delivers it.
    where = QPoint(10, header.height() // 2)
    click = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, header.viewport().mapToGlobal(where)
    )
    QApplication.sendEvent(header.viewport(), click)
    assert seen == [["ID", "Severity", "Service", "Status", "Started", "Duration", "Review"]]
    assert header.isSectionHidden(COL_STATUS)
    qtbot.waitUntil(lambda: header.sectionSize(COL_TITLE) > title_before)
    first.close()

    second = make_window(QSettings(str(settings_path), QSettings.Format.IniFormat))
    second_header = second.table.horizontalHeader()
    assert second_header.isSectionHidden(COL_STATUS)
    [status] = [a for a in second.incident_list.column_menu().actions() if a.text() == "Status"]
    assert not status.isChecked()
    status.trigger()
    assert not second_header.isSectionHidden(COL_STATUS)


def test_flagged_incident_shows_its_warning(qtbot: QtBot, opened: MainWindow) -> None:
    row = row_of(opened, "OPS-9")
    assert shown_column(opened, COL_TITLE)[row] == "⚠ Login emails delayed"
    click_row(qtbot, opened, row)
    warning = opened.details.warning_label
    assert warning.isVisible()
    assert warning.text() == "⚠ Resolved before detected — from the source data"
    assert opened.details.values["Time to resolve"].text() == "20m"

    click_row(qtbot, opened, row_of(opened, "INC-102"))
    assert not warning.isVisible()
    assert opened.details.values["Notes"].text() == "External cause (third party)"
    assert opened.details.values["Notes"].isVisible()


def test_opening_a_garbage_file_reports_it_and_keeps_the_open_database(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database")
    monkeypatch.setattr(opened.files, "ask_open_path", lambda: garbage)
    activate(qtbot, opened)

    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        qtbot.keyClick(opened, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)

    [box] = visible_boxes(opened)
    assert box.icon() == QMessageBox.Icon.Warning
    assert "garbage.db" in box.text()
    assert "not an irdesk database" in box.text()
    assert "incidents.db stays open." in box.informativeText()
    assert opened.db is not None
    assert opened.db.path == incident_file.path.resolve()
    assert opened.incident_model.rowCount() == 5
    assert opened.path_label.text() == str(incident_file.path.resolve())
    assert garbage.read_bytes() == b"not a database"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("garbage")) == [
        "garbage.db"
    ]
    box.button(QMessageBox.StandardButton.Ok).click()
    assert not visible_boxes(opened)


def test_an_upgrade_backup_is_reported(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upgrade itself is storage's business; the window must tell the user about it."""
    path = write_incidents(tmp_path / "old.db").path
    backup = tmp_path / "old.db.backup-0001-20261014T093200Z"
    real_open = open_database

    def upgrading_open(*args: object, on_backup: Callable[[Path], None], **kwargs: object):
        on_backup(backup)
        db = real_open(*args, **kwargs)
        db.backup_made = backup
        return db

    monkeypatch.setattr("irdesk.gui.database_files.open_database_file", upgrading_open)
    progress: list[str] = []
    window.tasks.progress.connect(progress.append)
    open_and_wait(qtbot, window, path)

    assert window.statusBar().currentMessage() == (
        f"Upgraded old.db to the current schema; backup saved as {backup.name}"
    )
    assert f"Upgrading old.db (backup saved as {backup.name})…" in progress


def test_opening_an_older_file_shows_the_upgrades_steps_in_a_dialog(
    qtbot: QtBot, opened: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/work/shared/data/pagerduty_incidents_page.json imported, then taken back to schema
    revision 0026: File › Open… shows the steps `irdesk db upgrade` prints on a terminal,
    in a dialog over the window, which goes once the file is open and upgraded."""
    import subprocess
    import sys

    from alembic import command
    from sqlalchemy import create_engine
    from testdata import SHARED_DATA

    from irdesk.storage import schema
    from irdesk.storage.inspection import inspect_file

    old = tmp_path / "old.db"
    sample = SHARED_DATA / "pagerduty_incidents_page.json"
    done = subprocess.run(
        [sys.executable, "-m", "irdesk", "import", str(sample), "--db", str(old)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    engine = create_engine(f"sqlite:///{old}")
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0026")
    engine.dispose()
    shown: list[str] = []
    modal: list[bool] = []

    def seen(_path: object, _progress: object) -> None:
        dialog = opened.files.upgrade_dialog
        assert dialog is not None and dialog.isVisible()
        shown.append(dialog.step_label.text())
        modal.append(dialog.isModal() or dialog.windowModality() != Qt.WindowModality.NonModal)

    opened.files._upgrading.connect(seen)  # after the dialog's own slot: it shows it first
    monkeypatch.setattr(opened.files, "ask_open_path", lambda: old)
    activate(qtbot, opened)
    with qtbot.waitSignal(opened.tasks.idle, timeout=30_000):
        qtbot.keyClick(opened, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)

    copying = [text for text in shown if text.startswith("Backup copy: ")]
    after = schema.known_revisions()[schema.known_revisions().index("0026") + 1 :]
    stepping = shown[1 + len(copying) : -1]
    assert shown == ["Checking the file for damage", *copying, *stepping, "Done"]
    # The first three after 0026, as they chain; every later one follows them.
    assert stepping[:3] == [
        f"Step 1 of {len(after)}: leave",
        f"Step 2 of {len(after)}: change notices",
        f"Step 3 of {len(after)}: metric read indexes",
    ]
    assert len(stepping) == len(after)
    total = copying[-1].rsplit(" of ", 1)[1]
    assert copying[0] == f"Backup copy: 0.0 MB of {total}"
    assert copying[-1] == f"Backup copy: {total} of {total}"
    assert all(modal)
    assert opened.files.upgrade_dialog is None
    assert not [d for d in opened.findChildren(QDialog) if d.isVisible()]
    assert inspect_file(old).revision == schema.head_revision()
    assert "PGW5XNE" in shown_column(opened, COL_ID)


def test_a_missing_file_is_not_created_by_open(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    missing = tmp_path / "typo.db"
    open_and_wait(qtbot, window, missing)
    [box] = visible_boxes(window)
    assert "typo.db" in box.text()
    assert "does not exist" in box.text()
    assert not missing.exists()
    assert window.db is None


def test_new_creates_an_empty_database_and_never_replaces_a_file(
    qtbot: QtBot,
    opened: MainWindow,
    incident_file: IncidentFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    activate(qtbot, opened)
    monkeypatch.setattr(opened.files, "ask_new_path", lambda: incident_file.path)
    before = incident_file.path.read_bytes()
    qtbot.keyClick(opened, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    [box] = visible_boxes(opened)
    assert "already exists" in box.text()
    assert incident_file.path.read_bytes() == before
    box.close()

    monkeypatch.setattr(opened.files, "ask_new_path", lambda: tmp_path / "fresh")
    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        qtbot.keyClick(opened, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened.db is not None
    assert opened.db.path == (tmp_path / "fresh.db").resolve()
    assert opened.incident_model.rowCount() == 0
    assert opened.count_label.text() == "0 incidents"
    # A real irdesk file: it opens without being created again.
    open_database(tmp_path / "fresh.db", create=False).close()


def choose_from_open_recent(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """Alt+F, R, then `key`: the File menu walked with the keyboard."""
    choose_from_menu(qtbot, window, Qt.Key.Key_F, Qt.Key.Key_R)
    qtbot.waitUntil(window.files.recent_menu.isVisible, timeout=2000)
    qtbot.keyClick(window.files.recent_menu, key)


def recent_entries(window: MainWindow) -> list[QAction]:
    return [action for action in window.files.recent_menu.actions() if action.data()]


def test_open_recent_lists_opened_files_most_recent_first(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile, tmp_path: Path
) -> None:
    other = write_incidents(tmp_path / "other.db").path
    open_and_wait(qtbot, opened, other)
    assert opened.db is not None
    assert opened.db.path == other.resolve()

    def names() -> list[str]:
        return [a.text().split("  ")[1] for a in recent_entries(opened)]

    assert names() == ["other.db", "incidents.db"]
    assert all(a.isEnabled() for a in recent_entries(opened))
    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        choose_from_open_recent(qtbot, opened, Qt.Key.Key_2)
    assert not opened.files.recent_menu.isVisible()
    assert opened.db is not None
    assert opened.db.path == incident_file.path.resolve()
    assert names() == ["incidents.db", "other.db"]


def test_open_recent_greys_out_missing_files_and_can_be_cleared(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile, tmp_path: Path
) -> None:
    other = write_incidents(tmp_path / "other.db").path
    open_and_wait(qtbot, opened, other)
    open_and_wait(qtbot, opened, incident_file.path)
    other.unlink()

    choose_from_open_recent(qtbot, opened, Qt.Key.Key_2)  # disabled: nothing happens
    greyed = recent_entries(opened)[1]
    assert greyed.data() == str(other.resolve())
    assert not greyed.isEnabled()
    assert greyed.text().endswith("(not found)")
    assert not opened.tasks.busy
    assert not visible_boxes(opened)
    qtbot.keyClick(opened.files.recent_menu, Qt.Key.Key_Escape)

    # Deleted after the menu was built, then chosen: say so and forget it.
    opened.files.open_recent(other.resolve())
    [box] = visible_boxes(opened)
    assert "other.db" in box.text()
    assert "no longer there" in box.text()
    assert [a.data() for a in recent_entries(opened)] == [str(incident_file.path.resolve())]
    box.close()

    choose_from_open_recent(qtbot, opened, Qt.Key.Key_C)  # "Clear list"
    assert opened.files.recent.paths() == []
    assert recent_entries(opened) == []


def test_recent_list_keeps_the_last_eight_and_survives_a_restart(
    qtbot: QtBot, make_window: Callable[..., MainWindow], settings_path: Path, tmp_path: Path
) -> None:
    first = make_window()
    paths = [tmp_path / f"db{n}.db" for n in range(10)]
    for path in paths:
        first.files.recent.add(path)
    first.files.recent.add(paths[3])  # again: moves to the top, no duplicate
    first.close()

    second = make_window(QSettings(str(settings_path), QSettings.Format.IniFormat))
    expected = [paths[3], paths[9], paths[8], paths[7], paths[6], paths[5], paths[4], paths[2]]
    assert second.files.recent.paths() == [p.resolve() for p in expected]


def test_geometry_and_splitter_survive_a_restart(
    make_window: Callable[..., MainWindow], gui_settings: QSettings, settings_path: Path
) -> None:
    first = make_window()
    first.resize(760, 540)
    first.splitter.setSizes([250, 500])
    sizes = first.splitter.sizes()
    first.close()
    assert settings_path.exists()

    second = make_window(QSettings(str(settings_path), QSettings.Format.IniFormat))
    assert (second.width(), second.height()) == (760, 540)
    assert second.splitter.sizes() == sizes
    assert gui_settings.fileName() == str(settings_path)


def test_about_shows_versions_and_the_open_file(
    qtbot: QtBot, opened: MainWindow, incident_file: IncidentFile
) -> None:
    choose_from_menu(qtbot, opened, Qt.Key.Key_H, Qt.Key.Key_A)  # Help › About irdesk
    [box] = visible_boxes(opened)
    assert f"irdesk {__version__}" in box.text()
    details = box.informativeText()
    assert "PySide6 " in details
    assert "Python " in details
    assert str(incident_file.path.resolve()) in details


def test_busy_indicator_shows_while_work_runs(qtbot: QtBot, window: MainWindow) -> None:
    release = threading.Event()
    window.tasks.run(
        lambda report: release.wait(5),
        on_done=lambda _result: None,
        description="Crunching…",
    )
    qtbot.waitUntil(lambda: window.busy_indicator_visible, timeout=2000)
    assert window.busy_label.text() == "Crunching…"
    with qtbot.waitSignal(window.tasks.idle, timeout=5000):
        release.set()
    assert not window.busy_indicator_visible


def test_menus_use_standard_shortcuts(window: MainWindow) -> None:
    shortcut = {a.text(): a.shortcut().toString() for a in window.findChildren(QAction)}
    assert shortcut["&New…"] == "Ctrl+N"
    assert shortcut["&Open…"] == "Ctrl+O"
    assert shortcut["&Quit"] == "Ctrl+Q"
    assert shortcut["&Find"] == "Ctrl+F"


def test_help_menu_opens_each_guide_and_f1_the_facilitators(
    qtbot: QtBot, opened: MainWindow
) -> None:
    help_entries = [a.text() for a in opened.menus.help.actions() if not a.isSeparator()]
    assert help_entries[:2] == ["Facilitator's guide", "Manager's guide"]
    assert help_entries[-1] == "&About irdesk"
    activate(qtbot, opened)
    qtbot.keyClick(opened, Qt.Key.Key_F1)
    guide = opened.findChild(UserGuideDialog)
    assert guide is not None and guide.isVisible()
    assert guide.browser.document().firstBlock().text() == "Facilitator's guide"
    opened.guide_actions[-1].trigger()  # the command reference, in the same window
    assert opened.findChildren(UserGuideDialog) == [guide]
    assert "irdesk import" in guide.browser.toPlainText()


def test_ctrl_q_closes_the_window(qtbot: QtBot, opened: MainWindow) -> None:
    activate(qtbot, opened)
    qtbot.keyClick(opened, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not opened.isVisible()
    assert opened.tasks.active_thread_count() == 0


def test_hiding_the_details_pane(window: MainWindow) -> None:
    window.details_action.trigger()
    assert not window.details.isVisible()
    window.details_action.trigger()
    assert window.details.isVisible()


def test_alt_keys_of_menus_and_tabs_are_all_different(qtbot: QtBot, window: MainWindow) -> None:
    """Alt+letter opens one menu or one tab; two owners of a letter make it do neither well."""

    def mnemonic(text: str) -> str:
        text = text.replace("&&", "")
        assert "&" in text, f"{text!r} has no Alt key"
        return text[text.index("&") + 1].lower()

    menus = [mnemonic(action.text()) for action in window.menuBar().actions()]
    tabs = [mnemonic(window.incident_tabs.tabText(i)) for i in range(window.incident_tabs.count())]
    assert len(menus + tabs) == len(set(menus + tabs)), (menus, tabs)
    assert [window.incident_tabs.tabText(i).replace("&", "") for i in range(len(tabs))] == [
        "Overview",
        "Timeline",
        "Escalation",
        "Review",
    ]

    # No button or field label of a tab takes a letter the menus or tabs own, and no two
    # on one tab share one.
    taken = set(menus + tabs)
    for page in range(window.incident_tabs.count()):
        widget = window.incident_tabs.widget(page)
        texts = [button.text() for button in widget.findChildren(QAbstractButton)]
        texts += [label.text() for label in widget.findChildren(QLabel) if label.buddy()]
        letters = []
        for text in texts:
            if "&" in text.replace("&&", ""):
                letters.append(mnemonic(text))
                assert letters[-1] not in taken, (text, menus, tabs)
        assert len(letters) == len(set(letters)), (window.incident_tabs.tabText(page), texts)

    # Alt+R brings the Review tab forward; Alt+T opens Tools, not a tab.
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert window.incident_tabs.currentWidget() is window.review_tab


def test_an_upgrade_without_room_for_its_backup_says_so_and_changes_nothing(
    qtbot: QtBot,
    opened: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from sqlalchemy import create_engine

    from irdesk.storage import database as storage_database
    from irdesk.storage import schema

    old = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{old}")
    with engine.begin() as conn:
        schema.upgrade(conn, schema.known_revisions()[0])
    engine.dispose()
    before = old.read_bytes()
    monkeypatch.setattr(
        storage_database.shutil, "disk_usage", lambda _p: SimpleNamespace(total=0, used=0, free=0)
    )
    monkeypatch.setattr(opened.files, "ask_open_path", lambda: old)
    activate(qtbot, opened)

    with qtbot.waitSignal(opened.tasks.idle, timeout=5000):
        qtbot.keyClick(opened, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)

    [box] = visible_boxes(opened)
    size = old.stat().st_size / 1_000_000
    # The command line's sentence, in the window's two parts: what happened, what to do.
    assert box.text() == (
        f"“old.db” was not upgraded: its backup needs {size:.1f} MB and the folder has 0.0 MB free;"
    )
    assert box.informativeText().startswith("free some space and try again (nothing was changed).")
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "old.db" in p.name) == ["old.db"]
    box.button(QMessageBox.StandardButton.Ok).click()


def test_a_narrow_list_keeps_titles_readable_and_scrolls_the_other_columns(
    qtbot: QtBot, opened: MainWindow
) -> None:
    header = opened.table.horizontalHeader()
    opened.resize(1000, 700)
    qtbot.waitUntil(lambda: opened.table.viewport().width() < 500, timeout=2000)
    qtbot.waitUntil(
        lambda: header.sectionSize(COL_TITLE) >= opened.incident_list.title_minimum, timeout=2000
    )
    assert opened.table.horizontalScrollBar().maximum() > 0  # the rest is a scroll away
    opened.resize(1900, 1000)
    qtbot.waitUntil(
        lambda: header.sectionResizeMode(COL_TITLE) == QHeaderView.ResizeMode.Stretch,
        timeout=2000,
    )
    assert header.sectionSize(COL_TITLE) >= opened.incident_list.title_minimum
