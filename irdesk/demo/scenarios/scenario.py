"""One kind of incident the demo organisation has, as words: `Scenario`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """One kind of incident: its story, told by every source and in the review.

    Texts are str.format templates over the incident's context (see incidents.incident_context).
    """

    service: str
    titles: tuple[str, ...]
    alert: str
    alert_source: str  # "datadog" or "prometheus"
    notes: tuple[str, ...]
    actions: tuple[str, ...]  # the last one is what mitigated it
    mitigation: str
    summary: str
    factors: tuple[str, str]
    went_well: str
    lucky: str
    question: str
    remediations: tuple[tuple[str, str], tuple[str, str]]  # (title, description) per factor
    kind: str = "internal"  # or "external" (third party) or "tech_debt" (approved)
    n_range: tuple[int, int] = (12, 90)
