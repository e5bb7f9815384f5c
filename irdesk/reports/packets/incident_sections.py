"""The sections of an incident packet (legal, insurance, postmortem), one method each."""

from collections.abc import Callable

from reportlab.platypus import Flowable, KeepTogether

from irdesk.reports.packets.audit_sessions import audit_lines
from irdesk.reports.packets.charts import Chart
from irdesk.reports.packets.formatting import minutes_text, money, yes
from irdesk.reports.packets.layout import Layout, utc_text
from irdesk.reports.packets.profiles import Profile
from irdesk.reports.packets.text import para_text
from irdesk.storage.reads.packet_data import IncidentPacketData, PacketEvent

# Sources whose events are a third party's own words about the outage.
THIRD_PARTY_SOURCES = {"statuspage"}


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
        out: list[Flowable] = [*self.layout.paras(incident.summary or "No summary was recorded.")]
        if review is not None and review.summary:
            out += [
                self.layout.heading("The review's summary", 2),
                *self.layout.paras(review.summary),
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
            ("Downtime cost", money(incident.downtime_cost)),
            ("External cause", yes(incident.external_cause)),
            ("Approved tech debt", yes(incident.approved_tech_debt)),
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
            ("Impact duration", minutes_text(minutes)),
            ("Cost estimate", money(estimate)),
            ("Basis of the estimate", basis),
            *self._lifecycle_pairs(),
        ]
        return [self.layout.facts(pairs)]

    def charts_section(self) -> list[Flowable]:
        return [KeepTogether([self.layout.chart(c), self.layout.gap(8)]) for c in self.charts]

    def _event(self, event: PacketEvent) -> list[Flowable]:
        layout = self.layout
        star = "★ " if event.is_key_moment else ""
        actor = layout.redact(event.actor) if event.actor else ""
        # Few style changes per line: each is a fragment reportlab measures and breaks apart,
        # and a packet may hold thousands of events.
        head = (
            f"<b>{event.occurred_at.strftime('%Y-%m-%d %H:%M:%S')}</b> {star}"
            f"{para_text(event.kind.replace('_', ' '))} · "
            f"{layout.text(event.source, 'event')}"
            f"{' · ' + layout.text(actor, 'event') if actor else ''} — "
        )
        out: list[Flowable] = (
            [layout.markup(head, "event")]
            if self.profile.redaction.free_text
            else [*layout.paras(event.text, "event", head=head)]
        )
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
                out += [p for f in chosen for p in self.layout.paras(f"• {f.text}")]
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
            self.layout.facts([("Regulatory exposure", yes(flagged))]),
            self.layout.gap(),
            self.layout.para(text, redact=False),
        ]

    def audit(self) -> list[Flowable]:
        entries = self.data.audit
        if not entries:
            return [self.layout.para("No changes to this incident or its review were audited.")]
        rows: list[list[str | None]] = [["Time", "Who", "Change", "Detail"]]
        for line in audit_lines(entries):
            when = utc_text(line.started_at)
            change = f"{line.first.action.replace('_', ' ')} ({line.first.entity})"
            if line.saves > 1:
                when = f"{when} – {utc_text(line.ended_at)}"
                change = f"{change}, {line.saves} saves"
            rows.append(
                [
                    when,
                    line.first.actor,
                    change,
                    "; ".join(f"{k}: {v}" for k, v in sorted(line.detail.items())),
                ]
            )
        return [self.layout.table(rows, [0.2, 0.15, 0.2, 0.45])]

    def external_cause(self) -> list[Flowable]:
        incident = self.data.incident
        out: list[Flowable] = [
            self.layout.facts([("Caused by a third party", yes(incident.external_cause))])
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
        out += [p for f in factors for p in self.layout.paras(f"• {f.text}")] or [
            self.layout.para("None recorded.", redact=False)
        ]
        return out
