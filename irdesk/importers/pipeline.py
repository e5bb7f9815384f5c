"""One import, end to end: read every file, parse, merge, then write in one transaction.

Parsing all files comes first, so a bad file stops the import before a row
is written; the writing runs in one transaction, so a failure there leaves
the database as it was. A dry run does all of it and rolls back.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from irdesk import __version__
from irdesk.domain.lifecycle import derive_from_events
from irdesk.importers import registry, writer
from irdesk.importers.formats import Content, ImportOptions
from irdesk.importers.problems import ImportProblem
from irdesk.importers.records import EventBatch, EventRecord, IncidentRecord, ParsedFile
from irdesk.importers.sources import load_sources
from irdesk.storage.database import Database

IMPORTER_VERSION = f"irdesk {__version__}"
Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class ImportReport:
    files: list[ParsedFile]
    result: writer.WriteResult
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

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
            ("Linked across tools", self.result.merges),
            ("Conflicts (your edits kept)", self.result.conflicts),
            ("Warnings", self.warnings),
        ):
            if items:
                out.append(f"{title}:")
                out += [f"  {item}" for item in items]
        return out


def parse_files(
    paths: Iterable[Path], options: ImportOptions, progress: Progress | None = None
) -> list[ParsedFile]:
    files = load_sources(paths)
    parsed = []
    for number, file in enumerate(files):
        if progress:
            progress(f"Reading {file.name}", number, len(files))
        content = Content(file)
        source_format = (
            registry.format_named(options.format) if options.format else registry.detect(content)
        )
        parsed.append(source_format.parse(content, options))
    return parsed


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
    derived = derive_from_events([(e.kind.value, e.occurred_at) for e in events])
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


def run_import(
    db: Database,
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `paths` into `db`, all or nothing. Raises ImportProblem for bad input."""
    options = options or ImportOptions()
    parsed = parse_files(paths, options, progress)
    prepared = _merge_records(parsed)
    batches: list[tuple[EventBatch, str]] = [(b, f.name) for f in parsed for b in f.event_batches]
    orphan_batches: list[tuple[EventBatch, str]] = []
    for batch, file_name in batches:
        item = prepared.get((batch.source, batch.incident_external_id))
        if item is None:
            orphan_batches.append((batch, file_name))
        else:
            item.events.extend(batch.events)
            item.files.add(file_name)
    for item in prepared.values():
        _fill_lifecycle(item.record, item.events)

    result = writer.WriteResult()
    if progress:
        progress("Writing to the database", 0, 1)
    with db.engine.connect() as conn:
        transaction = conn.begin()
        try:
            ids = writer.write_incidents(conn, list(prepared.values()), result) if prepared else {}
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
            writer.write_events(conn, events, outcomes, writer.People(conn, result), result)
            labels = {ids[key]: f"{key[0]}:{key[1]}" for key in prepared}
            merges = [(ids[a], ids[b], evidence) for a, b, evidence in _links(prepared)]
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
    warnings = [f"{f.name}: {w}" for f in parsed for w in f.warnings]
    return ImportReport(files=parsed, result=result, warnings=warnings, dry_run=dry_run)
