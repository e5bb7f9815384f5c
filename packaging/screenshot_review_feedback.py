"""Render Review › Review Health… and Review › Calibration… on the demo to PNGs.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_review_feedback.py \
        HEALTH.png CALIBRATION.png [--factors FACTORS.png] [--notes NOTES.png] \
        [--size 1280x800]

Writes the demo organisation (fixed seed and anchor day) in a temporary folder, then
has every attendee of its approved reviews answer the survey with made-up, fixed
scores (every third answer anonymous; one review's attendees all silent but one, so
a withheld group shows), records one calibration session that led to the current
policy version, and grabs both windows over the demo's year so far. With --factors
and --notes it also confirms the demo's suggested contributing factors (leaving some
out, some undecided) and grabs Calibration's factor-tagging tab, and its note-dimension
tab unlocked by a manager the demo's notes are sealed to.
"""

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import (
    DEMO_ANCHOR,
    SIZE,
    demo_database,
    offscreen_screen,
    open_window,
    save_grab,
    screen_size,
    settle,
    wait_until_idle,
)
from sqlmodel import col, select

from irdesk.demo.generator import DEFAULT_SEED, write_demo
from irdesk.domain.models import Review, ReviewAttendee, stored_id
from irdesk.reports.signing.identity import create_identity
from irdesk.reports.signing.note_keys import create_note_key, unlock
from irdesk.storage.database import open_database
from irdesk.storage.records.calibration_sessions import SessionDraft, record_session
from irdesk.storage.records.policies import current_policy, save_policy
from irdesk.storage.records.review_surveys import APPROVED, Answer, record_answers
from irdesk.storage.sealing import Keyring

FIRST = date(2026, 4, 1)
ACTOR = "Screenshot"


def add_feedback(db_path: Path) -> None:
    db = open_database(db_path, create=False)
    try:
        with db.session() as session:
            reviews = session.exec(
                select(Review.id)
                .where(col(Review.status).in_(APPROVED))
                .order_by(col(Review.approved_at))
            ).all()
            came = {
                rid: sorted(
                    session.exec(
                        select(ReviewAttendee.person_id).where(ReviewAttendee.review_id == rid)
                    ).all()
                )
                for rid in reviews
            }
        answers, n = [], 0
        for position, rid in enumerate(reviews):
            people = came[stored_id(rid)]
            # The third review hears from one attendee only: its group is withheld.
            for person in people[:1] if position == 2 else people:
                n += 1
                answers.append(
                    Answer(
                        review_id=stored_id(rid),
                        person_id=person,
                        useful=2 + (n * 7 + position) % 4,
                        safe=3 + (n * 5 + position) % 3,
                        hours=1.0 + (n % 4) * 0.5,
                        comment=None,
                        anonymous=n % 3 == 0,
                        answered_on=DEMO_ANCHOR,
                    )
                )
        record_answers(db, answers, actor=ACTOR)
        led_to = save_policy(
            db,
            current_policy(db).policy,
            note="Calibration: overriding a proposed tier names the rule it sets aside",
            author=ACTOR,
        )
        record_session(
            db,
            None,
            0,
            SessionDraft(
                held_on=DEMO_ANCHOR,
                period_from=FIRST,
                period_to=DEMO_ANCHOR,
                attendees=("Review owners", "Checkout", "Payments", "Discovery & Messaging"),
                discussed="Checkout overrides lightweight proposals more often than others",
                decisions="An override names the rule it sets aside",
                policy_version=led_to.version,
            ),
            actor=ACTOR,
        )
    finally:
        db.close()


PHRASE = b"screenshot manager phrase"


