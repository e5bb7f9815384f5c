"""Render the first-start name prompt and a note's Readers dialog to two PNGs.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_readers.py NAME.png READERS.png \
        [--size 1280x800]

Makes a manager's identity and the demo organisation (fixed seed and anchor day) in a
temporary folder, with Priya Raghunathan (the demo's Checkout manager) and an HR
partner as published readers and an organisation recovery reader. Shows the name prompt
as the first start does, then unlocks the notes as the manager, writes a note about
Hannah Okafor (sealed by default to the author and her manager) and opens Readers….
The offscreen screen is `--size`, so the dialogs lay themselves out for that screen.
"""

import argparse
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import (
    DEMO_ANCHOR,
    offscreen_screen,
    open_window,
    save_grab,
    screen_size,
    settle,
    wait_until_idle,
)

PHRASE = b"screenshot manager phrase"
NOTE = "Rolled the canary back before anyone asked, and said so in the channel."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", type=Path, help="PNG of the name prompt")
    parser.add_argument("readers", type=Path, help="PNG of the Readers dialog")
    parser.add_argument("--size", type=screen_size, default=(1280, 800), metavar="WxH")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        folder = Path(scratch)
        offscreen_screen(folder, args.size)
        import os

        # The name is asked of whoever has not said it: nobody has, in this folder.
        os.environ["IRDESK_HOME"] = str(folder / "home")
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        from irdesk.demo.generator import DEFAULT_SEED, write_demo
        from irdesk.domain.enums import FeedbackKind
        from irdesk.reports.signing.identity import create_identity
        from irdesk.reports.signing.note_keys import create_note_key
        from irdesk.storage.database import open_database
        from irdesk.storage.records import database_edits
        from irdesk.storage.sealing import PublicReader, raw_public

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
        db_path = folder / "demo.db"
        write_demo(db_path, seed=DEFAULT_SEED, anchor=DEMO_ANCHOR)
        db = open_database(db_path)
        try:
            for name in ("Priya Raghunathan", "Harper HR", "Acme Recovery"):
                public = PublicReader(name, raw_public(X25519PrivateKey.generate().public_key()))
                database_edits.publish_reader(db, public, recovery=name == "Acme Recovery")
        finally:
            db.close()
        with closing(sqlite3.connect(db_path)) as conn:
            (hannah_id,) = conn.execute(
                "SELECT id FROM person WHERE name = 'Hannah Okafor'"
            ).fetchone()

        app, window = open_window(db_path, folder, args.size)
        window.showMaximized()
        wait_until_idle(window)
        name = window.ask_name(first_start=True)
        settle(300)
        save_grab(name, args.name)
        name.reject()

        from irdesk.gui.review.readers_dialog import ReadersDialog
        from irdesk.storage.reads.database_reads import note_reader_choice

        window.notes_session.unlock(identity, PHRASE)
        db, keyring = window.db, window.notes_session.keyring
        assert db is not None and keyring is not None
        # A note written as the window writes one: to the default readers.
        choice = note_reader_choice(db, hannah_id, keyring)
        row = database_edits.add_note(
            db,
            person_id=hannah_id,
            incident_id=None,
            kind=FeedbackKind.RECOGNITION,
            actor="Morgan Manager",
            keyring=keyring,
            text=NOTE,
            readers=choice.chosen,
        )
        choice = note_reader_choice(db, hannah_id, keyring)
        tags = {
            r.id: "their manager in the directory"
            for r in choice.readers
            if r.name in choice.keyed_managers
        }
        tags.update({r.id: "you" for r in choice.readers if r.fingerprint == keyring.fingerprint})
        dialog = ReadersDialog(
            about="Hannah Okafor",
            tags=tags,
            readers=choice.readers,
            ticked=row.reader_ids,
            fixed={r.id: "organisation recovery" for r in choice.readers if r.recovery},
            note="",
            parent=window,
        )
        dialog.open()
        settle(300)
        save_grab(dialog, args.readers)
        dialog.reject()
        window.close()
        del app
    print(f"Wrote {args.name} and {args.readers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
