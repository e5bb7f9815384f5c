"""Compare-and-set edits: a write names the revision it was based on, or it is refused.

Two windows on one file each hold a copy of a record. Each write bumps the
row's `revision`; a write carrying an older revision than the row's means the
other window changed it first, and `EditConflict` says so instead of the later
write silently replacing the earlier one.
"""

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel

from irdesk.domain.utc import utc_now


class EditConflict(Exception):
    """The record changed (or went) since the caller read it; nothing was written."""

    def __init__(self, entity: str, entity_id: int, *, deleted: bool = False) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.deleted = deleted
        what = "was deleted" if deleted else "was changed"
        super().__init__(f"{entity} {entity_id} {what} elsewhere (another window?)")


def compare_and_set(
    session: Session,
    model: type[SQLModel],
    entity_id: int,
    revision: int,
    values: dict[str, Any],
    *,
    stamp: bool = True,
) -> int:
    """Write `values` if the row is still at `revision`; returns the new revision."""
    table = model.__table__  # type: ignore[attr-defined]
    if stamp and "updated_at" in table.c:
        values = {**values, "updated_at": utc_now()}
    result = session.execute(
        update(table)
        .where(table.c.id == entity_id, table.c.revision == revision)
        .values(**values, revision=revision + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        exists = session.get(model, entity_id) is not None
        raise EditConflict(str(table.name), entity_id, deleted=not exists)
    # The ORM may hold this row from earlier in the session; make it read the new values.
    cached = session.get(model, entity_id)
    if cached is not None:
        session.expire(cached)
    return revision + 1


def current_revision(session: Session, model: type[SQLModel], entity_id: int) -> int | None:
    """The row's revision now, or None if it is gone: for 'keep mine' after a conflict."""
    row = session.get(model, entity_id)
    if row is None:
        return None
    session.refresh(row)
    return int(row.revision)  # type: ignore[attr-defined]
