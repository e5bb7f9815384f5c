"""A person's period as text: the one set of cells the window, `irdesk person` and the
manager packet show.

Each section is a table whose rows name the incidents behind them, so every figure
leads to its incidents. The words describe what happened and when, never a verdict:
"reached 12 min after the policy's time", not "late by".
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from irdesk.domain.escalation import minutes_text as path_minutes_text
from irdesk.domain.load_fairness import LONG_INCIDENT, TREATMENT_WORDS, no_surge_text
from irdesk.domain.person_period import PersonPeriod


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    incident_ids: tuple[int, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    empty: str  # what the section says when it has no rows


def utc_text(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def hours_text(value: float) -> str:
    return f"{value:.1f} h"


def minutes_text(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} min"


def number_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _path_minutes(value: float | None) -> str:
    """Minutes on an escalation path as the Escalation tab writes them (3.15 min): the
    same level read in two places must not read as two answers."""
    return "" if value is None else path_minutes_text(value)


def _against(value: float | None) -> str:
    """Minutes against the policy's time, in words a person can read about themselves."""
    if value is None:
        return ""
    if round(value, 2) == 0:
        return "on the policy's time"
    side = "after" if value > 0 else "before"
    return f"{path_minutes_text(abs(value))} {side} the policy's time"


def incidents_section(p: PersonPeriod) -> Section:
    rows = []
    for part in p.incidents:
        if part.excluded:
            counted = "not counted: " + ", ".join(part.excluded)
        elif part.surges and p.surge_treatment == "adjust":
            counted = f"counted; in a surge ({', '.join(part.surges)}), left out beside"
        elif part.surges:
            counted = f"counted; in a surge ({', '.join(part.surges)})"
        else:
            counted = "counted"
        rows.append(
            Row(
                (
                    part.label,
                    part.title,
                    utc_text(part.started_at),
                    part.severity or "",
                    ", ".join(part.roles) or "took part",
                    hours_text(part.hours),
                    str(part.pages),
                    str(part.after_hours_pages),
                    "yes" if part.resolved_by_them else "",
                    counted,
                ),
                (part.incident_id,),
            )
        )
    return Section(
        "incidents",
        "Incidents and their part in each",
        (
            "Incident",
            "Title",
            "Impact began",
            "Severity",
            "Role",
            "Hours",
            "Pages",
            "After hours",
            "Resolved",
            "In figures",
        ),
        tuple(rows),
        "No incident of this period involves them.",
    )


