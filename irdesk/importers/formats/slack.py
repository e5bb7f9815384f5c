"""Slack workspace and channel exports (format and source "slack").

Accepted files
--------------
An export as Slack writes it, as a folder or a zip (or several files of one): the
workspace files ``users.json``, ``channels.json`` (and ``groups.json``, ``dms.json``,
``mpims.json``, ``integration_logs.json``, ``canvases.json``, ``org_users.json``), and
one folder per channel holding one file per day, ``<channel>/<YYYY-MM-DD>.json``: a
list of messages ``{type: "message", user, text, ts, thread_ts?, reactions?,
pinned_to?, subtype?, files?}``.

The workspace files are recognised by their name and shape and give no records of
their own: a day file looks up its export's ``users.json`` and ``channels.json``
among the other files of the same import (the folder or zip root two levels up from
the day file), so the pipeline reads it with the import in view.

What becomes of a channel
-------------------------
Each day file becomes one EventBatch for its channel's incident, named by reference
(EventBatch.incident_ref), because Slack knows only how people name an incident:

- ``ImportOptions.slack_channels[channel]``, when the user linked the channel; such a
  channel must then find its incident, or the import stops naming it;
- else the channel's name: ``inc-12728-checkout`` → ``#12728``, ``incident-inc-1042``
  → ``INC-1042`` (``inc``/``incident`` prefix, then a number or a tracker key; a date
  after the prefix is no incident number);
- else its topic, then its purpose in ``channels.json``: the first incident URL,
  ``pagerduty:PH4UE4E``-style key, tracker key (``INC-1042``) or ``#12728`` in it.

The pipeline finds the incident among those of the same import (by their aliases) or
in the database (by external id or URL). A channel linked to none is skipped with a
warning; so is a guessed link that finds no incident.

Only messages from one hour before the incident started to 24 hours after it was
resolved (or verified) join its timeline (EventBatch.window); the others are counted
in a warning. When the incident's times are unknown, all of them do.

Messages
--------
Each message is a NOTE at its ``ts``, keyed ``<channel>:<ts>``, the actor resolved
through ``users.json`` (``real_name``, else ``profile.real_name``,
``profile.display_name``, ``name``; email ``profile.email``). Mentions, channel links
and URLs are written out as text (``<@U01ANA>`` → ``@Ana Pérez``); thread replies start
with "↳ "; shared files are listed by name. A pinned message, or one with the key
reaction (ImportOptions.key_reaction, ``pushpin`` by default), is a key moment. Bot
messages keep the bot's name in the text and have no actor: a bot is no person.
Joins, leaves, pins-as-messages, renames and archiving say nothing about the incident
and are left out.
"""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from irdesk.domain.enums import EventKind
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading import sources
from irdesk.importers.reading.sources import SourceFile
from irdesk.importers.records import EventBatch, EventRecord, ParsedFile, PersonRef

SOURCE = "slack"
# Talk starts before the page (someone noticed) and goes on after the fix (is it holding?).
WINDOW = (timedelta(hours=1), timedelta(hours=24))

WORKSPACE_FILES = frozenset(
    {
        "users.json",
        "org_users.json",
        "channels.json",
        "groups.json",
        "dms.json",
        "mpims.json",
        "integration_logs.json",
        "canvases.json",
    }
)
CHANNEL_LISTS = ("channels.json", "groups.json")
USER_LISTS = ("users.json", "org_users.json")
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
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
# In a SourceFile name: folders on disk ("/" or "\\") and the zip/member boundary ("!").
_SEPARATORS = "/\\!"
_SLACK_TS = re.compile(r"^(\d{1,12})(?:\.(\d{1,6})\d*)?$")
_LINK = re.compile(r"<([^<>\n]+)>")

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


@dataclass(frozen=True)
class _User:
    name: str | None
    email: str | None
    is_bot: bool


@dataclass(frozen=True)
class _Channel:
    topic: str
    purpose: str


@dataclass(frozen=True)
class _Export:
    """What a day file needs from the rest of its export."""

    users: Mapping[str, _User]
    channels: Mapping[str, _Channel]
    has_users: bool


def _last_separator(text: str) -> int:
    return max(text.rfind(separator) for separator in _SEPARATORS)


def _base_name(name: str) -> str:
    return name[_last_separator(name) + 1 :]


def _layout(name: str) -> tuple[str, str | None]:
    """(export root prefix, channel) of a day file: "x.zip!inc-1/2021-06-03.json" → ("x.zip!", "inc-1")."""
    end = _last_separator(name)
    if end < 0 or name[end] == "!":
        return "", None  # a day file outside any channel folder
    folder = name[:end]
    start = _last_separator(folder)
    return name[: start + 1], folder[start + 1 :] or None


def _workspace_root(name: str) -> str:
    return name[: _last_separator(name) + 1]


# --- sniffing -----------------------------------------------------------------------------


