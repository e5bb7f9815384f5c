"""Event batches that name their incident by reference (EventBatch.incident_ref).

A chat channel knows its incident only as people name it ("#12728", "INC-1042", a URL).
Such a batch joins the incident of this import that goes by that name, else one an
earlier import stored; only its events inside the incident's time window join, and a
batch that finds no incident is skipped with a warning, or stops the import when the
user asked for that link.
"""

from dataclasses import dataclass
from datetime import datetime

from irdesk.importers.merging import (
    EventsById,
    FileBatch,
    FilesById,
    PreparedIncident,
    add_events,
    reference_index,
)
from irdesk.importers.problems import ImportProblem
from irdesk.importers.records import EventBatch, EventRecord
from irdesk.storage.bulk import import_lookup
from irdesk.storage.bulk.import_lookup import IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction


@dataclass(frozen=True)
class ReferencedIncident:
    """An incident events are attached to by reference, and the times its window needs."""

    label: str  # "pagerduty:PH4UE4E"
    start: datetime | None
    end: datetime | None


def referenced_incident(
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


class ReferralLog:
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
        """A batch no incident was found for: counted, or a located problem when the user
        asked for its link."""
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


def attach_referring(
    referring: list[FileBatch],
    prepared: dict[IncidentKey, PreparedIncident],
    referrals: ReferralLog,
) -> list[FileBatch]:
    """Batches naming an incident of this import join it (inside its window); returns the
    others, to be looked for in the database. Runs after the lifecycle is filled: the
    window needs the incident's times."""
    if not referring:
        return []  # no batch names one: no need for every incident's names
    index = reference_index(prepared)
    elsewhere: list[FileBatch] = []
    for batch, file_name in referring:
        key = index.get((batch.incident_ref or "").casefold())
        if key is None:
            elsewhere.append((batch, file_name))
            continue
        item = prepared[key]
        record = item.record
        target = referenced_incident(
            f"{key[0]}:{key[1]}",
            record.started_at,
            record.detected_at,
            record.resolved_at,
            record.verified_at,
        )
        kept = referrals.keep(batch, target)
        if kept:
            item.add_events(kept)
            item.add_file(file_name)
    return elsewhere


def attach_to_stored_by_reference(
    tx: ImportTransaction,
    elsewhere: list[FileBatch],
    referrals: ReferralLog,
    events: EventsById,
    files: FilesById,
) -> None:
    """Batches naming an incident already in the database join it (inside its window)."""
    stored = stored_incidents_by_reference(tx, [b.incident_ref or "" for b, _ in elsewhere])
    for batch, file_name in elsewhere:
        found = stored.get(batch.incident_ref or "")
        if found is None:
            referrals.skip(batch, file_name)  # raises when the link was asked for
            continue
        incident_id, target = found
        kept = referrals.keep(batch, target)
        if kept:
            add_events(events, files, incident_id, kept, file_name)


def stored_incidents_by_reference(
    tx: ImportTransaction, references: list[str]
) -> dict[str, tuple[int, ReferencedIncident]]:
    """(id, incident) of the stored incident each reference names, for those that name one
    (see import_lookup.incidents_by_reference for the ways a reference may name one)."""
    return {
        reference: (
            stored.id,
            referenced_incident(
                f"{stored.source}:{stored.external_id}",
                stored.started_at,
                stored.detected_at,
                stored.resolved_at,
                stored.verified_at,
            ),
        )
        for reference, stored in import_lookup.incidents_by_reference(tx, references).items()
    }
