"""Exporting a packet: gather, preview the redaction, compose, assemble, sign, record.

`prepare` reads everything from the database in one session; `preview` says
what redaction will remove; `render` makes the PDF bytes (no database);
`export_packet` does all of it, writes the file and records the export.

Drawing (reportlab, matplotlib) and signing (pyHanko) are imported by `render` and
`export_packet` where they are first used: preparing and previewing a packet, which
the window's packet dialog does as soon as it opens, needs none of them.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from irdesk.domain.metrics.definitions import LIFECYCLE, metric_definitions
from irdesk.domain.metrics.named_periods import named_period
from irdesk.domain.person_cells import person_json
from irdesk.domain.person_period import PersonPeriod
from irdesk.domain.utc import utc_now
from irdesk.reports.packets import validation
from irdesk.reports.packets.executive_figures import ExecutiveFigures, executive_figures
from irdesk.reports.packets.formatting import incident_label
from irdesk.reports.packets.manifest import build_manifest
from irdesk.reports.packets.profiles import Profile, Scope, profile_named
from irdesk.reports.packets.redaction import Redactor, Removal
from irdesk.storage.database import Database
from irdesk.storage.files import PRIVATE, write_atomically
from irdesk.storage.reads.packet_data import (
    IncidentPacketData,
    PeriodIncidents,
    PersonPacketData,
    person_packet_in_period,
)
from irdesk.storage.reads.packet_reads import (
    read_incident_packet,
    read_period_packet,
    read_person_packet,
)
from irdesk.storage.reads.person_period import person_period
from irdesk.storage.records.audit import AuditAnchor
from irdesk.storage.records.packets import audit_anchor, record_packet
from irdesk.storage.records.policies import PolicyRecord, policy_version
from irdesk.storage.sealing import Keyring

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from irdesk.domain.register import ContinuityRow, RegisterRow, Rule
    from irdesk.domain.themes import Theme
    from irdesk.reports.signing.token import TokenKey
    from irdesk.storage.reads.review_facts import Calibration, ReviewHealth

Report = Callable[[str], None]


@dataclass(frozen=True)
class PacketRequest:
    profile: str
    # The incident's number in the database, SOURCE:ID (demo:INC-1022) or a unique ID.
    incident_id: int | str | None = None
    period: str | None = None
    person: str | None = None
    patterns: tuple[str, ...] = ()
    # A stored policy version to name and compute under; None: the current one.
    policy_version: int | None = None
    # When the register measures pending notices; None: when the packet is prepared.
    as_of: datetime | None = None
    # A manager packet's period (UTC days, both included): its Period section.
    first_day: date | None = None
    last_day: date | None = None

    def check(self) -> Profile:
        """The profile, once the request names exactly what that profile is about."""
        profile = profile_named(self.profile)
        given = {
            Scope.INCIDENT: self.incident_id is not None,
            Scope.PERIOD: self.period is not None,
            Scope.PERSON: self.person is not None,
        }
        wants = {
            Scope.INCIDENT: "an incident (its ID)",
            Scope.PERIOD: "a period (--period 2026-Q3, 2026-07 or 2026)",
            Scope.PERSON: "a person (--person NAME)",
        }
        if not given[profile.scope] or sum(given.values()) != 1:
            raise ValueError(f"the {profile.key} profile is about {wants[profile.scope]} only")
        if self.period is not None:
            named_period(self.period)
        if (self.first_day is None) != (self.last_day is None):
            raise ValueError("a person's period needs both --from and --to")
        if self.first_day is not None:
            if profile.scope is not Scope.PERSON:
                raise ValueError("--from and --to are for the manager profile's person")
            assert self.last_day is not None
            if self.last_day < self.first_day:
                raise ValueError("--to is before --from")
        return profile


@dataclass(frozen=True)
class SignRequest:
    """Sign with a PKCS#12 file (`identity`, `passphrase`) or a PKCS#11 `token`."""

    identity: Path | None
    passphrase: bytes = field(default=b"", repr=False)
    # An RFC 3161 timestamp authority: the signature is then PAdES B-LT, not B-B.
    timestamp_url: str | None = None
    token: "TokenKey | None" = None


