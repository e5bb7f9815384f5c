"""A file of an import that irdesk could read through a column mapping.

When an import stops on a CSV or JSON table it has no importer for (or one read
through a mapping that does not fit its values), `mappable_file` finds that file
on the worker side, so the import dialog can offer Map columns. The guesses the
mapping dialog starts from live here too: a source name from the file's name,
and how its times are written from a sample of them.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from irdesk.importers.formats import generic
from irdesk.importers.formats.base import Content, ImportOptions
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile, load_sources

# Ways spreadsheets and trackers write times, most common first; the first one every
# sample parses with is the guess. Day-first comes before month-first.
DATE_PATTERNS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y/%m/%d %H:%M",
    "%d/%m/%y %H:%M",
    "%d/%b/%y %I:%M %p",
    "%d %b %Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y",
)
# Words that name the file rather than the tool it came from.
_FILE_WORDS = frozenset(
    {"export", "exports", "api", "incidents", "incident", "data", "dump", "report", "list", "all"}
)


@dataclass(frozen=True)
class MappableFile:
    """A file of an import that is a table irdesk has no importer for."""

    file: SourceFile
    header: tuple[str, ...]
    # A mapping (stored, or this import's) already reads it: the problem is in that mapping.
    mapped: bool = False

    @property
    def name(self) -> str:
        """'ops_tracker_export.csv', or 'exports.zip › ops.csv' for a zip member."""
        outer, bang, member = self.file.name.partition("!")
        shown = Path(outer).name or outer
        return f"{shown} › {member}" if bang else shown


def wants_mapping(problem: ImportProblem) -> bool:
    """The import stopped because it did not recognise a file, not because a value is bad."""
    return problem.expected.startswith(("an export irdesk reads", "a column mapping for these"))


def mappable_file(
    paths: Sequence[Path], problem: ImportProblem, options: ImportOptions
) -> MappableFile | None:
    """Worker side: the file `problem` is about, when a column mapping can fix it.

    That is a CSV or a JSON array of objects which irdesk did not recognise, or one it
    read through a column mapping that does not fit its values.
    """
    try:
        files = load_sources(paths)
    except (ImportProblem, OSError):
        return None
    for file in files:
        if file.name != problem.file:
            continue
        header = generic.read_header(Content(file))
        if not header:
            return None
        mapped = generic.mapping_for(header, options) is not None
        if mapped and options.format not in (None, generic.FORMAT.name):
            return None  # read by the format the user chose; the mapping played no part
        if mapped or wants_mapping(problem):
            return MappableFile(file, tuple(header), mapped=mapped)
        return None
    return None


def default_source_name(file_name: str) -> str:
    """'/exports/Ops Tracker_export-2026-10.csv' → 'ops-tracker': the tool, not the file."""
    stem = Path(file_name.rsplit("!", 1)[-1]).stem
    words = [w for w in re.split(r"[^a-z0-9]+", stem.casefold()) if w]
    while len(words) > 1 and (words[-1] in _FILE_WORDS or words[-1].isdigit()):
        words.pop()
    return "-".join(words) or "csv"


def _is_iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _parses(value: str, pattern: str) -> bool:
    try:
        datetime.strptime(value, pattern)  # noqa: DTZ007 (only checking the shape)
    except ValueError:
        return False
    return True


def guess_date_format(samples: Sequence[object]) -> str | None:
    """None for ISO 8601 (or nothing to go by), else the first pattern all samples fit."""
    values = [s.strip() for s in samples if isinstance(s, str) and s.strip()]
    if not values or all(_is_iso(v) for v in values):
        return None
    for pattern in DATE_PATTERNS:
        if all(_parses(v, pattern) for v in values):
            return pattern
    return None


def problem_text(problem: ImportProblem) -> str:
    """The problem without the file's path, which the dialog's title already names."""
    if needs_zone(problem):
        # The importer's wording points at the command line; here the field is at hand.
        column = f", column “{problem.field}”" if problem.field else ""
        return f"{problem.location}{column}: the time {problem.found!r} carries no time zone."
    text = str(problem)
    prefix = f"{problem.file}, "
    return text[len(prefix) :] if text.startswith(prefix) else text


def needs_zone(problem: ImportProblem) -> bool:
    return problem.needs_zone or "time with a zone" in problem.expected
