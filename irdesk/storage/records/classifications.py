"""A facilitator's classification of incidents, kept beside what the source said.

Imports never touch it (it lives in `incident_classification`, which the import
writer does not know). Each change is compare-and-set against the classification's
revision (0: none written yet) and appended to the audit log, under the incident,
in the same transaction, naming each value before and after.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlmodel import Session, col, select

from irdesk.domain.classification import (
    Classification,
    EffectiveImpact,
    effective_impact,
)
from irdesk.domain.models import Incident, IncidentClassification, stored_id
from irdesk.domain.utc import as_utc
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.revisions import ConflictWording, compare_and_set

ATTRIBUTES = tuple(f.name for f in fields(Classification))

WORDING = ConflictWording(
    changed="the classification of incident {id} was changed elsewhere (another window?)",
    deleted="incident {id} was deleted elsewhere",
)


class ClassificationRefused(EditRefused):
    """A classification the rules do not allow; the message names the incident and why."""


@dataclass(frozen=True)
class Classified:
    """One incident's classification before and after an edit, and its revision now."""

    incident_id: int
    label: str  # SOURCE:ID, as people name it
    before: Classification
    after: Classification
    revision: int

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _label(incident: Incident) -> str:
    return f"{incident.source}:{incident.external_id}"


def _value(row: IncidentClassification | None) -> Classification:
    if row is None:
        return Classification()
    values = {name: getattr(row, name) for name in ATTRIBUTES}
    if values["notification_deadline"] is not None:
        values["notification_deadline"] = as_utc(values["notification_deadline"])
    return Classification(**values)


def _row(session: Session, incident_id: int) -> IncidentClassification | None:
    return session.exec(
        select(IncidentClassification).where(IncidentClassification.incident_id == incident_id),
        execution_options={"populate_existing": True},
    ).first()


def _incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise LookupError(f"incident {incident_id} does not exist")
    return incident


def classification_of(session: Session, incident_id: int) -> tuple[Classification, int]:
    """The incident's classification and its revision (0 when none was ever written)."""
    _incident(session, incident_id)
    row = _row(session, incident_id)
    return _value(row), (row.revision if row is not None else 0)


def effective_of(session: Session, incident: Incident) -> EffectiveImpact:
    """The values that count for `incident`: its classification over its source values."""
    return effective_impact(incident, _value(_row(session, stored_id(incident.id))))


def classifications(
    session: Session, incident_ids: Sequence[int] | None = None
) -> dict[int, Classification]:
    """The classifications of those of `incident_ids` (None: of every incident) that have one."""
    statement = select(IncidentClassification)
    if incident_ids is not None:
        statement = statement.where(col(IncidentClassification.incident_id).in_(incident_ids))
    return {row.incident_id: _value(row) for row in session.exec(statement)}


def set_classification(
    session: Session,
    incident_id: int,
    revision: int,
    value: Classification,
    *,
    actor: str,
) -> Classified:
    """Make `value` the incident's classification if it is still at `revision`.

    ClassificationRefused when `value` breaks a rule, EditConflict when another
    window classified the incident since `revision` was read. Writing what is
    already there writes nothing and adds no audit entry.
    """
    incident = _incident(session, incident_id)
    label = _label(incident)
    problems = value.problems()
    if problems:
        raise ClassificationRefused(f"{label}: {'; '.join(problems)}.")
    row = _row(session, incident_id)
    current = row.revision if row is not None else 0
    if current != revision:
        raise WORDING.conflict("incident_classification", incident_id, deleted=False)
    before = _value(row)
    if before == value:
        return Classified(incident_id, label, before, value, revision)
    values: dict[str, Any] = {name: getattr(value, name) for name in ATTRIBUTES}
    values["set_by"] = actor
    if row is None:
        session.add(IncidentClassification(incident_id=incident_id, revision=1, **values))
        session.flush()
        new_revision = 1
    else:
        new_revision = compare_and_set(
            session,
            IncidentClassification,
            stored_id(row.id),
            revision,
            values,
            wording=WORDING,
        )
    source = effective_impact(incident, None)
    append_entry(
        session,
        actor=actor,
        action="classify_incident",
        entity="incident",
        entity_id=incident_id,
        detail={
            "changed": {
                name: {"from": old, "to": new}
                for name, (old, new) in before.differences(value).items()
            },
            "source": {
                "severity": source.severity.value if source.severity else None,
                "severity_raw": incident.severity_raw,
                "external_cause": source.external_cause,
                "approved_tech_debt": source.approved_tech_debt,
                "regulatory_exposure": source.regulatory_exposure,
            },
        },
    )
    return Classified(incident_id, label, before, value, new_revision)


def classify(
    session: Session,
    targets: Sequence[tuple[int, int]],
    changes: Mapping[str, Any],
    *,
    clear: Sequence[str] = (),
    actor: str,
) -> list[Classified]:
    """Make `changes` (attribute → value) and clear the `clear` fields (FIELD_PARTS names)
    on each (incident id, revision) of `targets`; each incident keeps what the change
    does not name. All or nothing: one refusal and none is written."""
    done = []
    for incident_id, revision in targets:
        before, _ = classification_of(session, incident_id)
        after = before
        for field in clear:
            after = after.cleared(field)
        try:
            after = after.changed(changes)
        except ValueError as exc:
            raise ClassificationRefused(str(exc)) from exc
        done.append(set_classification(session, incident_id, revision, after, actor=actor))
    return done


def restore(
    session: Session, states: Sequence[tuple[int, int, Classification]], *, actor: str
) -> list[Classified]:
    """Undo and redo: put each (incident id, revision, classification) back."""
    return [
        set_classification(session, incident_id, revision, value, actor=actor)
        for incident_id, revision, value in states
    ]