def _json_or_none(content: Content) -> Any:
    if content.first_char not in ("[", "{"):
        return None
    try:
        return content.json
    except ImportProblem:
        return None


def _objects_with(value: Any, keys: tuple[str, ...]) -> bool:
    """A list whose first few items are objects with an "id" and one of `keys`."""
    if not isinstance(value, list):
        return False
    head = value[:5]
    return all(
        isinstance(item, dict)
        and isinstance(item.get("id"), str)
        and (not keys or any(key in item for key in keys))
        for item in head
    )


def _is_workspace_file(base: str, data: Any) -> bool:
    if base == "integration_logs.json":
        return isinstance(data, dict) and isinstance(data.get("logs"), list)
    if base in USER_LISTS:
        return _objects_with(data, ("real_name", "profile", "is_bot", "name"))
    if base in CHANNEL_LISTS:
        return _objects_with(data, ("name",))
    if base in ("dms.json", "mpims.json"):
        return _objects_with(data, ("members",))
    return _objects_with(data, ())  # canvases.json


def _is_day_file(data: Any) -> bool:
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data[:5]):
        return False
    return not data or ("ts" in data[0] and "type" in data[0])


def sniff(content: Content) -> bool:
    base = _base_name(content.name)
    if base in WORKSPACE_FILES:
        return _is_workspace_file(base, _json_or_none(content))
    if _DAY_FILE.match(base):
        return _is_day_file(_json_or_none(content))
    return False


# --- the rest of the export -------------------------------------------------------------------


def _text_field(value: dict[str, Any], key: str) -> str | None:
    found = value.get(key)
    return found.strip() if isinstance(found, str) and found.strip() else None


@lru_cache(maxsize=4)
def _users_in(file: SourceFile) -> Mapping[str, _User]:
    """users.json by id; cached because every day file of an export needs it."""
    data = sources.load_json(file)
    if not isinstance(data, list):
        raise ImportProblem(file.name, "top level", "a list of Slack users", found=data)
    users: dict[str, _User] = {}
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ImportProblem(
                file.name, f"[{index}]", "a Slack user {id, name, profile}", found=entry
            )
        profile = entry.get("profile") if isinstance(entry.get("profile"), dict) else {}
        name = (
            _text_field(entry, "real_name")
            or _text_field(profile, "real_name")
            or _text_field(profile, "display_name")
            or _text_field(entry, "name")
        )
        is_bot = bool(entry.get("is_bot")) or entry["id"] == "USLACKBOT"
        users[entry["id"]] = _User(name, _text_field(profile, "email"), is_bot)
    return users


def _topic(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, str) else ""


@lru_cache(maxsize=4)
def _channels_in(file: SourceFile) -> Mapping[str, _Channel]:
    data = sources.load_json(file)
    if not isinstance(data, list):
        raise ImportProblem(file.name, "top level", "a list of Slack channels", found=data)
    channels: dict[str, _Channel] = {}
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ImportProblem(
                file.name, f"[{index}]", "a Slack channel {id, name, topic, purpose}", found=entry
            )
        channels[entry["name"]] = _Channel(_topic(entry, "topic"), _topic(entry, "purpose"))
    return channels


def _export(root: str, siblings: Mapping[str, SourceFile]) -> _Export:
    users: dict[str, _User] = {}
    channels: dict[str, _Channel] = {}
    has_users = False
    for base in USER_LISTS:
        file = siblings.get(root + base)
        if file is not None:
            users.update(_users_in(file))
            has_users = True
    for base in CHANNEL_LISTS:
        file = siblings.get(root + base)
        if file is not None:
            channels.update(_channels_in(file))
    return _Export(users, channels, has_users)


# --- which incident a channel is about ----------------------------------------------------------


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
    channel: str, meta: _Channel | None, options: ImportOptions
) -> tuple[str | None, bool]:
    """(incident key, whether the user asked for it) for a channel; (None, False) if none."""
    explicit = _explicit_link(channel, options)
    if explicit is not None:
        return explicit, True
    guessed = reference_from_name(channel)
    if guessed is None and meta is not None:
        guessed = reference_from_text(meta.topic) or reference_from_text(meta.purpose)
    return guessed, False


def _unlinked_warning(channel: str, days: int | None) -> str:
    files = f" ({days} day file(s))" if days else ""
    return (
        f"channel #{channel}{files} not linked to any incident; skipped (name it "
        "inc-<number>, put the incident's link in its topic, or link it in the Slack "
        "channel options)"
    )


# --- messages ----------------------------------------------------------------------------------


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


