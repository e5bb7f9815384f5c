"""Compare-and-set edits: a write names the revision it was based on, or it is refused.

Two windows on one file each hold a copy of a record. Each write bumps the
row's `revision`; a write carrying an older revision than the row's means the
other window changed it first, and `EditConflict` says so instead of the later
write silently replacing the earlier one.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import update
from sqlmodel import Session, SQLModel

from irdesk.domain.utc import utc_now
from irdesk.storage.errors import EditConflict
from irdesk.storage.records.audit import append_entry

Row = TypeVar("Row", bound=SQLModel)


@dataclass(frozen=True)
class ConflictWording:
    """What a conflict says about one kind of record, for screens that show it as it is.

    Each template may name the record's id as ``{id}``.
    """

    changed: str
    deleted: str

    def conflict(self, entity: str, entity_id: int, *, deleted: bool) -> EditConflict:
        template = self.deleted if deleted else self.changed
        message = template.format(id=entity_id)
        return EditConflict(entity, entity_id, deleted=deleted, message=message)


def current_row(
    session: Session, model: type[Row], entity_id: int, *, wording: ConflictWording | None = None
) -> Row:
    """The row as the database holds it now (not as the session last saw it).

    EditConflict, in `wording` if given, when another window deleted it.
    """
    row = session.get(model, entity_id, populate_existing=True)
    if row is None:
        entity = str(model.__table__.name)  # type: ignore[attr-defined]  # see compare_and_set
        if wording is not None:
            raise wording.conflict(entity, entity_id, deleted=True)
        raise EditConflict(entity, entity_id, deleted=True)
    return row


def compare_and_set(
    session: Session,
    model: type[SQLModel],
    entity_id: int,
    revision: int,
    values: dict[str, Any],
    *,
    stamp: bool = True,
    wording: ConflictWording | None = None,
) -> int:
    """Write `values` if the row is still at `revision`; returns the new revision.

    `stamp` also sets the row's `updated_at`, if it has one. A refused write raises
    `EditConflict`, in `wording` if given.
    """
    # SQLModel sets __table__ on table classes only, so its type for SQLModel does not have it.
    table = model.__table__  # type: ignore[attr-defined]
    if stamp and "updated_at" in table.c:
        values = {**values, "updated_at": utc_now()}
    result = session.execute(
        update(table)
        .where(table.c.id == entity_id, table.c.revision == revision)
        .values(**values, revision=revision + 1)
    )
    # An UPDATE gives a CursorResult, which has rowcount; Session.execute is typed more broadly.
    if result.rowcount != 1:  # type: ignore[attr-defined]
        deleted = session.get(model, entity_id) is None
        entity = str(table.name)
        if wording is not None:
            raise wording.conflict(entity, entity_id, deleted=deleted)
        raise EditConflict(entity, entity_id, deleted=deleted)
    # The ORM may hold this row from earlier in the session; make it read the new values.
    cached = session.get(model, entity_id)
    if cached is not None:
        session.expire(cached)
    return revision + 1


def audited_edit(
    session: Session,
    model: type[SQLModel],
    entity_id: int,
    revision: int,
    values: dict[str, Any],
    *,
    actor: str,
    action: str,
    detail: dict[str, Any] | None = None,
    stamp: bool = True,
    wording: ConflictWording | None = None,
) -> int:
    """`compare_and_set`, and its audit entry in the same transaction; the new revision.

    The entry names the record by its table, so every edit of one record is found
    under the same entity in the audit log.
    """
    new_revision = compare_and_set(
        session, model, entity_id, revision, values, stamp=stamp, wording=wording
    )
    entity = str(model.__table__.name)  # type: ignore[attr-defined]  # as in compare_and_set
    append_entry(
        session, actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail
    )
    return new_revision


def current_revision(session: Session, model: type[SQLModel], entity_id: int) -> int | None:
    """The row's revision now, or None if it is gone: for 'keep mine' after a conflict."""
    row = session.get(model, entity_id)
    if row is None:
        return None
    session.refresh(row)
    # Every model passed here has a revision column; SQLModel, the type of `model`, does not.
    return int(row.revision)  # type: ignore[attr-defined]
