"""Closed sets of values the schema enforces.

Each enum's member names equal their values, so the database stores the
readable value and a CHECK constraint keeps anything else out.
"""

from enum import StrEnum


class Severity(StrEnum):
    """Normalised severity; SEV1 is the worst."""

    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"
    SEV5 = "SEV5"

    @property
    def rank(self) -> int:
        return int(self.value[-1])


class IncidentStatus(StrEnum):
    TRIGGERED = "triggered"
    ACKNOWLEDGED = "acknowledged"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"


class EventKind(StrEnum):
    ALERT = "alert"
    PAGE = "page"
    ACKNOWLEDGE = "acknowledge"
    ESCALATE = "escalate"
    NOTE = "note"
    ACTION = "action"
    STATUS_CHANGE = "status_change"
    MITIGATE = "mitigate"
    RESOLVE = "resolve"
    VERIFY = "verify"
    COMMUNICATION = "communication"


class ServiceTier(StrEnum):
    """Criticality: tier 1 services are customer-facing and revenue-critical."""

    TIER1 = "tier1"
    TIER2 = "tier2"
    TIER3 = "tier3"


class ReviewTier(StrEnum):
    FULL = "full"
    LIGHTWEIGHT = "lightweight"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SIGNED = "signed"
    ARCHIVED = "archived"


class FindingCategory(StrEnum):
    CONTRIBUTING_FACTOR = "contributing_factor"
    WENT_WELL = "went_well"
    LUCKY = "lucky"
    OPEN_QUESTION = "open_question"


class FeedbackKind(StrEnum):
    RECOGNITION = "recognition"
    GROWTH = "growth"
    PROCEDURAL_COMPLIANCE = "procedural_compliance"


class NoteDimension(StrEnum):
    """What a feedback note speaks to, so that "resolved it, wrote nothing down" can be
    said precisely: one note may name several."""

    TECHNICAL_RESOLUTION = "technical_resolution"
    COMMUNICATION = "communication"
    DOCUMENTATION = "documentation"
    PROCEDURE = "procedure"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"


# IncidentMerge.how: found in the source data, linked by hand, or unlinked by hand. An
# unlinked row stays so that re-importing the same files does not link them again.
MERGE_REFERENCE = "reference"
MERGE_MANUAL = "manual"
MERGE_UNLINKED = "unlinked"


class IncidentRoleKind(StrEnum):
    """A person's part in one incident, as the source said or a facilitator typed it."""

    COMMANDER = "commander"
    RESPONDER = "responder"
    ONCALL_PRIMARY = "oncall_primary"
    ONCALL_SECONDARY = "oncall_secondary"
    TEAM_LEAD = "team_lead"
    COMMUNICATIONS = "communications"
    SCRIBE = "scribe"


class RunbookOutcome(StrEnum):
    """What became of one runbook step in one incident."""

    FOLLOWED = "followed"
    SKIPPED = "skipped"
    DEVIATED = "deviated"


class FindingTag(StrEnum):
    """Where a finding says a delay or a failure came from: the system, never a person's fault."""

    PROCESS_GAP = "process_gap"
    INDIVIDUAL_DECISION = "individual_decision"
    TOOLING = "tooling"
    EXTERNAL = "external"


# IncidentRole.source: what an import found, or what someone typed. A re-import replaces
# only its own rows, so a typed role is never overwritten.
ROLE_IMPORTED = "import"
ROLE_TYPED = "typed"
# The key of a timeline event recording that a source assigned the incident to someone
# (PagerDuty's `assignments`): "assign:<person's id in the source>:<time as written>".
# The event's actor is the assignee, so imported roles can name them.
ASSIGNMENT_KEY_PREFIX = "assign:"