def _plain_text(text: str, users: Mapping[str, _User]) -> str:
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
            name = _text_field(item, "name") or _text_field(item, "title")
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

    def __init__(self, export: _Export) -> None:
        self.users = export.users
        self.unknown: set[str] = set()

    def author(self, message: dict[str, Any]) -> tuple[PersonRef | None, str | None]:
        """(actor, bot name to show in the text)."""
        user_id = message.get("user") if isinstance(message.get("user"), str) else None
        user = self.users.get(user_id) if user_id else None
        bot_profile = message.get("bot_profile")
        if message.get("subtype") == "bot_message" or (user is not None and user.is_bot):
            name = (
                _text_field(message, "username")
                or (_text_field(bot_profile, "name") if isinstance(bot_profile, dict) else None)
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
                _text_field(profile, "real_name")
                or _text_field(profile, "display_name")
                or _text_field(profile, "name")
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


def _day_file(
    content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    file = content.name
    data = content.json
    if not isinstance(data, list):
        raise ImportProblem(file, "top level", "a list of Slack messages", found=data)
    root, channel = _layout(file)
    if channel is None:
        raise ImportProblem(
            file,
            "",
            "a Slack day file inside its channel's folder, as Slack exports it "
            "(<channel>/<YYYY-MM-DD>.json); import the whole export folder or zip",
            found=_base_name(file),
        )
    export = _export(root, siblings)
    reference, explicit = channel_link(channel, export.channels.get(channel), options)
    if reference is None:
        # The channel list warns once for each listed channel; one it lacks warns here.
        if channel not in export.channels:
            parsed.warnings.append(_unlinked_warning(channel, None))
            parsed.unlinked_channels.append(channel)
        return parsed

    authors = _Authors(export)
    events: list[EventRecord] = []
    for index, message in enumerate(data):
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
    if not export.has_users:
        parsed.warnings.append(
            "no users.json from this export in the import: messages are shown without their "
            "authors (import the whole export folder or zip)"
        )
    elif authors.unknown:
        parsed.warnings.append(
            f"{len(authors.unknown)} author(s) not in users.json "
            f"({', '.join(sorted(authors.unknown)[:5])}): their messages have no author"
        )
    if events:
        events.sort(key=lambda event: event.occurred_at)
        parsed.event_batches.append(
            EventBatch(
                source=SOURCE,
                incident_external_id="",
                location=f"channel #{channel}",
                events=events,
                incident_ref=reference,
                required=explicit,
                window=WINDOW,
                channel=channel,
            )
        )
    return parsed


def _workspace_file(
    content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
) -> ParsedFile:
    parsed = content.parsed(FORMAT.name)
    base = _base_name(content.name)
    if base in USER_LISTS:
        _users_in(content.file)  # only serves the day files, but a broken one is said here
        return parsed
    if base not in CHANNEL_LISTS:
        if not _is_workspace_file(base, content.json):
            raise ImportProblem(
                content.name, "top level", f"Slack's {base} as Slack exports it", found=base
            )
        return parsed
    # Said here, once per channel, rather than by each of a channel's day files.
    channels = _channels_in(content.file)
    root = _workspace_root(content.name)
    days: dict[str, int] = {}
    for name in siblings:
        if _DAY_FILE.match(_base_name(name)):
            day_root, channel = _layout(name)
            if day_root == root and channel is not None:
                days[channel] = days.get(channel, 0) + 1
    for channel, meta in channels.items():
        if days.get(channel) and channel_link(channel, meta, options)[0] is None:
            parsed.warnings.append(_unlinked_warning(channel, days[channel]))
            parsed.unlinked_channels.append(channel)
    if base == "channels.json":
        for wanted in options.slack_channels:
            name = wanted.strip().lstrip("#")
            other_list = siblings.get(root + "groups.json")
            in_groups = other_list is not None and name in _channels_in(other_list)
            if name and name not in channels and not in_groups:
                parsed.warnings.append(
                    f"the Slack channel options name #{name}, which this export does not have"
                )
    return parsed


def _parse(
    content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
) -> ParsedFile:
    base = _base_name(content.name)
    if base in WORKSPACE_FILES:
        return _workspace_file(content, options, siblings)
    if _DAY_FILE.match(base):
        return _day_file(content, options, siblings)
    raise ImportProblem(
        content.name,
        "",
        "a file of a Slack export (users.json, channels.json, <channel>/<YYYY-MM-DD>.json)",
        found=base,
    )


def parse(content: Content, options: ImportOptions) -> ParsedFile:
    """A file on its own: people stay unnamed and channels.json warns about nothing."""
    return _parse(content, options, {})


@dataclass(frozen=True)
class _SlackFormat(SourceFormat):
    """Reads each file with the rest of its export in view (parsing.ReadsWithImport)."""

    def sniff_in_import(
        self, content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
    ) -> bool:
        return sniff(content)

    def parse_in_import(
        self, content: Content, options: ImportOptions, siblings: Mapping[str, SourceFile]
    ) -> ParsedFile:
        return _parse(content, options, siblings)


FORMAT = _SlackFormat(
    name="slack",
    label="Slack export (workspace or channel; folder or zip)",
    sniff=sniff,
    parse=parse,
)
