"""The tables of an irdesk database, one class per entity.

Timestamps are aware UTC (``UTCDateTime``); enums are stored as their values
with CHECK constraints; foreign keys say what happens on delete so that
SQLite (with ``PRAGMA foreign_keys=ON``) keeps the file consistent.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

from irdesk.domain.enums import (
    ActionStatus,
    EventKind,
    FeedbackKind,
    FindingCategory,
    FindingTag,
    IncidentRoleKind,
    IncidentStatus,
    ReviewStatus,
    ReviewTier,
    RunbookOutcome,
    ServiceTier,
    Severity,
)
from irdesk.domain.lifecycle import lifecycle_problems, refreshed_flags
from irdesk.domain.utc import UTCDateTime, utc_now


def stored_id(value: int | None) -> int:
    """A primary key read from the database: only a row not yet flushed lacks one.

    The tables declare `id: int | None` because a new row has no id until it is
    written; every row a query returns has one.
    """
    if value is None:
        raise ValueError("the row has no id: it has not been written to the database yet")
    return value


def enum_type(enum: type[StrEnum]) -> SAEnum:
    return SAEnum(
        enum,
        name=enum.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def utc_field(*, nullable: bool = True, index: bool = False, default: Any = None) -> Any:
    if default is None and not nullable:
        return Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False, index=index)
    return Field(default=default, sa_type=UTCDateTime, nullable=nullable, index=index)


class Team(SQLModel, table=True):
    __tablename__ = "team"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    rotation: str | None = Field(default=None, description="on-call rotation the team staffs")


class Person(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("email IS NULL OR email <> ''", name="person_email_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str | None = Field(default=None, unique=True)
    team_id: int | None = Field(
        default=None, foreign_key="team.id", ondelete="SET NULL", index=True
    )
    role: str | None = None
    time_zone: str | None = Field(default=None, description="IANA zone, e.g. Europe/Berlin")
    hourly_rate: float | None = None
    start_date: date | None = None
    seniority: str | None = None


class Service(SQLModel, table=True):
    __tablename__ = "service"
    __table_args__ = (
        CheckConstraint("slo_target > 0 AND slo_target <= 100", name="service_slo_range"),
        CheckConstraint("cost_per_minute >= 0", name="service_cost_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str | None = None
    tier: ServiceTier = Field(sa_type=enum_type(ServiceTier), nullable=False)
    slo_target: float = Field(description="availability target in percent, e.g. 99.9")
    cost_per_minute: float = Field(default=0.0, description="downtime cost per minute")
    owner_team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    slo_window_days: int | None = Field(default=None, description="the SLO's rolling window")
    rto_minutes: float | None = Field(default=None, description="recovery time objective")
    rpo_minutes: float | None = Field(default=None, description="recovery point objective")


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="incident_source_key"),
        CheckConstraint("external_id <> ''", name="incident_external_id_not_empty"),
        CheckConstraint("source <> ''", name="incident_source_not_empty"),
        Index("ix_incident_started_at", "started_at"),
        Index("ix_incident_service_started", "service_id", "started_at"),
        Index("ix_incident_severity_started", "severity", "started_at"),
        # The incidents whose impact is still going at a time, found without reading all.
        Index("ix_incident_impact_end", "mitigated_at", "resolved_at", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(description="where the incident came from: pagerduty, jira, demo, …")
    external_id: str
    title: str
    summary: str | None = Field(default=None, sa_type=Text)
    url: str | None = Field(default=None, index=True)  # later imports link by it
    service_id: int | None = Field(default=None, foreign_key="service.id", ondelete="SET NULL")
    severity: Severity | None = Field(default=None, sa_type=enum_type(Severity))
    severity_raw: str | None = Field(default=None, description="the source's own value, e.g. P1")
    customer_severity: Severity | None = Field(default=None, sa_type=enum_type(Severity))
    status: IncidentStatus = Field(
        default=IncidentStatus.TRIGGERED, sa_type=enum_type(IncidentStatus), nullable=False
    )
    started_at: datetime | None = utc_field()
    detected_at: datetime | None = utc_field()
    acknowledged_at: datetime | None = utc_field()
    mitigated_at: datetime | None = utc_field()
    resolved_at: datetime | None = utc_field()
    verified_at: datetime | None = utc_field()
    users_affected: int | None = None
    downtime_cost: float | None = None
    external_cause: bool = False
    approved_tech_debt: bool = False
    regulatory_exposure: bool = False
    consistency_flags: str = Field(
        default="",
        description="comma-separated lifecycle problems found in the source data, and "
        "'partial' for an incident made from another record's reference; empty if none",
    )
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)

    def refresh_consistency_flags(self) -> None:
        """Record (never reject) lifecycle timestamps that contradict each other."""
        self.consistency_flags = refreshed_flags(self.consistency_flags, lifecycle_problems(self))

    @property
    def flags(self) -> list[str]:
        return [f for f in self.consistency_flags.split(",") if f]


class TimelineEvent(SQLModel, table=True):
    __tablename__ = "timeline_event"
    __table_args__ = (
        # Actor and kind too: the figures read a run of incidents' events from it alone.
        Index("ix_timeline_incident_time", "incident_id", "occurred_at", "actor_person_id", "kind"),
        # The same event seen twice (re-import) is one event; hand-added events have no key.
        Index(
            "ux_timeline_source_key",
            "incident_id",
            "source",
            "external_id",
            unique=True,
            sqlite_where=Column("external_id").isnot(None),
            postgresql_where=Column("external_id").isnot(None),
        ),
        CheckConstraint(
            "external_id IS NULL OR external_id <> ''", name="event_external_id_not_empty"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    occurred_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    kind: EventKind = Field(sa_type=enum_type(EventKind), nullable=False)
    source: str
    external_id: str | None = None
    actor_person_id: int | None = Field(
        default=None, foreign_key="person.id", ondelete="SET NULL", index=True
    )
    actor_name: str | None = Field(default=None, description="the actor as the source named them")
    text: str = Field(default="", sa_type=Text)
    is_key_moment: bool = False
    added_by_facilitator: bool = False
    original_occurred_at: datetime | None = utc_field()
    original_text: str | None = Field(default=None, sa_type=Text)
    corrected_by: str | None = None
    correction_reason: str | None = None
    corrected_at: datetime | None = utc_field()
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )


class Review(SQLModel, table=True):
    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", unique=True)
    tier: ReviewTier = Field(sa_type=enum_type(ReviewTier), nullable=False)
    tier_reason: str | None = None
    status: ReviewStatus = Field(
        default=ReviewStatus.DRAFT, sa_type=enum_type(ReviewStatus), nullable=False
    )
    facilitator_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    due_on: date | None = None
    summary: str | None = Field(default=None, sa_type=Text)
    blameless_override_reason: str | None = None
    approved_at: datetime | None = utc_field()
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)


class ReviewIncidentLink(SQLModel, table=True):
    """Further (recurring) incidents a review covers besides its own."""

    __tablename__ = "review_incident"

    review_id: int = Field(foreign_key="review.id", ondelete="CASCADE", primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", primary_key=True)


class ReviewAttendee(SQLModel, table=True):
    __tablename__ = "review_attendee"

    review_id: int = Field(foreign_key="review.id", ondelete="CASCADE", primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)


class Finding(SQLModel, table=True):
    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_review_position", "review_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", ondelete="CASCADE")
    category: FindingCategory = Field(sa_type=enum_type(FindingCategory), nullable=False)
    text: str = Field(sa_type=Text)
    position: int = 0
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)


class FindingEventLink(SQLModel, table=True):
    __tablename__ = "finding_event"

    finding_id: int = Field(foreign_key="finding.id", ondelete="CASCADE", primary_key=True)
    event_id: int = Field(foreign_key="timeline_event.id", ondelete="CASCADE", primary_key=True)


class FeedbackNote(SQLModel, table=True):
    """Sensitive personnel data: kept in its own table, away from findings.

    What the note says (its kind, text and whether a deviation was justified) is in
    `sealed` only, encrypted with the note's own key (storage/sealing); who it is
    about, when and by whom stay readable so a locked window can show that it exists.
    """

    __tablename__ = "feedback_note"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    author_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    incident_id: int | None = Field(
        default=None, foreign_key="incident.id", ondelete="SET NULL", index=True
    )
    sealed: bytes | None = Field(
        default=None,
        sa_type=LargeBinary,
        description="nonce and AES-256-GCM ciphertext; None while the note is pending sealing",
    )
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)


class PendingNote(SQLModel, table=True):
    """A note from a file older than encryption, waiting for an identity to seal it to.

    Only an upgrade fills this table; sealing empties it and scrubs the freed pages.
    """

    __tablename__ = "feedback_note_pending"

    note_id: int = Field(foreign_key="feedback_note.id", ondelete="CASCADE", primary_key=True)
    kind: FeedbackKind = Field(sa_type=enum_type(FeedbackKind), nullable=False)
    text: str = Field(sa_type=Text)
    deviation_justified: bool | None = None


class NoteReader(SQLModel, table=True):
    """Someone notes can be sealed to: only the public key, never a private one."""

    __tablename__ = "note_reader"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    fingerprint: str = Field(unique=True, max_length=64, description="SHA-256 of public_key")
    public_key: bytes = Field(sa_type=LargeBinary, description="raw X25519 public key")
    certificate_fingerprint: str | None = Field(
        default=None, max_length=64, description="SHA-256 of the signing certificate it came with"
    )
    recovery: bool = Field(
        default=False, description="the organisation's recovery key: every new note is sealed to it"
    )
    # No note written after this is sealed to the reader.
    removed_at: datetime | None = utc_field()
    created_at: datetime = utc_field(nullable=False)


class NoteKey(SQLModel, table=True):
    """A note's key, wrapped for one of its readers."""

    __tablename__ = "note_key"

    note_id: int = Field(foreign_key="feedback_note.id", ondelete="CASCADE", primary_key=True)
    reader_id: int = Field(
        foreign_key="note_reader.id", ondelete="CASCADE", primary_key=True, index=True
    )
    wrapped: bytes = Field(sa_type=LargeBinary)


