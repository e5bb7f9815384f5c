"""The blameless-language check: phrasing that assigns blame, and people named in findings.

A finding is about the system (what made the mistake easy, what caught it),
never about who erred. `find_flags` returns every span a reviewer should look
at again, each with a hint on how to say it about the system instead. Matching
is case-insensitive and on word boundaries ("mistaken" is not "mistake by").
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

PHRASE = "phrase"
PERSON = "person"


@dataclass(frozen=True)
class BlameFlag:
    start: int
    end: int
    text: str
    kind: str  # PHRASE or PERSON
    hint: str


# (pattern, hint). Patterns are regular expressions matched between word boundaries.
BLAME_PHRASES: tuple[tuple[str, str], ...] = (
    (
        r"should(?:\s+not|n['’]t)?\s+have",
        "Hindsight: describe what the person knew and saw at the time, and what made the "
        "other path hard to see.",
    ),
    (
        r"(?:could|would)(?:\s+not|n['’]t)?\s+have\s+(?:prevented|avoided|caught)",
        "Counterfactual: describe what happened and which safeguard was missing.",
    ),
    (
        r"failed\s+to",
        "Say what the system allowed or did not check, e.g. 'the runbook had no step for …'.",
    ),
    (r"careless(?:ly|ness)?", "Describe the conditions (time pressure, tooling) instead."),
    (
        r"human\s+errors?",
        "'Human error' ends the inquiry: ask what made the action easy to get wrong.",
    ),
    (r"negligen(?:t|ce|tly)", "Describe the gap in process or tooling instead."),
    (
        r"forg(?:o|e)t\s+to|forgotten\s+to",
        "Ask what reminder or automation was missing, e.g. 'no check ensured …'.",
    ),
    (
        r"did(?:\s+not|n['’]t)\s+bother",
        "Assumes intent: describe what competing demands there were.",
    ),
    (r"sloppy|sloppiness", "Describe the specific gap and what would have caught it."),
    (r"mistakes?\s+(?:by|of)", "Name the action and its context, not the person who took it."),
    (
        r"(?:his|her|their|my|your)\s+(?:own\s+)?fault",
        "Findings are about the system: say what allowed it to happen.",
    ),
    (r"to\s+blame|blamed?\s+(?:on|for)", "Findings are about the system, not about fault."),
    (r"lazy|laziness|incompeten(?:t|ce)", "Judges the person: describe the situation instead."),
    (r"ignored\s+the", "Ask why the signal was easy to miss or to discount."),
    (r"(?:wasn['’]t|was\s+not)\s+paying\s+attention", "Ask what competed for attention."),
    (r"obviously|simply\s+(?:had|needed)\s+to", "Obvious only in hindsight: say what was known."),
)

PERSON_HINT = (
    "Names a person: findings describe roles and systems ('the on-call engineer', "
    "'the deploy tool'); individual feedback belongs in Feedback Notes."
)

_PHRASE_RE = re.compile(
    "|".join(f"(?P<p{i}>\\b(?:{pattern})\\b)" for i, (pattern, _hint) in enumerate(BLAME_PHRASES)),
    re.IGNORECASE,
)
# Shorter than this, a first or last name alone is too likely an ordinary word ("Al", "Ng").
MIN_NAME_PART = 3


# Blame phrasing that follows whoever it blames: "Bob should have", "Priya forgot".
_BLAMING_VERB = re.compile(
    r"\b(?:should(?:\s+not|n['’]t)?\s+have|forg(?:o|e)t|forgotten|failed\s+to"
    r"|did(?:\s+not|n['’]t)\s+(?:bother|check|notice|follow|read|test|see)|ignored"
    r"|(?:was|were)(?:\s+not|n['’]t)?\s+(?:paying\s+attention|careless|negligent|lazy|sloppy)"
    r"|messed\s+up|screwed\s+up|blew\s+up)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Capitalised words before blame phrasing that are not anybody's name.
NOT_NAMES = frozenset(
    " ".join(
        (
            "a an the this that these those it its we our us i you your he she they their his her",
            "someone somebody nobody no one everyone everybody anyone anybody who which what there here",
            "yesterday today tonight then later also however unfortunately finally meanwhile first next",
            "ops engineering support management leadership team on-call oncall customer customers",
            "monitoring alerting nothing everything something",
            "alert alerts alarm alarms page pages pager paging deploy deploys deployment deployments",
            "release releases rollback rollbacks test tests testing check checks monitor monitors",
            "dashboard dashboards runbook runbooks config configuration automation tooling tools",
            "system systems service services process review reviews reviewer reviewers engineer",
            "engineers responder responders operator operators developer developers staff vendor",
            "vendors provider providers database databases cache caches script scripts job jobs",
            "pipeline pipelines cron backup backups failover load traffic user users client clients",
            "migration migrations change changes code infra infrastructure network firewall",
        )
    ).split()
)


def blamed_names(text: str) -> list[tuple[int, int]]:
    """Spans of capitalised names right before blame phrasing, whether or not irdesk knows them.

    One or two capitalised words ("Bob", "Bob Smith") directly before "should have",
    "forgot", "failed to" and their kin: a name the directory does not hold is still a
    person being blamed.
    """
    spans: list[tuple[int, int]] = []
    for verb in _BLAMING_VERB.finditer(text):
        words = list(_WORD.finditer(text, max(0, verb.start() - 80), verb.start()))
        name: list[re.Match[str]] = []
        end = verb.start()
        for word in reversed(words[-2:]):
            between = text[word.end() : end]
            if not between.isspace() or not _is_name_word(word.group()):
                break
            name.insert(0, word)
            end = word.start()
        if name:
            spans.append((name[0].start(), name[-1].end()))
    return spans


def _is_name_word(word: str) -> bool:
    """Capitalised as names are ("Bob", "McKay", "Zoë"), never all capitals ("DNS", "CI")."""
    return (
        word[:1].isupper()
        and any(c.islower() for c in word[1:])
        and word.casefold() not in NOT_NAMES
    )


def phrase_flags(text: str) -> list[BlameFlag]:
    flags = []
    for match in _PHRASE_RE.finditer(text):
        index = int((match.lastgroup or "p0")[1:])
        flags.append(
            BlameFlag(match.start(), match.end(), match.group(), PHRASE, BLAME_PHRASES[index][1])
        )
    return flags


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Full names match in any case; a single first or last name only capitalised."""
    full: set[str] = set()
    parts: set[str] = set()
    for name in names:
        words = name.split()
        if not words:
            continue
        full.add(r"\s+".join(re.escape(w) for w in words))
        parts.update(re.escape(w) for w in words if len(w) >= MIN_NAME_PART and w[:1].isupper())
    if not full:
        return None
    # Longest first, so "Hattie Hendricks" wins over "Hattie".
    alternatives = sorted(full, key=len, reverse=True)
    whole = "|".join(f"(?i:{a})" for a in alternatives)
    single = "|".join(sorted(parts, key=len, reverse=True))
    body = f"{whole}|{single}" if single else whole
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


