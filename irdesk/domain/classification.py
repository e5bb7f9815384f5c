"""An incident's classification: what a facilitator knows that the source did not say.

Exports rarely carry what the policy needs (who caused it, who accepted the risk,
which regulation applies, what customers reported), so a facilitator records it
beside the source's values; an import never touches it. `effective_impact` is the
one place that decides which value counts: the classification where it says
something, the source's otherwise. Metrics, packets, tiering and the windows all
read it through that function.

A classification field left as None says nothing, and the source's value counts.
Each yes/no comes with what backs it: an external cause with its vendor and the
evidence, approved technical debt with who approved it and the decision, regulatory
exposure with the regulation and its notification deadline.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlparse

from irdesk.domain.enums import Severity

# What a user names when clearing (`irdesk classify --clear external-cause`), and the
# attributes each one covers.
FIELD_PARTS: dict[str, tuple[str, ...]] = {
    "customer_severity": ("customer_severity",),
    "severity": ("severity",),
    "users_affected": ("users_affected",),
    "downtime_cost": ("downtime_cost",),
    "external_cause": ("external_cause", "external_vendor", "external_evidence"),
    "approved_tech_debt": ("approved_tech_debt", "debt_approver", "debt_decision"),
    "regulatory_exposure": ("regulatory_exposure", "regulation", "notification_deadline"),
    "not_incident": ("not_incident",),
}

FIELD_LABELS = {
    "customer_severity": "customer-reported severity",
    "severity": "corrected severity",
    "users_affected": "users affected",
    "downtime_cost": "downtime cost",
    "external_cause": "external cause",
    "approved_tech_debt": "approved technical debt",
    "regulatory_exposure": "regulatory exposure",
    "not_incident": "not an incident",
}


def field_named(text: str) -> str:
    """The field a user means by `text` ("external-cause", "Users affected"); ValueError."""
    name = text.strip().lower().replace("-", "_").replace(" ", "_")
    name = "not_incident" if name == "not_an_incident" else name
    if name in FIELD_PARTS:
        return name
    shown = [n.replace("_", "-") for n in FIELD_PARTS if n != "not_incident"]
    raise ValueError(
        f"no classification field {text!r}; one of {', '.join(shown)}, not-an-incident"
    )


def parse_severity(text: str) -> Severity:
    """SEV1 … SEV5, also written sev2 or 2; ValueError naming what is expected."""
    value = text.strip().upper()
    if value.isdigit():
        value = f"SEV{value}"
    try:
        return Severity(value)
    except ValueError:
        raise ValueError(f"expected a severity SEV1 … SEV5, got {text!r}") from None


@dataclass(frozen=True)
class Classification:
    """What a facilitator said about one incident; None throughout says nothing."""

    customer_severity: Severity | None = None
    severity: Severity | None = None
    users_affected: int | None = None
    downtime_cost: float | None = None
    external_cause: bool | None = None
    external_vendor: str | None = None
    external_evidence: str | None = None
    approved_tech_debt: bool | None = None
    debt_approver: str | None = None
    debt_decision: str | None = None
    regulatory_exposure: bool | None = None
    regulation: str | None = None
    notification_deadline: datetime | None = None
    not_incident: bool = False

    @property
    def is_empty(self) -> bool:
        return self == Classification()

    def changed(self, changes: Mapping[str, Any]) -> "Classification":
        """This classification with `changes` (attribute → value) made; text is trimmed
        and empty text is None."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"not a classification attribute: {', '.join(sorted(unknown))}")
        tidy: dict[str, Any] = {
            k: (v.strip() or None) if type(v) is str else v  # a Severity is a str too
            for k, v in changes.items()
        }
        return replace(self, **tidy)

    def cleared(self, field: str) -> "Classification":
        """Back to the source's value for `field` (a FIELD_PARTS name)."""
        default = Classification()
        return replace(self, **{p: getattr(default, p) for p in FIELD_PARTS[field]})

    def differences(self, other: "Classification") -> dict[str, tuple[Any, Any]]:
        """attribute → (this value, the other's) where they differ, as plain text/numbers."""
        return {
            f.name: (_plain(getattr(self, f.name)), _plain(getattr(other, f.name)))
            for f in fields(self)
            if getattr(self, f.name) != getattr(other, f.name)
        }

    def problems(self) -> list[str]:
        """Sentences naming what makes this classification unusable; [] when it is fine."""
        found = []
        if self.users_affected is not None and self.users_affected < 0:
            found.append(f"users affected must be 0 or more, not {self.users_affected}")
        if self.downtime_cost is not None and (
            not math.isfinite(self.downtime_cost) or self.downtime_cost < 0
        ):
            found.append(f"the downtime cost must be 0 or more, not {self.downtime_cost:g}")
        if self.external_cause:
            if not self.external_vendor:
                found.append("an external cause needs the vendor (third party) that caused it")
            if not self.external_evidence:
                found.append("an external cause needs evidence: the URL of the vendor's report")
            elif not is_web_address(self.external_evidence):
                found.append(
                    f"the evidence must be a web address (https://…), not {self.external_evidence!r}"
                )
        elif self.external_vendor or self.external_evidence:
            found.append("a vendor and evidence are only kept for an external cause")
        if self.approved_tech_debt:
            if not self.debt_approver:
                found.append("approved technical debt needs who approved it")
            if not self.debt_decision:
                found.append("approved technical debt needs the decision's reference")
        elif self.debt_approver or self.debt_decision:
            found.append("an approver and decision are only kept for approved technical debt")
        if self.regulatory_exposure:
            if not self.regulation:
                found.append("regulatory exposure needs the regulation (e.g. GDPR Art. 33)")
            if self.notification_deadline is None:
                found.append("regulatory exposure needs the notification deadline")
            elif self.notification_deadline.tzinfo is None:
                found.append("the notification deadline needs a time zone (e.g. …T17:00+01:00)")
        elif self.regulation or self.notification_deadline is not None:
            found.append("a regulation and deadline are only kept for regulatory exposure")
        return found


