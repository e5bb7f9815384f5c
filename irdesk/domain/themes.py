"""Themes across incidents: contributing factors suggested for a finding, and counted
over a period.

A factor is suggested when one of its keywords (policy ``contributing_factors``) starts a
word in the finding's text or in a timeline event linked to it; the suggestion names the
words that led to it, so the facilitator can see why and decide. Only confirmed factors
are counted, and only on contributing-factor findings and near misses: a finding in the
"lucky" category ("where we got lucky") is a near miss, its factors counted beside the
incidents they contributed to, not among them.
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


def taxonomy_text(taxonomy: Mapping[str, list[str]]) -> str:
    """The taxonomy as it is edited: one line per factor, "factor: word, word"."""
    return "\n".join(f"{f}: {', '.join(words)}" for f, words in sorted(taxonomy.items()))


def parse_taxonomy(text: str) -> dict[str, list[str]]:
    """`taxonomy_text` read back; ValueError names the line that is not "factor: words".

    Whether a factor is allowed (never a person's fault) is the policy's to say."""
    taxonomy: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        factor, colon, words = line.partition(":")
        if not colon or not factor.strip():
            raise ValueError(
                f"Contributing factors, line {number}: expected “factor: word, word”, "
                f"found “{line.strip()}”."
            )
        name = factor.strip().lower()
        if name in taxonomy:
            raise ValueError(f"Contributing factors, line {number}: {name} is listed twice.")
        taxonomy[name] = [w.strip().lower() for w in words.split(",") if w.strip()]
    return taxonomy


@dataclass(frozen=True)
class Suggestion:
    factor: str
    words: tuple[str, ...]


def suggest_factors(taxonomy: Mapping[str, list[str]], texts: Iterable[str]) -> list[Suggestion]:
    """The factors whose keywords start a word in any of `texts`, alphabetically."""
    joined = "\n".join(texts).lower()
    found = []
    for factor, keywords in sorted(taxonomy.items()):
        words: list[str] = []
        for keyword in keywords:
            pattern = r"\b" + re.escape(keyword.lower()) + r"[\w-]*"
            for match in re.finditer(pattern, joined):
                if match.group(0) not in words:
                    words.append(match.group(0))
        if words:
            found.append(Suggestion(factor, tuple(words)))
    return found


@dataclass(frozen=True)
class TaggedFinding:
    """A finding with its confirmed factors, on an incident of the period."""

    finding_id: int
    incident_id: int
    incident_ref: str
    started_at: datetime
    service: str | None
    team: str | None
    near_miss: bool
    factors: tuple[str, ...]
    text: str = ""


@dataclass
class Theme:
    factor: str
    incidents: list[str] = field(default_factory=list)
    near_misses: list[str] = field(default_factory=list)
    previous: int = 0
    services: Counter[str] = field(default_factory=Counter)
    teams: Counter[str] = field(default_factory=Counter)
    findings: list[int] = field(default_factory=list)

    @property
    def trend(self) -> str:
        now = len(self.incidents)
        if now == self.previous:
            return "steady"
        return "up" if now > self.previous else "down"

    @property
    def recurs(self) -> bool:
        return len(self.incidents) + len(self.near_misses) >= 2


def themes(current: Iterable[TaggedFinding], previous: Iterable[TaggedFinding]) -> list[Theme]:
    """Each factor seen in either period, most incidents and near misses first.

    A factor counts an incident once however many of its findings name it; the previous
    period counts incidents the same way, and the trend compares the two."""
    by_factor: dict[str, Theme] = {}
    for finding in current:
        for factor in finding.factors:
            theme = by_factor.setdefault(factor, Theme(factor))
            theme.findings.append(finding.finding_id)
            refs = theme.near_misses if finding.near_miss else theme.incidents
            if finding.incident_ref in refs:
                continue
            refs.append(finding.incident_ref)
            if finding.service:
                theme.services[finding.service] += 1
            if finding.team:
                theme.teams[finding.team] += 1
    earlier: dict[str, set[int]] = {}
    for finding in previous:
        if not finding.near_miss:
            for factor in finding.factors:
                earlier.setdefault(factor, set()).add(finding.incident_id)
    for factor, incidents in earlier.items():
        by_factor.setdefault(factor, Theme(factor)).previous = len(incidents)
    return sorted(
        by_factor.values(),
        key=lambda t: (-len(t.incidents), -len(t.near_misses), -t.previous, t.factor),
    )


@dataclass(frozen=True)
class ThemesReport:
    first_day: date
    last_day: date
    themes: list[Theme]
    findings: dict[int, TaggedFinding]

    @property
    def previous_first_day(self) -> date:
        return self.first_day - (self.last_day - self.first_day + timedelta(days=1))


# The themes table, one way for the window and `irdesk themes`: key, heading.
COLUMNS = (
    ("factor", "Factor"),
    ("incidents", "Incidents"),
    ("near_misses", "Near misses"),
    ("previous", "Previous period"),
    ("trend", "Trend"),
    ("services", "Services"),
    ("teams", "Teams"),
    ("findings", "Findings"),
)
TREND_MARKS = {"up": "▲ up", "down": "▼ down", "steady": "= steady"}


def _places(counts: Counter[str]) -> str:
    return ", ".join(
        f"{name} ({n})" for name, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    )


def theme_cells(theme: Theme) -> dict[str, str]:
    return {
        "factor": theme.factor,
        "incidents": str(len(theme.incidents)),
        "near_misses": str(len(theme.near_misses)),
        "previous": str(theme.previous),
        "trend": TREND_MARKS[theme.trend],
        "services": _places(theme.services) or "—",
        "teams": _places(theme.teams) or "—",
        "findings": str(len(theme.findings)),
    }


def themes_json(report: ThemesReport) -> dict[str, Any]:
    """The themes for scripts: each row's cells as the window shows them, and raw values."""
    return {
        "from": report.first_day.isoformat(),
        "to": report.last_day.isoformat(),
        "previous_from": report.previous_first_day.isoformat(),
        "near_miss_rule": "a finding in the 'lucky' category (where we got lucky)",
        "columns": [{"key": k, "label": label} for k, label in COLUMNS],
        "themes": [
            {
                "factor": t.factor,
                "cells": theme_cells(t),
                "incidents": t.incidents,
                "near_misses": t.near_misses,
                "previous": t.previous,
                "trend": t.trend,
                "recurs": t.recurs,
                "services": dict(t.services),
                "teams": dict(t.teams),
                "findings": [
                    {
                        "id": f,
                        "incident": report.findings[f].incident_ref,
                        "near_miss": report.findings[f].near_miss,
                        "text": report.findings[f].text,
                    }
                    for f in t.findings
                ],
            }
            for t in report.themes
        ],
    }