class BlamelessChecker:
    """Checks texts against the phrase list and a fixed set of people's names."""

    def __init__(self, people_names: Iterable[str] = ()) -> None:
        self._names = _name_pattern(people_names)

    def flags(self, text: str) -> list[BlameFlag]:
        found = phrase_flags(text)
        found += [
            BlameFlag(start, end, text[start:end], PERSON, PERSON_HINT)
            for start, end in blamed_names(text)
        ]
        if self._names is not None:
            found += [
                BlameFlag(m.start(), m.end(), m.group(), PERSON, PERSON_HINT)
                for m in self._names.finditer(text)
            ]
        found.sort(key=lambda flag: (flag.start, -flag.end))
        # One span is flagged once: a name inside a blame phrase keeps the phrase.
        kept: list[BlameFlag] = []
        for flag in found:
            if kept and flag.start < kept[-1].end:
                continue
            kept.append(flag)
        return kept


def find_flags(text: str, people_names: Iterable[str] = ()) -> list[BlameFlag]:
    return BlamelessChecker(people_names).flags(text)


# Feedback notes are about one person, so their name is expected; what the check looks
# for is a verdict on the person where a description of what they did would serve.
BEHAVIOUR_HINT = (
    "Say what they did, when, and what it changed for the incident (e.g. 'the status page "
    "had no update for 50 minutes'), and what would help next time."
)
FEEDBACK_PHRASES: tuple[tuple[str, str], ...] = (
    (
        r"always|never|every\s+time|constantly",
        "An absolute reads as a verdict: name the incidents and what happened in each.",
    ),
    (
        r"lazy|laziness|careless(?:ly|ness)?|sloppy|sloppiness|incompeten(?:t|ce)"
        r"|unreliable|negligen(?:t|ce)|useless|hopeless",
        "A judgement of character: describe the behaviour and its impact instead.",
    ),
    (
        r"(?:bad|poor|negative)\s+attitude|not\s+a\s+team\s+player"
        r"|does(?:\s+not|n['’]t)\s+care|no\s+ownership",
        "Describe what they did and its effect on the people around them, not who they are.",
    ),
    (
        r"(?:is|was|seems)\s+(?:not\s+)?(?:good|bad|weak|strong)\s+(?:at|with)",
        "Point to the moment: which incident, what they did, and what it led to.",
    ),
)
_FEEDBACK_RE = re.compile(
    "|".join(
        f"(?P<f{i}>\\b(?:{pattern})\\b)" for i, (pattern, _hint) in enumerate(FEEDBACK_PHRASES)
    ),
    re.IGNORECASE,
)


class FeedbackChecker:
    """The check for feedback notes: blame phrasing and verdicts on the person, each with a
    hint aimed at behaviour and impact. Names are not flagged: a note is about someone."""

    def flags(self, text: str) -> list[BlameFlag]:
        # The feedback-specific hints first: on the same words ("lazy") the sort keeps them.
        found = [
            BlameFlag(m.start(), m.end(), m.group(), PHRASE, FEEDBACK_PHRASES[int(n[1:])][1])
            for m in _FEEDBACK_RE.finditer(text)
            if (n := m.lastgroup) is not None
        ]
        found += [
            BlameFlag(f.start, f.end, f.text, PHRASE, BEHAVIOUR_HINT) for f in phrase_flags(text)
        ]
        found.sort(key=lambda flag: (flag.start, -flag.end))
        kept: list[BlameFlag] = []
        for flag in found:
            if kept and flag.start < kept[-1].end:
                continue
            kept.append(flag)
        return kept


def feedback_flags(text: str) -> list[BlameFlag]:
    return FeedbackChecker().flags(text)
