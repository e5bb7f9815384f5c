"""How values read on screen: local times, durations, severities, lifecycle problems.

Stored times are aware UTC; people read their own wall clock, so everything
shown goes through `datetime.astimezone()` with no argument (the user's zone).
"""

from datetime import datetime, timedelta

from PySide6.QtGui import QColor

from irdesk.domain.enums import IncidentStatus, ReviewStatus, ReviewTier, ServiceTier, Severity
from irdesk.domain.lifecycle import describe_problem

MISSING = "—"
WARNING_SIGN = "⚠"

# Saturated enough to tell apart on a projector; the text next to the swatch
# ("SEV1") carries the meaning, so colour-blind readers lose nothing.
SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.SEV1: "#c62828",
    Severity.SEV2: "#ef6c00",
    Severity.SEV3: "#f9a825",
    Severity.SEV4: "#1e88e5",
    Severity.SEV5: "#78909c",
}

# Dark text on a pale amber: readable in light and dark themes alike.
WARNING_STYLE = (
    "QLabel { background: #fff3cd; color: #5c4400; border: 1px solid #e0b000;"
    " border-radius: 3px; padding: 4px 6px; }"
)


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return MISSING
    return value.astimezone().strftime(fmt)


def duration_text(seconds: float | None) -> str:
    """Compact and exact to the minute: '45m', '2h 05m', '3d 4h'; negatives keep their sign."""
    if seconds is None:
        return MISSING
    sign = "−" if seconds < 0 else ""
    total_minutes = int(abs(seconds) // 60)
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if total_minutes:
        return f"{sign}{minutes}m"
    return f"{sign}{int(abs(seconds))}s"


def interval_text(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return MISSING
    return duration_text((end - start).total_seconds())


def day_offset_time(value: datetime, first_day: datetime) -> str:
    """'09:32:15', or '+1d 00:12:03' for an event on a later local day than `first_day`."""
    local = value.astimezone()
    days = (local.date() - first_day.astimezone().date()) // timedelta(days=1)
    clock = local.strftime("%H:%M:%S")
    if days > 0:
        return f"+{days}d {clock}"
    if days < 0:
        return f"{days}d {clock}"
    return clock


def severity_colour(severity: Severity | None) -> QColor | None:
    return None if severity is None else QColor(SEVERITY_COLOURS[severity])


def severity_text(severity: Severity | None) -> str:
    return MISSING if severity is None else severity.value


def status_text(status: IncidentStatus) -> str:
    return status.value.capitalize()


def review_status_text(status: ReviewStatus | None) -> str:
    if status is None:
        return MISSING
    return status.value.replace("_", " ").capitalize()


def review_tier_text(tier: ReviewTier) -> str:
    return "Full postmortem" if tier is ReviewTier.FULL else "Lightweight summary"


def service_tier_text(tier: ServiceTier) -> str:
    return f"tier {tier.value.removeprefix('tier')}"


def flag_warning(flag: str) -> str:
    """The line a facilitator sees for a contradiction found in the source data."""
    return f"{WARNING_SIGN} {describe_problem(flag)} — from the source data"
