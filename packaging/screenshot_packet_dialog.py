"""Render Export › Review Packet… to a PNG, the way the README shows it.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_packet_dialog.py OUT.png

Writes the demo organisation (fixed seed and anchor day) into a temporary
folder, opens it, selects the SEV1/SEV2 incident with the richest timeline,
opens the packet dialog on the insurance profile, waits for its redaction
preview and saves the dialog's `grab()`. Nothing is exported.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import DEMO_ANCHOR, open_window, richest_severe_incident, wait_until_idle
from screenshot_import import settle

from irdesk.gui.incident_table_model import COL_TITLE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="PNG file to write")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        from irdesk.storage.demo import DEFAULT_SEED, write_demo

        db_path = Path(scratch) / "irdesk-demo.db"
        write_demo(db_path, seed=DEFAULT_SEED, anchor=DEMO_ANCHOR)
        _app, window = open_window(db_path, Path(scratch))
        incident_id = richest_severe_incident(db_path)
        assert incident_id is not None
        row = window.incident_model.row_of(incident_id)
        assert row is not None
        window.table.setCurrentIndex(
            window.proxy.mapFromSource(window.incident_model.index(row, COL_TITLE))
        )
        wait_until_idle(window)
        dialog = window.packet_actions.open_dialog()
        assert dialog is not None
        dialog.resize(720, 640)
        wait_until_idle(window)
        dialog.profile.setCurrentIndex(dialog.profile.findData("insurance"))
        dialog.sign.setChecked(True)
        dialog.identity.setText("~/keys/fatima.p12")
        wait_until_idle(window)
        settle()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if not dialog.grab().save(str(args.out)):
            raise SystemExit(f"screenshot: could not write {args.out}")
        dialog.close()
        window.close()
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
