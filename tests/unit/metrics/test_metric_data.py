"""Reading the figures' columns from a database file gives what the domain computes from rows."""

from datetime import timedelta

import metric_fixture as fx

from irdesk.domain.enums import (
    Severity,
)
from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.tables import figure_tables
from irdesk.domain.models import (
    MERGE_MANUAL,
    IncidentMerge,
)
from irdesk.domain.policy import Policy
from irdesk.storage.database import Database
from irdesk.storage.lifecycle_edits import set_override
from irdesk.storage.metric_data import compute_from_database, incident_rows, load_metric_data


def cells(figures: object) -> list[object]:
    return [[r.values for r in t.rows] for t in figure_tables(figures)]  # type: ignore[arg-type]


def test_the_file_gives_the_same_figures_as_the_rows(database: Database) -> None:
    with database.transaction() as session:
        fx.write_to(session)
    for by in ("service", "team", "severity", "person"):
        from_file = compute_from_database(database, fx.PERIOD, by)
        from_rows = compute_figures(fx.metric_data(), Policy(), fx.PERIOD, by)
        assert cells(from_file) == cells(from_rows), by
    assert from_file.policy_version is None  # nothing saved: the built-in defaults


def test_corrections_count_and_linked_incidents_count_once(database: Database) -> None:
    with database.transaction() as session:
        fx.write_to(session)
        # A facilitator corrects incident 4's resolution from 20:50 to 21:20 (80 minutes).
        set_override(
            session, 4, "resolved_at", fx.at(3, 21, 20), reason="ticket closed late", actor="t"
        )
    data = load_metric_data(database)
    assert data.incidents.resolved[3] == fx.at(3, 21, 20).timestamp()
    with database.transaction() as session:
        # Incident 3 is the same outage as 4 seen by another tool.
        session.add(IncidentMerge(incident_id=3, into_id=4, how=MERGE_MANUAL))
    figures = compute_from_database(database, fx.PERIOD, "service")
    web = next(r for r in figures.durations["time_to_resolve"] if r.label == "web")
    assert (web.count, web.median) == (1, 80)
    assert web.excluded == {"merged into another incident": 1}
    # Cy's work on 3 now counts for 4: first event 12:30 on day 2, resolution 21:20 on day 3.
    cy = next(r for r in figures.load if r.person == "Cy")
    assert cy.incident_hours == (fx.at(3, 21, 20) - fx.at(2, 12, 30)) / timedelta(hours=1)


def test_the_incidents_behind_a_figure_are_listed_newest_first(database: Database) -> None:
    with database.transaction() as session:
        fx.write_to(session)
    rows = incident_rows(database, [2, 4, 1, 4])
    assert [r.id for r in rows] == [4, 2, 1]
    assert rows[0].title == "Web checkout errors after config push"
    assert rows[0].service == "web" and rows[0].severity == Severity.SEV3
