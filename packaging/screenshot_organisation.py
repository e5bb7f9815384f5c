"""Render Tools › Organisation… to a PNG: a value's history, or a person's leave.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_organisation.py OUT.png --db PATH
        [--service NAME] [--size WxH]
    QT_QPA_PLATFORM=offscreen python packaging/screenshot_organisation.py OUT.png --samples
        --leave NAME [--size WxH]

Works on a copy of `--db` (a database with a directory and incidents imported into it):
on the Services tab, the service (`--service`; by default the one with the most incidents)
gets a cost per minute typed from the first of the month before its first incident's, and
another from that incident's month, as a finance team would, so the form lists the
import's value and both typed ones. The window is grabbed with the cost's history shown.
`--size` shows it on a screen of that size (the window fits itself to it).

With --leave, on the People tab the person (in the tests' directory around the shared
PagerDuty samples with --samples: tests/org_samples.py) gets two spans of leave typed in
the leave panel, as a manager would: a day of parental leave on 2021-05-04, the day her
teammate Hattie Hendricks was paged in her place, and a sabbatical from 2021-06-14 not
ended yet. The window is grabbed with both listed.
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
    samples_database,
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
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", type=Path)
    source.add_argument(
        "--samples", action="store_true", help="the shared samples under the tests' directory"
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--service", default=None)
    shown.add_argument("--leave", metavar="NAME", help="a person, whose leave is typed")
    parser.add_argument("--size", type=screen_size, default=SIZE, metavar="WxH")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        copy = Path(scratch) / "organisation.db"
        if args.samples:
            copy = samples_database(Path(scratch))
        else:
            shutil.copyfile(args.db, copy)
        offscreen_screen(Path(scratch), args.size)
        _app, window = open_window(copy, Path(scratch), args.size)
        organisation = window.organisation.show_organisation()
        if not isinstance(organisation, OrganisationWindow):
            raise SystemExit("screenshot: the Organisation window did not open")
        wait_until_idle(window)
        settle(200)
        if args.leave:
            _leave(window, organisation, args.leave)
            save_grab(organisation, args.out)
            organisation.close()
            window.close()
            print(f"Wrote {args.out} ({args.size[0]}×{args.size[1]})")
            return 0
        name = args.service or _busiest_service(copy)
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


def _leave(window: MainWindow, organisation: OrganisationWindow, person: str) -> None:
    organisation.tabs.setCurrentIndex(2)
    pane = organisation.people
    pane.filter_edit.setText(person)
    pane.table.setCurrentIndex(pane.proxy.index(0, 0))
    settle(100)
    wait_until_idle(window)
    panel = organisation.leave
    if panel.person is None or panel.person.name != person:
        raise SystemExit(f"screenshot: no person {person!r} in the directory")
    spans = (
        (QDate(2021, 5, 4), QDate(2021, 5, 4), "parental leave"),
        (QDate(2021, 6, 14), None, "sabbatical"),
    )
    for first, last, note in spans:
        panel.from_edit.setDate(first)
        panel.open_box.setChecked(last is None)
        if last is not None:
            panel.until_edit.setDate(last)
        panel.note_edit.setFocus()
        panel.note_edit.clear()
        QTest.keyClicks(panel.note_edit, note)
        QTest.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
        settle(100)
        wait_until_idle(window)
        settle(200)
    if panel.model.rowCount() != len(spans):
        raise SystemExit(f"screenshot: the leave panel lists {panel.model.rowCount()} spans")
    # The fields as a fresh entry shows them (one day), the list holding what was typed.
    panel.open_box.setChecked(False)
    panel.until_edit.setDate(panel.from_edit.date())
    panel.note_edit.clear()
    panel.table.setFocus()
    settle(300)


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
