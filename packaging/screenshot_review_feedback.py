"""Render Review › Review Health… and Review › Calibration… on the demo to two PNGs.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_review_feedback.py \
        HEALTH.png CALIBRATION.png [--size 1280x800]

Writes the demo organisation (fixed seed and anchor day) in a temporary folder, then
has every attendee of its approved reviews answer the survey with made-up, fixed
scores (every third answer anonymous; one review's attendees all silent but one, so
a withheld group shows), records one calibration session that led to the current
policy version, and grabs both windows over the demo's year so far.
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

from irdesk.domain.models import Review, ReviewAttendee, stored_id
from irdesk.storage.database import open_database
from irdesk.storage.records.calibration_sessions import SessionDraft, record_session
from irdesk.storage.records.policies import current_policy, save_policy
from irdesk.storage.records.review_surveys import APPROVED, Answer, record_answers

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("health", type=Path)
    parser.add_argument("calibration", type=Path)
    parser.add_argument("--size", type=screen_size, default=SIZE, metavar="WxH")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        folder = Path(scratch)
        offscreen_screen(folder, args.size)
        db_path = demo_database(folder)
        add_feedback(db_path)
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
        window.close()
    print(f"Wrote {args.health} and {args.calibration}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
