"""Render the main window to a PNG, the way the README shows it.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot.py OUT.png [--db PATH]
        [--size WxH] [--dark]

Without --db it writes the demo organisation (fixed seed and anchor day, so
the picture is the same every time) into a temporary folder. It selects the
SEV1/SEV2 incident with the richest timeline, waits for the background loads,
and saves `window.grab()`. Window settings go to a temporary file, never to
the user's configuration. --size shows it on a screen of that size (the window
fits it, as it does on a projector); --dark in the dark palette irdesk uses when
the system asks for dark.
"""

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from irdesk.domain.enums import Severity
from irdesk.gui.app import add_shipped_fonts, window_icon
from irdesk.gui.common.colours import dark_palette, readable_palette
from irdesk.gui.common.incident_table_model import COL_TITLE
from irdesk.gui.main_window import MainWindow
from irdesk.storage.database import open_database
from irdesk.storage.reads import queries

SIZE = (1400, 850)
DEMO_ANCHOR = date(2026, 11, 2)
TIMEOUT_MS = 60_000


def wait_until_idle(window: MainWindow) -> None:
    if not window.tasks.busy:
        return
    loop = QEventLoop()
    window.tasks.idle.connect(loop.quit)
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    if window.tasks.busy:
        raise SystemExit("screenshot: the window did not finish loading in time")


def richest_severe_incident(db_path: Path) -> int | None:
    """The SEV1/SEV2 incident with the most timeline events (ties: the newest)."""
    db = open_database(db_path, create=False)
    try:
        with db.session() as session:
            severe = [
                row
                for row in queries.list_incidents(session)
                if row.severity in (Severity.SEV1, Severity.SEV2)
            ]
            counted = [(len(queries.timeline(session, row.id)), row) for row in severe]
    finally:
        db.close()
    if not counted:
        return None
    return max(counted, key=lambda pair: pair[0])[1].id


def screen_size(text: str) -> tuple[int, int]:
    """'1024x768' as (1024, 768), for --size."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT, e.g. 1024x768; found {text!r}"
        ) from None
    return width, height


def offscreen_screen(scratch: Path, size: tuple[int, int]) -> None:
    """Before the application exists: an offscreen screen of `size`, so that the window
    lays itself out for that screen (as on a projector) rather than for Qt's 800×600."""
    if QApplication.instance() is not None or os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        return
    config = scratch / "screens.json"
    screen = {"name": "screen", "x": 0, "y": 0, "width": size[0], "height": size[1]}
    config.write_text(json.dumps({"screens": [screen]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def settle(ms: int = 50) -> None:
    """Let layouts and the delayed widgets (timers of 0 ms) catch up before grabbing."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def demo_database(scratch: Path) -> Path:
    """The demo organisation (fixed seed and anchor day) written into `scratch`."""
    from irdesk.demo.generator import DEFAULT_SEED, write_demo

    db_path = scratch / "irdesk-demo.db"
    write_demo(db_path, seed=DEFAULT_SEED, anchor=DEMO_ANCHOR)
    return db_path


def samples_database(folder: Path) -> Path:
    """The tests' organisation around the shared PagerDuty samples (tests/org_samples.py:
    the org-data's users and schedule, the sample's own teams, users and services, made-up
    zones, rates, pages and escalation policies), imported into `folder`."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from org_samples import import_organisation

    samples = folder / "samples"
    samples.mkdir()
    db, _ = import_organisation(samples, escalations=True)
    return db


def select_incident(window: MainWindow, incident_id: int) -> None:
    """Select the incident in the list, scrolled into view, and wait for its panes."""
    row = window.incident_model.row_of(incident_id)
    assert row is not None
    index = window.incident_model.index(row, COL_TITLE)
    window.table.setCurrentIndex(index)
    window.table.scrollTo(index)
    wait_until_idle(window)


def save_grab(widget: QWidget, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(out)):
        raise SystemExit(f"screenshot: could not write {out}")


def open_window(
    db_path: Path, scratch: Path, size: tuple[int, int] = SIZE, *, dark: bool = False
) -> tuple[QApplication, MainWindow]:
    """The main window at `size` on `db_path`, loaded; settings kept in `scratch`."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if dark:
        app.setPalette(readable_palette(dark_palette()))
    else:
        app.setPalette(readable_palette(app.style().standardPalette()))
    icon = window_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    add_shipped_fonts()
    settings = QSettings(str(scratch / "irdesk.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.resize(*size)
    window.show()
    window.open_database(db_path)
    wait_until_idle(window)
    if window.db is None:
        raise SystemExit(f"screenshot: could not open {db_path}")
    return app, window


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--db", type=Path, help="database to show (default: the demo)")
    parser.add_argument(
        "--size", type=screen_size, default=SIZE, metavar="WxH", help="the window's size"
    )
    parser.add_argument("--dark", action="store_true", help="the dark palette")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        offscreen_screen(Path(scratch), args.size)
        db_path = args.db or demo_database(Path(scratch))
        # The app lives until the grab.
        _app, window = open_window(db_path, Path(scratch), args.size, dark=args.dark)

        incident_id = richest_severe_incident(db_path)
        if incident_id is not None:
            select_incident(window, incident_id)
        window.table.setFocus()
        save_grab(window, args.out)
        window.close()
    print(f"Wrote {args.out} ({args.size[0]}×{args.size[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
