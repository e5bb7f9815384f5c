"""The Review tab shows what an action item's Jira ticket changed on re-import.

Sample: /work/shared/data/jira_search_with_changelog.json (UT-33: Done, resolution
Done, resolutiondate 2015-11-21T07:14:39-0500, last changed by its history's author).
The review is of the sample's UT-50; its one action item names UT-33.
"""

from datetime import UTC, date, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot
from review_driver import click_cell, open_review
from testdata import SHARED_DATA
from window_driver import open_and_wait

from irdesk.gui.common.formatting import local_time
from irdesk.gui.main_window import MainWindow
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import open_database
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.records import action_items, reviews

JIRA_JSON = SHARED_DATA / "jira_search_with_changelog.json"


def test_the_ticket_history_is_shown_with_the_item(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "jira.db"
    db = open_database(path, create=True)
    try:
        run_import(db, [JIRA_JSON])
        with db.transaction() as session:
            incident = find_incident(session, "jira:UT-50")
            review = reviews.create_review(session, incident, actor="ana", today=date(2016, 4, 1))
            assert review.id is not None
            item = action_items.add_action(session, review.id, actor="ana", title="Fix it")
            action_items.edit_action(
                session, item.id, item.revision, actor="ana", external_key="UT-33"
            )
        run_import(db, [JIRA_JSON])
    finally:
        db.close()
    open_and_wait(qtbot, window, path)
    tab = open_review(qtbot, window, "UT-50")
    panel = tab.actions
    click_cell(qtbot, panel.table, 0, 0)
    assert panel.status_combo.currentText().lower() == "done"
    label = panel.ticket_label
    assert label.isVisibleTo(tab)
    done_at = local_time(datetime(2015, 11, 21, 12, 14, 39, tzinfo=UTC))
    assert label.text().startswith("Follows jira:UT-33: 2 change(s) from its imports; latest: ")
    assert f"completed at — → {done_at}" in label.text()
    assert label.toolTip().splitlines()[0].startswith("status open → done (")
    assert "jira_search_with_changelog.json" in label.toolTip()