def tag_factors(db_path: Path) -> None:
    """Confirm the suggested factors of the approved reviews' findings, as facilitators
    would: every fifth finding left undecided, every third confirmed without its last
    suggestion, the rest as suggested."""
    from irdesk.domain.models import Finding
    from irdesk.storage.reads.themes import COUNTED, finding_factors_in
    from irdesk.storage.records.finding_factors import set_finding_factors

    db = open_database(db_path, create=False)
    try:
        with db.transaction() as session:
            findings = session.exec(
                select(Finding.id)
                .join(Review, col(Review.id) == col(Finding.review_id))
                .where(col(Review.status).in_(APPROVED), col(Finding.category).in_(COUNTED))
                .order_by(col(Finding.id))
            ).all()
            for n, finding_id in enumerate(findings, start=1):
                found = finding_factors_in(session, stored_id(finding_id))
                suggested = tuple(s.factor for s in found.suggestions)
                if n % 5 == 0:
                    continue
                chosen = suggested[:-1] if n % 3 == 0 else suggested
                set_finding_factors(
                    session,
                    stored_id(finding_id),
                    chosen,
                    found.revision,
                    taxonomy=found.taxonomy,
                    actor=ACTOR,
                )
    finally:
        db.close()


def note_dimensions(db_path: Path, keyring: Keyring) -> None:
    """Give the demo's notes the dimensions a manager would have named (the demo names
    none), and add two notes on approved reviews sealed to another reader only, so the
    window shows notes it counts and cannot read."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from irdesk.domain.enums import FeedbackKind, NoteDimension
    from irdesk.domain.models import FeedbackNote
    from irdesk.storage.records.feedback import add_note, edit_note

    dimensions = [d.value for d in NoteDimension]
    other = Keyring("Harper HR", X25519PrivateKey.generate())
    db = open_database(db_path, create=False)
    try:
        with db.transaction() as session:
            notes = session.exec(select(FeedbackNote).order_by(col(FeedbackNote.id))).all()
            for n, note in enumerate(notes):
                named = [dimensions[n % 4]] + ([dimensions[(n + 1) % 4]] if n % 3 == 0 else [])
                edit_note(
                    session,
                    stored_id(note.id),
                    note.revision,
                    actor=ACTOR,
                    keyring=keyring,
                    dimensions=named,
                )
            for note in notes[:2]:
                add_note(
                    session,
                    person_id=note.person_id,
                    incident_id=note.incident_id,
                    kind=FeedbackKind.GROWTH,
                    actor=ACTOR,
                    keyring=other,
                    text="Sealed to another reader",
                    dimensions=["procedure"],
                )
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("health", type=Path)
    parser.add_argument("calibration", type=Path)
    parser.add_argument("--factors", type=Path, metavar="PNG", help="the factor-tagging tab")
    parser.add_argument("--notes", type=Path, metavar="PNG", help="the note-dimension tab")
    parser.add_argument("--size", type=screen_size, default=SIZE, metavar="WxH")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        folder = Path(scratch)
        offscreen_screen(folder, args.size)
        identity = folder / "manager.p12"
        if args.notes is not None:
            create_identity(
                identity,
                name="Morgan Manager",
                role="Engineering Manager",
                organisation=None,
                email=None,
                passphrase=PHRASE,
            )
            create_note_key(identity, PHRASE)
            db_path = folder / "irdesk-demo.db"
            keyring = unlock(identity, PHRASE)
            write_demo(
                db_path, seed=DEFAULT_SEED, anchor=DEMO_ANCHOR, note_readers=[keyring.public]
            )
            note_dimensions(db_path, keyring)
        else:
            db_path = demo_database(folder)
        add_feedback(db_path)
        if args.factors is not None:
            tag_factors(db_path)
        _app, window = open_window(db_path, folder, args.size)
        window.review_feedback.today = lambda: DEMO_ANCHOR
        for opener, out in (
            (window.review_feedback.open_health, args.health),
            (window.review_feedback.open_calibration, args.calibration),
        ):
            shown = opener()
            if shown is None:
                raise SystemExit("screenshot: the window did not open")
            shown.first.setDate(FIRST)
            shown.reload()
            wait_until_idle(window)
            settle(300)
            save_grab(shown, out)
        calibration = window.review_feedback.calibration_window
        assert calibration is not None
        if args.factors is not None:
            calibration.tabs.setCurrentIndex(1)
            settle(300)
            save_grab(calibration, args.factors)
        if args.notes is not None:
            window.notes_session.unlock(identity, PHRASE)
            wait_until_idle(window)
            calibration.tabs.setCurrentIndex(2)
            settle(300)
            save_grab(calibration, args.notes)
        window.close()
    print(f"Wrote {args.health} and {args.calibration}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
