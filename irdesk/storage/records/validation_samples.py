"""Validation samples: drawing incidents to check by hand, and recording what the check found.

A sample keeps its seed, size, who drew it and when, and the incidents drawn, so it
can be redrawn exactly (`domain.validation.draw`) and audited. Each sampled incident
is checked as a whole (every field confirmed or corrected at once), compare-and-set
on the item's revision and audited; a correction may also become a lifecycle
correction (`lifecycle_edits.set_override`) in the same transaction. `restore_check`
puts an item back as a `CheckState` had it, for undo.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from irdesk.domain.enums import MERGE_UNLINKED
from irdesk.domain.lifecycle import effective_lifecycle
from irdesk.domain.models import (
    Incident,
    IncidentMerge,
    LifecycleOverride,
    ValidationFinding,
    ValidationSample,
    ValidationSampleIncident,
    stored_id,
)
from irdesk.domain.utc import as_utc, utc_now
from irdesk.domain.validation import (
    CHECKED_FIELDS,
    CHECKED_TIMES,
    FIELD_LABELS,
    Check,
    FieldFigures,
    ValidationError,
    draw,
    field_figures,
)
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.audit import append_entry
from irdesk.storage.records.classifications import effective_of
from irdesk.storage.records.lifecycle_edits import clear_override, set_override
from irdesk.storage.records.merges import label
from irdesk.storage.records.revisions import ConflictWording, compare_and_set

WORDING = ConflictWording(
    changed="Someone else checked this incident of the sample meanwhile; reload to see it.",
    deleted="This sample's incident is gone (its incident was deleted).",
)
# A corrected value: a time (None: "it never happened") or a severity.
Value = datetime | str | None


@dataclass(frozen=True)
class SampleInfo:
    id: int
    seed: int
    per_source: int
    drawn_at: datetime
    drawn_by: str
    incidents: dict[str, list[int]]  # source → incident ids, as drawn

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seed": self.seed,
            "per_source": self.per_source,
            "drawn_at": self.drawn_at.isoformat(),
            "drawn_by": self.drawn_by,
            "incidents": self.incidents,
        }


@dataclass(frozen=True)
class FindingState:
    field: str
    recorded: str | None
    corrected: bool
    value: str | None
    minutes: float | None
    applied: bool


@dataclass(frozen=True)
class OverrideState:
    field: str
    exists: bool
    value: datetime | None
    reason: str | None


@dataclass(frozen=True)
class CheckState:
    """An item as it stood: what undo puts back."""

    checked_at: datetime | None
    checked_by: str | None
    findings: tuple[FindingState, ...]
    overrides: tuple[OverrideState, ...] = ()  # of the fields a check applied


@dataclass(frozen=True)
class SampleItem:
    """One sampled incident as the check dialog shows it."""

    id: int
    incident_id: int
    label: str
    title: str
    source: str
    position: int
    revision: int
    recorded: dict[str, str | None]  # field → what irdesk holds now (ISO time or severity)
    state: CheckState

    @property
    def checked(self) -> bool:
        return self.state.checked_at is not None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else as_utc(value).isoformat()


def _info(session: Session, sample: ValidationSample) -> SampleInfo:
    rows = session.exec(
        select(ValidationSampleIncident)
        .where(ValidationSampleIncident.sample_id == sample.id)
        .order_by(col(ValidationSampleIncident.position))
    ).all()
    incidents: dict[str, list[int]] = {}
    for row in rows:
        incidents.setdefault(row.source, []).append(row.incident_id)
    return SampleInfo(
        id=stored_id(sample.id),
        seed=sample.seed,
        per_source=sample.per_source,
        drawn_at=sample.drawn_at,
        drawn_by=sample.drawn_by,
        incidents=incidents,
    )


def candidates(session: Session) -> dict[str, list[int]]:
    """Source → the ids of its incidents that stand on their own (not linked into another)."""
    merged = set(
        session.exec(
            select(IncidentMerge.incident_id).where(IncidentMerge.how != MERGE_UNLINKED)
        ).all()
    )
    out: dict[str, list[int]] = {}
    for incident_id, source in session.exec(select(Incident.id, Incident.source)).all():
        if incident_id is not None and incident_id not in merged:
            out.setdefault(source, []).append(incident_id)
    return out


def draw_sample(db: Database, *, per_source: int, seed: int, actor: str) -> SampleInfo:
    """Draw and store a sample; audited. ValidationError for a bad size, seed or empty file."""
    with db.transaction() as session:
        drawn = draw(candidates(session), per_source, seed)
        if not drawn:
            raise ValidationError(f"{db.path.name} holds no incidents to draw a sample from")
        sample = ValidationSample(seed=seed, per_source=per_source, drawn_by=actor)
        session.add(sample)
        session.flush()
        position = 0
        for source, ids in drawn.items():
            for incident_id in ids:
                session.add(
                    ValidationSampleIncident(
                        sample_id=stored_id(sample.id),
                        incident_id=incident_id,
                        source=source,
                        position=position,
                    )
                )
                position += 1
        session.flush()
        info = _info(session, sample)
        append_entry(
            session,
            actor=actor,
            action="draw_validation_sample",
            entity="validation_sample",
            entity_id=info.id,
            detail={"seed": seed, "per_source": per_source, "incidents": info.incidents},
        )
        return info


def discard_sample(db: Database, sample_id: int, *, actor: str) -> None:
    """Take back a sample drawn by mistake (undo of a draw); refused once any incident is checked,
    since its findings are then the sample's record. Audited."""
    with db.transaction() as session:
        sample = _sample(session, sample_id)
        items = session.exec(
            select(ValidationSampleIncident).where(ValidationSampleIncident.sample_id == sample_id)
        ).all()
        if any(i.checked_at is not None for i in items):
            raise EditRefused(
                f"validation sample {sample_id} has checked incidents; its findings are kept"
            )
        for item in items:
            session.delete(item)
        session.flush()
        session.delete(sample)
        append_entry(
            session,
            actor=actor,
            action="discard_validation_sample",
            entity="validation_sample",
            entity_id=sample_id,
            detail={"seed": sample.seed, "per_source": sample.per_source},
        )


