"""A packet's pages: cover, contents, the profile's sections, signatures, manifest.

`compose` returns the PDF from reportlab and where the signature fields go;
`assemble.py` adds the fields and the embedded manifest. Which sections appear
is the profile's choice (profiles.py); this module only knows how to draw
each one. Every user string goes through `Layout.para` (redaction, then
escaping).
"""

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak

from irdesk.reports.packets.charts import Chart
from irdesk.reports.packets.layout import (
    ContentsEntry,
    ContentsPageNumbers,
    Layout,
    PacketDocument,
    PageFurniture,
    SignatureBox,
    SignatureSlot,
    utc_text,
)
from irdesk.reports.packets.manifest import Manifest
from irdesk.reports.packets.period_figures import PeriodFigures
from irdesk.reports.packets.profiles import Profile
from irdesk.reports.packets.text import para_text
from irdesk.storage.packet_data import (
    EventRecord,
    IncidentPacketData,
    IncidentRecord,
    PersonPacketData,
)

SIGNATURE_FIELDS = (
    ("Signature1", "Prepared and signed by"),
    ("Signature2", "Countersigned by"),
)
THIRD_PARTY_SOURCES = {"statuspage"}


@dataclass(frozen=True)
class ComposedPdf:
    pdf: bytes
    slots: list[SignatureSlot]
    pages: int


@dataclass(frozen=True)
class Cover:
    title: str
    subject: str
    facts: list[tuple[str, str | None]]


def _minutes_text(minutes: float | None) -> str:
    if minutes is None:
        return "missing"
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def incident_label(incident: IncidentRecord) -> str:
    return f"{incident.source}:{incident.external_id}"


# --------------------------------------------------------------------- incident sections


