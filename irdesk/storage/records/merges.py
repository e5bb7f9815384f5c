"""Linking incidents by hand: the same outage, seen by two tools, becomes one timeline.

Imports link incidents whose source data names each other (how="reference");
a facilitator links the rest here (how="manual") and can undo either kind. An
unlink is remembered (how="unlinked"), so re-importing the files that linked the
pair leaves them apart. Each change is written to the audit log in the caller's
transaction.

Links are one level deep: an incident merged into another is shown only through
that one (queries.list_incidents, queries.timeline), so these functions never
build a chain. Linking into an incident that is itself merged links into the
incident it is merged into; an incident that others are merged into cannot
itself be linked (that would hide them twice over) until they are unlinked.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from irdesk.domain.enums import MERGE_MANUAL, MERGE_REFERENCE, MERGE_UNLINKED
from irdesk.domain.models import (
    Incident,
    IncidentMerge,
    stored_id,
)
from irdesk.domain.utc import utc_now
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry

MANUAL = MERGE_MANUAL
REFERENCE = MERGE_REFERENCE
# A chain longer than this is a damaged file, not something a user made.
_MAX_DEPTH = 64


@dataclass(frozen=True)
class LinkedIncident:
    """One incident merged into another, as the details pane lists it."""

    id: int
    label: str  # "jira:OPS-7"
    title: str
    how: str  # REFERENCE (found in the source data) or MANUAL
    evidence: str | None  # the reference that linked them, for REFERENCE

    @property
    def found_in_source(self) -> bool:
        return self.how == REFERENCE


def label(incident: Incident) -> str:
    """'jira:OPS-7': how an incident is named in messages and the audit log."""
    return f"{incident.source}:{incident.external_id}"


def label_of(session: Session, incident_id: int) -> str:
    """The label of incident `incident_id`, or 'incident 12' if it is gone."""
    incident = session.get(Incident, incident_id)
    return label(incident) if incident is not None else f"incident {incident_id}"


def _incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise EditRefused(f"incident {incident_id} does not exist")
    return incident


def merge_of(session: Session, incident_id: int) -> IncidentMerge | None:
    """The link that merges `incident_id` into another incident, if there is one."""
    merge = session.get(IncidentMerge, incident_id)
    return None if merge is None or merge.how == MERGE_UNLINKED else merge


def linked_into(session: Session, into_id: int) -> list[LinkedIncident]:
    """The incidents merged into `into_id`, by source and id."""
    statement = (
        select(IncidentMerge, Incident)
        .join(Incident, col(Incident.id) == col(IncidentMerge.incident_id))
        .where(IncidentMerge.into_id == into_id, IncidentMerge.how != MERGE_UNLINKED)
        .order_by(col(Incident.source), col(Incident.external_id))
    )
    return [
        LinkedIncident(
            id=stored_id(incident.id),
            label=label(incident),
            title=incident.title,
            how=merge.how,
            evidence=merge.evidence,
        )
        for merge, incident in session.exec(statement)
    ]


def _final_target(session: Session, incident_id: int, into_id: int) -> int:
    """`into_id`, or the incident it is merged into; EditRefused for a cycle."""
    seen = {into_id}
    target = into_id
    for _ in range(_MAX_DEPTH):
        merge = merge_of(session, target)
        if merge is None:
            return target
        target = merge.into_id
        if target == incident_id or target in seen:
            into = _incident(session, into_id)
            raise EditRefused(
                f"{label(into)} is already linked into "
                f"{label(_incident(session, incident_id))}; linking back would make a cycle"
            )
        seen.add(target)
    raise EditRefused(f"the links from incident {into_id} go on too long; the file may be damaged")


def link_incidents(
    session: Session,
    incident_id: int,
    into_id: int,
    *,
    actor: str,
    how: str = MANUAL,
    evidence: str | None = None,
) -> IncidentMerge:
    """Merge `incident_id` into `into_id`: its events join that timeline, its row goes.

    If `into_id` is itself merged into another incident, the link goes to that one
    (the merge returned says which). EditRefused, with a message for the user, for a
    link to itself, a cycle, an incident already linked elsewhere, or an incident
    that others are linked into. `how` and `evidence` are for undoing an unlink.
    """
    if how not in (MANUAL, REFERENCE):
        raise ValueError(f"how must be {MANUAL!r} or {REFERENCE!r}, not {how!r}")
    incident = _incident(session, incident_id)
    _incident(session, into_id)
    if incident_id == into_id:
        raise EditRefused(f"{label(incident)} cannot be linked to itself")
    existing = merge_of(session, incident_id)
    if existing is not None:
        current = _incident(session, existing.into_id)
        raise EditRefused(
            f"{label(incident)} is already linked into {label(current)}; unlink it first"
        )
    target_id = _final_target(session, incident_id, into_id)
    joined = linked_into(session, incident_id)
    if joined:
        names = ", ".join(item.label for item in joined)
        raise EditRefused(
            f"{names} {'is' if len(joined) == 1 else 'are'} linked into {label(incident)}; "
            f"link the other way round (into {label(incident)}), or unlink "
            f"{'it' if len(joined) == 1 else 'them'} first"
        )
    target = _incident(session, target_id)
    # A pair unlinked earlier keeps its row (so imports leave it unlinked): reuse it.
    merge = session.get(IncidentMerge, incident_id)
    if merge is None:
        merge = IncidentMerge(incident_id=incident_id, into_id=target_id, how=how)
    merge.into_id = target_id
    merge.how = how
    merge.evidence = evidence
    merge.created_at = utc_now()
    session.add(merge)
    detail: dict[str, object] = {
        "incident": label(incident),
        "into_id": target_id,
        "into": label(target),
        "how": how,
    }
    if evidence is not None:
        detail["evidence"] = evidence
    if target_id != into_id:
        detail["requested_into_id"] = into_id
    append_entry(
        session,
        actor=actor,
        action="link_incident",
        entity="incident",
        entity_id=incident_id,
        detail=detail,
    )
    session.flush()
    return merge


def unlink_incident(session: Session, incident_id: int, *, actor: str) -> bool:
    """Show `incident_id` on its own again. False if it was not linked into any incident."""
    incident = _incident(session, incident_id)
    merge = merge_of(session, incident_id)
    if merge is None:
        return False
    into = session.get(Incident, merge.into_id)
    detail: dict[str, object] = {
        "incident": label(incident),
        "into_id": merge.into_id,
        "into": label(into) if into is not None else None,
        "how": merge.how,
    }
    if merge.evidence is not None:
        detail["evidence"] = merge.evidence
    # Kept, marked: re-importing the files that linked them must not link them again.
    merge.how = MERGE_UNLINKED
    append_entry(
        session,
        actor=actor,
        action="unlink_incident",
        entity="incident",
        entity_id=incident_id,
        detail=detail,
    )
    session.flush()
    return True
