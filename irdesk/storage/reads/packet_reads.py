"""What a packet reads, each in one read of the database: the doors the packet export uses.

The records themselves, and how an incident or a person is found by the name people
use, are `packet_data`'s; this module only gives each packet scope its own session.
"""

from irdesk.storage.database import Database
from irdesk.storage.reads.packet_data import (
    IncidentPacketData,
    PeriodIncidents,
    PersonPacketData,
    find_incident,
    incident_packet_data,
    period_incidents,
    person_packet_data,
)
from irdesk.storage.sealing import Keyring


def read_incident_packet(database: Database, reference: str) -> IncidentPacketData:
    """The incident people name `reference` (INC-1022, demo:INC-1022, 12728, …) and its review."""
    with database.session() as session:
        return incident_packet_data(session, find_incident(session, reference))


def read_period_packet(database: Database, label: str, incident_ids: list[int]) -> PeriodIncidents:
    """The incidents a period's figures counted, in one snapshot with each other."""
    with database.session() as session:
        return period_incidents(session, label, incident_ids)


def read_person_packet(
    database: Database, person: str, keyring: Keyring | None = None
) -> PersonPacketData:
    """One person's incidents and the feedback notes about them `keyring` can read."""
    with database.session() as session:
        return person_packet_data(session, person, keyring)
