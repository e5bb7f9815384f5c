"""Render the import preview to a PNG, the way the README shows it.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_import.py OUT.png [--window]

Writes the demo organisation (fixed seed and anchor day) into a temporary
folder, opens it in the main window, starts File › Import for the shared
PagerDuty and Statuspage samples, waits for the preview (a dry run: nothing is
written) and saves the dialog's `grab()`; with --window, the window with the
dialog over it. Window settings go to a temporary file, never to the user's
configuration.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter, QPixmap

# The main window is set up as for the README's other picture.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import demo_database, open_window, settle, wait_until_idle

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SAMPLES = ("pagerduty_incidents_page.json", "statuspage_incident_github_2023.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument(
        "--data", type=Path, default=SHARED_DATA, help="folder holding the sample exports"
    )
    parser.add_argument(
        "--window", action="store_true", help="the whole window with the dialog over it"
    )
    args = parser.parse_args(argv)
    samples = [args.data / name for name in SAMPLES]
    missing = [str(p) for p in samples if not p.is_file()]
    if missing:
        raise SystemExit(f"screenshot: sample exports not found: {', '.join(missing)}")

    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        db_path = demo_database(Path(scratch))

        _app, window = open_window(db_path, Path(scratch))  # the app lives until the grab

        dialog = window.import_paths(samples)
        assert dialog is not None
        wait_until_idle(window)
        if dialog.report is None:
            raise SystemExit(f"screenshot: the preview failed: {dialog.headline.text()}")
        settle()

        args.out.parent.mkdir(parents=True, exist_ok=True)
        if args.window:
            picture = window.grab()
            painter = QPainter(picture)
            shot = dialog.grab()
            corner = QPoint(
                (picture.width() - shot.width()) // 2, (picture.height() - shot.height()) // 2
            )
            painter.drawPixmap(corner, shot)
            painter.end()
        else:
            picture = QPixmap(dialog.grab())
        if not picture.save(str(args.out)):
            raise SystemExit(f"screenshot: could not write {args.out}")
        size = (picture.width(), picture.height())
        window.close()
    print(f"Wrote {args.out} ({size[0]}×{size[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
