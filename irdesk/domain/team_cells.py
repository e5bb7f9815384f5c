"""A team's picture as text: the one set of cells `irdesk team` and the window show."""

from typing import Any

from irdesk.domain.load_fairness import LONG_INCIDENT, TREATMENT_WORDS, no_surge_text
from irdesk.domain.person_cells import Row, Section, hours_text, minutes_text
from irdesk.domain.team_picture import TeamPicture, week_label


def _pct(value: float) -> str:
    return f"{value:.0%}"


def team_sections(t: TeamPicture) -> tuple[Section, ...]:
    outcome = Section(
        "outcomes",
        "Team outcomes",
        ("Figure", "Value"),
        (
            Row(("Incidents", str(len(t.incident_ids))), t.incident_ids),
            Row(("Resolved", str(t.resolved)), t.incident_ids),
            Row(("Median time to resolve", minutes_text(t.median_resolve_min)), t.incident_ids),
        ),
        "",
    )
    treatment = t.surge_treatment
    columns = [
        "Person",
        "Member",
        "Incidents",
        "Share",
        "Hours",
        "Share of hours",
        "Resolved",
        "Share of resolutions",
    ]
    if treatment == "adjust":
        columns += ["Hours without their surges", "Surges"]
    elif treatment == "exclude":
        columns.append("Surges left out")
    rows = []
    for m in t.members:
        cells = [
            m.person,
            "yes" if m.member else "from elsewhere",
            str(m.incidents),
            _pct(m.incident_share),
            hours_text(m.hours),
            _pct(m.hours_share),
            str(m.resolved),
            _pct(m.resolved_share),
        ]
        if treatment == "adjust":
            outside = m.hours_outside_surges
            cells.append(hours_text(outside) if outside is not None else "")
        if treatment != "mark":
            cells.append("; ".join(m.surges))
        # Under a treatment the row leads to the surges' incidents too.
        rows.append(Row(tuple(cells), tuple(sorted({*m.incident_ids, *m.surge_incident_ids}))))
    members = Section(
        "members",
        "Each person's share"
        + (" (each member's surges left out, by the policy)" if treatment == "exclude" else ""),
        tuple(columns),
        tuple(rows),
        "Nobody is in this team and nobody took part in its incidents.",
    )
    weeks = Section(
        "weeks",
        "Who carried each week",
        ("Week", "Incident hours", "Most hours", "Their share"),
        tuple(
            Row(
                (week_label(w.first_day), hours_text(w.hours), w.top_person, _pct(w.top_share)),
                w.incident_ids,
            )
            for w in t.weeks
        ),
        "No incident hours in this period.",
    )
    surged = Section(
        "surges",
        "Surge periods of its members",
        ("Person", "Surge", "From", "To", "How much", "In figures (the policy)"),
        tuple(
            Row(
                (
                    person,
                    s.kind,
                    s.first_day.isoformat(),
                    s.last_day.isoformat(),
                    hours_text(s.amount) if s.kind == LONG_INCIDENT else f"{s.amount:g} {s.unit}",
                    TREATMENT_WORDS[treatment],
                ),
                s.incident_ids,
            )
            for person, s in t.surges
        ),
        no_surge_text(t.surge_hours, t.surge_nights, team=True),
    )
    flags = Section(
        "flags",
        "Where the pictures disagree",
        ("Flag",),
        tuple(Row((flag,), ()) for flag in t.flags),
        "The team's picture and each person's agree.",
    )
    return (outcome, members, weeks, surged, flags)


def team_json(t: TeamPicture) -> dict[str, Any]:
    return {
        "team": t.team,
        "from": t.first_day.isoformat(),
        "to": t.last_day.isoformat(),
        "incident_ids": list(t.incident_ids),
        "flags": list(t.flags),
        "surge_treatment": t.surge_treatment,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "columns": list(s.columns),
                "rows": [
                    {"cells": list(r.cells), "incident_ids": list(r.incident_ids)} for r in s.rows
                ],
            }
            for s in team_sections(t)
        ],
    }
