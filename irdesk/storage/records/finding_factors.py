"""The contributing factors a facilitator confirmed on a finding, from the policy's
taxonomy. Its own row beside the finding, compare-and-set on its own revision (0 when
never set), audited under the finding; clearing keeps the row so the revision counts on.
"""

import json

from sqlmodel import Session, select

from irdesk.domain.models import Finding, FindingFactorsRow
from irdesk.domain.utc import utc_now
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import ConflictWording

WORDING = ConflictWording(
    changed="Someone else changed the factors of finding {id} meanwhile.",
    deleted="Finding {id} was deleted meanwhile.",
)


def factors_of(session: Session, finding_id: int) -> tuple[tuple[str, ...], int]:
    row = _row(session, finding_id)
    return (tuple(json.loads(row.factors_json)), row.revision) if row is not None else ((), 0)


def _row(session: Session, finding_id: int) -> FindingFactorsRow | None:
    return session.exec(
        select(FindingFactorsRow)
        .where(FindingFactorsRow.finding_id == finding_id)
        .execution_options(populate_existing=True)
    ).first()


def set_finding_factors(
    session: Session,
    finding_id: int,
    factors: tuple[str, ...],
    revision: int,
    *,
    taxonomy: tuple[str, ...],
    actor: str,
) -> int:
    """Confirm `factors` (empty clears) if they are still at `revision`; the new revision.

    Every factor must be one of `taxonomy` (the current policy's); the stored order is
    the taxonomy's, so the same choice is always stored the same way."""
    unknown = [f for f in factors if f not in taxonomy]
    if unknown:
        raise EditRefused(
            f"finding {finding_id}: factor {unknown[0]!r} is not in the policy's taxonomy "
            f"({', '.join(taxonomy)})"
        )
    if session.get(Finding, finding_id) is None:
        raise WORDING.conflict("finding", finding_id, deleted=True)
    row = _row(session, finding_id)
    current = row.revision if row is not None else 0
    if current != revision:
        raise WORDING.conflict("finding", finding_id, deleted=False)
    before = list(json.loads(row.factors_json)) if row is not None else []
    after = [f for f in taxonomy if f in factors]
    if before == after:
        return revision
    text = json.dumps(after, ensure_ascii=False)
    if row is None:
        row = FindingFactorsRow(finding_id=finding_id, factors_json=text, set_by=actor, revision=1)
    else:
        row.factors_json, row.set_by, row.set_at = text, actor, utc_now()
        row.revision = revision + 1
    session.add(row)
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="tag_finding_factors",
        entity="finding",
        entity_id=finding_id,
        detail={"from": before, "to": after},
    )
    return row.revision