def is_web_address(text: str) -> bool:
    parsed = urlparse(text.strip())
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Severity):
        return value.value
    return value


class SourceFacts(Protocol):
    """What an import stores about an incident's impact (an `Incident` row has these)."""

    @property
    def severity(self) -> Severity | None: ...
    @property
    def customer_severity(self) -> Severity | None: ...
    @property
    def users_affected(self) -> int | None: ...
    @property
    def downtime_cost(self) -> float | None: ...
    @property
    def external_cause(self) -> bool: ...
    @property
    def approved_tech_debt(self) -> bool: ...
    @property
    def regulatory_exposure(self) -> bool: ...


@dataclass(frozen=True)
class SourceValues:
    """Source facts held as plain values, for readers that have no `Incident` row."""

    severity: Severity | None = None
    customer_severity: Severity | None = None
    users_affected: int | None = None
    downtime_cost: float | None = None
    external_cause: bool = False
    approved_tech_debt: bool = False
    regulatory_exposure: bool = False


@dataclass(frozen=True)
class EffectiveImpact:
    """The values that count for an incident, and the classification behind them."""

    severity: Severity | None
    customer_severity: Severity | None
    users_affected: int | None
    downtime_cost: float | None
    external_cause: bool
    approved_tech_debt: bool
    regulatory_exposure: bool
    not_incident: bool
    classification: Classification

    def classified(self, field: str) -> bool:
        """Whether `field` (a FIELD_PARTS name) is the facilitator's, not the source's."""
        default = Classification()
        return any(
            getattr(self.classification, p) != getattr(default, p) for p in FIELD_PARTS[field]
        )


def _either(mine: Any, source: Any) -> Any:
    return source if mine is None else mine


def effective_impact(source: SourceFacts, classification: Classification | None) -> EffectiveImpact:
    """The classification over the source: each of its values where it has one."""
    c = classification or Classification()
    return EffectiveImpact(
        severity=_either(c.severity, source.severity),
        customer_severity=_either(c.customer_severity, source.customer_severity),
        users_affected=_either(c.users_affected, source.users_affected),
        downtime_cost=_either(c.downtime_cost, source.downtime_cost),
        external_cause=bool(_either(c.external_cause, source.external_cause)),
        approved_tech_debt=bool(_either(c.approved_tech_debt, source.approved_tech_debt)),
        regulatory_exposure=bool(_either(c.regulatory_exposure, source.regulatory_exposure)),
        not_incident=c.not_incident,
        classification=c,
    )


def describe(classification: Classification) -> list[str]:
    """One line per thing the classification says, for the windows and the command line."""
    c = classification
    lines = []
    if c.not_incident:
        lines.append("Not an incident (left out of the incident figures)")
    if c.severity is not None:
        lines.append(f"Severity corrected to {c.severity.value}")
    if c.customer_severity is not None:
        lines.append(f"Customers reported {c.customer_severity.value}")
    if c.users_affected is not None:
        lines.append(f"{c.users_affected:,} users affected")
    if c.downtime_cost is not None:
        lines.append(f"Downtime cost {c.downtime_cost:,.2f}")
    if c.external_cause:
        lines.append(f"External cause: {c.external_vendor} ({c.external_evidence})")
    elif c.external_cause is False:
        lines.append("Not an external cause")
    if c.approved_tech_debt:
        lines.append(f"Approved technical debt: {c.debt_approver}, decision {c.debt_decision}")
    elif c.approved_tech_debt is False:
        lines.append("Not approved technical debt")
    if c.regulatory_exposure:
        deadline = c.notification_deadline.isoformat() if c.notification_deadline else "?"
        lines.append(f"Regulatory exposure: {c.regulation}, notify by {deadline}")
    elif c.regulatory_exposure is False:
        lines.append("No regulatory exposure")
    return lines
