"""Render the Review tab with its findings panel to a PNG, the way the README shows it.

    QT_QPA_PLATFORM=offscreen python packaging/screenshot_findings.py OUT.png

It writes the demo organisation (fixed seed and anchor day) to a temporary
folder (or copies --db there), selects the SEV1 review that is still in review, opens the Review tab
and types a sentence into one finding the way a facilitator might, so that the
blameless check has something to flag, then saves `window.grab()`.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest

from irdesk.domain.enums import ReviewStatus, Severity
from irdesk.storage.database import open_database
from irdesk.storage.reads import queries

sys.path.insert(0, str(Path(__file__).parent))
from screenshot import (
    SIZE,
    demo_database,
    open_window,
    save_grab,
    select_incident,
    settle,
    wait_until_idle,
)

TYPED = " Kwame should have checked the index before the rollout; human error."
SPLIT = (36, 64)


def review_in_progress(db_path: Path) -> int | None:
    """The most severe incident whose review is still in review (ties: the newest)."""
    db = open_database(db_path, create=False)
    try:
        with db.session() as session:
            rows = [
                row
                for row in queries.list_incidents(session)
                if row.review_status == ReviewStatus.IN_REVIEW
            ]
    finally:
        db.close()
    rows.sort(key=lambda row: (row.severity or Severity.SEV5).rank)
    return rows[0].id if rows else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--db", type=Path, help="a copy of this database (default: the demo)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="irdesk-screenshot-") as scratch:
        db_path = Path(scratch) / "irdesk-demo.db"
        if args.db is not None:
            # A copy: the script types into a finding, which autosaves.
            shutil.copyfile(args.db, db_path)
        else:
            demo_database(Path(scratch))
        _app, window = open_window(db_path, Path(scratch))
        width = window.width()
        window.splitter.setSizes([width * SPLIT[0] // 100, width * SPLIT[1] // 100])

        incident_id = review_in_progress(db_path)
        if incident_id is None:
            raise SystemExit("screenshot: the demo has no review in progress")
        select_incident(window, incident_id)
        window.incident_tabs.setCurrentWidget(window.review_tab)
        wait_until_idle(window)

        findings = window.review_tab.findings
        if findings.model.rowCount() == 0:
            findings.add_finding()
            wait_until_idle(window)
        findings.table.selectRow(0)
        editor = findings.editor
        editor.setFocus()
        editor.moveCursor(editor.textCursor().MoveOperation.End)
        QTest.keyClicks(editor, TYPED)
        settle(600)
        wait_until_idle(window)
        if window.review_tab.flag_count() == 0:
            raise SystemExit("screenshot: the typed sentence raised no blame flag to show")

        save_grab(window, args.out)
        window.close()
    print(f"Wrote {args.out} ({SIZE[0]}×{SIZE[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