class IncidentSections:
    def __init__(
        self, layout: Layout, data: IncidentPacketData, profile: Profile, charts: list[Chart]
    ) -> None:
        self.layout = layout
        self.data = data
        self.profile = profile
        self.charts = charts

    def draw(self, name: str) -> list[Flowable]:
        method: Callable[[], list[Flowable]] = {
            "Summary": self.summary,
            "Impact": self.impact,
            "Impact and cost estimate": self.impact_and_cost,
            "Charts": self.charts_section,
            "Timeline": self.timeline,
            "Findings": self.findings,
            "Action items": self.actions,
            "Remediation": self.remediation,
            "Review and approvals": self.review,
            "Regulatory exposure": self.regulatory,
            "Audit excerpt": self.audit,
            "External cause": self.external_cause,
        }[name]
        return method()

    def summary(self) -> list[Flowable]:
        incident, review = self.data.incident, self.data.review
        out: list[Flowable] = [self.layout.para(incident.summary or "No summary was recorded.")]
        if review is not None and review.summary:
            out += [
                self.layout.heading("The review's summary", 2),
                self.layout.para(review.summary),
            ]
        return out

    def _lifecycle_pairs(self) -> list[tuple[str, str | None]]:
        incident = self.data.incident
        pairs = []
        for name, value in incident.lifecycle.items():
            label = name.removesuffix("_at").replace("_", " ")
            note = " (corrected by the facilitator)" if name in incident.overridden else ""
            pairs.append((label, utc_text(value) + note))
        return pairs

    def impact(self) -> list[Flowable]:
        incident = self.data.incident
        pairs: list[tuple[str, str | None]] = [
            ("Service", incident.service),
            ("Severity", incident.severity),
            ("Status", incident.status),
            ("Users affected", f"{incident.users_affected:,}" if incident.users_affected else None),
            ("Downtime cost", _money(incident.downtime_cost)),
            ("External cause", _yes(incident.external_cause)),
            ("Approved tech debt", _yes(incident.approved_tech_debt)),
            *self._lifecycle_pairs(),
        ]
        return [self.layout.facts(pairs)]

    def _impact_minutes(self) -> float | None:
        times = self.data.incident.lifecycle
        start, end = times["started_at"], times["mitigated_at"] or times["resolved_at"]
        if start is None or end is None or end < start:
            return None
        return (end - start).total_seconds() / 60

    def impact_and_cost(self) -> list[Flowable]:
        incident = self.data.incident
        minutes = self._impact_minutes()
        if incident.downtime_cost is not None:
            estimate, basis = incident.downtime_cost, "the downtime cost recorded for the incident"
        elif minutes is not None and incident.cost_per_minute:
            estimate = minutes * incident.cost_per_minute
            basis = f"{minutes:.0f} impact minutes × {incident.cost_per_minute:,.0f} per minute"
        else:
            estimate, basis = None, "not enough data for an estimate"
        pairs: list[tuple[str, str | None]] = [
            ("Service", incident.service),
            ("Severity", incident.severity),
            ("Users affected", f"{incident.users_affected:,}" if incident.users_affected else None),
            ("Impact duration", _minutes_text(minutes)),
            ("Cost estimate", _money(estimate)),
            ("Basis of the estimate", basis),
            *self._lifecycle_pairs(),
        ]
        return [self.layout.facts(pairs)]

    def charts_section(self) -> list[Flowable]:
        return [KeepTogether([self.layout.chart(c), self.layout.gap(8)]) for c in self.charts]

    def _event(self, event: EventRecord) -> list[Flowable]:
        layout = self.layout
        star = "★ " if event.is_key_moment else ""
        actor = layout.redact(event.actor) if event.actor else ""
        # Few style changes per line: each is a fragment reportlab measures and breaks apart,
        # and a packet may hold thousands of events.
        head = (
            f"<b>{event.occurred_at.strftime('%Y-%m-%d %H:%M:%S')}</b> {star}"
            f"{para_text(event.kind.replace('_', ' '))} · "
            f"{para_text(event.source)}{' · ' + para_text(actor) if actor else ''} — "
        )
        text = "" if self.profile.redaction.free_text else para_text(layout.redact(event.text))
        out: list[Flowable] = [layout.markup(head + text, "event")]
        if event.original_text is not None or event.original_occurred_at is not None:
            parts = []
            if event.original_occurred_at is not None:
                parts.append(f"originally at {utc_text(event.original_occurred_at)}")
            if event.original_text is not None:
                parts.append(f"originally: “{layout.redact(event.original_text)}”")
            who = layout.redact(event.corrected_by) if event.corrected_by else "a facilitator"
            why = (
                f" because {layout.redact(event.correction_reason)}"
                if event.correction_reason
                else ""
            )
            out.append(
                layout.para(
                    f"Corrected by {who}{why}; " + "; ".join(parts), "correction", redact=False
                )
            )
        return out

    def timeline(self) -> list[Flowable]:
        events = self.data.events
        if not events:
            return [self.layout.para("No timeline events were recorded.")]
        out: list[Flowable] = [
            self.layout.para(
                f"{len(events)} events, times in UTC; ★ marks a key moment. Corrections show the "
                "original beside the corrected entry.",
                "small",
                redact=False,
            )
        ]
        for event in events:
            out += self._event(event)
        return out

    def findings(self) -> list[Flowable]:
        findings = self.data.findings
        if not findings:
            return [self.layout.para("No findings were recorded.")]
        out: list[Flowable] = []
        for category in ("contributing_factor", "went_well", "lucky", "open_question"):
            chosen = [f for f in findings if f.category == category]
            if chosen:
                out.append(self.layout.heading(category.replace("_", " ").capitalize(), 2))
                out += [self.layout.para(f"• {f.text}") for f in chosen]
        return out

    def _action_rows(self) -> list[list[str | None]]:
        rows: list[list[str | None]] = [["Action", "Owner", "Due", "Status", "Ticket"]]
        for action in self.data.actions:
            title = action.title + (f"\n{action.description}" if action.description else "")
            rows.append(
                [
                    title,
                    action.owner,
                    action.due_on.isoformat() if action.due_on else None,
                    action.status.replace("_", " "),
                    action.external_key,
                ]
            )
        return rows

    def actions(self) -> list[Flowable]:
        if not self.data.actions:
            return [self.layout.para("No action items were recorded.")]
        return [self.layout.table(self._action_rows(), [0.46, 0.2, 0.12, 0.11, 0.11])]

    def remediation(self) -> list[Flowable]:
        return self.actions()

    def review(self) -> list[Flowable]:
        review = self.data.review
        if review is None:
            return [self.layout.para("This incident has no review.")]
        pairs: list[tuple[str, str | None]] = [
            ("Tier", review.tier),
            ("Status", review.status.replace("_", " ")),
            ("Facilitator", review.facilitator),
            ("Attendees", ", ".join(review.attendees) or None),
            ("Due", review.due_on.isoformat() if review.due_on else None),
            ("Approved", utc_text(review.approved_at) if review.approved_at else "not approved"),
        ]
        return [self.layout.facts(pairs)]

    def regulatory(self) -> list[Flowable]:
        flagged = self.data.incident.regulatory_exposure
        text = (
            "This incident is flagged for regulatory exposure: it may have to be reported to a "
            "regulator."
            if flagged
            else "This incident is not flagged for regulatory exposure."
        )
        return [
            self.layout.facts([("Regulatory exposure", _yes(flagged))]),
            self.layout.gap(),
            self.layout.para(text, redact=False),
        ]

    def audit(self) -> list[Flowable]:
        entries = self.data.audit
        if not entries:
            return [self.layout.para("No changes to this incident or its review were audited.")]
        rows: list[list[str | None]] = [["Time", "Who", "Change", "Detail"]]
        for entry in entries:
            detail = json.loads(entry.detail) if entry.detail else {}
            rows.append(
                [
                    utc_text(entry.occurred_at),
                    entry.actor,
                    f"{entry.action.replace('_', ' ')} ({entry.entity})",
                    "; ".join(f"{k}: {v}" for k, v in sorted(detail.items())),
                ]
            )
        return [self.layout.table(rows, [0.2, 0.15, 0.2, 0.45])]

    def external_cause(self) -> list[Flowable]:
        incident = self.data.incident
        out: list[Flowable] = [
            self.layout.facts([("Caused by a third party", _yes(incident.external_cause))])
        ]
        evidence = [e for e in self.data.events if e.source in THIRD_PARTY_SOURCES]
        factors = [f for f in self.data.findings if f.category == "contributing_factor"]
        out.append(self.layout.heading("Third-party status updates", 2))
        if evidence:
            for event in evidence:
                out += self._event(event)
        else:
            out.append(self.layout.para("None were imported for this incident.", redact=False))
        out.append(self.layout.heading("Contributing factors found by the review", 2))
        out += [self.layout.para(f"• {f.text}") for f in factors] or [
            self.layout.para("None recorded.", redact=False)
        ]
        return out