@dataclass
class PreparedPacket:
    profile: Profile
    data: IncidentPacketData | PeriodIncidents | PersonPacketData
    redactor: Redactor
    patterns: tuple[str, ...]
    # The version the dashboard and `irdesk metrics` call current: every packet names it.
    policy: PolicyRecord
    figures: ExecutiveFigures | None = None  # a period packet's
    # A period packet's: its incidents' recovery against RTO, and the register's rows
    # (incidents detected in the period) as of `as_of`.
    continuity: "list[ContinuityRow]" = field(default_factory=list)
    register: "list[RegisterRow]" = field(default_factory=list)
    rules: "list[Rule]" = field(default_factory=list)
    # A period packet's contributing factors that recur most, against the period before.
    themes: "list[Theme]" = field(default_factory=list)
    as_of: datetime | None = None
    incident_id: int | None = None
    subject: str | None = None
    validation: dict[str, Any] | None = None  # the manifest's "validation", for some profiles
    person_period: PersonPeriod | None = None  # a manager packet's, when a period was asked
    # The calibration profile's: teams side by side and review health over the period.
    calibration: "Calibration | None" = None
    health: "ReviewHealth | None" = None


def prepare(
    database: Database, request: PacketRequest, keyring: Keyring | None = None
) -> PreparedPacket:
    """`keyring`: the unlocked reader, whose feedback notes a manager packet may show."""
    profile = request.check()
    policy = policy_version(database, request.policy_version)
    figures = None
    if profile.scope is Scope.PERIOD:
        assert request.period is not None
        label, period = named_period(request.period)
        figures = executive_figures(database, label, period, policy)
    data: IncidentPacketData | PeriodIncidents | PersonPacketData
    if profile.scope is Scope.INCIDENT:
        assert request.incident_id is not None
        data = read_incident_packet(database, str(request.incident_id))
    elif figures is not None:
        # The records hashed in the manifest are the incidents the figures counted.
        data = read_period_packet(database, figures.label, figures.incident_ids)
    else:
        assert request.person is not None
        data = read_person_packet(database, request.person, keyring)
        if request.first_day is not None and request.last_day is not None:
            person_facts = person_period(
                database,
                request.person,
                request.first_day,
                request.last_day,
                keyring=keyring,
                policy=policy.policy,
            )
    redactor = Redactor(profile.redaction, data.people, list(request.patterns))
    prepared = PreparedPacket(
        profile=profile,
        data=data,
        redactor=redactor,
        patterns=request.patterns,
        policy=policy,
        figures=figures,
    )
    if profile.scope is Scope.PERSON and request.first_day is not None:
        assert isinstance(data, PersonPacketData) and request.last_day is not None
        prepared.person_period = person_facts
        # Every count in a period's packet is the period's, as its Period section counts.
        taken = {part.incident_id for part in person_facts.incidents}
        prepared.data = person_packet_in_period(data, taken, request.first_day, request.last_day)
    if profile.key in validation.PROFILES:
        prepared.validation = validation.manifest_validation(database)
    if figures is not None:
        _read_register(database, prepared, request.as_of or utc_now())
        if profile.key == "calibration":
            _read_calibration(database, prepared, request.as_of or utc_now(), keyring)
    if isinstance(data, IncidentPacketData):
        prepared.incident_id = data.incident.id
    elif isinstance(data, PeriodIncidents):
        prepared.subject = data.label
    else:
        prepared.subject = data.person.name
    return prepared


def _read_register(database: Database, prepared: PreparedPacket, as_of: datetime) -> None:
    """A period packet's continuity rows, and the register profile's rows and rules."""
    from irdesk.storage.reads.register import read_register, read_rules

    figures = prepared.figures
    assert figures is not None and isinstance(prepared.data, PeriodIncidents)
    prepared.continuity = prepared.data.continuity
    if "Top themes" in prepared.profile.sections:
        from irdesk.storage.reads.themes import read_themes_between

        prepared.themes = read_themes_between(database, figures.period.start, figures.period.end)
    if "Notifications" in prepared.profile.sections:
        period = figures.period
        prepared.as_of = as_of
        prepared.rules = read_rules(database)
        prepared.register = [
            r
            for r in read_register(database, as_of)
            if r.detected_at is not None and period.start <= r.detected_at < period.end
        ]


def _read_calibration(
    database: Database, prepared: PreparedPacket, as_of: datetime, keyring: Keyring | None
) -> None:
    """The calibration packet's teams and review health, for the days of its period;
    `keyring`'s notes are the ones whose dimensions it compares."""
    from irdesk.storage.reads.review_facts import read_calibration, read_review_health

    assert prepared.figures is not None
    period = prepared.figures.period
    first, last = period.start.date(), (period.end - timedelta(microseconds=1)).date()
    prepared.calibration = read_calibration(database, first, last, as_of.date(), keyring)
    prepared.health = read_review_health(database, first, last, as_of.date())


def redaction_preview(prepared: PreparedPacket) -> list[Removal]:
    """What the packet will not show, and what shows instead, before anything is written.

    Counted on a rendering that is thrown away, with a redactor of its own: the preview
    then lists exactly what the export will remove, field for field, not an estimate
    from a list of texts that could drift from what the profile prints.
    """
    own = prepared.redactor
    probe = replace(prepared, redactor=Redactor(own.rules, own.people, own.patterns))
    render(probe, packet_uid="PKT-PREVIEW", created_by="preview", now=utc_now())
    return probe.redactor.removals()


