"""How the Review tab's widgets reach storage: small functions run on the worker thread."""

from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session

from irdesk.domain.models import ActionItem, FeedbackNote, Finding, Review
from irdesk.storage.database import Database
from irdesk.storage.records.revisions import current_revision

T = TypeVar("T")

MODELS: dict[str, Any] = {
    "review": Review,
    "finding": Finding,
    "action": ActionItem,
    "note": FeedbackNote,
}
WHAT = {
    "review": "The review",
    "finding": "This finding",
    "action": "This action item",
    "note": "This feedback note",
}


def in_transaction(fn: Callable[[Session], T]) -> Callable[[Database], T]:
    def work(db: Database) -> T:
        with db.transaction() as session:
            return fn(session)

    return work


def revision_now(db: Database, record: tuple[str, int]) -> int | None:
    kind, record_id = record
    with db.session() as session:
        return current_revision(session, MODELS[kind], record_id)
