"""References to other tools' incidents in a Jira issue's free text, for linking across sources."""

import re
from collections.abc import Iterable

# "https://acme.pagerduty.com/incidents/PH4UE4E" (also behind a /t/ or ?query).
PAGERDUTY_URL = re.compile(r"https?://[\w.-]*pagerduty\.com/incidents/([A-Za-z0-9]+)", re.I)
# "#12345" as people write an incident number; not "&#123;" (an HTML entity), not
# "page#123" (a URL fragment), and three digits at least so that "step #1" is no reference.
INCIDENT_NUMBER = re.compile(r"(?<![\w&#/])#(\d{3,})\b")


def find_references(texts: Iterable[str]) -> list[str]:
    """PagerDuty keys named in free text, in order of appearance, each once."""
    found: dict[str, None] = {}
    for text in texts:
        for match in PAGERDUTY_URL.finditer(text):
            found[f"pagerduty:{match.group(1)}"] = None
        for match in INCIDENT_NUMBER.finditer(text):
            found[f"#{match.group(1)}"] = None
    return list(found)
