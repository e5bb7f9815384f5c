"""Render Review › Themes… and a finding's contributing factors to PNGs, as the README
shows them.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_themes.py OUT_DIR [--size WxH]

It writes the demo organisation (fixed seed and anchor day) to a temporary folder,
confirms on every contributing factor and near miss the factors its words suggest (as a facilitator accepting
each suggestion would), then saves the Themes window over the demo's last quarter
(themes.png) and the Review tab of the open review with the most tagged findings
(findings-factors.png).
"""

import argparse
import os
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QDate

from irdesk.domain.enums import ReviewStatus
from irdesk.storage.database import open_database
from irdesk.storage.reads import queries
from irdesk.storage.reads.themes import COUNTED, read_finding_factors, tagged_findings
from irdesk.storage.records.database_edits import set_finding_factors

sys.path.insert(0, str(Path(__file__).parent))
from screenshot import (
    DEMO_ANCHOR,
    SIZE,
    demo_database,
    offscreen_screen,
    open_window,
    save_grab,
    screen_size,
    select_incident,
    settle,
    wait_until_idle,
)

QUARTER = 91


def confirm_suggestions(db_path: Path) -> int | None:
    """Every finding's suggested factors confirmed; the incident with most tagged findings."""
    from sqlmodel import select

    from irdesk.domain.models import Finding

    db = open_database(db_path, create=False)
    try:
        with db.session() as session:
            ids = [
                f.id
                for f in session.exec(select(Finding))
                if f.id is not None and f.category in COUNTED
            ]
        for finding_id in ids:
            shown = read_finding_factors(db, finding_id)
            chosen = tuple(s.factor for s in shown.suggestions)
            if chosen:
                set_finding_factors(
                    db, finding_id, chosen, shown.revision, taxonomy=shown.taxonomy, actor="demo"
                )
        from datetime import UTC, datetime

        with db.session() as session:
            found = tagged_findings(
                session, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
            )
    finally:
        db.close()
    counts = Counter(f.incident_id for f in found)
    # A review still open shows the controls as a facilitator uses them, not greyed out.
    db = open_database(db_path, create=False)
    try:
        with db.session() as session:
            open_reviews = {
                row.id
                for row in queries.list_incidents(session)
                if row.review_status in (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW)
            }
    finally:
        db.close()
    ranked = sorted(counts, key=lambda i: (i not in open_reviews, -counts[i]))
    return ranked[0] if ranked else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the PNGs into")
    parser.add_argument("--size", type=screen_size, default=SIZE, metavar="WxH")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        offscreen_screen(Path(scratch), args.size)
        db_path = demo_database(Path(scratch))
        richest = confirm_suggestions(db_path)
        _app, window = open_window(db_path, Path(scratch), args.size)

        if richest is not None:
            select_incident(window, richest)
            window.incident_tabs.setCurrentWidget(window.review_tab)
            wait_until_idle(window)
            settle(200)
            wait_until_idle(window)
            save_grab(window, args.out / "findings-factors.png")

        themes = window.review_tab.open_themes()
        assert themes is not None
        first = DEMO_ANCHOR - timedelta(days=QUARTER - 1)
        themes.first_edit.setDate(QDate(first.year, first.month, first.day))
        themes.last_edit.setDate(QDate(DEMO_ANCHOR.year, DEMO_ANCHOR.month, DEMO_ANCHOR.day))
        themes.reload()
        wait_until_idle(window)
        settle(200)
        save_grab(themes, args.out / "themes.png")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
