"""The Organisation window's table models: frozen directory rows under named columns.

A value typed by hand shows ✎ after it; its tooltip says who typed it, why, from when,
and what the import says. `HistoryModel` lists one field's values over time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import Qt

from irdesk.gui.common.formatting import local_time
from irdesk.gui.common.row_table_model import SORT_ROLE, AnyIndex, RowTableModel
from irdesk.storage.records.directory_edits import FROM_THE_START

if TYPE_CHECKING:
    from irdesk.storage.reads.directory import TypedValueRow

TYPED_MARK = "✎"
RowT = TypeVar("RowT")
Column = tuple[str, str | None, Callable[[Any], Any]]  # header, typed field, value


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def since_text(moment: datetime | None) -> str:
    """When a value took force, as the user's calendar day."""
    if moment is None:
        return "as imported"
    return "always" if moment <= FROM_THE_START else local_time(moment, "%Y-%m-%d")


def typed_tooltip(typed: TypedValueRow) -> str:
    imported = "nothing" if typed.imported is None else repr(typed.imported)
    since = since_text(typed.history[-1].effective_from) if typed.history else "always"
    return (
        f"{TYPED_MARK} Typed by hand by {typed.set_by or 'someone'} on "
        f"{local_time(typed.set_at)}, in force from {since}: "
        f"{typed.reason or 'no reason given'}.\n"
        f"The import says {imported}; a re-import keeps the typed value."
    )


@dataclass(frozen=True)
class HistoryRow:
    """One value a field has had: the import's, or one typed from a date."""

    since: str  # "as imported", "always" or the day it took force
    value: str
    set_by: str
    set_at: datetime | None
    reason: str


class ColumnsModel(RowTableModel[RowT], Generic[RowT]):
    """Rows shown through `columns`; fields typed by hand carry the mark and a tooltip."""

    columns: ClassVar[tuple[Column, ...]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._typed: Mapping[tuple[int, str], TypedValueRow] = {}

    @property
    def headers(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(c[0] for c in self.columns)

    def set_typed(self, typed: Mapping[tuple[int, str], TypedValueRow]) -> None:
        self.beginResetModel()
        self._typed = dict(typed)
        self.endResetModel()

    def typed(self, entity_id: int, field: str) -> TypedValueRow | None:
        return self._typed.get((entity_id, field))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_for(index)
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        _header, field, value_of = self.columns[index.column()]
        value = value_of(row)
        typed = self._typed.get((getattr(row, "id", -1), field)) if field else None
        if role == Qt.ItemDataRole.DisplayRole:
            text = cell_text(value)
            return f"{text} {TYPED_MARK}" if typed is not None else text
        if role == SORT_ROLE:
            if value is None:
                return ""
            return value if isinstance(value, int | float) else cell_text(value).lower()
        if role == Qt.ItemDataRole.ToolTipRole:
            return typed_tooltip(typed) if typed is not None else None
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and typed is not None:
            return "typed by hand"
        return None


class TeamsModel(ColumnsModel[Any]):
    columns = (
        ("Team", "name", lambda r: r.name),
        ("Rotation", "rotation", lambda r: r.rotation),
        ("Members", None, lambda r: r.members),
        ("Known as", None, lambda r: r.keys),
    )


class TeamMembersModel(ColumnsModel[Any]):
    columns = (
        ("Person", None, lambda r: r.person),
        ("Role in team", None, lambda r: r.role),
    )


class PeopleModel(ColumnsModel[Any]):
    columns = (
        ("Name", "name", lambda r: r.name),
        ("Team", "team_id", lambda r: r.team),
        ("Role", "role", lambda r: r.role),
        ("Time zone", "time_zone", lambda r: r.time_zone),
        ("Hourly rate", "hourly_rate", lambda r: r.hourly_rate),
        ("Start date", "start_date", lambda r: r.start_date),
        ("Seniority", "seniority", lambda r: r.seniority),
        ("Email", "email", lambda r: r.email),
        ("Known as", None, lambda r: r.keys),
    )


class RotationsModel(ColumnsModel[Any]):
    columns = (
        ("Rotation", "name", lambda r: r.name),
        ("Kind", None, lambda r: r.kind),
        ("Schedule", None, lambda r: r.schedule),
        ("Team", "team_id", lambda r: r.team),
        ("Time zone", "time_zone", lambda r: r.time_zone),
        ("Source", None, lambda r: r.source),
    )


class MembersModel(ColumnsModel[Any]):
    columns = (
        ("Person", None, lambda r: r.person),
        ("Rotation", None, lambda r: r.rotation),
        ("Schedule", None, lambda r: r.schedule),
        ("From", None, lambda r: r.starts_at),
        ("Until", None, lambda r: r.ends_at),
        ("Order", None, lambda r: r.position),
        ("How known", None, lambda r: r.how),
    )


class ServicesModel(ColumnsModel[Any]):
    columns = (
        ("Service", "name", lambda r: r.name),
        ("Tier", "tier", lambda r: r.tier),
        ("Owner team", "owner_team_id", lambda r: r.owner_team),
        ("SLO %", "slo_target", lambda r: r.slo_target),
        ("SLO window (days)", "slo_window_days", lambda r: r.slo_window_days),
        ("Cost per minute", "cost_per_minute", lambda r: r.cost_per_minute),
        ("RTO (min)", "rto_minutes", lambda r: r.rto_minutes),
        ("RPO (min)", "rpo_minutes", lambda r: r.rpo_minutes),
        ("Service ids", None, lambda r: r.keys),
    )


class PoliciesModel(ColumnsModel[Any]):
    columns = (
        ("Policy", "name", lambda r: r.name),
        ("Team", "team_id", lambda r: r.team),
        ("Source", None, lambda r: r.source),
        ("Loops", None, lambda r: r.loops),
        ("Levels", None, lambda r: len(r.levels)),
    )


class LevelsModel(ColumnsModel[Any]):
    columns = (
        ("Level", None, lambda r: r.level),
        ("Delay (min)", None, lambda r: r.delay_minutes),
        ("Notify", None, lambda r: r.notify),
        ("Condition", None, lambda r: r.condition),
        ("Targets", None, lambda r: r.targets),
    )


class HistoryModel(ColumnsModel[HistoryRow]):
    columns = (
        ("From", None, lambda r: r.since),
        ("Value", None, lambda r: r.value),
        ("Why", None, lambda r: r.reason),
        ("Typed on", None, lambda r: r.set_at),
        ("Typed by", None, lambda r: r.set_by),
    )