def _sample(session: Session, sample_id: int | None) -> ValidationSample:
    statement = select(ValidationSample)
    if sample_id is None:
        statement = statement.order_by(col(ValidationSample.id).desc())
    else:
        statement = statement.where(ValidationSample.id == sample_id)
    sample = session.exec(statement).first()
    if sample is None:
        raise LookupError(
            "no validation sample has been drawn yet; draw one with "
            "`irdesk validation draw --per-source N --seed S`"
            if sample_id is None
            else f"there is no validation sample {sample_id}"
        )
    return sample


def sample_info(db: Database, sample_id: int | None = None) -> SampleInfo:
    """Sample `sample_id`, or the newest; LookupError when there is none."""
    with db.session() as session:
        return _info(session, _sample(session, sample_id))


def _recorded(session: Session, incident: Incident) -> dict[str, str | None]:
    overrides = {
        o.field: o.value
        for o in session.exec(
            select(LifecycleOverride).where(LifecycleOverride.incident_id == incident.id)
        )
    }
    lifecycle = effective_lifecycle(incident, overrides)
    recorded: dict[str, str | None] = {name: _iso(lifecycle[name]) for name in CHECKED_TIMES}
    severity = effective_of(session, incident).severity
    recorded["severity"] = None if severity is None else str(severity)
    return recorded


def _state(session: Session, item: ValidationSampleIncident) -> CheckState:
    findings = session.exec(
        select(ValidationFinding).where(ValidationFinding.item_id == item.id)
    ).all()
    order = {name: n for n, name in enumerate(CHECKED_FIELDS)}
    return CheckState(
        checked_at=item.checked_at,
        checked_by=item.checked_by,
        findings=tuple(
            FindingState(f.field, f.recorded, f.corrected, f.value, f.minutes, f.applied)
            for f in sorted(findings, key=lambda f: order[f.field])
        ),
    )


def sample_items(db: Database, sample_id: int) -> list[SampleItem]:
    """The sample's incidents in checking order, each with what irdesk holds now."""
    with db.session() as session:
        rows = session.exec(
            select(ValidationSampleIncident, Incident)
            .join(Incident, col(Incident.id) == ValidationSampleIncident.incident_id)
            .where(ValidationSampleIncident.sample_id == sample_id)
            .order_by(col(ValidationSampleIncident.position))
        ).all()
        return [
            SampleItem(
                id=stored_id(item.id),
                incident_id=item.incident_id,
                label=label(incident),
                title=incident.title,
                source=item.source,
                position=item.position,
                revision=item.revision,
                recorded=_recorded(session, incident),
                state=_state(session, item),
            )
            for item, incident in rows
        ]


def _parse(field: str, value: Value) -> Value:
    if field not in CHECKED_FIELDS:
        raise EditRefused(
            f"{field!r} is not checked by a sample; one of {', '.join(CHECKED_FIELDS)}"
        )
    if field == "severity":
        if value not in ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5"):
            raise EditRefused(f"Severity: {value!r} is not one of SEV1 … SEV5")
        return value
    if value is not None and not isinstance(value, datetime):
        raise EditRefused(f"{FIELD_LABELS[field]}: expected a time, got {value!r}")
    return None if value is None else as_utc(value)


def _minutes(recorded: str | None, value: Value) -> float | None:
    if recorded is None or not isinstance(value, datetime):
        return None
    return (value - datetime.fromisoformat(recorded)).total_seconds() / 60.0


