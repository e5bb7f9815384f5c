"""How packets write figures: minutes, money, yes/no, an incident's label."""

from irdesk.storage.reads.packet_data import PacketIncident


def minutes_text(minutes: float | None) -> str:
    if minutes is None:
        return "missing"
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def yes(value: bool) -> str:
    return "yes" if value else "no"


def incident_label(incident: PacketIncident) -> str:
    return f"{incident.source}:{incident.external_id}"
