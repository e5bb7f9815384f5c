"""Render the Feedback Notes window, locked and then unlocked, to two PNGs.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_notes.py LOCKED.png UNLOCKED.png

Makes a manager's identity and the demo organisation with its notes sealed to it
(fixed seed and anchor day) in a temporary folder, opens the incident with the most
notes, shows its Feedback Notes window as anyone who opens the file sees it (who has
notes about whom, when, and who may read them; never the words), unlocks it as the
manager would, and grabs it again.
"""

import argparse
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import DEMO_ANCHOR, open_window, save_grab, select_incident, settle, wait_until_idle

from irdesk.demo.generator import DEFAULT_SEED, write_demo
from irdesk.reports.signing.identity import create_identity
from irdesk.reports.signing.note_keys import create_note_key, unlock

PHRASE = b"screenshot manager phrase"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("locked", type=Path)
    parser.add_argument("unlocked", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        folder = Path(scratch)
        identity = folder / "manager.p12"
        create_identity(
            identity,
            name="Morgan Manager",
            role="Engineering Manager",
            organisation=None,
            email=None,
            passphrase=PHRASE,
        )
        create_note_key(identity, PHRASE)
        keyring = unlock(identity, PHRASE)
        db_path = folder / "demo.db"
        write_demo(db_path, seed=DEFAULT_SEED, anchor=DEMO_ANCHOR, note_readers=[keyring.public])
        with closing(sqlite3.connect(db_path)) as conn, conn:
            (incident_id,) = conn.execute(
                "SELECT incident_id FROM feedback_note WHERE incident_id IS NOT NULL"
                " GROUP BY incident_id ORDER BY count(*) DESC, incident_id LIMIT 1"
            ).fetchone()
        _app, window = open_window(db_path, folder, (1280, 800))
        select_incident(window, incident_id)
        window.incident_tabs.setCurrentWidget(window.review_tab)
        wait_until_idle(window)
        notes = window.review_tab.open_feedback()
        if notes is None:
            raise SystemExit("screenshot: the Feedback Notes window did not open")
        wait_until_idle(window)
        settle(300)
        save_grab(notes, args.locked)
        window.notes_session.unlock(identity, PHRASE)
        wait_until_idle(window)
        settle(300)
        save_grab(notes, args.unlocked)
        window.close()
    print(f"Wrote {args.locked} and {args.unlocked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
