"""A link or unlink made from the window, as one change that can be made again or undone.

Each function takes the open `Database` and writes in a transaction of its own
(through `merges`, which audits it), so the window can run it on a worker
thread. A refusal (a cycle, an incident already linked) comes back as an
answer with the reason, never as an exception: it is for the user to read.
"""

from dataclasses import dataclass, replace

from irdesk.storage.database import Database
from irdesk.storage.records import merges


@dataclass(frozen=True)
class MergeChange:
    """One link made (`linked`) or removed, with what doing the opposite needs."""

    incident_id: int
    into_id: int
    incident_label: str  # "jira:OPS-7"
    into_label: str
    linked: bool
    how: str = merges.MANUAL
    evidence: str | None = None

    def inverse(self) -> "MergeChange":
        return replace(self, linked=not self.linked)

    @property
    def text(self) -> str:
        """What the Edit menu's Undo and Redo say: 'Link jira:OPS-7 into pagerduty:P1'."""
        if self.linked:
            return f"Link {self.incident_label} into {self.into_label}"
        return f"Unlink {self.incident_label} from {self.into_label}"


@dataclass(frozen=True)
class MergeOutcome:
    """The change as made, or why it was refused."""

    change: MergeChange | None = None
    refused: str = ""


def link(
    db: Database,
    incident_id: int,
    into_id: int,
    *,
    actor: str,
    how: str = merges.MANUAL,
    evidence: str | None = None,
) -> MergeOutcome:
    """Link `incident_id` into `into_id`, or say why not."""
    try:
        with db.transaction() as session:
            merge = merges.link_incidents(
                session, incident_id, into_id, actor=actor, how=how, evidence=evidence
            )
            change = MergeChange(
                incident_id=incident_id,
                into_id=merge.into_id,
                incident_label=merges.label_of(session, incident_id),
                into_label=merges.label_of(session, merge.into_id),
                linked=True,
                how=merge.how,
                evidence=merge.evidence,
            )
    except ValueError as exc:
        return MergeOutcome(refused=str(exc))
    return MergeOutcome(change=change)


def unlink(db: Database, incident_id: int, *, actor: str) -> MergeOutcome:
    """Unlink `incident_id`, keeping how the link was made so that undo restores it."""
    try:
        with db.transaction() as session:
            merge = merges.merge_of(session, incident_id)
            if merge is None:
                return MergeOutcome(
                    refused=f"{merges.label_of(session, incident_id)} is not linked to another "
                    "incident any more."
                )
            change = MergeChange(
                incident_id=incident_id,
                into_id=merge.into_id,
                incident_label=merges.label_of(session, incident_id),
                into_label=merges.label_of(session, merge.into_id),
                linked=False,
                how=merge.how,
                evidence=merge.evidence,
            )
            merges.unlink_incident(session, incident_id, actor=actor)
    except ValueError as exc:
        return MergeOutcome(refused=str(exc))
    return MergeOutcome(change=change)


def apply(db: Database, change: MergeChange, *, actor: str) -> MergeOutcome:
    """Make `change` happen again (undo hands its inverse, redo the change itself)."""
    if change.linked:
        return link(
            db,
            change.incident_id,
            change.into_id,
            actor=actor,
            how=change.how,
            evidence=change.evidence,
        )
    return unlink(db, change.incident_id, actor=actor)
