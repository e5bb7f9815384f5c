"""The audiences a packet is made for: what each one reads and what is kept from it.

A profile is data, not code: its sections, its classification and its
redaction rules. Only the manager profile reads feedback notes, and only
about one person: feedback is personnel data and never reaches any other reader.
"""

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    INCIDENT = "incident"
    PERIOD = "period"
    PERSON = "person"


@dataclass(frozen=True)
class RedactionRules:
    names_to_roles: bool = False
    emails: bool = False
    hosts: bool = False
    urls: bool = False
    # Free-text timeline entries are left out as a whole, not just scrubbed.
    free_text: bool = False

    def names(self) -> list[str]:
        labels = {
            "names_to_roles": "people's names (shown as their roles)",
            "emails": "email addresses",
            "hosts": "host names and IP addresses",
            "urls": "URLs",
            "free_text": "free-text timeline entries",
        }
        return [label for key, label in labels.items() if getattr(self, key)]


@dataclass(frozen=True)
class Profile:
    key: str
    title: str
    audience: str
    scope: Scope
    classification: str
    sections: tuple[str, ...]
    redaction: RedactionRules
    includes_feedback: bool = False


LEGAL = Profile(
    key="legal",
    title="Legal record",
    audience="counsel and auditors",
    scope=Scope.INCIDENT,
    classification="CONFIDENTIAL — PRIVILEGED",
    sections=(
        "Summary",
        "Impact",
        "Charts",
        "Timeline",
        "Findings",
        "Action items",
        "Review and approvals",
        "Regulatory exposure",
        "Audit excerpt",
    ),
    # The full record, but contact details are not needed to judge it.
    redaction=RedactionRules(emails=True),
)

INSURANCE = Profile(
    key="insurance",
    title="Insurance and vendor liability",
    audience="insurers and vendors",
    scope=Scope.INCIDENT,
    classification="CONFIDENTIAL — THIRD PARTY",
    sections=("Impact and cost estimate", "External cause", "Charts", "Timeline", "Remediation"),
    redaction=RedactionRules(names_to_roles=True, emails=True, hosts=True, urls=True),
)

EXECUTIVE = Profile(
    key="executive",
    title="Executive summary",
    audience="executives, the board and regulators",
    scope=Scope.PERIOD,
    classification="CONFIDENTIAL — BOARD",
    sections=(
        "Overview",
        "Response times by severity",
        "Trend",
        "SLO adherence",
        "Business continuity",
        "Top themes",
        "Cost",
        "On-call load",
        "Postmortem compliance",
        "Controls",
        "Metric definitions",
    ),
    redaction=RedactionRules(
        names_to_roles=True, emails=True, hosts=True, urls=True, free_text=True
    ),
)

POSTMORTEM = Profile(
    key="postmortem",
    title="Internal postmortem",
    audience="the whole organisation",
    scope=Scope.INCIDENT,
    classification="INTERNAL",
    sections=("Summary", "Impact", "Charts", "Timeline", "Findings", "Action items"),
    # Blameless: the organisation reads what each role did, not who.
    redaction=RedactionRules(names_to_roles=True, emails=True),
)

MANAGER = Profile(
    key="manager",
    title="Manager's conversation notes",
    audience="one person's manager",
    scope=Scope.PERSON,
    classification="CONFIDENTIAL — PERSONNEL",
    sections=("Overview", "Period", "Incidents", "Feedback notes"),
    redaction=RedactionRules(emails=True),
    includes_feedback=True,
)

REGISTER = Profile(
    key="register",
    title="Compliance register",
    audience="auditors and regulators",
    scope=Scope.PERIOD,
    classification="CONFIDENTIAL — REGULATORY",
    sections=(
        "Notifications",
        "Legal sign-off and packets sent",
        "Notice rules",
        "Business continuity",
    ),
    # An auditor checks who gave notice and who signed off: names stay, contact details go.
    redaction=RedactionRules(emails=True),
)

CALIBRATION = Profile(
    key="calibration",
    title="Calibration",
    audience="review owners and the teams calibrating",
    scope=Scope.PERIOD,
    classification="INTERNAL",
    sections=(
        "Teams side by side",
        "Overrides and reasons",
        "Contributing factors by team",
        "Feedback-note dimensions",
        "Review health",
        "Calibration sessions",
    ),
    # Survey answers appear only as groups of three or more; attendees' names stay.
    redaction=RedactionRules(emails=True),
)

PROFILES = {
    p.key: p for p in (LEGAL, INSURANCE, EXECUTIVE, POSTMORTEM, CALIBRATION, MANAGER, REGISTER)
}


def profile_named(key: str) -> Profile:
    try:
        return PROFILES[key]
    except KeyError:
        raise ValueError(f"unknown profile {key!r}; one of {', '.join(PROFILES)}") from None
