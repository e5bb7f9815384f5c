"""Render Incident › Classify… to a PNG, on an incident imported from a real export.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_classify.py OUT.png --db PATH [--id ID]

Opens the window on `--db` (a database with imports in it), selects the incident
(`--id`, the ID the list shows; by default the first SEV1), opens the dialog from the
Incident menu and types a third party's outage into it, as a facilitator would, then
saves the dialog's grab. Nothing is written to the database: the dialog is closed
with Cancel.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import open_window, save_grab, settle, wait_until_idle

from irdesk.gui.common.incident_table_model import COL_TITLE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--id", default=None, help="the incident's ID as the list shows it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        _app, window = open_window(args.db, Path(scratch), (1280, 800))
        model = window.incident_model
        rows = model.every_listed_row()
        wanted = next(
            (r for r in rows if r.external_id == args.id)
            if args.id
            else (r for r in rows if r.severity is not None and r.severity.value == "SEV1"),
            rows[0],
        )
        row = model.row_of(wanted.id)
        assert row is not None
        index = model.index(row, COL_TITLE)
        window.table.setCurrentIndex(index)
        wait_until_idle(window)
        window.classifying.classify_action.trigger()
        settle(200)
        dialog = window.classifying.dialog
        if dialog is None:
            raise SystemExit("screenshot: the Classify dialog did not open")
        QTest.mouseClick(dialog.external_check, Qt.MouseButton.LeftButton)
        QTest.keyClicks(dialog.vendor_edit, "Microsoft 365")
        QTest.keyClicks(dialog.evidence_edit, "https://status.office365.com/")
        QTest.keyClicks(dialog.users_edit, "1200")
        settle(200)
        save_grab(dialog, args.out)
        dialog.reject()
        window.close()
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
