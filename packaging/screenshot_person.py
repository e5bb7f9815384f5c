"""Render People › Person…, People › Team… or an incident's Escalation tab to a PNG.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_person.py OUT.png \
        (--db FILE | --samples) (--person NAME | --team NAME) --from DATE --to DATE \
        [--size 1280x800] [--tab KEY]
    QT_QPA_PLATFORM=offscreen python packaging/screenshot_person.py OUT.png \
        (--db FILE | --samples) --escalation ID [--size 1280x800]

Opens the database, shows the Person or Team window for the period asked (on the tab
asked), or the main window on the Escalation tab of the incident whose source ID is
given, at the screen size asked, and grabs it. The notes stay locked: nothing a reader
would need a key for is drawn.

--samples makes the database the tests use (tests/org_samples.py): the PagerDuty samples
of ../shared/data imported under a directory written around them (the org-data's users
and schedule, the sample's own teams, users and services, made-up zones, rates, pages,
an acknowledgement and escalation policies for its services), so that `make screenshot`
draws these views on imported data.
"""

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QWidget

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import (
    offscreen_screen,
    open_window,
    samples_database,
    save_grab,
    screen_size,
    select_incident,
    settle,
    wait_until_idle,
)

from irdesk.gui.main_window import MainWindow

SIZE = (1280, 800)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", type=Path)
    source.add_argument(
        "--samples", action="store_true", help="the shared samples under the tests' directory"
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--person")
    who.add_argument("--team")
    who.add_argument("--escalation", metavar="ID", help="an incident's source ID")
    parser.add_argument("--from", dest="first", type=date.fromisoformat)
    parser.add_argument("--to", dest="last", type=date.fromisoformat)
    parser.add_argument("--size", type=screen_size, default=SIZE)
    parser.add_argument("--tab", help="the tab to show (default: the first)")
    args = parser.parse_args(argv)
    if args.escalation is None and (args.first is None or args.last is None):
        parser.error("--person and --team need --from and --to")
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        folder = Path(scratch)
        db = args.db if args.db is not None else samples_database(folder)
        offscreen_screen(folder, args.size)
        _app, window = open_window(db, folder, args.size)
        if args.escalation is not None:
            shown: QWidget = _escalation(window, db, args.escalation)
        elif args.team is not None:
            shown = _team(window, args)
        else:
            shown = _person(window, args)
        settle(300)
        save_grab(shown, args.out)
        if shown is not window:
            shown.close()
        window.close()
    print(f"Wrote {args.out}")
    return 0


def _escalation(window: MainWindow, db: Path, external_id: str) -> QWidget:
    """The main window with the incident chosen and its Escalation tab shown."""
    from irdesk.storage.database import open_database
    from irdesk.storage.reads.packet_data import find_incident

    database = open_database(db)
    try:
        with database.session() as session:
            incident_id = find_incident(session, external_id)
    finally:
        database.close()
    select_incident(window, incident_id)
    panel = window.timeline.escalation
    window.incident_tabs.setCurrentWidget(panel)
    wait_until_idle(window)
    if panel.canvas is None:
        raise SystemExit(f"screenshot: no escalation policy is known for {external_id}")
    panel.table.setFocus()
    return window


def _person(window: MainWindow, args: argparse.Namespace) -> QWidget:
    person = window.people.show_person()
    if person is None:
        raise SystemExit("screenshot: the Person window did not open")
    wait_until_idle(window)
    person.show_person(args.person, args.first, args.last)
    wait_until_idle(window)
    if person.period is None:
        raise SystemExit(f"screenshot: no period for {args.person}")
    if args.tab:
        person.tabs.setCurrentIndex(list(person.models).index(args.tab))
    return person


def _team(window: MainWindow, args: argparse.Namespace) -> QWidget:
    team = window.people.show_team()
    if team is None:
        raise SystemExit("screenshot: the Team window did not open")
    wait_until_idle(window)
    team.team_combo.setCurrentText(args.team)
    team.from_edit.setDate(QDate(args.first.year, args.first.month, args.first.day))
    team.to_edit.setDate(QDate(args.last.year, args.last.month, args.last.day))
    team.reload()
    wait_until_idle(window)
    if team.picture is None:
        raise SystemExit(f"screenshot: no picture of {args.team}")
    if args.tab:
        team.tabs.setCurrentIndex(list(team.pages).index(args.tab))
    return team


if __name__ == "__main__":
    sys.exit(main())
