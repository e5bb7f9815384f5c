"""Render People › Person… for one person's period to a PNG.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_person.py OUT.png --db FILE \
        --person NAME --from DATE --to DATE [--size 1280x800] [--tab incidents]

Opens the database (say, incidents imported with their organisation directory), shows
the Person window for the period asked, on the tab asked, at the screen size asked, and
grabs it. The notes stay locked: nothing a reader would need a key for is drawn.
"""

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import (
    offscreen_screen,
    open_window,
    save_grab,
    screen_size,
    settle,
    wait_until_idle,
)

SIZE = (1280, 800)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--person", required=True)
    parser.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
    parser.add_argument("--to", dest="last", type=date.fromisoformat, required=True)
    parser.add_argument("--size", type=screen_size, default=SIZE)
    parser.add_argument("--tab", default="incidents")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        folder = Path(scratch)
        offscreen_screen(folder, args.size)
        _app, window = open_window(args.db, folder, args.size)
        person = window.people.show_person()
        if person is None:
            raise SystemExit("screenshot: the Person window did not open")
        wait_until_idle(window)
        person.show_person(args.person, args.first, args.last)
        wait_until_idle(window)
        if person.period is None:
            raise SystemExit(f"screenshot: no period for {args.person}")
        person.tabs.setCurrentIndex(list(person.models).index(args.tab))
        settle(300)
        save_grab(person, args.out)
        person.close()
        window.close()
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
