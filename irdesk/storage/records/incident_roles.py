"""People's parts in an incident: the roles an import found and the ones typed by hand.

A typed role is one row per person and incident, compare-and-set on its own revision
(0 when the person has none yet) and audited under the incident. Clearing it keeps the
row with no role, so its revision keeps counting and a window holding an older copy is
still refused. Imported rows are the import's (`storage/bulk/incident_roles`) and
never edited here; where a person has a typed role, it is the one shown.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from irdesk.domain.enums import ROLE_IMPORTED, ROLE_TYPED, IncidentRoleKind
from irdesk.domain.models import Incident, IncidentRole, Person, PersonKey, stored_id
from irdesk.domain.utc import utc_now
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import ConflictWording, compare_and_set

WORDING = ConflictWording(
    changed="Someone else changed this person's role in the incident meanwhile.",
    deleted="This person's role was removed meanwhile.",
)

ROLE_LABELS = {
    IncidentRoleKind.COMMANDER: "incident commander",
    IncidentRoleKind.RESPONDER: "responder",
    IncidentRoleKind.ONCALL_PRIMARY: "on-call primary",
    IncidentRoleKind.ONCALL_SECONDARY: "on-call secondary",
    IncidentRoleKind.TEAM_LEAD: "team lead",
    IncidentRoleKind.COMMUNICATIONS: "communications",
    IncidentRoleKind.SCRIBE: "scribe",
}


class RoleRefused(EditRefused):
    """A role edit the rules do not allow (an unknown person or role)."""


@dataclass(frozen=True)
class RoleRow:
    person_id: int
    person: str
    role: IncidentRoleKind
    source: str  # "import" or "typed"
    how: str | None
    set_by: str | None
    set_at: datetime
    # The typed row's revision for this person (0 when none), for the next typed edit.
    revision: int
    # An imported role of a person someone typed a role for: kept, but not the one shown.
    superseded: bool = False

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]


def parse_role(text: str) -> IncidentRoleKind:
    """A role as a person types it: its value, its label, or close ("on-call primary")."""
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"incident_commander": "commander", "ic": "commander", "lead": "team_lead"}
    wanted = aliases.get(wanted, wanted)
    for kind in IncidentRoleKind:
        if wanted in (kind.value, ROLE_LABELS[kind].replace(" ", "_").replace("-", "_")):
            return kind
    known = ", ".join(k.value for k in IncidentRoleKind)
    raise RoleRefused(f"no role {text!r}: one of {known}")


def find_person(session: Session, text: str) -> Person:
    """A person by name or email (case aside) or by a key a source knows them by."""
    wanted = text.strip()
    people = session.exec(
        select(Person).where(
            or_(
                func.lower(Person.name) == wanted.lower(),
                func.lower(col(Person.email)) == wanted.lower(),
            )
        )
    ).all()
    if not people:
        keyed = session.exec(select(PersonKey).where(PersonKey.key == wanted)).first()
        person = session.get(Person, keyed.person_id) if keyed else None
        if person is not None:
            return person
        raise RoleRefused(f"no person named {text!r} (a name, an email or a source's key)")
    if len(people) > 1:
        raise RoleRefused(f"{len(people)} people are named {text!r}; use an email")
    return people[0]


def roles_of(session: Session, incident_id: int) -> list[RoleRow]:
    """Every role in the incident, typed before imported, then by role and name."""
    rows = session.exec(
        select(IncidentRole, Person.name)
        .join(Person, col(Person.id) == IncidentRole.person_id)
        .where(IncidentRole.incident_id == incident_id)
    ).all()
    typed = {r.person_id: r for r, _ in rows if r.source == ROLE_TYPED}
    out = []
    for row, name in rows:
        if row.role is None:
            continue
        mine = typed.get(row.person_id)
        out.append(
            RoleRow(
                person_id=row.person_id,
                person=name,
                role=row.role,
                source=row.source,
                how=row.how,
                set_by=row.set_by,
                set_at=row.set_at,
                revision=mine.revision if mine is not None else 0,
                superseded=row.source == ROLE_IMPORTED
                and mine is not None
                and mine.role is not None,
            )
        )
    order = list(IncidentRoleKind)
    return sorted(
        out, key=lambda r: (r.superseded, r.source != ROLE_TYPED, order.index(r.role), r.person)
    )


def typed_revision(session: Session, incident_id: int, person_id: int) -> int:
    row = _typed(session, incident_id, person_id)
    return row.revision if row is not None else 0


def typed_revisions(session: Session, incident_id: int) -> dict[int, int]:
    """Each person's typed-role revision in the incident, cleared roles included."""
    rows = session.exec(
        select(IncidentRole.person_id, IncidentRole.revision).where(
            IncidentRole.incident_id == incident_id, IncidentRole.source == ROLE_TYPED
        )
    ).all()
    return {person: revision for person, revision in rows}


def _typed(session: Session, incident_id: int, person_id: int) -> IncidentRole | None:
    return session.exec(
        select(IncidentRole)
        .where(
            IncidentRole.incident_id == incident_id,
            IncidentRole.person_id == person_id,
            IncidentRole.source == ROLE_TYPED,
        )
        .execution_options(populate_existing=True)
    ).first()


@dataclass(frozen=True)
class RoleSet:
    """What one typed edit did: enough to undo it (set `before` at `revision`)."""

    incident_id: int
    person_id: int
    before: IncidentRoleKind | None
    after: IncidentRoleKind | None
    revision: int


def set_typed_role(
    session: Session,
    incident_id: int,
    person_id: int,
    role: IncidentRoleKind | None,
    revision: int,
    *,
    actor: str,
) -> RoleSet:
    """Make `role` the person's typed role in the incident (None clears it) if the typed
    row is still at `revision`; EditConflict otherwise. The same value writes nothing."""
    incident = session.get(Incident, incident_id)
    person = session.get(Person, person_id)
    if incident is None or person is None:
        raise RoleRefused("the incident or the person is no longer in this file")
    row = _typed(session, incident_id, person_id)
    current = row.revision if row is not None else 0
    if current != revision:
        raise WORDING.conflict("incident_role", incident_id, deleted=False)
    before = row.role if row is not None else None
    if before == role:
        return RoleSet(incident_id, person_id, before, role, revision)
    if row is None:
        session.add(
            IncidentRole(
                incident_id=incident_id,
                person_id=person_id,
                role=role,
                source=ROLE_TYPED,
                set_by=actor,
                set_at=utc_now(),
                revision=1,
            )
        )
        session.flush()
        new_revision = 1
    else:
        new_revision = compare_and_set(
            session,
            IncidentRole,
            stored_id(row.id),
            revision,
            {"role": role, "set_by": actor, "set_at": utc_now()},
            stamp=False,
            wording=WORDING,
        )
    append_entry(
        session,
        actor=actor,
        action="set_incident_role",
        entity="incident",
        entity_id=incident_id,
        detail={
            "person_id": person_id,
            "from": before.value if before else None,
            "to": role.value if role else None,
        },
    )
    return RoleSet(incident_id, person_id, before, role, new_revision)