def _figure_text(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    return hours_text(value) if name == "Incident hours" else number_text(value)


def figures_section(p: PersonPeriod) -> Section:
    """Under the policy's surge treatment "exclude" the figures (theirs and each peer's)
    leave out the incidents of each person's own surges, and a column names theirs with
    its span and incidents; under "adjust" a column beside theirs gives the figure
    without their surges' incidents, the medians staying as counted."""
    treatment = p.surge_treatment
    # Why, and which incidents: each surge with its span and the incidents it holds.
    why = "; ".join(
        f"{s.describe()} ({', '.join(p.label_of(i) for i in s.incident_ids)})" for s in p.surges
    )
    surged = {i for s in p.surges for i in s.incident_ids}
    rows = []
    for f in p.figures:
        cells = [f.name, _figure_text(f.name, f.value)]
        if treatment == "adjust":
            cells.append(_figure_text(f.name, f.outside_surges))
        cells += [number_text(f.rotation_median), number_text(f.team_median)]
        ids = f.incident_ids
        if treatment != "mark":
            cells.append(why)
            # The row leads to the surges' incidents too: the ones its figure left out.
            ids = tuple(sorted(set(ids) | surged))
        rows.append(Row(tuple(cells), ids))
    rotation = f"Rotation median ({p.peers.get('rotation', 0)})"
    team = f"Team median ({p.peers.get('team', 0)})"
    columns = ["Figure", "Theirs"]
    title = "Load against their rotation and team"
    if treatment == "adjust":
        columns.append("Without their surges")
    columns += [rotation, team]
    if treatment == "exclude":
        columns.append("Surges left out")
        title += " (each person's surges left out, by the policy)"
    elif treatment == "adjust":
        columns.append("Surges")
    return Section("figures", title, tuple(columns), tuple(rows), "")


def shares_section(p: PersonPeriod) -> Section:
    rows = tuple(
        Row(
            (
                h.rotation,
                str(h.members),
                hours_text(h.held_hours),
                f"{h.share:.0%}",
                str(h.rotation_pages),
                number_text(round(h.expected_pages, 1)),
                str(h.pages),
                str(h.after_hours_pages),
            ),
            h.incident_ids,
        )
        for h in p.shares
    )
    return Section(
        "shares",
        "On-call time held against pages",
        (
            "Rotation",
            "Members",
            "On call",
            "Share",
            "Rotation's pages",
            "Expected",
            "Theirs",
            "After hours",
        ),
        rows,
        "No dated rotation membership of theirs meets this period.",
    )


def surges_section(p: PersonPeriod) -> Section:
    rows = tuple(
        Row(
            (
                s.kind,
                s.first_day.isoformat(),
                s.last_day.isoformat(),
                hours_text(s.amount) if s.kind == LONG_INCIDENT else f"{s.amount:g} {s.unit}",
                ", ".join(p.label_of(i) for i in s.incident_ids),
                TREATMENT_WORDS[p.surge_treatment],
            ),
            s.incident_ids,
        )
        for s in p.surges
    )
    return Section(
        "surges",
        "Surge periods",
        ("Surge", "From", "To", "How much", "Incidents", "In figures (the policy)"),
        rows,
        no_surge_text(p.surge_hours, p.surge_nights),
    )


def escalations_section(p: PersonPeriod) -> Section:
    rows = tuple(
        Row(
            (
                e.label,
                e.direction,
                str(e.level),
                _path_minutes(e.reached_after_min),
                _path_minutes(e.due_after_min),
                _path_minutes(e.minutes_at_level),
                _path_minutes(e.policy_minutes_at_level),
                _against(e.against_min),
            ),
            (e.incident_id,),
        )
        for e in p.escalations
    )
    return Section(
        "escalations",
        "Escalations received and passed on",
        (
            "Incident",
            "Direction",
            "Level",
            "Reached after",
            "Policy's start",
            "Time at level",
            "Policy's time at level",
            "Against the policy",
        ),
        rows,
        "No escalation path reached them or left them in this period.",
    )


def actions_section(p: PersonPeriod) -> Section:
    rows = tuple(
        Row(
            (
                a.title,
                a.label,
                a.status.replace("_", " "),
                a.due_on.isoformat() if a.due_on else "",
                a.completed_on.isoformat() if a.completed_on else "",
                f"{a.days_late} d" if a.days_late else "",
            ),
            (a.incident_id,),
        )
        for a in p.actions
    )
    return Section(
        "actions",
        "Action items they own",
        ("Action item", "Incident", "Status", "Due", "Done", "Past due by"),
        rows,
        "They own no action item due in this period.",
    )


def cadence_section(p: PersonPeriod) -> Section:
    rows = tuple(
        Row(
            (
                c.label,
                str(c.updates),
                str(c.by_them),
                minutes_text(c.longest_gap_min),
                minutes_text(c.median_gap_min),
            ),
            (c.incident_id,),
        )
        for c in p.cadence
    )
    return Section(
        "cadence",
        "Status updates during their incidents",
        ("Incident", "Updates", "By them", "Longest gap", "Median gap"),
        rows,
        "None of their incidents has a detection time to measure updates from.",
    )


def notes_section(p: PersonPeriod) -> Section:
    rows = tuple(
        Row(
            (
                n.label,
                n.kind.replace("_", " "),
                ", ".join(d.replace("_", " ") for d in n.dimensions),
                n.written_at.strftime("%Y-%m-%d"),
                n.author or "",
                n.text,
            ),
            () if n.incident_id is None else (n.incident_id,),
        )
        for n in p.notes
    )
    locked = f" {p.locked_notes} more are sealed to other readers." if p.locked_notes else ""
    return Section(
        "notes",
        "Feedback notes",
        ("Incident", "Kind", "Dimensions", "Written", "By", "Note"),
        rows,
        "No feedback note about them can be opened here." + locked,
    )


def sections(p: PersonPeriod, *, notes: bool = True) -> tuple[Section, ...]:
    """Facts first; the notes last, and only when the reader may see them."""
    out = [
        incidents_section(p),
        figures_section(p),
        shares_section(p),
        surges_section(p),
        escalations_section(p),
        actions_section(p),
        cadence_section(p),
    ]
    if notes:
        out.append(notes_section(p))
    return tuple(out)


def summary(p: PersonPeriod) -> str:
    """One sentence of facts for the top of the window and the packet."""
    counted = sum(1 for part in p.incidents if not part.excluded)
    left_out = len(p.incidents) - counted
    zone = p.time_zone if p.own_zone else f"{p.time_zone} (the policy's; theirs is not recorded)"
    text = (
        f"{p.person} took part in {len(p.incidents)} incident"
        f"{'s' if len(p.incidents) != 1 else ''} between {p.first_day:%Y-%m-%d} and "
        f"{p.last_day:%Y-%m-%d}"
    )
    if left_out:
        text += f"; {left_out} of them are left out of the figures by the policy"
    text += f". After-hours pages are judged in {zone}."
    if p.surges and p.surge_treatment == "exclude":
        text += " The incidents of their surge periods are left out of their figures."
    elif p.surges and p.surge_treatment == "adjust":
        text += " Their figures are also shown without the incidents of their surge periods."
    return text


def person_json(p: PersonPeriod, *, notes: bool = True) -> dict[str, Any]:
    """For scripts: the incidents with their part, and every section's cells as shown."""
    return {
        "person": p.person,
        "team": p.team,
        "from": p.first_day.isoformat(),
        "to": p.last_day.isoformat(),
        "time_zone": p.time_zone,
        "own_zone": p.own_zone,
        "summary": summary(p),
        "incidents": [
            {
                "incident_id": part.incident_id,
                "id": part.label,
                "title": part.title,
                "impact_began": None if part.started_at is None else part.started_at.isoformat(),
                "severity": part.severity,
                "role": list(part.roles),
                "hours": round(part.hours, 3),
                "pages": part.pages,
                "after_hours_pages": part.after_hours_pages,
                "resolved_by_them": part.resolved_by_them,
                "excluded": list(part.excluded),
                "surges": list(part.surges),
            }
            for part in p.incidents
        ],
        "surge_treatment": p.surge_treatment,
        "locked_notes": p.locked_notes if notes else None,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "columns": list(s.columns),
                "rows": [
                    {"cells": list(r.cells), "incident_ids": list(r.incident_ids)} for r in s.rows
                ],
            }
            for s in sections(p, notes=notes)
        ],
    }
