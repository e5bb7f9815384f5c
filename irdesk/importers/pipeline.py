"""One import, end to end: read every file, parse, merge, then write in one transaction.

Parsing all files comes first, so a bad file stops the import before a row
is written; the writing runs in one transaction, so a failure there leaves
the database as it was. A dry run does all of it and rolls back.
"""

import contextlib
import gc
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from sqlalchemy import Connection

from irdesk import __version__
from irdesk.domain.lifecycle import derive_from_events
from irdesk.importers import registry, writer
from irdesk.importers.formats.base import Content, ImportOptions, SourceFormat
from irdesk.importers.problems import ImportProblem
from irdesk.importers.reading.sources import SourceFile, load_sources
from irdesk.importers.records import EventBatch, EventRecord, IncidentRecord, ParsedFile
from irdesk.storage.database import Database

IMPORTER_VERSION = f"irdesk {__version__}"
# (what, done, total), before each file and while writing; raising from it stops the
# import, and while writing rolls the transaction back.
Progress = writer.Progress
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
    # once per format instead of twice per file matters for an export of 10,000 pages.
    return source_format if isinstance(source_format, ReadsWithImport) else None


@dataclass
class ImportReport:
    files: list[ParsedFile]
    result: writer.WriteResult
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    # Chat channels skipped for want of an incident, once each: the GUI offers to link them.
    unlinked_channels: list[str] = field(default_factory=list)

    def count(self, change: str) -> int:
        return sum(1 for outcome in self.result.incidents if outcome.change == change)

    @property
    def new_events(self) -> int:
        return self.result.new_events

    @property
    def changed_anything(self) -> bool:
        return (
            any(o.change != "unchanged" for o in self.result.incidents)
            or bool(self.result.merges)
            or bool(self.result.new_events or self.result.updated_events)
        )

    def lines(self) -> list[str]:
        verb = "Would import" if self.dry_run else "Imported"
        out = [f"{verb} {len(self.files)} file(s):"]
        out += [
            f"  {f.name} ({f.format}, {f.size:,} bytes, sha256 {f.sha256[:12]}…)"
            for f in self.files
        ]
        out.append(
            f"Incidents: {self.count('new')} new, {self.count('updated')} updated, "
            f"{self.count('unchanged')} unchanged"
        )
        out.append(
            f"Timeline events: {self.new_events} new, {self.result.updated_events} updated, "
            f"{self.result.unchanged_events} unchanged"
        )
        for title, items in (
            (
                "New services (tier 3, SLO 99.9 %, no cost until you set them)",
                self.result.new_services,
            ),
            ("New people", self.result.new_people),
            ("People to check (kept apart until someone links them)", self.result.uncertain_people),
            ("Linked across tools", self.result.merges),
            ("Conflicts (your edits kept)", self.result.conflicts),
            ("Warnings", self.warnings),
        ):
            if items:
                out.append(f"{title}:")
                out += [f"  {item}" for item in items]
        return out


def parse_files(
    paths: Iterable[Path],
    options: ImportOptions,
    progress: Progress | None = None,
    skipped: list[str] | None = None,
) -> list[ParsedFile]:
    """Every file parsed, or the first located ImportProblem. Non-exports found inside
    folders and zips are listed in `skipped`."""
    files = load_sources(paths, skipped)
    siblings: SiblingFiles = MappingProxyType({file.name: file for file in files})
    parsed = []
    for number, file in enumerate(files):
        if progress:
            progress(f"Reading {file.name}", number, len(files))
        content = Content(file)
        source_format = (
            registry.format_named(options.format)
            if options.format
            else _detect(content, options, siblings)
        )
        in_import = _with_import(source_format)
        if in_import is not None:
            parsed.append(in_import.parse_in_import(content, options, siblings))
        else:
            parsed.append(source_format.parse(content, options))
    return parsed


def _detect(content: Content, options: ImportOptions, siblings: SiblingFiles) -> SourceFormat:
    """registry.detect, in the same order, letting formats that read with the import see it."""
    for candidate in registry.formats():
        in_import = _with_import(candidate)
        if in_import is not None:
            if in_import.sniff_in_import(content, options, siblings):
                return candidate
        elif candidate.sniff(content):
            return candidate
    return registry.detect(content)  # finds nothing either, and raises its located problem


def _merge_records(parsed: list[ParsedFile]) -> dict[tuple[str, str], writer.PreparedIncident]:
    """The same incident in several files (pages, newer exports): the later file's fields win."""
    prepared: dict[tuple[str, str], writer.PreparedIncident] = {}
    for file in parsed:
        for record in file.incidents:
            key = (record.source, record.external_id)
            if key in prepared:
                earlier = prepared[key]
                earlier.events.extend(record.events)
                earlier.files.add(file.name)
                record.aliases = [*earlier.record.aliases, *record.aliases]
                record.references = [*earlier.record.references, *record.references]
                earlier.record = record
            else:
                prepared[key] = writer.PreparedIncident(record, list(record.events), {file.name})
    return prepared


