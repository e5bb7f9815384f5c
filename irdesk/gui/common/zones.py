"""Time zone fields: IANA names with completion, read case-insensitively, never guessed."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from PySide6.QtCore import QObject, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter


@cache
def zone_names() -> dict[str, str]:
    """Lower-case name → IANA name, so 'europe/madrid' finds Europe/Madrid."""
    return {name.lower(): name for name in sorted(available_timezones())}


def parse_zone(text: str) -> ZoneInfo | None:
    """The zone named by `text` (case-insensitive); ValueError if there is none."""
    name = zone_names().get(text.strip().lower(), text.strip())
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(text) from None


def unknown_zone_text(text: str) -> str:
    return (
        f"“{text}” is not a time zone irdesk knows. Pick one from the list, such as "
        "Europe/Madrid, America/New_York or UTC."
    )


def zone_completer(parent: QObject) -> QCompleter:
    """Completion over every IANA name, matching anywhere in the name, any case."""
    completer = QCompleter(QStringListModel(list(zone_names().values()), parent), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setMaxVisibleItems(12)
    return completer
