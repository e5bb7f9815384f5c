"""How the Review tab's widgets reach storage: small functions run on the worker thread.

A refusal (the rules do not allow it, another window deleted the record) is an
answer, not a crash: `guarded` turns it into `Refused` for the tab to show.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from irdesk.domain.models import ActionItem, FeedbackNote, Finding, Review
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict
from irdesk.storage.records.action_items import ActionRefused
from irdesk.storage.records.feedback import FeedbackRefused
from irdesk.storage.records.reviews import ReviewRefused
from irdesk.storage.records.revisions import current_revision

T = TypeVar("T")

REFUSALS = (ReviewRefused, ActionRefused, FeedbackRefused, EditConflict, LookupError)
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


@dataclass(frozen=True)
class Refused:
    message: str


def in_transaction(fn: Callable[[Session], T]) -> Callable[[Database], T]:
    def work(db: Database) -> T:
        with db.transaction() as session:
            return fn(session)

    return work


def guarded(work: Callable[[Database], T], db: Database) -> T | Refused:
    try:
        return work(db)
    except REFUSALS as exc:
        return Refused(str(exc))


def revision_now(db: Database, record: tuple[str, int]) -> int | None:
    kind, record_id = record
    with db.session() as session:
        return current_revision(session, MODELS[kind], record_id)
