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
from screenshot import (
    demo_database,
    open_window,
    richest_severe_incident,
    save_grab,
    select_incident,
    settle,
    wait_until_idle,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="PNG file to write")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        db_path = demo_database(Path(scratch))
        _app, window = open_window(db_path, Path(scratch))
        incident_id = richest_severe_incident(db_path)
        assert incident_id is not None
        select_incident(window, incident_id)
        dialog = window.packet_actions.open_dialog()
        assert dialog is not None
        dialog.resize(720, 640)
        wait_until_idle(window)
        dialog.profile.setCurrentIndex(dialog.profile.findData("insurance"))
        dialog.sign.setChecked(True)
        dialog.identity.setText("~/keys/fatima.p12")
        wait_until_idle(window)
        settle()
        save_grab(dialog, args.out)
        dialog.close()
        window.close()
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
