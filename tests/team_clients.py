"""A review on an upgraded team database, and Databases on it, for the many-clients tests.

Each Database is what one person's irdesk holds: its own engine, its own connections.
"""

from datetime import UTC, datetime
from pathlib import Path

from irdesk.domain.enums import FindingCategory
from irdesk.domain.models import Incident
from irdesk.storage import server
from irdesk.storage.database import Database
from irdesk.storage.records import database_edits


def server_database(url: str) -> Database:
    address = server.ServerAddress.parse(url)
    return Database(path=Path(address.shown), engine=address.engine())


def seeded_review(url: str) -> dict[str, int]:
    """Upgrade the server database at `url` and give it one incident (INC-1, 4 May 2026)
    with a review, two findings and two action items: their ids by name, each record at
    revision 0, as created."""
    server.upgrade(server.ServerAddress.parse(url))
    db = server_database(url)
    try:
        with db.transaction() as session:
            incident = Incident(
                source="pagerduty",
                external_id="INC-1",
                title="Checkout errors",
                started_at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
                resolved_at=datetime(2026, 5, 4, 10, 0, tzinfo=UTC),
            )
            session.add(incident)
            session.flush()
            assert incident.id is not None
            incident_id = incident.id
        review = database_edits.create_review(db, incident_id, actor="setup")
        ids = {"incident": incident_id, "review": review.id}
        for n in (1, 2):
            finding = database_edits.add_finding(
                db, review.id, FindingCategory.CONTRIBUTING_FACTOR, actor="setup", text=f"F{n}"
            )
            ids[f"finding {n}"] = finding.id
            ids[f"action {n}"] = database_edits.add_action(
                db, review.id, actor="setup", title=f"A{n}"
            ).id
        return ids
    finally:
        db.close()