def _fill_lifecycle(record: IncidentRecord, events: list[EventRecord]) -> None:
    # An EventKind is its value, as a str: no need to ask 200,000 times for `.value`.
    derived = derive_from_events([(e.kind, e.occurred_at) for e in events])
    for name, value in derived.items():
        if getattr(record, name) is None:
            setattr(record, name, value)


def _links(
    prepared: dict[tuple[str, str], writer.PreparedIncident],
) -> list[tuple[tuple[str, str], tuple[str, str], str]]:
    """(incident, into, evidence) for every record that names another record of this import."""
    alias_to_key: dict[str, tuple[str, str]] = {}
    for key, item in prepared.items():
        alias_to_key[f"{key[0]}:{key[1]}"] = key
        for alias in item.record.aliases:
            alias_to_key.setdefault(alias, key)
    links = []
    for key, item in prepared.items():
        for reference in item.record.references:
            target = alias_to_key.get(reference)
            if target is not None and target != key:
                links.append((key, target, reference))
                break
    return links


def _links_to_stored(
    conn: Connection,
    prepared: dict[tuple[str, str], writer.PreparedIncident],
    ids: dict[tuple[str, str], int],
    linked: set[tuple[str, str]],
    labels: dict[int, str],
) -> list[tuple[int, int, str]]:
    """(incident, into, evidence) for records naming an incident an earlier import stored.

    A Jira ticket imported a week after its PagerDuty incident joins it just as it would
    had both come in one import. `labels` learns the stored incidents' names.
    """
    wanted = {
        key: item.record.references
        for key, item in prepared.items()
        if key not in linked and item.record.references
    }
    if not wanted:
        return []
    found = stored_incidents_by_reference(conn, [r for refs in wanted.values() for r in refs])
    links = []
    for key, references in wanted.items():
        for reference in references:
            hit = found.get(reference)
            if hit is not None and hit[0] != ids[key]:
                into_id, target = hit
                labels.setdefault(into_id, target.label)
                links.append((ids[key], into_id, reference))
                break
    return links


def _links_from_stored(
    conn: Connection,
    prepared: dict[tuple[str, str], writer.PreparedIncident],
    ids: dict[tuple[str, str], int],
    labels: dict[int, str],
) -> list[tuple[int, int, str]]:
    """(incident, into, evidence) for stored incidents citing one of this import's.

    The other order of `_links_to_stored`: a Jira ticket imported last week that cites
    "#12728" joins PagerDuty's incident #12728 when that incident arrives.
    """
    names: dict[str, tuple[str, str]] = {}
    for key, item in prepared.items():
        record = item.record
        for name in (f"{key[0]}:{key[1]}", key[1], record.url, *record.aliases):
            if name:
                names.setdefault(name.casefold(), key)
    if not names:
        return []
    ours = set(ids.values())
    links: dict[int, tuple[int, int, str]] = {}
    wanted = sorted(names)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.exec_driver_sql(
            "SELECT r.incident_id, r.reference, i.source, i.external_id"
            " FROM incident_reference r JOIN incident i ON i.id = r.incident_id"
            f" WHERE r.reference IN ({marks}) ORDER BY r.incident_id, r.reference",
            tuple(chunk),
        )
        for citing_id, reference, source, external_id in rows:
            into_id = ids[names[reference]]
            if citing_id in ours or citing_id == into_id or citing_id in links:
                continue  # one of this import's: _links saw it already
            labels.setdefault(citing_id, f"{source}:{external_id}")
            links[citing_id] = (citing_id, into_id, reference)
    return list(links.values())


@dataclass(frozen=True)
class ReferencedIncident:
    """An incident events are attached to by reference, and the times its window needs."""

    label: str  # "pagerduty:PH4UE4E"
    start: datetime | None
    end: datetime | None


def _target(
    label: str,
    started: datetime | None,
    detected: datetime | None,
    resolved: datetime | None,
    verified: datetime | None,
) -> ReferencedIncident:
    # Detection bounds the start when impact is unknown; the later of resolution and
    # verification bounds the end, since talk about the fix holding belongs to the incident.
    ends = [t for t in (resolved, verified) if t is not None]
    return ReferencedIncident(label, started or detected, max(ends) if ends else None)


