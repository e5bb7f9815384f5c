"""Where a finding says a delay came from: process gap, individual decision, tooling or
external. Its own row beside the finding, compare-and-set on its own revision (0 when
untagged), audited under the finding; clearing keeps the row so the revision counts on.
"""

from sqlmodel import Session, select

from irdesk.domain.enums import FindingTag
from irdesk.domain.models import Finding, FindingTagRow
from irdesk.domain.utc import utc_now
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import ConflictWording

WORDING = ConflictWording(
    changed="Someone else tagged finding {id} meanwhile.",
    deleted="Finding {id} was deleted meanwhile.",
)

TAG_LABELS = {
    FindingTag.PROCESS_GAP: "process gap",
    FindingTag.INDIVIDUAL_DECISION: "individual decision",
    FindingTag.TOOLING: "tooling",
    FindingTag.EXTERNAL: "external",
}


def tag_of(session: Session, finding_id: int) -> tuple[FindingTag | None, int]:
    row = _row(session, finding_id)
    return (row.tag, row.revision) if row is not None else (None, 0)


def _row(session: Session, finding_id: int) -> FindingTagRow | None:
    return session.exec(
        select(FindingTagRow)
        .where(FindingTagRow.finding_id == finding_id)
        .execution_options(populate_existing=True)
    ).first()


def set_finding_tag(
    session: Session, finding_id: int, tag: FindingTag | None, revision: int, *, actor: str
) -> int:
    """Tag the finding (None clears) if its tag is still at `revision`; the new revision."""
    if session.get(Finding, finding_id) is None:
        raise WORDING.conflict("finding", finding_id, deleted=True)
    row = _row(session, finding_id)
    current = row.revision if row is not None else 0
    if current != revision:
        raise WORDING.conflict("finding", finding_id, deleted=False)
    before = row.tag if row is not None else None
    if before == tag:
        return revision
    if row is None:
        row = FindingTagRow(finding_id=finding_id, tag=tag, set_by=actor, revision=1)
    else:
        row.tag, row.set_by, row.set_at, row.revision = tag, actor, utc_now(), revision + 1
    session.add(row)
    session.flush()
    append_entry(
        session,
        actor=actor,
        action="tag_finding",
        entity="finding",
        entity_id=finding_id,
        detail={"from": before.value if before else None, "to": tag.value if tag else None},
    )
    return row.revision