# --------------------------------------------------------------------- period sections


class PeriodSections:
    def __init__(self, layout: Layout, figures: PeriodFigures, charts: list[Chart]) -> None:
        self.layout = layout
        self.figures = figures
        self.charts = charts

    def draw(self, name: str) -> list[Flowable]:
        return {
            "Overview": self.overview,
            "Response times by severity": self.response,
            "SLO adherence": self.slo,
            "Cost": self.cost,
            "Trend": self.trend,
            "Metric definitions": self.definitions,
        }[name]()

    def overview(self) -> list[Flowable]:
        f = self.figures
        return [
            self.layout.facts(
                [
                    (
                        "Period",
                        f"{f.label}: {f.start:%Y-%m-%d} to {f.end:%Y-%m-%d} (exclusive), UTC",
                    ),
                    ("Incidents", str(f.incidents)),
                    ("Caused by third parties", str(f.external)),
                    ("Flagged for regulatory exposure", str(f.regulatory)),
                    ("Estimated downtime cost", _money(f.total_cost)),
                    (
                        "Services meeting their SLO",
                        f"{sum(s.meets_slo for s in f.by_service)} of {len(f.by_service)}",
                    ),
                ],
                redact=False,
            )
        ]

    def response(self) -> list[Flowable]:
        rows: list[list[str | None]] = [
            ["Severity", "Incidents", "Median TTR", "p90 TTR", "Target", "Within target", "Missing"]
        ]
        for s in self.figures.by_severity:
            measured = s.count - s.missing
            rows.append(
                [
                    s.severity,
                    str(s.count),
                    _minutes_text(s.median_minutes) if s.count else "—",
                    _minutes_text(s.p90_minutes) if s.count else "—",
                    _minutes_text(s.target_minutes) if s.target_minutes else "—",
                    f"{s.within_target} of {measured}" if measured else "—",
                    str(s.missing),
                ]
            )
        return [self.layout.table(rows, [0.13, 0.13, 0.15, 0.15, 0.14, 0.17, 0.13], redact=False)]

    def slo(self) -> list[Flowable]:
        rows: list[list[str | None]] = [
            ["Service", "Incidents", "Impact", "Availability", "SLO", "Met"]
        ]
        for s in self.figures.by_service:
            rows.append(
                [
                    s.service,
                    str(s.incidents),
                    _minutes_text(s.impact_minutes),
                    f"{s.availability * 100:.3f} %",
                    f"{s.slo_target:g} %",
                    "yes" if s.meets_slo else "NO",
                ]
            )
        return [self.layout.table(rows, [0.3, 0.12, 0.14, 0.16, 0.14, 0.14])]

    def cost(self) -> list[Flowable]:
        rows: list[list[str | None]] = [["Service", "Incidents", "Estimated cost"]]
        rows += [[s.service, str(s.incidents), _money(s.cost)] for s in self.figures.by_service]
        rows.append(["Total", str(self.figures.incidents), _money(self.figures.total_cost)])
        return [self.layout.table(rows, [0.5, 0.2, 0.3])]

    def trend(self) -> list[Flowable]:
        return [KeepTogether([self.layout.chart(c), self.layout.gap(8)]) for c in self.charts]

    def definitions(self) -> list[Flowable]:
        rows: list[list[str | None]] = [["Figure", "Definition"]]
        rows += [[k.replace("_", " "), v] for k, v in self.figures.definitions.items()]
        return [self.layout.table(rows, [0.25, 0.75], redact=False)]


