"""Redaction: what a profile keeps from its reader, applied to every piece of text.

The same `Redactor` produces the preview (what will be removed, and how often)
and the packet, so what the user approved is what leaves.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from irdesk.domain.blameless import blamed_names
from irdesk.reports.packets.profiles import RedactionRules
from irdesk.storage.reads.packet_data import PersonRecord

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+", re.IGNORECASE)
IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
# Full eight groups, or compressed with "::" — never a time of day like 13:50:14.
IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
    r"|(?:[0-9a-f]{1,4}:){1,6}(?::[0-9a-f]{1,4}){1,6}"
    r"|(?:[0-9a-f]{1,4}:){1,7}:|::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})(?![\w:])",
    re.IGNORECASE,
)
# db01.prod.internal, api.corp.example.com: two or more dots, or a private-looking suffix.
FQDN = re.compile(
    r"\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"\.(?:internal|local|lan|corp|intra|priv|svc|cluster\.local|example|com|net|org|io|cloud)\b",
    re.IGNORECASE,
)
# Machine names as operators write them: pg-checkout-06, es-search-05, web-3.
HOST = re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)*-\d+[a-z]?\b")
# What every match of FQDN and HOST contains: a text without it has no match, and is not
# scanned (the patterns retry every segment of a long hyphenated or dotted word).
FQDN_ANCHOR = re.compile(
    r"\.(?:internal|local|lan|corp|intra|priv|svc|cluster\.local|example|com|net|org|io|cloud)\b",
    re.IGNORECASE,
)
HOST_ANCHOR = re.compile(r"-\d")
_LOCAL_PART_CHAR = re.compile(r"[\w.+-]")


class Matcher(Protocol):
    def sub(self, repl: Callable[[re.Match[str]], str], string: str) -> str: ...


@dataclass(frozen=True)
class Anchored:
    """`pattern`, tried only on texts holding `anchor`, which every match of it contains."""

    pattern: re.Pattern[str]
    anchor: re.Pattern[str]

    def sub(self, repl: Callable[[re.Match[str]], str], string: str) -> str:
        return self.pattern.sub(repl, string) if self.anchor.search(string) else string


class Emails:
    """EMAIL's matches, the same ones, found from each "@" rather than from every character.

    The regular expression tries a match at every character of a long word and scans the
    rest of the word's run of word characters from each: quadratic (minutes for one
    200,000-character word). A match ends its local part at an "@", so the first match at
    or after a position starts where the run of local-part characters before the first
    "@" it can use begins; `EMAIL.match` there makes the very match `EMAIL.sub` would.
    """

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        position = 0
        at = string.find("@")
        while at != -1:
            start = at
            while start > position and _LOCAL_PART_CHAR.match(string[start - 1]):
                start -= 1
            match = EMAIL.match(string, start) if start < at else None
            if match is None:
                at = string.find("@", at + 1)
            else:
                yield match
                position = match.end()
                at = string.find("@", position)

    def sub(self, repl: Callable[[re.Match[str]], str], string: str) -> str:
        out, last = [], 0
        for match in self.finditer(string):
            out += [string[last : match.start()], repl(match)]
            last = match.end()
        return "".join([*out, string[last:]])


UNKNOWN_NAME = "name not in the directory"
UNKNOWN_NAME_REPLACEMENT = "[name removed]"


@dataclass(frozen=True)
class Removal:
    rule: str
    text: str
    replacement: str
    count: int


@dataclass
class Redactor:
    rules: RedactionRules
    people: list[PersonRecord] = field(default_factory=list)
    # The user's own patterns (regular expressions), always applied.
    patterns: list[str] = field(default_factory=list)
    seen: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._steps: list[tuple[str, Matcher, str | dict[str, str]]] = []
        for pattern in self.patterns:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"redaction pattern {pattern!r} is not valid: {exc}") from None
            self._steps.append(("your pattern", compiled, "[redacted]"))
        if self.rules.emails or self.rules.names_to_roles:
            self._steps.append(("email", Emails(), "[email removed]"))
        if self.rules.urls:
            self._steps.append(("URL", URL, "[URL removed]"))
        if self.rules.hosts:
            self._steps.append(("IP address", IPV4, "[IP removed]"))
            self._steps.append(("IP address", IPV6, "[IP removed]"))
            self._steps.append(("host name", Anchored(FQDN, FQDN_ANCHOR), "[host removed]"))
            self._steps.append(("host name", Anchored(HOST, HOST_ANCHOR), "[host removed]"))
        if self.rules.names_to_roles:
            roles: dict[str, str] = {}
            for person in self.people:
                if person.name.strip():
                    roles[person.name.strip().casefold()] = person.role or "team member"
            self._add_names(roles, re.IGNORECASE)
            # People call each other by first name in chat ("Emre, keep driving"): a first
            # name only one person has is theirs too. Matched as capitalised, so that
            # "Will" is replaced and "we will restart" is not.
            firsts: dict[str, list[PersonRecord]] = {}
            for person in self.people:
                parts = person.name.split()
                if len(parts) > 1 and len(parts[0]) >= 3:
                    firsts.setdefault(parts[0], []).append(person)
            self._add_names(
                {
                    first: owners[0].role or "team member"
                    for first, owners in firsts.items()
                    if len(owners) == 1 and first.casefold() not in roles
                },
                0,
            )

    def _add_names(self, roles: dict[str, str], flags: int) -> None:
        if not roles:
            return
        names = "|".join(re.escape(n) for n in sorted(roles, key=len, reverse=True))
        pattern = re.compile(rf"(?<!\w)(?:{names})(?!\w)", flags)
        self._steps.append(("name", pattern, roles))

    def __call__(self, text: str | None) -> str:
        """`text` with everything the profile keeps back replaced (None stays empty)."""
        if not text:
            return ""
        for rule, pattern, replacement in self._steps:
            text = pattern.sub(lambda m, r=rule, rep=replacement: self._replace(r, m, rep), text)
        if self.rules.names_to_roles:
            text = self._remove_blamed_names(text)
        return text

    def _remove_blamed_names(self, text: str) -> str:
        """Names the directory does not hold, caught by the blame phrasing that follows them.

        Run after the known names became roles, so only the unknown ones are left to find.
        """
        for start, end in reversed(blamed_names(text)):
            self.seen[(UNKNOWN_NAME, text[start:end], UNKNOWN_NAME_REPLACEMENT)] += 1
            text = text[:start] + UNKNOWN_NAME_REPLACEMENT + text[end:]
        return text

    def _replace(self, rule: str, match: re.Match[str], replacement: str | dict[str, str]) -> str:
        found = match.group(0)
        if isinstance(replacement, dict):
            new = replacement.get(found.casefold()) or replacement[found]
        else:
            new = replacement
        self.seen[(rule, found, new)] += 1
        return new

    def removals(self) -> list[Removal]:
        return [
            Removal(rule=rule, text=text, replacement=new, count=count)
            for (rule, text, new), count in sorted(self.seen.items())
        ]
