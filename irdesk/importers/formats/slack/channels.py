"""Which incident a Slack channel is about: the user's link, else its name, else its topic."""

import re

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.formats.slack.export import Channel

# Channel names: a prefix, then an incident number or tracker key, then anything.
_NAME_PREFIX = re.compile(r"^(?:inc|incident)[-_](?P<rest>.+)$")
_NAME_NUMBER = re.compile(r"^(?P<number>\d+)(?:[-_].*)?$")
_NAME_KEY = re.compile(r"^(?P<key>[a-z][a-z0-9]*-\d+)(?:[-_].*)?$")
_NAME_DATE = re.compile(r"^\d{4}[-_]\d{2}[-_]\d{2}(?:[-_].*)?$")
# In a topic or purpose.
_TEXT_URL = re.compile(r"https?://[^\s|<>]+")
_TEXT_SOURCE_KEY = re.compile(r"\b(?:pagerduty|opsgenie|jira|statuspage):[A-Za-z0-9_-]+")
_TEXT_TRACKER_KEY = re.compile(r"\b(?P<project>[A-Z][A-Z0-9]+)-\d+\b")
_TEXT_NUMBER = re.compile(r"(?<![\w&])#(\d+)\b")
# "SEV-1" and "P-2" read like tracker keys but are severities.
_NOT_PROJECTS = frozenset({"SEV", "P"})


def reference_from_name(channel: str) -> str | None:
    """'inc-12728-checkout' → '#12728'; 'incident-INC-1042' → 'INC-1042'; 'random' → None."""
    prefixed = _NAME_PREFIX.match(channel.casefold())
    if prefixed is None:
        return None
    rest = prefixed.group("rest")
    if _NAME_DATE.match(rest):
        return None  # inc-2021-06-03-db: named by its date, not by an incident number
    number = _NAME_NUMBER.match(rest)
    if number:
        return f"#{int(number.group('number'))}"
    key = _NAME_KEY.match(rest)
    if key and key.group("key").split("-")[0].upper() not in _NOT_PROJECTS:
        return key.group("key").upper()
    return None


def reference_from_text(text: str) -> str | None:
    """The first incident URL, source key, tracker key or #number in a topic or purpose."""
    url = _TEXT_URL.search(text)
    if url:
        return url.group(0).rstrip(".,;)")
    source_key = _TEXT_SOURCE_KEY.search(text)
    if source_key:
        return source_key.group(0)
    for tracker_key in _TEXT_TRACKER_KEY.finditer(text):
        if tracker_key.group("project") not in _NOT_PROJECTS:
            return tracker_key.group(0)
    number = _TEXT_NUMBER.search(text)
    return f"#{number.group(1)}" if number else None


def _explicit_link(channel: str, options: ImportOptions) -> str | None:
    wanted = channel.casefold()
    for name, key in options.slack_channels.items():
        if name.strip().lstrip("#").casefold() == wanted and key.strip():
            return key.strip()
    return None


def channel_link(
    channel: str, meta: Channel | None, options: ImportOptions
) -> tuple[str | None, bool]:
    """(incident key, whether the user asked for it) for a channel; (None, False) if none."""
    explicit = _explicit_link(channel, options)
    if explicit is not None:
        return explicit, True
    guessed = reference_from_name(channel)
    if guessed is None and meta is not None:
        guessed = reference_from_text(meta.topic) or reference_from_text(meta.purpose)
    return guessed, False


def unlinked_warning(channel: str, days: int | None) -> str:
    files = f" ({days} day file(s))" if days else ""
    return (
        f"channel #{channel}{files} not linked to any incident; skipped (name it "
        "inc-<number>, put the incident's link in its topic, or link it in the Slack "
        "channel options)"
    )
