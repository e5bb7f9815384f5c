"""The read and parse steps: every file of an import read, recognised and parsed.

Parsing all files comes first, so a bad file stops the import before a row is written.
"""

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from irdesk.importers import registry
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.progress import Progress, reading
from irdesk.importers.reading.sources import ListedSources, SourceFile, load_sources
from irdesk.importers.records import ParsedFile

# Every file of one import by name ("export.zip!users.json"): what a format that reads a
# file in the context of its export looks its other files up in.
SiblingFiles = Mapping[str, SourceFile]


@runtime_checkable
class ReadsWithImport(Protocol):
    """A format whose files only make sense with the rest of the import in view.

    A Slack day file names people by id, resolved through its export's users.json; a CSV
    read by a one-off column mapping is recognised by ImportOptions.column_mapping. Such a
    format's FORMAT (a SourceFormat subclass) also has these two methods, and parse_files
    uses them instead of `sniff` and `parse`, which keep working without that context.
    """

    def sniff_in_import(
        self, content: Content, options: ImportOptions, siblings: SiblingFiles
    ) -> bool: ...

    def parse_in_import(
        self, content: Content, options: ImportOptions, siblings: SiblingFiles
    ) -> ParsedFile: ...


@cache
def _with_import(source_format: SourceFormat) -> ReadsWithImport | None:
    """The format as a ReadsWithImport, or None when it reads files on their own."""
    # isinstance against a runtime-checkable Protocol inspects the class on every call;
    # asked once per format instead of twice per file, for exports of many small files.
    return source_format if isinstance(source_format, ReadsWithImport) else None


def parse_files(
    paths: Iterable[Path],
    options: ImportOptions,
    progress: Progress | None = None,
    skipped: list[str] | None = None,
    *,
    streams: bool = False,
) -> list[ParsedFile]:
    """Every file parsed, or the first located ImportProblem. Non-exports found inside
    folders and zips are listed in `skipped`. With `streams`, a large file's incidents
    may be left in its incident_stream, for the caller to parse as it writes them."""
    parsed = []
    for file in parsed_one_by_one(paths, options, progress, skipped):
        if not streams:
            file.materialise()
        parsed.append(file)
    return parsed


def parsed_one_by_one(
    paths: Iterable[Path],
    options: ImportOptions,
    progress: Progress | None = None,
    skipped: list[str] | None = None,
    *,
    read_as_parsed: bool = False,
) -> Iterator[ParsedFile]:
    """parse_files a file at a time, each as soon as it is parsed (a large file's
    incidents maybe left in its incident_stream), for an import that writes while it
    reads (overlapped.py). `read_as_parsed`: a folder's files read one by one as their
    turn comes, not all before the first is parsed, so the writing starts sooner; a
    file that cannot be read is then found only at its turn."""
    siblings: SiblingFiles
    files: Iterable[SourceFile]
    if read_as_parsed:
        listed = ListedSources(paths, skipped)
        siblings, files, count = listed, listed.in_order(), len(listed.names)
    else:
        loaded = load_sources(paths, skipped)
        siblings = MappingProxyType({file.name: file for file in loaded})
        files, count = loaded, len(loaded)
    for number, file in enumerate(files):
        if progress:
            progress(reading(file.name), number, count)
        content = Content(file)
        source_format = (
            registry.format_named(options.format)
            if options.format
            else _detect(content, options, siblings)
        )
        in_import = _with_import(source_format)
        if in_import is not None:
            yield in_import.parse_in_import(content, options, siblings)
        else:
            yield source_format.parse(content, options)


def _detect(content: Content, options: ImportOptions, siblings: SiblingFiles) -> SourceFormat:
    """registry.detect, in the same order, letting formats that read with the import see it."""
    for candidate in registry.in_detection_order():
        in_import = _with_import(candidate)
        if in_import is not None:
            if in_import.sniff_in_import(content, options, siblings):
                return candidate
        elif candidate.sniff(content):
            return candidate
    return registry.detect(content)  # finds nothing either, and raises its located problem
