"""Which action items an import's tickets update, and to what, decided without SQL.

A ticket (a record with `ticket` set: a Jira issue) is named by an action item whose
external key is the ticket's key or one of its aliases (its browse URL), compared
without case. The item's status follows the ticket's:

- resolved (Done category, or a resolution): done, or won't do when the resolution
  says the work was not done (Won't Do, Won't Fix, Declined, Duplicate, Cannot
  Reproduce, Obsolete, and their Spanish names);
- in progress (acknowledged): in progress;
- otherwise: open.

The done date is the ticket's resolution time (the importer's resolved_at), only for a
done item. The owner becomes the ticket's assignee when it names one; an unassigned
ticket leaves the owner as it is (a team may own the item).
"""

from irdesk.domain.enums import ActionStatus, IncidentStatus
from irdesk.importers.merging import PreparedIncident
from irdesk.importers.records import IncidentRecord, PersonRef
from irdesk.importers.writing.outcomes import WriteResult
from irdesk.importers.writing.people import People
from irdesk.storage.bulk import action_tickets
from irdesk.storage.bulk.action_tickets import TicketUpdate
from irdesk.storage.bulk.import_lookup import IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction

# Resolutions (casefolded) meaning the ticket was closed without doing the work.
NOT_DONE_RESOLUTIONS = frozenset(
    {
        "won't do",
        "won't fix",
        "wont do",
        "wont fix",
        "declined",
        "duplicate",
        "cannot reproduce",
        "obsolete",
        "rejected",
        "no se hará",
        "no se hara",
        "no se corregirá",
        "rechazada",
        "rechazado",
        "duplicada",
        "duplicado",
        "no se puede reproducir",
        "obsoleta",
    }
)


def ticket_status(record: IncidentRecord) -> ActionStatus:
    """The action status a ticket's state means (see the module docstring)."""
    resolution = record.ticket.resolution if record.ticket else None
    if record.status == IncidentStatus.RESOLVED:
        if resolution and resolution.strip().casefold() in NOT_DONE_RESOLUTIONS:
            return ActionStatus.WONT_DO
        return ActionStatus.DONE
    if record.status in (IncidentStatus.ACKNOWLEDGED, IncidentStatus.MITIGATED):
        return ActionStatus.IN_PROGRESS
    return ActionStatus.OPEN


def _said(ref: PersonRef | None) -> str | None:
    return None if ref is None else ref.name or ref.email


def follow_tickets(
    tx: ImportTransaction,
    prepared: dict[IncidentKey, PreparedIncident],
    people: People,
    result: WriteResult,
    *,
    actor: str,
) -> None:
    """Bring the action items naming this import's tickets to what the tickets say."""
    tickets = [item for item in prepared.values() if item.record.ticket is not None]
    if not tickets:
        return
    names = {
        item.record.external_id: [item.record.external_id, *item.record.aliases] for item in tickets
    }
    naming = action_tickets.actions_naming(tx, [n for ns in names.values() for n in ns])
    if not naming:
        return
    updates: list[TicketUpdate] = []
    for item in tickets:
        record = item.record
        ticket = record.ticket
        assert ticket is not None
        action_ids = sorted(
            {a for name in names[record.external_id] for a in naming.get(name.casefold(), [])}
        )
        if not action_ids:
            continue
        status = ticket_status(record)
        assignee = people.resolve_cached(ticket.assignee)
        for action_id in action_ids:
            updates.append(
                TicketUpdate(
                    action_id=action_id,
                    ticket=f"{record.source}:{record.external_id}",
                    status=status,
                    done_at=record.resolved_at if status == ActionStatus.DONE else None,
                    assignee_person_id=assignee,
                    changed_by=_said(ticket.changed_by),
                    changed_at=ticket.changed_at,
                    file=", ".join(sorted(item.files)) or None,
                )
            )
    if not updates:
        return
    # Only now: the edit needs the ORM, which an import otherwise never loads.
    from irdesk.storage.bulk.ticket_edits import follow_tickets as apply_tickets

    result.action_changes += apply_tickets(tx, updates, actor=actor)
