"""A channel's messages as timeline events: text written out, authors named, key moments."""

import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from irdesk.domain.enums import EventKind
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.formats.slack.export import Export, User, text_field
from irdesk.importers.problems import ImportProblem
from irdesk.importers.records import EventRecord, PersonRef

SOURCE = "slack"
# Messages about the channel rather than the incident.
SKIPPED_SUBTYPES = frozenset(
    {
        "channel_join",
        "channel_leave",
        "group_join",
        "group_leave",
        "channel_archive",
        "channel_unarchive",
        "group_archive",
        "group_unarchive",
        "channel_name",
        "group_name",
        "pinned_item",
        "unpinned_item",
        "bot_add",
        "bot_remove",
        "reminder_add",
        "tombstone",
    }
)
_SLACK_TS = re.compile(r"^(\d{1,12})(?:\.(\d{1,6})\d*)?$")
_LINK = re.compile(r"<([^<>\n]+)>")


def _time(value: object, file: str, location: str, options: ImportOptions) -> datetime:
    match = _SLACK_TS.match(value) if isinstance(value, str) else None
    if match is None:
        raise ImportProblem(
            file, location, "a Slack timestamp such as 1622751414.000200", field="ts", found=value
        )
    # Whole microseconds from the text: a float would round 1622751414.000200 off by one.
    seconds, fraction = match.group(1), match.group(2) or ""
    micros = int(fraction.ljust(6, "0"))
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(seconds), microseconds=micros)
    return moment - options.offset(SOURCE)


def _plain_text(text: str, users: Mapping[str, User]) -> str:
    """Slack's mrkdwn markup written out: mentions by name, links as text, entities decoded."""

    def link(match: re.Match[str]) -> str:
        target, _bar, label = match.group(1).partition("|")
        if target.startswith("@"):
            user = users.get(target[1:])
            return "@" + (label or (user.name if user and user.name else target[1:]))
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!date^"):
            return label or target
        if target.startswith("!"):
            return "@" + target[1:]  # !here, !channel, !everyone
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return f"{label} ({target})" if label and label != target else target

    return html.unescape(_LINK.sub(link, text)).strip()


def _file_names(message: dict[str, Any]) -> list[str]:
    files = message.get("files")
    if not isinstance(files, list):
        return []
    names = []
    for item in files:
        if isinstance(item, dict):
            name = text_field(item, "name") or text_field(item, "title")
            if name:
                names.append(name)
    return names


def _has_reaction(message: dict[str, Any], wanted: str) -> bool:
    reactions = message.get("reactions")
    if not wanted or not isinstance(reactions, list):
        return False
    for reaction in reactions:
        name = reaction.get("name") if isinstance(reaction, dict) else None
        # "pushpin::skin-tone-2" is still a pushpin.
        if isinstance(name, str) and name.split("::")[0] == wanted:
            return True
    return False


class _Authors:
    """Who wrote each message, and which ids nobody could name (for one warning)."""

    def __init__(self, export: Export) -> None:
        self.users = export.users
        self.unknown: set[str] = set()

    def author(self, message: dict[str, Any]) -> tuple[PersonRef | None, str | None]:
        """(actor, bot name to show in the text)."""
        user_id = message.get("user") if isinstance(message.get("user"), str) else None
        user = self.users.get(user_id) if user_id else None
        bot_profile = message.get("bot_profile")
        if message.get("subtype") == "bot_message" or (user is not None and user.is_bot):
            name = (
                text_field(message, "username")
                or (text_field(bot_profile, "name") if isinstance(bot_profile, dict) else None)
                or (user.name if user else None)
                or "bot"
            )
            return None, name
        if user is not None and (user.name or user.email):
            return PersonRef(user.name, user.email), None
        # Someone from another workspace (a shared channel) is not in users.json, but recent
        # exports copy their profile into each message.
        profile = message.get("user_profile")
        if isinstance(profile, dict):
            name = (
                text_field(profile, "real_name")
                or text_field(profile, "display_name")
                or text_field(profile, "name")
            )
            if name:
                return PersonRef(name), None
        if user_id:
            self.unknown.add(user_id)
        return None, None


def _event(
    message: dict[str, Any],
    channel: str,
    when: datetime,
    ts: str,
    authors: _Authors,
    options: ImportOptions,
) -> EventRecord | None:
    raw_text = message.get("text")
    text = _plain_text(raw_text, authors.users) if isinstance(raw_text, str) else ""
    files = _file_names(message)
    if files:
        shared = "shared " + ", ".join(files)
        text = f"{text} [{shared}]" if text else f"[{shared}]"
    if not text:
        return None  # a deleted message or an empty attachment: nothing to read
    actor, bot = authors.author(message)
    if bot:
        text = f"{bot}: {text}"
    thread_ts = message.get("thread_ts")
    if isinstance(thread_ts, str) and thread_ts != ts:
        text = "↳ " + text
    key_reaction = options.key_reaction.strip().strip(":")
    is_key = bool(message.get("pinned_to")) or _has_reaction(message, key_reaction)
    return EventRecord(
        occurred_at=when,
        kind=EventKind.NOTE,
        source=SOURCE,
        external_id=f"{channel}:{ts}",
        text=text,
        actor=actor,
        is_key_moment=is_key,
    )


def channel_events(
    file: str, messages: list[Any], channel: str, export: Export, options: ImportOptions
) -> tuple[list[EventRecord], set[str]]:
    """A day file's messages as events in time order, and the ids of authors users.json
    does not name."""
    authors = _Authors(export)
    events: list[EventRecord] = []
    for index, message in enumerate(messages):
        location = f"[{index}]"
        if not isinstance(message, dict):
            raise ImportProblem(file, location, "a Slack message object", found=message)
        if message.get("type", "message") != "message":
            continue
        if message.get("subtype") in SKIPPED_SUBTYPES:
            continue
        ts = message.get("ts")
        when = _time(ts, file, f"{location}.ts", options)
        assert isinstance(ts, str)  # _time accepts nothing else
        event = _event(message, channel, when, ts, authors, options)
        if event is not None:
            events.append(event)
    events.sort(key=lambda event: event.occurred_at)
    return events, authors.unknown
