"""A team database tells every other connection what was edited, when it is committed."""

import select
from pathlib import Path

from team_clients import seeded_review, server_database

from irdesk.storage import notify
from irdesk.storage.database import open_database
from irdesk.storage.notify import Change
from irdesk.storage.records import database_edits, reviews


def heard(listener: notify.ChangeListener, count: int) -> list[Change]:
    """What the listener hears within a few seconds, waiting on its socket as a window does."""
    found: list[Change] = []
    for _ in range(25):
        if len(found) >= count:
            break
        select.select([listener.fileno()], [], [], 0.2)
        found += listener.changes()
    return found


def test_others_edits_arrive_at_commit_naming_their_incident(postgres_url: str) -> None:
    ids = seeded_review(postgres_url)
    mine, theirs = server_database(postgres_url), server_database(postgres_url)
    listener = notify.listen(mine)
    assert listener is not None
    try:
        with theirs.transaction() as session:
            reviews.set_summary(session, ids["review"], 0, "theirs", actor="Bo")
            assert heard(listener, 1) == []  # not committed yet: nothing to hear
        assert heard(listener, 1) == [Change("review", ids["review"], ids["incident"])]

        database_edits.delete_finding(theirs, ids["finding 2"], actor="Bo")
        assert heard(listener, 1) == [Change("finding", ids["finding 2"], ids["incident"])]

        # A change this Database made itself is not news to it; a rolled-back one is none.
        database_edits.set_finding_text(mine, ids["finding 1"], 0, "mine", actor="Ana")
        try:
            with theirs.transaction() as session:
                reviews.set_summary(session, ids["review"], 1, "undone", actor="Bo")
                raise RuntimeError("the writer gives up")
        except RuntimeError:
            pass
        database_edits.edit_action(theirs, ids["action 1"], 0, actor="Bo", title="theirs")
        assert heard(listener, 2) == [Change("action_item", ids["action 1"], ids["incident"])]
    finally:
        listener.close()
        mine.close()
        theirs.close()


def test_a_file_has_no_one_to_hear_from(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.db")
    try:
        assert notify.listen(db) is None
    finally:
        db.close()
