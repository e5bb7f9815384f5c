"""Action items following their tickets, in the import's own transaction.

An action item names its ticket by `external_key` ("OPS-7", or the ticket's browse
URL). When an import holds that ticket, the item takes the ticket's status, done date
and assignee, each change audited and kept as a row of `action_item_change` (what,
before, after, the ticket's own who and when, who imported it, from which file).

The ticket as this import saw it is kept in `action_ticket`; a field changes only when
the ticket's value differs from the one seen last time, so a facilitator's edit after
an import stands until the ticket itself moves again, and importing the same file twice
changes nothing. Items of archived reviews no longer change, as for edits by hand.

This module finds the items with plain SQL; `ticket_edits` changes them through the
ORM, loaded only by an import that holds a ticket some item names.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from irdesk.domain.enums import ActionStatus, ReviewStatus
from irdesk.storage.bulk.batching import batches
from irdesk.storage.bulk.import_transaction import ImportTransaction

KEY_BATCH = 500


@dataclass(frozen=True)
class TicketUpdate:
    """What one ticket says now, for one action item that names it."""

    action_id: int
    ticket: str  # "jira:OPS-7"
    status: ActionStatus
    done_at: datetime | None  # when it was done; None unless status is done
    assignee_person_id: int | None
    changed_by: str | None
    changed_at: datetime | None
    file: str | None


def actions_naming(tx: ImportTransaction, names: Iterable[str]) -> dict[str, list[int]]:
    """Casefolded ticket name → the action items (of reviews not archived) whose external
    key is that name, compared without case."""
    wanted = sorted({name.casefold() for name in names if name})
    found: dict[str, list[int]] = {}
    for batch in batches(wanted, KEY_BATCH):
        marks = ",".join("?" * len(batch))
        rows = tx.conn.exec_driver_sql(
            "SELECT lower(a.external_key), a.id FROM action_item a"
            " JOIN review r ON r.id = a.review_id"
            f" WHERE lower(a.external_key) IN ({marks}) AND r.status <> ?"
            " ORDER BY a.id",
            (*batch, ReviewStatus.ARCHIVED.value),
        ).all()
        for key, action_id in rows:
            found.setdefault(str(key), []).append(int(action_id))
    return found
