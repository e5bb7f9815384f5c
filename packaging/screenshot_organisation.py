"""Render Tools › Organisation… to a PNG, showing a value's history on imported data.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_organisation.py OUT.png --db PATH
        [--service NAME] [--size WxH]

Works on a copy of `--db` (a database with a directory and incidents imported into it):
on the Services tab, the service (`--service`; by default the one with the most incidents)
gets a cost per minute typed from the first of the month before its first incident's, and
another from that incident's month, as a finance team would, so the form lists the
import's value and both typed ones. The window is grabbed with the cost's history shown.
`--size` shows it on a screen of that size (the window fits itself to it).
"""

import argparse
import shutil
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import (
    SIZE,
    offscreen_screen,
    open_window,
    save_grab,
    screen_size,
    settle,
    wait_until_idle,
)

from irdesk.gui.main_window import MainWindow
from irdesk.gui.organisation.window import EditForm, OrganisationWindow


def _type(window: MainWindow, form: EditForm, cost: str, day: QDate, why: str) -> None:
    editor = form.editors["cost_per_minute"]
    editor.setFocus()
    editor.selectAll()
    QTest.keyClicks(editor, cost)
    form.effective_edit.setDate(day)
    form.reason_edit.setText(why)
    QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(100)
    wait_until_idle(window)
    settle(200)


def _busiest_service(db: Path) -> str:
    import sqlite3

    with closing(sqlite3.connect(db)) as conn, conn:
        row = conn.execute(
            "SELECT s.name FROM incident i JOIN service s ON s.id = i.service_id"
            " GROUP BY s.id ORDER BY count(*) DESC, s.name LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit("screenshot: the database has no incident with a service")
    return str(row[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--service", default=None)
    parser.add_argument("--size", type=screen_size, default=SIZE, metavar="WxH")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        copy = Path(scratch) / "organisation.db"
        shutil.copyfile(args.db, copy)
        name = args.service or _busiest_service(copy)
        offscreen_screen(Path(scratch), args.size)
        _app, window = open_window(copy, Path(scratch), args.size)
        organisation = window.organisation.show_organisation()
        if not isinstance(organisation, OrganisationWindow):
            raise SystemExit("screenshot: the Organisation window did not open")
        wait_until_idle(window)
        settle(200)
        organisation.tabs.setCurrentIndex(3)
        pane = organisation.services
        pane.filter_edit.setText(name)
        pane.table.setCurrentIndex(pane.proxy.index(0, 0))
        settle(100)
        form = organisation.service_form
        first = _first_incident_day(copy, name)
        _type(window, form, "35", first.addMonths(-1), "the 2021 contract's figure")
        _type(window, form, "48", first, "finance: new SLA penalties")
        form.editors["cost_per_minute"].setFocus()
        settle(300)
        save_grab(organisation, args.out)
        organisation.close()
        window.close()
    print(f"Wrote {args.out} ({args.size[0]}×{args.size[1]})")
    return 0


def _first_incident_day(db: Path, service: str) -> QDate:
    """The first of the month of the service's first incident."""
    import sqlite3

    with closing(sqlite3.connect(db)) as conn, conn:
        (started,) = conn.execute(
            "SELECT min(i.started_at) FROM incident i JOIN service s ON s.id = i.service_id"
            " WHERE s.name = ?",
            (service,),
        ).fetchone()
    day = QDate.fromString(str(started)[:10], Qt.DateFormat.ISODate)
    return QDate(day.year(), day.month(), 1)


if __name__ == "__main__":
    sys.exit(main())