class _ReferralLog:
    """Counts what batches attached by reference left out, for one warning per channel."""

    def __init__(self) -> None:
        # (location, incident, window start, window end) → events left out
        self.outside: dict[tuple[str, str, datetime | None, datetime | None], int] = {}
        self.unlinked: dict[tuple[str, str], int] = {}
        self.unlinked_channels: list[str] = []

    def keep(self, batch: EventBatch, target: ReferencedIncident) -> list[EventRecord]:
        """The batch's events inside the target's window (all of them when it has none)."""
        if batch.window is None:
            return list(batch.events)
        before, after = batch.window
        low = target.start - before if target.start is not None else None
        high = target.end + after if target.end is not None else None
        kept = [
            event
            for event in batch.events
            if (low is None or event.occurred_at >= low)
            and (high is None or event.occurred_at <= high)
        ]
        if len(kept) < len(batch.events):
            key = (batch.location, target.label, low, high)
            self.outside[key] = self.outside.get(key, 0) + len(batch.events) - len(kept)
        return kept

    def skip(self, batch: EventBatch, file_name: str) -> None:
        reference = batch.incident_ref or ""
        if batch.required:
            raise ImportProblem(
                file_name,
                batch.location,
                f"an incident known as {reference!r} in this import or already in the database "
                "(import that incident too, or link this to another incident's key, such as "
                "pagerduty:PH4UE4E)",
                field="incident",
                found=reference,
                channel=batch.channel,
            )
        key = (batch.location, reference)
        self.unlinked[key] = self.unlinked.get(key, 0) + len(batch.events)
        if batch.channel is not None:
            self.unlinked_channels.append(batch.channel)

    def warnings(self) -> list[str]:
        out = [
            f"{location}: no incident known as {reference!r} in this import or the database; "
            f"{count} event(s) skipped"
            for (location, reference), count in self.unlinked.items()
        ]
        for (location, label, low, high), count in self.outside.items():
            since = f"from {low:%Y-%m-%d %H:%M} UTC" if low else "from any time"
            until = f"to {high:%Y-%m-%d %H:%M} UTC" if high else "on, as it has no end time"
            out.append(
                f"{location}: {count} event(s) outside the time window of {label} "
                f"({since} {until}) left out"
            )
        return out


def _reference_index(
    prepared: dict[tuple[str, str], writer.PreparedIncident],
) -> dict[str, tuple[str, str]]:
    """Casefolded key → incident, for every name an incident of this import goes by."""
    index: dict[str, tuple[str, str]] = {}
    for key, item in prepared.items():
        names = (f"{key[0]}:{key[1]}", key[1], item.record.url, *item.record.aliases)
        for name in names:
            if name:
                index.setdefault(name.casefold(), key)
    return index


