"""Tickets marked in the import preview as no incidents, classified so in the import's
own transaction: the import and the marks commit together, or neither does.

The edit is the ordinary one (`records.classifications`, compare-and-set and audited),
made through an ORM session on the import's connection, so there is one way an
incident becomes "not an incident" whether the window's preview or Classify… says so.
"""

from collections.abc import Iterable

from sqlmodel import Session

from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.records import classifications


def mark_not_incidents(tx: ImportTransaction, incident_ids: Iterable[int], *, actor: str) -> int:
    """Classify each of `incident_ids` as not an incident; how many changed."""
    changed = 0
    # The session joins the import's transaction; it commits or rolls back with it.
    with Session(bind=tx.conn) as session:
        for incident_id in incident_ids:
            before, revision = classifications.classification_of(session, incident_id)
            done = classifications.set_classification(
                session, incident_id, revision, before.changed({"not_incident": True}), actor=actor
            )
            changed += done.changed
        session.flush()
    return changed
