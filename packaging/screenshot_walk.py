"""Render walk mode and presenter mode to PNGs, the way the README shows them.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_walk.py OUT_DIR [--db PATH]

Without --db it writes the demo organisation (fixed seed and anchor day) into
a temporary folder. It opens the SEV1/SEV2 incident with the richest timeline
in the Timeline tab, walks to its first key moment (or a few events in) and saves
`walk-mode.png` (the main window) and `presenter-mode.png` (the presenter
window at projector size, 1920×1080). Window settings go to a temporary file,
never to the user's configuration.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import (
    demo_database,
    open_window,
    richest_severe_incident,
    save_grab,
    select_incident,
    settle,
)

PROJECTOR = (1920, 1080)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out_dir", type=Path, help="folder for walk-mode.png and presenter-mode.png"
    )
    parser.add_argument("--db", type=Path, help="database to show (default: the demo)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        db_path = args.db or demo_database(Path(scratch))
        _app, window = open_window(db_path, Path(scratch))  # the app lives until the grabs

        incident_id = richest_severe_incident(db_path)
        if incident_id is None:
            raise SystemExit("screenshot: the database has no SEV1/SEV2 incident")
        select_incident(window, incident_id)

        tab = window.timeline.tab
        window.incident_tabs.setCurrentWidget(tab)
        events = tab.model.events()
        key = next((n for n, e in enumerate(events) if e.is_key_moment), min(4, len(events) - 1))
        tab.move_to(key)
        window.timeline.toggle_walk()
        settle(80)
        walk_png = args.out_dir / "walk-mode.png"
        save_grab(window, walk_png)

        presenter = window.timeline.present()
        assert presenter is not None
        settle(80)  # let the platform finish showing it full screen
        # The offscreen screen is small; a projector is not: render at projector size.
        presenter.hide()
        presenter.setWindowState(Qt.WindowState.WindowNoState)
        presenter.resize(*PROJECTOR)
        presenter_png = args.out_dir / "presenter-mode.png"
        save_grab(presenter, presenter_png)
        presenter.close()
        window.close()
    print(f"Wrote {walk_png} and {presenter_png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