def _db_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def stored_incidents_by_reference(
    conn: Connection, references: Iterable[str]
) -> dict[str, tuple[int, ReferencedIncident]]:
    """Incidents already in the database that each key names: "source:external_id", the
    URL, the external id ("#12728" also tries "12728"), or an alias an earlier import
    stored (PagerDuty's incident number 12728, an Opsgenie tiny id).
    """
    columns = "id, source, external_id, started_at, detected_at, resolved_at, verified_at"
    found: dict[str, tuple[int, ReferencedIncident]] = {}
    for reference in sorted(set(references)):
        queries: list[tuple[str, tuple[str, ...]]] = []
        source, colon, external_id = reference.partition(":")
        if colon and "://" not in reference:
            queries.append(("source = ? AND external_id = ?", (source, external_id)))
        queries.append(("url = ?", (reference,)))
        queries.append(("external_id = ? COLLATE NOCASE", (reference,)))
        if reference.startswith("#") and len(reference) > 1:
            queries.append(("external_id = ? COLLATE NOCASE", (reference[1:],)))
        queries.append(
            (
                "id IN (SELECT incident_id FROM incident_alias WHERE alias = ?)",
                (writer.alias_text(reference),),
            )
        )
        for where, params in queries:
            row = conn.exec_driver_sql(
                f"SELECT {columns} FROM incident WHERE {where} ORDER BY id LIMIT 1", params
            ).first()
            if row is not None:
                times = (_db_time(value) for value in row[3:])
                found[reference] = (row[0], _target(f"{row[1]}:{row[2]}", *times))
                break
    return found


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while an import builds its records.

    An import keeps hundreds of thousands of records alive, none of them in a cycle:
    every collection walks all of them for nothing, which took a fifth of a large import.
    Reference counting still frees everything, and later collections find what cycles
    there are.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # What survived the import goes straight to the oldest generation, where
            # repeated collections would have moved it, instead of one young collection
            # walking all of it (a tenth of a second for 200,000 events).
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def run_import(
    db: Database,
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `paths` into `db`, all or nothing. Raises ImportProblem for bad input."""
    with _cyclic_gc_paused():
        return _run_import(db, paths, options or ImportOptions(), dry_run, progress)


def _run_import(
    db: Database,
    paths: Iterable[Path],
    options: ImportOptions,
    dry_run: bool,
    progress: Progress | None,
) -> ImportReport:
    skipped: list[str] = []
    parsed = parse_files(paths, options, progress, skipped)
    prepared = _merge_records(parsed)
    batches: list[tuple[EventBatch, str]] = [(b, f.name) for f in parsed for b in f.event_batches]
    orphan_batches: list[tuple[EventBatch, str]] = []
    referring: list[tuple[EventBatch, str]] = []
    for batch, file_name in batches:
        if not batch.incident_external_id and batch.incident_ref:
            referring.append((batch, file_name))
            continue
        item = prepared.get((batch.source, batch.incident_external_id))
        if item is None:
            orphan_batches.append((batch, file_name))
        else:
            item.events.extend(batch.events)
            item.files.add(file_name)
    for item in prepared.values():
        _fill_lifecycle(item.record, item.events)
    # Batches naming their incident by reference join after the lifecycle is filled: chat
    # around an incident must not move its start, and their window needs its times.
    referrals = _ReferralLog()
    index = _reference_index(prepared)
    stored_referring: list[tuple[EventBatch, str]] = []
    for batch, file_name in referring:
        key = index.get((batch.incident_ref or "").casefold())
        if key is None:
            stored_referring.append((batch, file_name))
            continue
        item = prepared[key]
        record = item.record
        target = _target(
            f"{key[0]}:{key[1]}",
            record.started_at,
            record.detected_at,
            record.resolved_at,
            record.verified_at,
        )
        kept = referrals.keep(batch, target)
        if kept:
            item.events.extend(kept)
            item.files.add(file_name)

    result = writer.WriteResult()
    if progress:
        progress("Writing to the database", 0, 1)
    with db.engine.connect() as conn, writer.bulk_write_settings(conn):
        transaction = conn.begin()
        try:
            ids = writer.write_incidents(conn, list(prepared.values()), result) if prepared else {}
            by_id = {ids[key]: item for key, item in prepared.items()}
            writer.write_aliases(conn, by_id)
            writer.write_references(conn, by_id)
            outcomes = {
                ids[(o.key.split(":", 1)[0], o.key.split(":", 1)[1])]: o for o in result.incidents
            }
            events = {ids[key]: item.events for key, item in prepared.items()}
            incident_files = {ids[key]: set(item.files) for key, item in prepared.items()}
            orphan_ids = writer.existing_ids(
                conn, [(b.source, b.incident_external_id) for b, _ in orphan_batches]
            )
            for batch, file_name in orphan_batches:
                incident_id = orphan_ids.get((batch.source, batch.incident_external_id))
                if incident_id is None:
                    raise ImportProblem(
                        file_name,
                        batch.location,
                        f"events of a {batch.source} incident that is in this import or already "
                        "in the database (import the incident list too)",
                        field="incident",
                        found=batch.incident_external_id,
                    )
                events.setdefault(incident_id, []).extend(batch.events)
                incident_files.setdefault(incident_id, set()).add(file_name)
            stored = stored_incidents_by_reference(
                conn, [b.incident_ref or "" for b, _ in stored_referring]
            )
            for batch, file_name in stored_referring:
                found = stored.get(batch.incident_ref or "")
                if found is None:
                    referrals.skip(batch, file_name)  # raises when the link was asked for
                    continue
                incident_id, target = found
                kept = referrals.keep(batch, target)
                if kept:
                    events.setdefault(incident_id, []).extend(kept)
                    incident_files.setdefault(incident_id, set()).add(file_name)
            people = writer.People(conn, result)
            writer.write_events(conn, events, outcomes, people, result, progress)
            labels = {ids[key]: f"{key[0]}:{key[1]}" for key in prepared}
            links = _links(prepared)
            merges = [(ids[a], ids[b], evidence) for a, b, evidence in links]
            merges += _links_to_stored(conn, prepared, ids, {a for a, _, _ in links}, labels)
            merges += _links_from_stored(conn, prepared, ids, labels)
            writer.write_merges(conn, merges, result, labels)
            writer.write_provenance(
                conn, parsed, incident_files, uuid.uuid4().hex, IMPORTER_VERSION
            )
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    warnings = [f"{name}: skipped, not an export file" for name in skipped]
    # An export with a header and nothing else is legal but rarely meant (a cut download,
    # a filter that matched nothing). Slack's users.json and channels.json hold no events.
    warnings += [
        f"{f.name}: holds no incidents or events (cut short, or an empty export?)"
        for f in parsed
        if not f.incidents and not f.event_batches and f.format != "slack"
    ]
    warnings += [f"{f.name}: {w}" for f in parsed for w in f.warnings]
    warnings += referrals.warnings()
    channels = [c for f in parsed for c in f.unlinked_channels] + referrals.unlinked_channels
    return ImportReport(
        files=parsed,
        result=result,
        warnings=warnings,
        dry_run=dry_run,
        unlinked_channels=list(dict.fromkeys(channels)),
    )