# --------------------------------------------------------------------- person sections


class PersonSections:
    def __init__(self, layout: Layout, data: PersonPacketData) -> None:
        self.layout = layout
        self.data = data

    def draw(self, name: str) -> list[Flowable]:
        return {
            "Overview": self.overview,
            "Incidents": self.incidents,
            "Feedback notes": self.feedback,
        }[name]()

    def overview(self) -> list[Flowable]:
        p = self.data.person
        return [
            self.layout.facts(
                [
                    ("Person", p.name),
                    ("Role", p.role),
                    ("Team", p.team),
                    ("Incidents taken part in", str(len(self.data.incidents))),
                    ("Feedback notes", str(len(self.data.feedback))),
                ]
            ),
            self.layout.gap(),
            self.layout.para(
                "Facts for a conversation, not a verdict: findings about the system stay in the "
                "reviews; these notes are about one person and are shown to their manager only.",
                "small",
                redact=False,
            ),
        ]

    def incidents(self) -> list[Flowable]:
        if not self.data.incidents:
            return [self.layout.para("No incidents involve this person.", redact=False)]
        rows: list[list[str | None]] = [["Incident", "Started", "Severity", "Part", "Events"]]
        for item in self.data.incidents:
            rows.append(
                [
                    f"{item.incident.external_id} — {item.incident.title}",
                    utc_text(item.incident.lifecycle["started_at"])[:10],
                    item.incident.severity,
                    item.part,
                    str(item.events),
                ]
            )
        return [self.layout.table(rows, [0.44, 0.13, 0.11, 0.22, 0.1])]

    def feedback(self) -> list[Flowable]:
        if not self.data.feedback:
            return [
                self.layout.para("No feedback notes were written about this person.", redact=False)
            ]
        out: list[Flowable] = []
        for note in self.data.feedback:
            about = f" on {note.incident}" if note.incident else ""
            author = f" by {note.author}" if note.author else ""
            justified = ""
            if note.deviation_justified is not None:
                justified = " — leaving the runbook was " + (
                    "justified" if note.deviation_justified else "not justified"
                )
            out.append(
                KeepTogether(
                    [
                        self.layout.para(
                            f"{note.kind.replace('_', ' ').capitalize()}{about}, "
                            f"{note.written_at:%Y-%m-%d}{author}{justified}",
                            "cellhead",
                        ),
                        self.layout.para(note.text),
                        self.layout.gap(4),
                    ]
                )
            )
        return out


# --------------------------------------------------------------------- the document


