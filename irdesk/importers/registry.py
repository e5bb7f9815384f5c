"""Every format irdesk reads, and recognising which one a file is."""

import importlib
from collections.abc import Iterator
from functools import cache

from irdesk.importers.formats.base import Content, SourceFormat
from irdesk.importers.problems import ImportProblem

# Detection order: the most specific shapes first.
FORMAT_MODULES = (
    # Directory exports first: their sniffers look for directory shapes only, while the
    # incident formats take any Opsgenie envelope or PagerDuty page.
    "irdesk.importers.formats.org_pagerduty",
    "irdesk.importers.formats.org_opsgenie",
    "irdesk.importers.formats.org_backstage",
    "irdesk.importers.formats.pagerduty",
    "irdesk.importers.formats.opsgenie",
    "irdesk.importers.formats.statuspage",
    "irdesk.importers.formats.jira.json_issues",
    "irdesk.importers.formats.jira.csv_export",
    "irdesk.importers.formats.slack",
    # Before generic, which would take a roster a stored mapping happens to fit.
    "irdesk.importers.formats.org_roster",
    # Last: it takes any table a column mapping fits, so it must never shadow a real format.
    "irdesk.importers.formats.generic",
)


@cache
def _loaded(module: str) -> SourceFormat:
    format_: SourceFormat = importlib.import_module(module).FORMAT
    return format_


def in_detection_order() -> Iterator[SourceFormat]:
    """formats(), each module imported only when detection reaches it: a folder of
    PagerDuty pages is recognised before Slack's, Jira's or the mapped table's readers
    are needed, and a fresh `irdesk import` process spares their start-up."""
    for module in FORMAT_MODULES:
        yield _loaded(module)


@cache
def formats() -> tuple[SourceFormat, ...]:
    return tuple(in_detection_order())


def format_named(name: str) -> SourceFormat:
    for candidate in formats():
        if candidate.name == name:
            return candidate
    known = ", ".join(f.name for f in formats())
    raise ValueError(f"unknown source {name!r}; irdesk reads: {known}")


def _describe(content: Content) -> str:
    if content.first_char in "{[":
        try:
            data = content.json
        except ImportProblem as problem:
            return f"unreadable JSON ({problem.found})"
        if isinstance(data, dict):
            keys = ", ".join(list(data)[:6]) or "no keys"
            return f"a JSON object with keys {keys}"
        if isinstance(data, list) and data and isinstance(data[0], dict):
            return f"a JSON list of objects with keys {', '.join(list(data[0])[:6])}"
        return f"a JSON {type(data).__name__}"
    try:
        header, _rows = content.csv
    except ImportProblem as problem:
        return problem.found if isinstance(problem.found, str) else "unreadable text"
    return f"a table with columns {', '.join(header[:6])}" if len(header) > 1 else "plain text"


def detect(content: Content) -> SourceFormat:
    for candidate in in_detection_order():
        if candidate.sniff(content):
            return candidate
    if content.first_char in "{[":
        # Meant as JSON but unreadable (cut short, hand-edited, wrong encoding): where it
        # breaks says more than "not a format irdesk reads".
        content.json  # noqa: B018  (raises the located ImportProblem)
    names = ", ".join(f.label for f in formats())
    found = _describe(content)
    hint = (
        "; a table of your own is read by mapping its columns once (irdesk import "
        "--column external_id=COLUMN --column title=COLUMN …, or Map columns… in the window)"
        if found.startswith(("a table with columns", "a JSON list"))
        else ""
    )
    raise ImportProblem(content.name, "", f"an export irdesk reads ({names}){hint}", found=found)
