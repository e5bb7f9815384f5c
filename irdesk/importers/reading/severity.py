"""From each tool's priority or impact to irdesk's SEV1..SEV5.

The defaults follow each tool's own documentation of its scale; an
organisation can override any entry (ImportOptions.severity_maps).
"""

from collections.abc import Mapping

from irdesk.domain.enums import Severity

S1, S2, S3, S4, S5 = Severity.SEV1, Severity.SEV2, Severity.SEV3, Severity.SEV4, Severity.SEV5

DEFAULT_SEVERITY_MAPS: dict[str, dict[str, Severity]] = {
    # PagerDuty priorities P1..P5; urgency alone says nothing about severity.
    "pagerduty": {"p1": S1, "p2": S2, "p3": S3, "p4": S4, "p5": S5},
    "opsgenie": {"p1": S1, "p2": S2, "p3": S3, "p4": S4, "p5": S5},
    # Jira priorities, in English and as Jira's Spanish interface names them.
    "jira": {
        "highest": S1,
        "critical": S1,
        "blocker": S1,
        "más alta": S1,
        "crítica": S1,
        "high": S2,
        "major": S2,
        "alta": S2,
        "medium": S3,
        "media": S3,
        "low": S4,
        "minor": S4,
        "baja": S4,
        "lowest": S5,
        "trivial": S5,
        "más baja": S5,
    },
    # Statuspage impact.
    "statuspage": {"critical": S1, "major": S2, "minor": S3, "none": S5, "maintenance": S5},
}


def map_severity(
    source: str, raw: str | None, overrides: Mapping[str, Mapping[str, Severity]] | None = None
) -> Severity | None:
    """None when the source gave nothing or a value nobody mapped (the raw value is kept)."""
    if raw is None or not raw.strip():
        return None
    key = raw.strip().casefold()
    custom = (overrides or {}).get(source, {})
    for table in (custom, DEFAULT_SEVERITY_MAPS.get(source, {})):
        for name, severity in table.items():
            if name.casefold() == key:
                return severity
    return None