@dataclass(frozen=True)
class RenderedPacket:
    packet_uid: str
    pdf: bytes
    pages: int
    subject: str


def new_packet_uid(now: datetime) -> str:
    return f"PKT-{now:%Y%m%d}-{secrets.token_hex(4).upper()}"


def render(
    prepared: PreparedPacket,
    *,
    packet_uid: str,
    created_by: str,
    now: datetime,
    report: Report = lambda _text: None,
    audit: AuditAnchor | None = None,
) -> RenderedPacket:
    from irdesk.reports.packets.assemble import assemble
    from irdesk.reports.packets.charts import incident_charts
    from irdesk.reports.packets.compose import Cover, compose
    from irdesk.reports.packets.incident_sections import IncidentSections
    from irdesk.reports.packets.layout import Layout, utc_text
    from irdesk.reports.packets.period_sections import PeriodSections, period_charts
    from irdesk.reports.packets.person_sections import PersonSections
    from irdesk.reports.packets.retired import live_sections

    profile, data, redact = prepared.profile, prepared.data, prepared.redactor
    layout = Layout(redact=redact)
    policy = prepared.policy
    saved = f", saved {policy.created_at:%Y-%m-%d}" if policy.created_at else ""
    common: list[tuple[str, str | None]] = [
        ("Profile", f"{profile.title} (for {profile.audience})"),
        ("Classification", profile.classification),
        ("Packet ID", packet_uid),
        ("Policy", f"{policy.label}{saved}"),
        ("Created", f"{utc_text(now)} by {created_by}"),
    ]
    report("Drawing charts…")
    draw: Callable[[str], list[Flowable]]
    if isinstance(data, IncidentPacketData):
        incident = data.incident
        subject = f"{incident_label(incident)} — {incident.title}"
        cover = Cover(
            title=f"Review packet: {profile.title}",
            subject=subject,
            facts=[
                ("Incident", f"{incident_label(incident)}: {incident.title}"),
                ("Service", incident.service),
                ("Severity", incident.severity),
                ("Started", utc_text(incident.lifecycle["started_at"])),
                ("Resolved", utc_text(incident.lifecycle["resolved_at"])),
                *common,
            ],
        )
        charts = incident_charts(incident, data.events, policy.policy, data.escalation)
        draw = IncidentSections(layout, data, profile, charts).draw
        definitions = metric_definitions(policy.policy, LIFECYCLE)
        records: dict[str, object] = {
            "incident": incident,
            "review": data.review,
            "timeline_event": data.events,
            "finding": data.findings,
            "action_item": data.actions,
            "audit_entry": data.audit,
        }
        if "Findings" not in profile.sections and "External cause" not in profile.sections:
            del records["finding"]
        if "Audit excerpt" not in profile.sections:
            del records["audit_entry"]
    elif isinstance(data, PeriodIncidents):
        figures = prepared.figures
        assert figures is not None
        period = figures.period
        subject = f"Period {data.label}"
        cover = Cover(
            title=f"Review packet: {profile.title}",
            subject=subject,
            facts=[
                (
                    "Period",
                    f"{data.label} ({period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}, UTC)",
                ),
                ("Incidents", str(figures.by_severity.incidents)),
                *(
                    [("Register as of", utc_text(prepared.as_of))]
                    if prepared.as_of is not None
                    else []
                ),
                *common,
            ],
        )
        profile = live_sections(profile, policy.policy)
        # The register names no chart: drawing the dashboard's for it would be wasted time.
        charts = period_charts(figures) if "Trend" in profile.sections else {}
        draw = PeriodSections(
            layout,
            figures,
            charts,
            continuity=prepared.continuity,
            register=prepared.register,
            rules=prepared.rules,
            themes=prepared.themes,
        ).draw
        if prepared.calibration is not None and prepared.health is not None:
            from irdesk.reports.packets.calibration_sections import CalibrationSections

            draw = CalibrationSections(layout, prepared.calibration, prepared.health).draw
        definitions = metric_definitions(policy.policy)
        records = {"incident": data.incidents}
        if prepared.as_of is not None:
            records["register"] = prepared.register
            records["regulation_rule"] = prepared.rules
        if prepared.calibration is not None and prepared.health is not None:
            records["calibration_team"] = prepared.calibration.teams
            # Counts per team only: what a note says never reaches the manifest.
            records["calibration_notes"] = prepared.calibration.notes
            records["calibration_tagging"] = prepared.calibration.tagging
            records["calibration_session"] = prepared.calibration.sessions
            # Only the rows the page shows: a withheld group's answers are not in them.
            records["review_health"] = prepared.health.rows
    else:
        person = data.person
        subject = f"{person.name}, {person.role or 'no role recorded'}"
        cover = Cover(
            title=f"Review packet: {profile.title}",
            subject=subject,
            facts=[
                ("Person", person.name),
                ("Team", person.team),
                ("Incidents", str(len(data.incidents))),
                *common,
            ],
        )
        draw = PersonSections(layout, data, prepared.person_period).draw
        definitions = {}
        records = {
            "person": person,
            "incident": [i.incident for i in data.incidents],
            "feedback_note": data.feedback,
        }
        if prepared.person_period is not None:
            # The period's cells as the packet shows them (its notes are feedback_note's).
            records["person_period"] = person_json(prepared.person_period, notes=False)
    manifest = build_manifest(
        packet_uid=packet_uid,
        profile=profile.key,
        subject=subject,
        created_at=now,
        created_by=created_by,
        policy=policy,
        definitions=definitions,
        records=records,
        source_files=data.source_files,
        redaction=profile.redaction.names(),
        patterns=list(prepared.patterns),
        audit=audit,
        validation=prepared.validation,
    )
    report("Composing pages…")
    composed = compose(
        profile=profile,
        layout=layout,
        cover=cover,
        draw_section=draw,
        manifest=manifest,
        report=report,
    )
    report("Adding signature fields and the manifest…")
    pdf = assemble(composed.pdf, composed.slots, manifest)
    return RenderedPacket(packet_uid=packet_uid, pdf=pdf, pages=composed.pages, subject=subject)


