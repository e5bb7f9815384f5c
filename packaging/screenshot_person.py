"""Render People › Person… (or People › Team…) for a period to a PNG.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_person.py OUT.png --db FILE \
        (--person NAME | --team NAME) --from DATE --to DATE [--size 1280x800] [--tab KEY]

Opens the database (say, incidents imported with their organisation directory), shows
the Person window for the period asked, on the tab asked, at the screen size asked, and
grabs it. The notes stay locked: nothing a reader would need a key for is drawn.
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
    save_grab,
    screen_size,
    settle,
    wait_until_idle,
)

from irdesk.gui.main_window import MainWindow

SIZE = (1280, 800)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--person")
    who.add_argument("--team")
    parser.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
    parser.add_argument("--to", dest="last", type=date.fromisoformat, required=True)
    parser.add_argument("--size", type=screen_size, default=SIZE)
    parser.add_argument("--tab", help="the tab to show (default: the first)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        folder = Path(scratch)
        offscreen_screen(folder, args.size)
        _app, window = open_window(args.db, folder, args.size)
        shown = _team(window, args) if args.team is not None else _person(window, args)
        settle(300)
        save_grab(shown, args.out)
        shown.close()
        window.close()
    print(f"Wrote {args.out}")
    return 0


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
