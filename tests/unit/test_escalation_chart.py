"""The escalation chart on the hand-built organisation (tests/escalation_fixture.py)."""

from escalation_fixture import build
from matplotlib.text import Text

from irdesk.reports.charts import escalation_chart
from irdesk.storage.database import Database
from irdesk.storage.reads.escalations import incident_escalation


def texts(chart) -> list[str]:  # type: ignore[no-untyped-def]
    chart.figure.canvas.draw()
    return [t.get_text() for t in chart.figure.findobj(Text) if t.get_text()]


def test_the_late_level_is_named_with_its_minutes(database: Database) -> None:
    ids = build(database)
    with database.session() as session:
        found = incident_escalation(session, ids["PAY-1"])
    assert found is not None
    chart = escalation_chart(found.path, "PAY-1", ids["PAY-1"])
    shown = texts(chart)
    assert "+12 min" in " ".join(shown)
    assert {"1 · Ana", "2 · Ben", "3 · Payments leads"} <= set(shown)
    assert "acknowledged" in shown and "skipped" not in " ".join(shown)
    # Each blue bar drills down to the incident.
    behind = [chart.incidents_at(artist) for artist in chart.targets]
    assert [(label, list(found_ids)) for label, found_ids in behind if found_ids is not None] == [
        ("level 1", [ids["PAY-1"]]),
        ("level 2", [ids["PAY-1"]]),
    ]
    assert chart.png()[:4] == b"\x89PNG"


def test_a_skipped_level_says_so(database: Database) -> None:
    ids = build(database)
    with database.session() as session:
        found = incident_escalation(session, ids["PAY-2"])
    assert found is not None
    shown = texts(escalation_chart(found.path, "PAY-2", ids["PAY-2"]))
    assert "  skipped" in shown and not any(t.strip().startswith("+") for t in shown)


def test_no_policy_says_so(database: Database) -> None:
    ids = build(database)
    with database.session() as session:
        found = incident_escalation(session, ids["PAY-3"])
    assert found is not None
    shown = texts(escalation_chart(found.path, "PAY-3", ids["PAY-3"]))
    assert "no page" in shown