def _signature_page(layout: Layout, slots: list[SignatureSlot]) -> list[Flowable]:
    out: list[Flowable] = [
        layout.para(
            "This packet is signed with PAdES digital signatures. Anyone can check them without "
            "irdesk, for example with `pdfsig` (poppler) or any PDF reader that shows signatures; "
            "`irdesk verify` reports each signature and whether the document changed after it. "
            "The countersignature is added later as an incremental update that leaves the first "
            "signature valid.",
            redact=False,
        ),
        layout.gap(16),
    ]
    for slot, (_, label) in zip(slots, SIGNATURE_FIELDS, strict=True):
        out += [SignatureBox(slot, label), layout.gap(22)]
    return out


def _manifest_page(layout: Layout, manifest: Manifest) -> list[Flowable]:
    data = manifest.data
    policy = data["policy"]
    out: list[Flowable] = [
        layout.para(
            "The same manifest is attached to this PDF as the file irdesk-manifest.json. Record "
            "hashes are SHA-256 over the records as read from the database, before redaction.",
            "small",
            redact=False,
        ),
        layout.gap(),
        layout.facts(
            [
                ("Packet ID", data["packet_id"]),
                ("Profile", data["profile"]),
                ("Subject", data["subject"]),
                ("Created", f"{data['created_at']} by {data['created_by']}"),
                ("Policy", f"{policy['name']}, version {policy['version']}"),
                ("irdesk", data["irdesk_version"]),
                ("Redaction", ", ".join(data["redaction"]["rules"]) or "none"),
            ]
        ),
        layout.heading("Records exported", 2),
    ]
    rows: list[list[str | None]] = [["Records", "Count", "SHA-256"]]
    rows += [[k, str(v["count"]), v["sha256"]] for k, v in data["records"].items()]
    out.append(layout.table(rows, [0.2, 0.1, 0.7], redact=False))
    out.append(layout.heading("Imported source files", 2))
    files = data["source_files"]
    if files:
        file_rows: list[list[str | None]] = [["File", "SHA-256"]]
        file_rows += [[f["name"], f["sha256"]] for f in files]
        out.append(layout.table(file_rows, [0.35, 0.65], redact=False))
    else:
        out.append(layout.para("None: this data was entered or generated in irdesk.", redact=False))
    out.append(layout.heading("Metric definitions used", 2))
    if not data["metric_definitions"]:
        out.append(layout.para("None: this packet shows no computed figures.", redact=False))
        return out
    definition_rows: list[list[str | None]] = [["Figure", "Definition"]]
    definition_rows += [[k.replace("_", " "), v] for k, v in data["metric_definitions"].items()]
    out.append(layout.table(definition_rows, [0.25, 0.75], redact=False))
    return out


def compose(
    *,
    profile: Profile,
    layout: Layout,
    cover: Cover,
    draw_section: Callable[[str], list[Flowable]],
    manifest: Manifest,
) -> ComposedPdf:
    buffer = io.BytesIO()
    furniture = PageFurniture(
        packet_uid=manifest.packet_uid,
        classification=profile.classification,
        heading=f"irdesk review packet · {profile.title}",
    )
    slots = [SignatureSlot(name) for name, _ in SIGNATURE_FIELDS]
    names = [*profile.sections, "Signatures", "Data manifest"]
    headings = {name: layout.heading(name) for name in names}
    story: list[Flowable] = [
        layout.gap(60),
        layout.para(cover.title, "title", redact=False),
        layout.para(cover.subject, "subtitle"),
        layout.facts(cover.facts),
        layout.gap(24),
        layout.para("Contents", "h2", redact=False),
        *(ContentsEntry(name, headings[name].key) for name in names),
        PageBreak(),
    ]
    for section in profile.sections:
        body = draw_section(section)
        # A heading never ends a page: it travels with the first thing it heads.
        story += [CondPageBreak(90), KeepTogether([headings[section], *body[:1]])]
        story += [*body[1:], layout.gap(10)]
    story += [PageBreak(), headings["Signatures"], *_signature_page(layout, slots)]
    story += [PageBreak(), headings["Data manifest"], *_manifest_page(layout, manifest)]
    document = PacketDocument(
        buffer,
        furniture,
        title=f"{cover.title}: {cover.subject}",
        author=str(manifest.data["created_by"]),
        subject=f"Packet {manifest.packet_uid}",
        creator="irdesk",
    )
    story.append(ContentsPageNumbers(document.heading_pages))
    document.build(story)
    return ComposedPdf(pdf=buffer.getvalue(), slots=slots, pages=document.page)