class ActionItem(SQLModel, table=True):
    __tablename__ = "action_item"
    __table_args__ = (
        CheckConstraint(
            "owner_person_id IS NULL OR owner_team_id IS NULL", name="action_single_owner"
        ),
        Index("ix_action_status_due", "status", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    title: str
    description: str | None = Field(default=None, sa_type=Text)
    owner_person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    owner_team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    due_on: date | None = None
    status: ActionStatus = Field(
        default=ActionStatus.OPEN, sa_type=enum_type(ActionStatus), nullable=False
    )
    external_key: str | None = Field(default=None, description="e.g. a Jira issue key")
    completed_at: datetime | None = utc_field()
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )
    created_at: datetime = utc_field(nullable=False)

    def is_overdue(self, today: date) -> bool:
        open_ = self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
        return open_ and self.due_on is not None and self.due_on < today


class ActionFindingLink(SQLModel, table=True):
    __tablename__ = "action_finding"

    action_id: int = Field(foreign_key="action_item.id", ondelete="CASCADE", primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", ondelete="CASCADE", primary_key=True)


class Policy(SQLModel, table=True):
    __tablename__ = "policy"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    created_at: datetime = utc_field(nullable=False)


class PolicyVersion(SQLModel, table=True):
    """One immutable set of choices; every change makes a new version."""

    __tablename__ = "policy_version"
    __table_args__ = (
        UniqueConstraint("policy_id", "version", name="policy_version_number"),
        CheckConstraint("version >= 1", name="policy_version_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", ondelete="RESTRICT")
    version: int
    settings_json: str = Field(sa_type=Text, description="the policy's choices as JSON")
    note: str | None = None
    author: str | None = None
    created_at: datetime = utc_field(nullable=False)


class Packet(SQLModel, table=True):
    """The record of an exported PDF: what left the building."""

    __tablename__ = "packet"
    __table_args__ = (Index("ix_packet_created", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    packet_uid: str = Field(unique=True)
    review_id: int | None = Field(default=None, foreign_key="review.id", ondelete="SET NULL")
    incident_id: int | None = Field(default=None, foreign_key="incident.id", ondelete="SET NULL")
    subject: str | None = Field(
        default=None, description="what an aggregate packet covers: a period, or a person"
    )
    profile: str
    policy_version_id: int | None = Field(
        default=None, foreign_key="policy_version.id", ondelete="RESTRICT"
    )
    sha256: str = Field(max_length=64)
    file_name: str
    signers_json: str = Field(default="[]", sa_type=Text)
    created_by: str | None = None
    created_at: datetime = utc_field(nullable=False)
    # The audit log as the packet's manifest names it: how many entries it had, and the
    # newest one's hash, when the packet was made (None: exported before irdesk kept them).
    audit_entries: int | None = None
    audit_head: str | None = Field(default=None, max_length=64)


class AuditEntry(SQLModel, table=True):
    """Append-only, hash-chained: each entry's hash covers the previous one."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = utc_field(nullable=False)
    actor: str
    action: str
    entity: str
    entity_id: int | None = None
    detail_json: str = Field(default="{}", sa_type=Text)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(unique=True, max_length=64)


class LifecycleOverride(SQLModel, table=True):
    """A facilitator's correction of one lifecycle timestamp; the imported value stays beside it."""

    __tablename__ = "lifecycle_override"
    __table_args__ = (
        CheckConstraint(
            "field IN ('started_at','detected_at','acknowledged_at','mitigated_at','resolved_at','verified_at')",
            name="override_lifecycle_field",
        ),
    )

    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", primary_key=True)
    field: str = Field(primary_key=True)
    value: datetime | None = utc_field()
    reason: str | None = None
    set_by: str | None = None
    set_at: datetime = utc_field(nullable=False)


class IncidentMerge(SQLModel, table=True):
    """The same outage seen by another tool: this incident's events join `into_id`'s timeline."""

    __tablename__ = "incident_merge"
    __table_args__ = (CheckConstraint("incident_id <> into_id", name="merge_not_self"),)

    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", primary_key=True)
    into_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", index=True)
    how: str = Field(description="MERGE_REFERENCE, MERGE_MANUAL or MERGE_UNLINKED")
    evidence: str | None = Field(default=None, description="the reference that linked them")
    created_at: datetime = utc_field(nullable=False)


class IncidentAlias(SQLModel, table=True):
    """Another name an incident goes by in its source ("12728" for PagerDuty's #12728).

    Stored casefolded, so that a later import (a Slack channel named inc-12728, a ticket
    citing #12728) finds the incident by it. Names the incident row already holds (its
    external id and URL) are not repeated here.
    """

    __tablename__ = "incident_alias"

    alias: str = Field(primary_key=True)
    incident_id: int = Field(
        foreign_key="incident.id", ondelete="CASCADE", primary_key=True, index=True
    )


class IncidentReference(SQLModel, table=True):
    """A name of another incident that this one cites ("#12728", a URL, "pagerduty:PH4UE4E").

    Kept, casefolded, so that the incident it names can find it when that incident is
    imported later: a Jira ticket stored first joins its PagerDuty incident then.
    """

    __tablename__ = "incident_reference"

    reference: str = Field(primary_key=True)
    incident_id: int = Field(
        foreign_key="incident.id", ondelete="CASCADE", primary_key=True, index=True
    )


class IncidentClassification(SQLModel, table=True):
    """A facilitator's classification of one incident, kept beside the source's values.

    A side table, so that an import (which rewrites the incident's own columns) never
    touches it. None in a column says nothing: the source's value counts
    (`domain.classification.effective_impact`). The row stays once written, emptied
    rather than deleted, so its revision keeps counting up for compare-and-set.
    """

    __tablename__ = "incident_classification"
    __table_args__ = (
        CheckConstraint(
            "users_affected IS NULL OR users_affected >= 0", name="classification_users"
        ),
        CheckConstraint("downtime_cost IS NULL OR downtime_cost >= 0", name="classification_cost"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", unique=True)
    customer_severity: Severity | None = Field(default=None, sa_type=enum_type(Severity))
    severity: Severity | None = Field(
        default=None, sa_type=enum_type(Severity), description="the corrected internal severity"
    )
    users_affected: int | None = None
    downtime_cost: float | None = None
    external_cause: bool | None = None
    external_vendor: str | None = None
    external_evidence: str | None = Field(default=None, description="URL of the vendor's report")
    approved_tech_debt: bool | None = None
    debt_approver: str | None = None
    debt_decision: str | None = Field(default=None, description="the decision's reference")
    regulatory_exposure: bool | None = None
    regulation: str | None = None
    notification_deadline: datetime | None = utc_field()
    not_incident: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    set_by: str | None = None
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)


class SourceFile(SQLModel, table=True):
    """One imported file, for provenance: a packet names the files its data came from."""

    __tablename__ = "source_file"
    __table_args__ = (Index("ix_source_file_sha256", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    import_id: str = Field(index=True, description="groups the files of one import")
    name: str
    size: int
    sha256: str = Field(max_length=64)
    format: str
    importer_version: str
    imported_at: datetime = utc_field(nullable=False)


class IncidentSourceFile(SQLModel, table=True):
    __tablename__ = "incident_source_file"

    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", primary_key=True)
    source_file_id: int = Field(
        foreign_key="source_file.id", ondelete="CASCADE", primary_key=True, index=True
    )


# --- the organisation directory ---------------------------------------------------------
#
# A directory row's columns hold its latest values, so every reader (the packets, the
# lists) sees what someone typed without knowing about it. Typed values are kept in
# DirectoryValue, each effective from a date, which the figures read to take the value in
# force when an incident happened; DirectoryOverride keeps what the last import said: a
# re-import updates that instead of the column, and lists the disagreement.

DIRECTORY_ENTITIES = ("team", "person", "service", "rotation", "policy")


class TeamKey(SQLModel, table=True):
    """A name a source knows a team by: PagerDuty's PQ9K7I8, Backstage's giantswarm/team-atlas.

    Keys compare without case (Backstage references do), and keep the first spelling seen.
    """

    __tablename__ = "team_key"

    source: str = Field(primary_key=True)
    key: str = Field(primary_key=True, sa_type=String(collation="NOCASE"))
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE", index=True)


class PersonKey(SQLModel, table=True):
    """A name a source knows a person by (a user id, a login)."""

    __tablename__ = "person_key"

    source: str = Field(primary_key=True)
    key: str = Field(primary_key=True, sa_type=String(collation="NOCASE"))
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)


class ServiceKey(SQLModel, table=True):
    """A name a source knows a service by, so incidents link by the tool's service id."""

    __tablename__ = "service_key"

    source: str = Field(primary_key=True)
    key: str = Field(primary_key=True, sa_type=String(collation="NOCASE"))
    service_id: int = Field(foreign_key="service.id", ondelete="CASCADE", index=True)


class TeamMember(SQLModel, table=True):
    """Every team a person belongs to; Person.team_id is the one their figures count under."""

    __tablename__ = "team_member"

    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE", primary_key=True)
    person_id: int = Field(
        foreign_key="person.id", ondelete="CASCADE", primary_key=True, index=True
    )
    role: str | None = Field(default=None, description="as the source says: admin, lead, …")


class Rotation(SQLModel, table=True):
    """An on-call schedule, or one layer (rotation) of a schedule when parent_id is set."""

    __tablename__ = "rotation"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="rotation_source_key"),
        CheckConstraint("kind IN ('schedule','layer')", name="rotation_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str
    kind: str = Field(default="schedule", description="schedule or layer")
    source: str | None = None
    external_id: str | None = None
    parent_id: int | None = Field(
        default=None, foreign_key="rotation.id", ondelete="CASCADE", index=True
    )
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    time_zone: str | None = None
    turn_seconds: int | None = Field(default=None, description="length of one person's turn")
    starts_at: datetime | None = utc_field()
    ends_at: datetime | None = utc_field()


class RotationMember(SQLModel, table=True):
    """Who was on a rotation when. Undated rows say "a member", dates unknown.

    `how` says what the dates come from: a layer's own dates (layer), a rendered or final
    schedule entry, an on-call interval, a rotation's participants, or an on-call answer
    at one instant (snapshot).
    """

    __tablename__ = "rotation_member"
    __table_args__ = (Index("ix_rotation_member_rotation", "rotation_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    rotation_id: int = Field(foreign_key="rotation.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    how: str
    starts_at: datetime | None = utc_field()
    ends_at: datetime | None = utc_field()
    position: int | None = None
    escalation_level: int | None = None


class Leave(SQLModel, table=True):
    """A person away, typed by hand (the on-call tools' exports hold no absences): from
    `starts_on` through `ends_on` (the person's days; None: not ended yet). The figures
    read it as a surge: the person's own pages in it, and their teammates' work while
    covering for them (`domain/load_fairness`)."""

    __tablename__ = "leave"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="leave_ends_after"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    starts_on: date
    ends_on: date | None = None
    note: str | None = None
    created_by: str | None = None
    created_at: datetime = utc_field(nullable=False)
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )


class EscalationPolicy(SQLModel, table=True):
    __tablename__ = "escalation_policy"
    __table_args__ = (UniqueConstraint("source", "external_id", name="policy_source_key"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    source: str | None = None
    external_id: str | None = None
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    loops: int | None = Field(default=None, description="how often the levels repeat")


class EscalationLevel(SQLModel, table=True):
    __tablename__ = "escalation_level"
    __table_args__ = (
        UniqueConstraint("policy_id", "level", name="escalation_level_number"),
        CheckConstraint("level >= 1", name="escalation_level_positive"),
        CheckConstraint("delay_minutes >= 0", name="escalation_delay_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="escalation_policy.id", ondelete="CASCADE")
    level: int
    delay_minutes: float = Field(description="after the previous level (or the alert)")
    notify: str | None = Field(default=None, description="Opsgenie's notifyType")
    condition: str | None = None


class EscalationTarget(SQLModel, table=True):
    __tablename__ = "escalation_target"
    __table_args__ = (
        CheckConstraint("kind IN ('person','rotation','team')", name="escalation_target_kind"),
    )

    level_id: int = Field(foreign_key="escalation_level.id", ondelete="CASCADE", primary_key=True)
    position: int = Field(primary_key=True)
    kind: str
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    rotation_id: int | None = Field(default=None, foreign_key="rotation.id", ondelete="SET NULL")
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    name: str | None = Field(default=None, description="as the source named the target")


class DirectoryOverride(SQLModel, table=True):
    """A value someone typed for a directory record, beside what the import brought."""

    __tablename__ = "directory_override"
    __table_args__ = (
        CheckConstraint(
            "entity IN ('team','person','service','rotation','policy')",
            name="directory_override_entity",
        ),
    )

    entity: str = Field(primary_key=True)
    entity_id: int = Field(primary_key=True)
    field: str = Field(primary_key=True)
    value_json: str = Field(sa_type=Text, description="the typed value, as JSON")
    imported_json: str | None = Field(
        default=None, sa_type=Text, description="what the latest import said, as JSON"
    )
    reason: str | None = None
    set_by: str | None = None
    set_at: datetime = utc_field(nullable=False)


class DirectoryValue(SQLModel, table=True):
    """One value typed for a directory record, in force from `effective_from` until the
    next one of the same field; before the first, what the import brought stands."""

    __tablename__ = "directory_value"
    __table_args__ = (
        CheckConstraint(
            "entity IN ('team','person','service','rotation','policy')",
            name="directory_value_entity",
        ),
        UniqueConstraint(
            "entity", "entity_id", "field", "effective_from", name="directory_value_once_a_time"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity: str
    entity_id: int
    field: str
    value_json: str = Field(sa_type=Text, description="the typed value, as JSON")
    effective_from: datetime = utc_field(nullable=False)
    reason: str | None = None
    set_by: str | None = None
    set_at: datetime = utc_field(nullable=False)


class ValidationSample(SQLModel, table=True):
    """Incidents drawn to be checked by hand against their source; redrawn by its seed."""

    __tablename__ = "validation_sample"
    __table_args__ = (
        CheckConstraint("per_source >= 1", name="validation_sample_size"),
        CheckConstraint("seed >= 0", name="validation_sample_seed"),
    )

    id: int | None = Field(default=None, primary_key=True)
    seed: int
    per_source: int
    drawn_at: datetime = utc_field(nullable=False)
    drawn_by: str


class ValidationSampleIncident(SQLModel, table=True):
    """One incident of a sample, and whether (and by whom) it was checked yet."""

    __tablename__ = "validation_sample_incident"
    __table_args__ = (
        UniqueConstraint("sample_id", "incident_id", name="validation_sample_incident_once"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sample_id: int = Field(foreign_key="validation_sample.id", ondelete="CASCADE", index=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    source: str = Field(description="the source it was drawn for, as it was then")
    position: int = Field(description="order of checking: by source, then by incident id")
    checked_at: datetime | None = utc_field()
    checked_by: str | None = None
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every check, so a reviewer holding an older copy is refused",
    )


class ValidationFinding(SQLModel, table=True):
    """What a reviewer found for one field of one sampled incident: confirmed or corrected."""

    __tablename__ = "validation_finding"
    __table_args__ = (
        CheckConstraint(
            "field IN ('started_at','detected_at','acknowledged_at','mitigated_at','resolved_at',"
            "'severity')",
            name="validation_finding_field",
        ),
    )

    item_id: int = Field(
        foreign_key="validation_sample_incident.id", ondelete="CASCADE", primary_key=True
    )
    field: str = Field(primary_key=True)
    recorded: str | None = Field(
        default=None, description="what irdesk held when checked: ISO time or severity"
    )
    corrected: bool = False
    value: str | None = Field(default=None, description="the reviewer's value when corrected")
    minutes: float | None = Field(
        default=None, description="corrected − recorded in minutes, when both are times"
    )
    applied: bool = Field(default=False, description="also set as a lifecycle correction")


class IncidentRole(SQLModel, table=True):
    """A person's part in one incident: found by an import, or typed by a facilitator.

    Imported rows are replaced by every import of the incident; typed rows (one per
    person, `role` NULL once cleared, so the revision keeps counting) are never touched
    by an import. Readers show the typed role over the imported ones for the same person.
    """

    __tablename__ = "incident_role"
    __table_args__ = (
        CheckConstraint("source IN ('import','typed')", name="incident_role_source"),
        CheckConstraint("role IS NOT NULL OR source = 'typed'", name="incident_role_cleared"),
        Index(
            "ux_incident_role_imported",
            "incident_id",
            "person_id",
            "role",
            unique=True,
            sqlite_where=Column("source") == "import",
            postgresql_where=Column("source") == "import",
        ),
        Index(
            "ux_incident_role_typed",
            "incident_id",
            "person_id",
            unique=True,
            sqlite_where=Column("source") == "typed",
            postgresql_where=Column("source") == "typed",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    role: IncidentRoleKind | None = Field(default=None, sa_type=enum_type(IncidentRoleKind))
    source: str
    how: str | None = Field(default=None, description="what in the source made it so")
    set_by: str | None = None
    set_at: datetime = utc_field(nullable=False)
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )


class ServicePolicy(SQLModel, table=True):
    """The escalation policy a service pages through, as the on-call tool links them.

    A table beside `service` rather than a column, because altering `service` on SQLite
    means copying it under every foreign key that points at it.
    """

    __tablename__ = "service_policy"

    service_id: int = Field(foreign_key="service.id", ondelete="CASCADE", primary_key=True)
    policy_id: int = Field(foreign_key="escalation_policy.id", ondelete="CASCADE", index=True)
    source: str | None = None


class FindingFactorsRow(SQLModel, table=True):
    """The contributing factors a facilitator confirmed for a finding (policy
    ``contributing_factors``), as a JSON list; audited, compare-and-set on its revision."""

    __tablename__ = "finding_factors"

    finding_id: int = Field(foreign_key="finding.id", ondelete="CASCADE", primary_key=True)
    factors_json: str = Field(default="[]", sa_type=Text)
    set_by: str | None = None
    set_at: datetime = utc_field(nullable=False)
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )


class FindingTagRow(SQLModel, table=True):
    """Where a finding says a delay came from, set in the finding editor; audited, CAS."""

    __tablename__ = "finding_tag"

    finding_id: int = Field(foreign_key="finding.id", ondelete="CASCADE", primary_key=True)
    tag: FindingTag | None = Field(default=None, sa_type=enum_type(FindingTag))
    set_by: str | None = None
    set_at: datetime = utc_field(nullable=False)
    revision: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="bumped by every edit, so a writer holding an older copy is refused",
    )


class RegulationRule(SQLModel, table=True):
    """How long a regulation allows before a notice is due, counted from detection.

    Kept in the database, not in code, because which regulations apply and how they
    are read is the organisation's (and its counsel's) decision, and it changes.
    A classification's regulation is governed by the rule whose name it starts with
    ("GDPR" governs "GDPR Art. 33").
    """

    __tablename__ = "regulation_rule"
    __table_args__ = (
        CheckConstraint("within_hours > 0", name="regulation_rule_hours_positive"),
        CheckConstraint("regulation <> ''", name="regulation_rule_name_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    regulation: str = Field(unique=True, description="e.g. GDPR; matched case-insensitively")
    notice: str = Field(default="initial notice", description="what is due, e.g. initial notice")
    within_hours: float = Field(description="hours after detection the notice is due")
    set_by: str | None = None
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)


class IncidentNotification(SQLModel, table=True):
    """When a regulator was given notice of one incident, and by whom.

    A side table like the classification's, so an import never touches it; the row
    stays once written, emptied rather than deleted, so its revision keeps counting.
    """

    __tablename__ = "incident_notification"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", unique=True)
    notified_at: datetime | None = utc_field()
    notified_by: str | None = None
    set_by: str | None = None
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)


class Facilitator(SQLModel, table=True):
    """A person trained to facilitate reviews: the pool a review's facilitator is
    suggested from (domain/facilitation). Leaving the pool deletes the row; their past
    reviews keep naming them."""

    __tablename__ = "facilitator"

    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)
    trained_on: date | None = None
    set_by: str | None = None
    created_at: datetime = utc_field(nullable=False)


class ReviewSurvey(SQLModel, table=True):
    """One attendee's answer to the short survey after a review was approved.

    No column names the person: a named answer has its `ReviewSurveyRespondent` row,
    an anonymous one has none, so nothing in the file ties it to anyone. Only the day
    is kept, not the moment, for the same reason.
    """

    __tablename__ = "review_survey"
    __table_args__ = (
        CheckConstraint("useful BETWEEN 1 AND 5", name="review_survey_useful_1_to_5"),
        CheckConstraint("safe BETWEEN 1 AND 5", name="review_survey_safe_1_to_5"),
        CheckConstraint("hours >= 0", name="review_survey_hours_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", ondelete="CASCADE", index=True)
    useful: int = Field(description="was the review useful, 1 (not at all) to 5 (very)")
    safe: int = Field(description="did it feel safe to speak, 1 (not at all) to 5 (fully)")
    hours: float = Field(description="hours the person spent on the review")
    comment: str | None = Field(default=None, sa_type=Text)
    anonymous: bool = False
    answered_on: date


class ReviewSurveyRespondent(SQLModel, table=True):
    """Who gave a named survey answer; an anonymous answer has no row here."""

    __tablename__ = "review_survey_respondent"
    __table_args__ = (UniqueConstraint("review_id", "person_id"),)

    survey_id: int = Field(foreign_key="review_survey.id", ondelete="CASCADE", primary_key=True)
    review_id: int = Field(foreign_key="review.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")


class CalibrationSession(SQLModel, table=True):
    """A calibration meeting over a period: who came, what was discussed and decided,
    and the policy version it led to (whose note says what changed)."""

    __tablename__ = "calibration_session"
    __table_args__ = (CheckConstraint("period_from <= period_to", name="calibration_period"),)

    id: int | None = Field(default=None, primary_key=True)
    held_on: date
    period_from: date
    period_to: date
    attendees: str = Field(default="", sa_type=Text, description="one name a line")
    discussed: str = Field(default="", sa_type=Text)
    decisions: str = Field(default="", sa_type=Text)
    policy_version_id: int | None = Field(
        default=None, foreign_key="policy_version.id", ondelete="SET NULL"
    )
    recorded_by: str | None = None
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = utc_field(nullable=False)
    updated_at: datetime = utc_field(nullable=False)


class ActionTicket(SQLModel, table=True):
    """The ticket an action item follows, as the last import that held it saw it.

    An import changes a field of the item only when the ticket's value differs from the
    one seen here: a facilitator's edit made after an import stands until the ticket
    itself changes again.
    """

    __tablename__ = "action_ticket"

    action_id: int = Field(foreign_key="action_item.id", ondelete="CASCADE", primary_key=True)
    ticket: str = Field(description="the ticket's key with its source, e.g. jira:OPS-7")
    status: ActionStatus = Field(sa_type=enum_type(ActionStatus), nullable=False)
    done_at: datetime | None = utc_field()
    assignee_person_id: int | None = Field(
        default=None, foreign_key="person.id", ondelete="SET NULL"
    )
    seen_at: datetime = utc_field(nullable=False)  # when first seen in this state


class ActionItemChange(SQLModel, table=True):
    """One field of an action item changed by its ticket: what, when and by whom.

    `changed_by` and `changed_at` are the ticket's own (the author and time of its last
    change, when the export says); `recorded_by` is who ran the import.
    """

    __tablename__ = "action_item_change"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action_item.id", ondelete="CASCADE", index=True)
    field: str = Field(description="status, completed_at or owner")
    before: str | None = None
    after: str | None = None
    ticket: str
    changed_by: str | None = None
    changed_at: datetime | None = utc_field()
    recorded_by: str
    recorded_at: datetime = utc_field(nullable=False)
    file: str | None = None


class Runbook(SQLModel, table=True):
    """Ordered steps for one service, imported from a Markdown checklist or typed in.

    Tied to its service by name (compared without case), so a runbook imported before
    the directory names the service still applies once it does.
    """

    __tablename__ = "runbook"

    id: int | None = Field(default=None, primary_key=True)
    service_name: str = Field(unique=True, description="the service, as its incidents name it")
    title: str
    source: str | None = Field(default=None, description="the file it was imported from")
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    updated_at: datetime = utc_field(nullable=False)


class RunbookStep(SQLModel, table=True):
    """One step of a runbook; a step dropped by a later import but already tagged on
    some incident is kept, retired, so what was recorded still says which step."""

    __tablename__ = "runbook_step"
    __table_args__ = (CheckConstraint("position >= 1", name="runbook_step_position"),)

    id: int | None = Field(default=None, primary_key=True)
    runbook_id: int = Field(foreign_key="runbook.id", ondelete="CASCADE", index=True)
    position: int
    text: str
    retired: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class RunbookStepRecord(SQLModel, table=True):
    """What became of one step in one incident: followed (by a timeline event), skipped
    or deviated from; a skip or deviation is justified (with the reason) or not."""

    __tablename__ = "runbook_step_record"
    __table_args__ = (
        UniqueConstraint("incident_id", "step_id", name="runbook_step_once"),
        CheckConstraint(
            "NOT justified OR (reason IS NOT NULL AND reason <> '')",
            name="runbook_justified_reason",
        ),
        CheckConstraint(
            "outcome <> 'followed' OR NOT justified", name="runbook_followed_not_justified"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", index=True)
    step_id: int = Field(foreign_key="runbook_step.id", ondelete="CASCADE", index=True)
    outcome: RunbookOutcome = Field(sa_type=enum_type(RunbookOutcome), nullable=False)
    event_id: int | None = Field(default=None, foreign_key="timeline_event.id", ondelete="SET NULL")
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    justified: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    reason: str | None = None
    set_by: str | None = None
    set_at: datetime = utc_field(nullable=False)
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Problem(SQLModel, table=True):
    """A cause behind recurring incidents, possibly across services and teams: one team
    accountable for it, others contributing."""

    __tablename__ = "problem"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    accountable_team_id: int | None = Field(
        default=None, foreign_key="team.id", ondelete="SET NULL"
    )
    created_by: str
    created_at: datetime = utc_field(nullable=False)
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ProblemIncident(SQLModel, table=True):
    __tablename__ = "problem_incident"

    problem_id: int = Field(foreign_key="problem.id", ondelete="CASCADE", primary_key=True)
    incident_id: int = Field(
        foreign_key="incident.id", ondelete="CASCADE", primary_key=True, index=True
    )


class ProblemTeam(SQLModel, table=True):
    """A team contributing to a problem (not the accountable one)."""

    __tablename__ = "problem_team"

    problem_id: int = Field(foreign_key="problem.id", ondelete="CASCADE", primary_key=True)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE", primary_key=True)


class MetricFactBlock(SQLModel, table=True):
    """Which timeline and incident rows the stored facts of a block of incident ids
    reflect (`storage/bulk/metric_facts`): a derived copy, rebuilt whenever it is
    missing, stale or damaged; the rows stay the record."""

    __tablename__ = "metric_fact_block"

    block: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    format: int
    watermark: int = Field(description="the highest timeline_event id when derived")
    pages: int
    parts: int
    resolvers: int
    checksum: int = Field(description="CRC-32 of the blob")
    incident_watermark: int = Field(
        default=0,
        description="the highest incident id when derived",
        sa_column_kwargs={"server_default": "0"},
    )
    incidents: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    titles: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    title_bytes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class MetricFactBlob(SQLModel, table=True):
    """The facts of a block, apart from its mark so that moving a watermark rewrites a
    small row, not megabytes."""

    __tablename__ = "metric_fact_blob"

    block: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    facts: bytes = Field(sa_type=LargeBinary)


class MetricFactState(SQLModel, table=True):
    """One row: how many timeline edits the triggers have counted, so that facts derived
    before an edit are never stored after it."""

    __tablename__ = "metric_fact_state"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    edits: int