def _write(
    session: Session,
    item: ValidationSampleIncident,
    revision: int,
    state: CheckState,
    *,
    actor: str,
    action: str,
) -> int:
    new_revision = compare_and_set(
        session,
        ValidationSampleIncident,
        stored_id(item.id),
        revision,
        {"checked_at": state.checked_at, "checked_by": state.checked_by},
        wording=WORDING,
    )
    for old in session.exec(select(ValidationFinding).where(ValidationFinding.item_id == item.id)):
        session.delete(old)
    session.flush()
    for f in state.findings:
        session.add(
            ValidationFinding(
                item_id=stored_id(item.id),
                field=f.field,
                recorded=f.recorded,
                corrected=f.corrected,
                value=f.value,
                minutes=f.minutes,
                applied=f.applied,
            )
        )
    append_entry(
        session,
        actor=actor,
        action=action,
        entity="validation_sample",
        entity_id=item.sample_id,
        detail={
            "incident_id": item.incident_id,
            "findings": {
                f.field: {"recorded": f.recorded, "value": f.value, "applied": f.applied}
                for f in state.findings
                if f.corrected
            },
            "confirmed": [f.field for f in state.findings if not f.corrected],
        },
    )
    session.flush()
    return new_revision


def _item(session: Session, item_id: int) -> ValidationSampleIncident:
    item = session.get(ValidationSampleIncident, item_id, populate_existing=True)
    if item is None:
        raise WORDING.conflict("validation_sample_incident", item_id, deleted=True)
    return item


def record_check(
    db: Database,
    item_id: int,
    revision: int,
    corrections: dict[str, Value],
    *,
    apply: bool,
    actor: str,
) -> tuple[int, CheckState]:
    """Every field confirmed but those in `corrections`; (new revision, the state before).

    With `apply`, each corrected time also becomes the incident's lifecycle correction
    (its reason names the sample); a severity correction stays a finding.
    """
    parsed = {name: _parse(name, value) for name, value in corrections.items()}
    with db.transaction() as session:
        item = _item(session, item_id)
        incident = session.get(Incident, item.incident_id)
        if incident is None:
            raise WORDING.conflict("validation_sample_incident", item_id, deleted=True)
        before = _state(session, item)
        recorded = _recorded(session, incident)
        findings: list[FindingState] = []
        overrides: list[OverrideState] = []
        for name in CHECKED_FIELDS:
            if name not in parsed:
                findings.append(FindingState(name, recorded[name], False, None, None, False))
                continue
            value = parsed[name]
            text = value.isoformat() if isinstance(value, datetime) else value
            applied = apply and name != "severity"
            findings.append(
                FindingState(
                    name, recorded[name], True, text, _minutes(recorded[name], value), applied
                )
            )
            if applied:
                old = session.get(LifecycleOverride, (incident.id, name))
                overrides.append(
                    OverrideState(
                        name,
                        old is not None,
                        None if old is None else old.value,
                        None if old is None else old.reason,
                    )
                )
                assert not isinstance(value, str)
                set_override(
                    session,
                    item.incident_id,
                    name,
                    value,
                    reason=f"validation sample {item.sample_id}: checked against the source",
                    actor=actor,
                )
        state = CheckState(utc_now(), actor, tuple(findings))
        new_revision = _write(
            session, item, revision, state, actor=actor, action="check_validation_incident"
        )
        return new_revision, CheckState(
            before.checked_at, before.checked_by, before.findings, tuple(overrides)
        )


def restore_check(
    db: Database, item_id: int, revision: int, state: CheckState, *, actor: str
) -> int:
    """Put the item (and any lifecycle corrections its check applied) back as `state` had it."""
    with db.transaction() as session:
        item = _item(session, item_id)
        for o in state.overrides:
            if o.exists:
                set_override(
                    session,
                    item.incident_id,
                    o.field,
                    o.value,
                    reason=o.reason or "restored",
                    actor=actor,
                )
            else:
                clear_override(session, item.incident_id, o.field, actor=actor)
        return _write(
            session,
            item,
            revision,
            CheckState(state.checked_at, state.checked_by, state.findings),
            actor=actor,
            action="restore_validation_incident",
        )


@dataclass(frozen=True)
class ValidationReport:
    sample: SampleInfo
    incidents: int
    checked: int
    figures: tuple[FieldFigures, ...]

    def to_json(self) -> dict[str, Any]:
        from irdesk.domain.validation import CI_METHODS

        return {
            "sample": self.sample.to_json(),
            "incidents": self.incidents,
            "checked": self.checked,
            "methods": CI_METHODS,
            "fields": [f.to_json() for f in self.figures],
        }


def validation_report(db: Database, sample_id: int | None = None) -> ValidationReport:
    """Per source and field of sample `sample_id` (default: the newest): rate and median."""
    with db.session() as session:
        sample = _sample(session, sample_id)
        items = session.exec(
            select(ValidationSampleIncident).where(ValidationSampleIncident.sample_id == sample.id)
        ).all()
        sources = {stored_id(i.id): i.source for i in items}
        findings = session.exec(
            select(ValidationFinding).where(col(ValidationFinding.item_id).in_(list(sources)))
        ).all()
        checks = [Check(sources[f.item_id], f.field, f.corrected, f.minutes) for f in findings]
        return ValidationReport(
            sample=_info(session, sample),
            incidents=len(items),
            checked=sum(i.checked_at is not None for i in items),
            figures=tuple(field_figures(checks)),
        )
