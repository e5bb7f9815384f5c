"""What one bad record of a file does to an import: a fallback, or the whole import refused.

A *recoverable* problem has a fallback that keeps the record recognisable (an issue's key
as its title when its summary is blank, a PagerDuty incident's number as its key when its
id was blanked): the record is read with it, and the report warns, naming the file, the
place and the field. Under ImportOptions.strict it refuses the import like any other.

An *unrecoverable* problem refuses the whole import, as always; with
ImportOptions.skip_bad_records the record it is in is left out instead, and the report
lists it (file, place, why), so that one damaged record does not cost the good ones.
"""

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, TypeVar

from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.problems import ImportProblem
from irdesk.importers.records import (
    IncidentRecord,
    IncidentStream,
    LeftOut,
    ParsedFile,
    PlainRows,
)

Item = TypeVar("Item")


def _why(problem: ImportProblem) -> str:
    """The problem's sentence without its file and place, which are said apart."""
    text = str(problem)
    where = f"{problem.file}, {problem.location}: " if problem.location else f"{problem.file}: "
    return text.removeprefix(where)


class Recovery:
    """One file's record problems, sorted by the import's options."""

    def __init__(self, parsed: ParsedFile, options: ImportOptions) -> None:
        self.parsed = parsed
        self.options = options

    def fallback(self, problem: ImportProblem, how: str) -> None:
        """A recoverable problem: a warning naming place and field, or refused under strict."""
        if self.options.strict:
            raise problem
        self.parsed.warnings.append(f"{problem.location}: {_why(problem)}; {how}")

    def record(self) -> "_Record":
        """Reading one record: a problem in it refuses the import, or leaves the record out."""
        return _Record(self)


class _Record:
    """Recovery.record's context: a class, not a generator, as it wraps every record of a
    file (a million in a big one), and entering a generator context costs several calls."""

    __slots__ = ("recovery",)

    def __init__(self, recovery: Recovery) -> None:
        self.recovery = recovery

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, problem: BaseException | None, _trace: object
    ) -> bool:
        return isinstance(problem, ImportProblem) and self.leaves_out(problem)

    def leaves_out(self, problem: ImportProblem) -> bool:
        """Whether the record with `problem` is left out (and listed) rather than refused."""
        recovery = self.recovery
        # A missing zone or a problem of another file is no fault of this record.
        if (
            not recovery.options.skip_bad_records
            or problem.needs_zone
            or problem.file != recovery.parsed.name
        ):
            return False
        recovery.parsed.left_out.append(LeftOut(problem.file, problem.location, _why(problem)))
        return True


def read_incidents(
    recovery: Recovery,
    items: Sequence[Item],
    read: Callable[[int, Item], IncidentRecord],
    source: str,
    *,
    streamed: bool,
    finished: Callable[[], None] | None = None,
    plain: Callable[[Item], tuple[Any, ...] | None] | None = None,
) -> IncidentStream | None:
    """Each of `items` read as an incident of recovery's file (`read(index, item)`), a bad
    one left out or refusing the import as the options say.

    With `streamed` (the items of a large file, read an element at a time), the records
    are made only as the import asks for them (ParsedFile.incident_stream), so that a
    million are never all in memory; otherwise they are read now into `incidents`. Every
    format whose one file can hold a huge array of incidents reads it through here.
    `finished` runs once every item is read (then, or at the stream's end): warnings that
    count over the whole file belong there, as the report is made after the write.
    `plain` (streamed only): an item's incident row when it needs nothing but that row,
    else None; the stream's plain_slices then offers slices of those rows.
    Returns the stream, if any."""
    records = _records(recovery, items, read, finished)
    if streamed:
        stream = recovery.parsed.incident_stream = IncidentStream(len(items), records, source)
        if plain is not None:
            stream.plain_slices = partial(_plain_slices, recovery, items, read, plain, finished)
        return stream
    recovery.parsed.incidents.extend(records)
    return None


def _records(
    recovery: Recovery,
    items: Sequence[Item],
    read: Callable[[int, Item], IncidentRecord],
    finished: Callable[[], None] | None,
) -> Iterator[IncidentRecord]:
    # Recovery.record's context, as a try: two calls fewer for each of a million records.
    context = recovery.record()
    for index, item in enumerate(items):
        try:
            record = read(index, item)
        except ImportProblem as problem:
            if not context.leaves_out(problem):
                raise
            continue  # left out (--skip-bad-records)
        yield record
    if finished is not None:
        finished()


def _plain_slices(
    recovery: Recovery,
    items: Sequence[Item],
    read: Callable[[int, Item], IncidentRecord],
    plain: Callable[[Item], tuple[Any, ...] | None],
    finished: Callable[[], None] | None,
    size: int,
) -> Iterator[PlainRows | list[IncidentRecord]]:
    """`items` a slice of `size` at a time: its rows when every item has one, else its
    records, read (and a bad one refused or left out) as _records reads them."""
    context = recovery.record()
    for begin in range(0, len(items), size):
        chunk = items[begin : begin + size]
        rows = PlainRows(map(plain, chunk))
        if None not in rows:
            yield rows
            continue
        del rows
        records: list[IncidentRecord] = []
        for index, item in enumerate(chunk, begin):
            try:
                records.append(read(index, item))
            except ImportProblem as problem:
                if not context.leaves_out(problem):
                    raise
        yield records
    if finished is not None:
        finished()
