"""Periods by name, as people say them: a quarter (2026-Q3), a month (2026-07) or a year."""

import re
from datetime import UTC, datetime

from irdesk.domain.metrics.selection import Period


def _utc(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def named_period(text: str) -> tuple[str, Period]:
    """('2026-Q3', [2026-07-01, 2026-10-01) in UTC) for '2026-Q3'; months and years alike."""
    label = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        year, quarter = int(m.group(1)), int(m.group(2))
        end = _utc(year + 1, 1) if quarter == 4 else _utc(year, 3 * quarter + 1)
        return label, Period(_utc(year, 3 * quarter - 2), end)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", label):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            end = _utc(year + 1, 1) if month == 12 else _utc(year, month + 1)
            return label, Period(_utc(year, month), end)
    if re.fullmatch(r"\d{4}", label):
        return label, Period(_utc(int(label), 1), _utc(int(label) + 1, 1))
    raise ValueError(f"expected a period like 2026-Q3, 2026-07 or 2026, got {text!r}")
