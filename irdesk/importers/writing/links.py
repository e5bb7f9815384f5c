"""Links across tools: an incident that names another (a Jira ticket citing PagerDuty's
"#12728") joins it, whichever of the two was imported first.

A link already made, by hand or by an earlier import, is left as it is; links are one
level deep, so an incident others are linked into is not linked anywhere (a conflict).
"""

from irdesk.importers.merging import PreparedIncident, reference_index
from irdesk.importers.writing.outcomes import WriteResult
from irdesk.storage.bulk import import_lookup, import_writer
from irdesk.storage.bulk.import_lookup import IncidentKey
from irdesk.storage.bulk.import_transaction import ImportTransaction
from irdesk.storage.bulk.import_writer import LinkOutcome

# (incident, into, evidence): the reference that names the incident it joins.
LinkRequest = tuple[int, int, str]


def write_links(
    tx: ImportTransaction,
    prepared: dict[IncidentKey, PreparedIncident],
    ids: dict[IncidentKey, int],
    result: WriteResult,
) -> None:
    """Link every incident of this import that names another, and every stored one that
    names one of this import's; the report hears what was linked and what was refused."""
    labels: dict[int, str] = {}  # stored incidents' names, as the lookups find them
    links = _links(prepared)
    requests = [(ids[a], ids[b], evidence) for a, b, evidence in links]
    requests += _links_to_stored(tx, prepared, ids, {a for a, _, _ in links}, labels)
    requests += _links_from_stored(tx, prepared, ids, labels)
    # This import's incidents by id, made only when a line of the report names one: a
    # big import that links nothing never holds a second map of all its incidents.
    ours: dict[int, IncidentKey] = {}

    def label(incident_id: int) -> str:
        if not ours:
            ours.update((ids[key], key) for key in prepared)
        key = ours.get(incident_id)
        if key is not None:
            return f"{key[0]}:{key[1]}"
        return labels.get(incident_id, str(incident_id))

    for link in import_writer.link_by_reference(tx, requests):
        if link.outcome is LinkOutcome.LINKED:
            result.merges.append(
                f"{label(link.incident_id)} joins {label(link.into_id)} ({link.evidence})"
            )
        elif link.outcome is LinkOutcome.OTHERS_LINKED_INTO_IT:
            result.conflicts.append(
                f"{label(link.incident_id)} names {label(link.requested_into)}, "
                "but other incidents are linked into it; link them by hand if they are one outage."
            )


def _links(
    prepared: dict[IncidentKey, PreparedIncident],
) -> list[tuple[IncidentKey, IncidentKey, str]]:
    """(incident, into, evidence) for every record that names another record of this import."""
    if not any(item.record.references for item in prepared.values()):
        return []  # nothing names anything: no need for every incident's names
    alias_to_key: dict[str, IncidentKey] = {}
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
    tx: ImportTransaction,
    prepared: dict[IncidentKey, PreparedIncident],
    ids: dict[IncidentKey, int],
    linked: set[IncidentKey],
    labels: dict[int, str],
) -> list[LinkRequest]:
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
    found = import_lookup.incidents_by_reference(tx, [r for refs in wanted.values() for r in refs])
    links = []
    for key, references in wanted.items():
        for reference in references:
            hit = found.get(reference)
            if hit is not None and hit.id != ids[key]:
                labels.setdefault(hit.id, f"{hit.source}:{hit.external_id}")
                links.append((ids[key], hit.id, reference))
                break
    return links


def _links_from_stored(
    tx: ImportTransaction,
    prepared: dict[IncidentKey, PreparedIncident],
    ids: dict[IncidentKey, int],
    labels: dict[int, str],
) -> list[LinkRequest]:
    """(incident, into, evidence) for stored incidents citing one of this import's.

    The other order of `_links_to_stored`: a Jira ticket imported last week that cites
    "#12728" joins PagerDuty's incident #12728 when that incident arrives.
    """
    if not import_lookup.any_citations(tx):
        return []
    names = reference_index(prepared)
    if not names:
        return []
    ours = set(ids.values())
    links: dict[int, LinkRequest] = {}
    for citing_id, reference, source, external_id in import_lookup.incidents_citing(
        tx, sorted(names)
    ):
        into_id = ids[names[reference]]
        if citing_id in ours or citing_id == into_id or citing_id in links:
            continue  # one of this import's: _links saw it already
        labels.setdefault(citing_id, f"{source}:{external_id}")
        links[citing_id] = (citing_id, into_id, reference)
    return list(links.values())