@dataclass(frozen=True)
class ExportResult:
    packet_uid: str
    path: Path
    sha256: str
    pages: int
    signed_by: str | None
    removals: list[Removal]


def export_packet(
    database: Database,
    request: PacketRequest,
    out: Path,
    *,
    created_by: str,
    sign: SignRequest | None = None,
    report: Report = lambda _text: None,
    now: datetime | None = None,
    overwrite: bool = False,
    keyring: Keyring | None = None,
) -> ExportResult:
    """Write the packet to `out` (replacing a regular file there only with `overwrite`)."""
    report("Reading the records…")
    now = now or utc_now()
    # The register in the packet is as of the moment the packet says it was created.
    prepared = prepare(database, replace(request, as_of=request.as_of or now), keyring)
    # Where the audit log stands: signed into the manifest, kept in the packet's row.
    audit = audit_anchor(database)
    rendered = render(
        prepared,
        packet_uid=new_packet_uid(now),
        created_by=created_by,
        now=now,
        report=report,
        audit=audit,
    )
    pdf = rendered.pdf
    signed_by = None
    signer_certificates: list[str] = []
    if sign is not None:
        report("Signing…")
        from irdesk.reports.signing.sign import last_signer_certificate

        if sign.token is not None:
            from irdesk.reports.signing.token import sign_packet_with_token

            pdf, signed_by = sign_packet_with_token(
                pdf, sign.token, timestamp_url=sign.timestamp_url
            )
            signer_certificates.append(last_signer_certificate(pdf))
        else:
            from irdesk.reports.signing.identity import read_identity
            from irdesk.reports.signing.sign import sign_packet

            assert sign.identity is not None
            identity = read_identity(sign.identity, sign.passphrase)
            signed_by = identity.name
            pdf = sign_packet(pdf, sign.identity, sign.passphrase, timestamp_url=sign.timestamp_url)
            signer_certificates.append(last_signer_certificate(pdf))
    digest = hashlib.sha256(pdf).hexdigest()
    report("Writing and recording the export…")
    review = prepared.data.review if isinstance(prepared.data, IncidentPacketData) else None
    # The file is written inside the recording transaction: if it cannot be written,
    # nothing is recorded.
    record_packet(
        database,
        packet_uid=rendered.packet_uid,
        profile=prepared.profile.key,
        incident_id=prepared.incident_id,
        review_id=review.id if review else None,
        subject=prepared.subject,
        policy_version_id=prepared.policy.id,
        sha256=digest,
        file_name=out.name,
        signers=[signed_by] if signed_by else [],
        created_by=created_by,
        created_at=now,
        # Owner-only from the first byte: a manager packet holds personnel notes, and
        # every packet names people; the user shares it deliberately.
        write=lambda: write_atomically(out, pdf, replace=overwrite, mode=PRIVATE),
        audit=audit,
        signer_certificates=signer_certificates,
    )
    return ExportResult(
        packet_uid=rendered.packet_uid,
        path=out,
        sha256=digest,
        pages=rendered.pages,
        signed_by=signed_by,
        removals=prepared.redactor.removals(),
    )
