"""What each type of PagerDuty log entry becomes: one table of rules, read by both readers.

A log entry is read either the fast way (log_entries.plain_event, for the entries with
nothing to report) or the careful way (log_entries.careful_event, which locates every
wrong value); both take the event's kind, key, actor and text from the rule of the
entry's type, so a rule is changed here, once.
"""

from typing import NamedTuple

from irdesk.domain.enums import ASSIGNMENT_KEY_PREFIX, EventKind

# Where a text is: the entry itself, its `agent` (who acted) or its `channel` (how).
ENTRY, AGENT, CHANNEL = 0, 1, 2
HOLDER_NAMES = ("", "agent", "channel")


class Text(NamedTuple):
    """A text an entry may hold: `key` of one of its objects (ENTRY, AGENT or CHANNEL)."""

    holder: int
    key: str


SUMMARY = Text(ENTRY, "summary")
MESSAGE = Text(ENTRY, "message")  # a status update's own words
AGENT_NAME = Text(AGENT, "summary")
CHANNEL_SUMMARY = Text(CHANNEL, "summary")
CHANNEL_NOTES = Text(CHANNEL, "notes")
CHANNEL_CONTENT = Text(CHANNEL, "content")

# How an event is keyed: by the entry's id, or, for the moments an incident records too
# (its acknowledgements and its resolution), by the key its incident gives them.
BY_ENTRY_ID, BY_ACKNOWLEDGEMENT, BY_RESOLUTION = 0, 1, 2
# The key of the RESOLVE event: a PagerDuty incident resolves once and cannot reopen.
RESOLVED_KEY = "resolved"

# Who the event's actor is: the entry's agent when it is a person, or for a notification
# the person paged (what on-call load counts; the agent is the escalation policy).
THE_AGENT, THE_PERSON_PAGED = 0, 1


class Rule(NamedTuple):
    kind: EventKind
    # Where the text is, in order: the first one present and not blank is it.
    text: tuple[Text, ...] = (SUMMARY, CHANNEL_SUMMARY)
    # How a found text reads ("Acknowledged by {}"); None: as found.
    wording: str | None = None
    # The text when none is found; None: the entry's type in words ("reach trigger limit").
    otherwise: str | None = None
    key: int = BY_ENTRY_ID
    actor: int = THE_AGENT

    def worded(self, found: str | None, entry_type: str = "") -> str:
        if found is None:
            if self.otherwise is not None:
                return self.otherwise
            return entry_type.removesuffix("_log_entry").replace("_", " ")
        return found if self.wording is None else self.wording.format(found)


# The same words from an incident's acknowledgements and from its log entry, so the
# event they share does not flip between two texts on each import.
ACKNOWLEDGED = Rule(
    EventKind.ACKNOWLEDGE,
    text=(AGENT_NAME,),
    wording="Acknowledged by {}",
    otherwise="Acknowledged",
    key=BY_ACKNOWLEDGEMENT,
)
RESOLVED = Rule(
    EventKind.RESOLVE,
    text=(AGENT_NAME,),
    wording="Resolved by {}",
    otherwise="Resolved",
    key=BY_RESOLUTION,
)
# The note itself is in the channel; an annotation's `summary` only says "Note added by …".
ANNOTATED = Rule(
    EventKind.NOTE,
    text=(CHANNEL_SUMMARY, CHANNEL_NOTES, CHANNEL_CONTENT, SUMMARY),
    otherwise="Note added",
)
_ESCALATED = Rule(EventKind.ESCALATE)
_STATUS_CHANGED = Rule(EventKind.STATUS_CHANGE)
# An entry of a type not listed below is kept as a note (with a warning naming the type).
UNKNOWN = Rule(EventKind.NOTE)

# Log entry type, without the "_log_entry" suffix → its rule.
RULES: dict[str, Rule] = {
    "trigger": Rule(EventKind.ALERT),
    "notify": Rule(EventKind.PAGE, otherwise="Notified", actor=THE_PERSON_PAGED),
    "acknowledge": ACKNOWLEDGED,
    "escalate": _ESCALATED,
    "assign": _ESCALATED,
    "delegate": _ESCALATED,
    "repeat_escalation_path": _ESCALATED,
    "exhaust_escalation_path": _ESCALATED,
    "responder_request": _ESCALATED,
    "annotate": ANNOTATED,
    "resolve": RESOLVED,
    "status_update": Rule(
        EventKind.COMMUNICATION,
        text=(MESSAGE, SUMMARY, CHANNEL_SUMMARY),
        otherwise="Status update",
    ),
    "unacknowledge": _STATUS_CHANGED,
    "reach_ack_limit": _STATUS_CHANGED,
    "snooze": _STATUS_CHANGED,
    "unsnooze": _STATUS_CHANGED,
    "urgency_change": _STATUS_CHANGED,
    "priority_change": _STATUS_CHANGED,
    "merge": _STATUS_CHANGED,
    "reach_trigger_limit": Rule(EventKind.NOTE),
    "link": Rule(EventKind.NOTE),
}

# The rules by the full type the API writes ("notify_log_entry"), for the fast reader.
RULES_BY_TYPE: dict[str, Rule] = {f"{short}_log_entry": rule for short, rule in RULES.items()}


def rule_for(entry_type: str) -> Rule | None:
    """The rule of a type as any export writes it ("notify_log_entry",
    "notify_log_entry_reference" or "notify"); None for a type not in RULES."""
    return RULES.get(entry_type.removesuffix("_reference").removesuffix("_log_entry"))


def unknown_rule(entry_type: str) -> Rule:
    """The rule of a type not in RULES: a note, whose text is in the channel when the type
    says it is an annotation of some kind."""
    return ANNOTATED if entry_type.startswith("annotate") else UNKNOWN


def ack_key(agent_id: str | None, at: str) -> str:
    """The key of an acknowledgement, the same from the incident and from its log entry."""
    return f"ack:{agent_id or ''}:{at}"


def assignment_key(assignee_id: str | None, at: str) -> str:
    """The key of an assignment, stable across exports of the same incident."""
    return f"{ASSIGNMENT_KEY_PREFIX}{assignee_id or ''}:{at}"
