"""A Slack export's layout and workspace files: which file is which, who is who.

A day file lives at ``<root><channel>/<YYYY-MM-DD>.json``; its export's ``users.json``
and ``channels.json`` are at the same root (a folder on disk, or a zip's top).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from irdesk.importers.formats.base import Content
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading import sources
from irdesk.importers.reading.sources import SourceFile

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
DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
# In a SourceFile name: folders on disk ("/" or "\\") and the zip/member boundary ("!").
_SEPARATORS = "/\\!"


@dataclass(frozen=True)
class User:
    name: str | None
    email: str | None
    is_bot: bool


@dataclass(frozen=True)
class Channel:
    topic: str
    purpose: str


@dataclass(frozen=True)
class Export:
    """What a day file needs from the rest of its export."""

    users: Mapping[str, User]
    channels: Mapping[str, Channel]
    has_users: bool


def _last_separator(text: str) -> int:
    return max(text.rfind(separator) for separator in _SEPARATORS)


def base_name(name: str) -> str:
    return name[_last_separator(name) + 1 :]


def layout(name: str) -> tuple[str, str | None]:
    """(export root prefix, channel) of a day file: "x.zip!inc-1/2021-06-03.json" → ("x.zip!", "inc-1")."""
    end = _last_separator(name)
    if end < 0 or name[end] == "!":
        return "", None  # a day file outside any channel folder
    folder = name[:end]
    start = _last_separator(folder)
    return name[: start + 1], folder[start + 1 :] or None


def workspace_root(name: str) -> str:
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


def is_workspace_file(base: str, data: Any) -> bool:
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
    base = base_name(content.name)
    if base in WORKSPACE_FILES:
        return is_workspace_file(base, _json_or_none(content))
    if DAY_FILE.match(base):
        return _is_day_file(_json_or_none(content))
    return False


# --- who is who, and what each channel is about ---------------------------------------------


def text_field(value: dict[str, Any], key: str) -> str | None:
    found = value.get(key)
    return found.strip() if isinstance(found, str) and found.strip() else None


@lru_cache(maxsize=4)
def users_in(file: SourceFile) -> Mapping[str, User]:
    """users.json by id; cached because every day file of an export needs it."""
    data = sources.load_json(file)
    if not isinstance(data, list):
        raise ImportProblem(file.name, "top level", "a list of Slack users", found=data)
    users: dict[str, User] = {}
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ImportProblem(
                file.name, f"[{index}]", "a Slack user {id, name, profile}", found=entry
            )
        profile = entry.get("profile") if isinstance(entry.get("profile"), dict) else {}
        name = (
            text_field(entry, "real_name")
            or text_field(profile, "real_name")
            or text_field(profile, "display_name")
            or text_field(entry, "name")
        )
        is_bot = bool(entry.get("is_bot")) or entry["id"] == "USLACKBOT"
        users[entry["id"]] = User(name, text_field(profile, "email"), is_bot)
    return users


def _topic(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, str) else ""


@lru_cache(maxsize=4)
def channels_in(file: SourceFile) -> Mapping[str, Channel]:
    data = sources.load_json(file)
    if not isinstance(data, list):
        raise ImportProblem(file.name, "top level", "a list of Slack channels", found=data)
    channels: dict[str, Channel] = {}
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ImportProblem(
                file.name, f"[{index}]", "a Slack channel {id, name, topic, purpose}", found=entry
            )
        channels[entry["name"]] = Channel(_topic(entry, "topic"), _topic(entry, "purpose"))
    return channels


def read_export(root: str, siblings: Mapping[str, SourceFile]) -> Export:
    users: dict[str, User] = {}
    channels: dict[str, Channel] = {}
    has_users = False
    for base in USER_LISTS:
        file = siblings.get(root + base)
        if file is not None:
            users.update(users_in(file))
            has_users = True
    for base in CHANNEL_LISTS:
        file = siblings.get(root + base)
        if file is not None:
            channels.update(channels_in(file))
    return Export(users, channels, has_users)
