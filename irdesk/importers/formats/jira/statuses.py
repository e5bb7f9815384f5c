"""Jira's status categories: which statuses mean not started, in progress or done.

A changelog entry names only a status, not its category. The category is taken from
the file itself when it says (issues currently in that status carry it), then from
well-known names in English and Spanish; the JSON and the CSV importer share these.
"""

from collections.abc import Iterable
from typing import Any

from irdesk.domain.enums import IncidentStatus

# Jira's three status category keys ("undefined" exists too and means "not known").
NEW, IN_PROGRESS, DONE = "new", "indeterminate", "done"

# Well-known status (and status category) names, casefolded, in English and Spanish.
# Jira returns status names in the interface language, in JSON as in CSV exports.
STATUS_NAME_CATEGORIES: dict[str, str] = {
    **dict.fromkeys(
        (
            "to do",
            "open",
            "backlog",
            "new",
            "reopened",
            "selected for development",
            "waiting for support",
            "por hacer",
            "tareas por hacer",
            "abierta",
            "abierto",
            "nueva",
            "nuevo",
            "reabierta",
            "reabierto",
            "esperando soporte",
            "esperando por soporte",
        ),
        NEW,
    ),
    **dict.fromkeys(
        (
            "in progress",
            "work in progress",
            "pending",
            "in review",
            "waiting for customer",
            "escalated",
            "investigating",
            "en curso",
            "en progreso",
            "trabajo en curso",
            "en revisión",
            "pendiente",
            "esperando al cliente",
            "escalada",
            "escalado",
            "en investigación",
        ),
        IN_PROGRESS,
    ),
    **dict.fromkeys(
        (
            "done",
            "resolved",
            "closed",
            "completed",
            "cancelled",
            "canceled",
            "declined",
            "won't do",
            "listo",
            "lista",
            "hecho",
            "hecha",
            "resuelta",
            "resuelto",
            "completado",
            "completada",
            "cerrada",
            "cerrado",
            "finalizado",
            "finalizada",
            "cancelado",
            "cancelada",
            "rechazado",
            "rechazada",
        ),
        DONE,
    ),
}

STATUS_FOR_CATEGORY = {
    NEW: IncidentStatus.TRIGGERED,
    IN_PROGRESS: IncidentStatus.ACKNOWLEDGED,
    DONE: IncidentStatus.RESOLVED,
}


def category_of_name(name: str | None) -> str | None:
    return STATUS_NAME_CATEGORIES.get(name.strip().casefold()) if name else None


def status_categories(issues: Iterable[Any]) -> dict[str, str]:
    """Status id and casefolded name → category key, from the issues' current statuses."""
    known: dict[str, str] = {}
    for issue in issues:
        fields = issue.get("fields") if isinstance(issue, dict) else None
        status = fields.get("status") if isinstance(fields, dict) else None
        category = status.get("statusCategory") if isinstance(status, dict) else None
        key = category.get("key") if isinstance(category, dict) else None
        if not isinstance(status, dict) or key not in (NEW, IN_PROGRESS, DONE):
            continue
        if isinstance(status.get("id"), str | int):
            known[f"id:{status['id']}"] = key
        if isinstance(status.get("name"), str):
            known[f"name:{status['name'].strip().casefold()}"] = key
    return known


class Categories:
    """A status's category: as the file says, else by its well-known name, else in progress."""

    def __init__(self, known: dict[str, str]) -> None:
        self.known = known

    def of(self, status_id: object, name: object) -> str:
        if isinstance(status_id, str | int) and f"id:{status_id}" in self.known:
            return self.known[f"id:{status_id}"]
        if isinstance(name, str):
            from_file = self.known.get(f"name:{name.strip().casefold()}")
            if from_file:
                return from_file
            well_known = category_of_name(name)
            if well_known:
                return well_known
        # Neither the file nor the name says: leaving the initial status for a status
        # that is not known to be Done is work in progress.
        return IN_PROGRESS
