"""Where the import dialog is (previewing, ready, importing, …) and the headline each state shows.

The headline is the one box at the top of the dialog that says what is going on:
neutral while something runs or waits, red when the import cannot go ahead or
failed, green once it is written.
"""

import html
from dataclasses import dataclass
from enum import Enum, auto

from irdesk.gui.importing.mappable_file import MappableFile
from irdesk.gui.importing.presentation import done_headline, preview_headline, problem_html
from irdesk.importers.pipeline import ImportReport
from irdesk.importers.problems import ImportProblem


class State(Enum):
    PREVIEWING = auto()
    READY = auto()  # a preview is shown and matches the options: Import may go ahead
    BLOCKED = auto()  # the preview failed, or the options are not usable yet
    IMPORTING = auto()
    WRITING = auto()  # the last step: cancelling rolls the transaction back
    CANCELLING = auto()
    CANCELLED = auto()
    DONE = auto()
    FAILED = auto()


RUNNING = (State.PREVIEWING, State.IMPORTING, State.WRITING, State.CANCELLING)
WRITING_IMPORT = (State.IMPORTING, State.WRITING, State.CANCELLING)

CANCELLED_TEXT = "Import cancelled; nothing was written."

# The headline box: a frame holding the headline and, for a file irdesk does not know,
# the Map columns button. The frame draws the box; the text takes its colour.
ERROR_STYLE = (
    "QFrame#headlineBox { background: #fdecea; border: 1px solid #e57373; border-radius: 3px; }"
    " QFrame#headlineBox QLabel { color: #5f1412; }"
)
DONE_STYLE = (
    "QFrame#headlineBox { background: #e8f5e9; border: 1px solid #81c784; border-radius: 3px; }"
    " QFrame#headlineBox QLabel { color: #1b4d1e; }"
)
NOTE_STYLE = (
    "QFrame#headlineBox { background: palette(alternate-base); border: 1px solid palette(mid);"
    " border-radius: 3px; }"
)


@dataclass(frozen=True)
class Headline:
    html: str
    style: str


def _note(text: str) -> Headline:
    return Headline(html.escape(text), NOTE_STYLE)


def headline_for(
    state: State,
    *,
    report: ImportReport | None,
    problem: ImportProblem | None,
    mappable: MappableFile | None,
    slack_pending: bool,
    cancel_came_late: bool,
    error: str,
) -> Headline | None:
    """What the headline says in `state`; None: it stays as it is."""
    if state is State.PREVIEWING:
        return _note("Checking the files… nothing is written while you look.")
    if state is State.READY and report is not None:
        return _note(preview_headline(report))
    if state is State.BLOCKED and problem is not None:
        return Headline(problem_html(problem, mappable), ERROR_STYLE)
    if state is State.BLOCKED and slack_pending:
        return _note(
            "The Slack options have changed: the preview updates when you press Enter "
            "or leave the field."
        )
    if state is State.BLOCKED:
        return _note(
            "The time zone has changed: the preview updates when you finish typing or press Enter."
        )
    if state is State.IMPORTING:
        return _note("Importing… Cancel stops it and writes nothing.")
    if state is State.WRITING:
        return _note("Writing to the database… Cancel rolls it all back.")
    if state is State.CANCELLING:
        return _note("Cancelling…")
    if state is State.CANCELLED:
        return _note(CANCELLED_TEXT)
    if state is State.DONE and report is not None:
        return Headline(html.escape(done_headline(report, cancel_came_late)), DONE_STYLE)
    if state is State.FAILED:
        return Headline(
            f"<b>Could not import.</b> Nothing was written.<br>{html.escape(error)}", ERROR_STYLE
        )
    return None
