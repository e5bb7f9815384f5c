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


def test_the_postmortem_packet_draws_the_escalation_beside_the_other_charts(
    database: Database, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The chart reaches the packet for an incident whose service has a policy and whose
    people were paged (PAY-1); a ticket nobody was paged for (PAY-3) has none."""
    import shutil
    import subprocess
    from datetime import UTC, datetime

    from irdesk.domain.policy import Policy
    from irdesk.reports.packets.charts import incident_charts
    from irdesk.reports.packets.export import PacketRequest, export_packet
    from irdesk.storage.reads import packet_data

    ids = build(database)
    with database.session() as session:
        data = packet_data.incident_packet_data(session, ids["PAY-1"])
        ticket = packet_data.incident_packet_data(session, ids["PAY-3"])
    assert data.escalation is not None
    assert [lv.level for lv in data.escalation.levels] == [1, 2, 3]
    assert ticket.escalation is None
    titles = [
        c.title for c in incident_charts(data.incident, data.events, Policy(), data.escalation)
    ]
    assert titles[-1] == "Escalation against the service's policy"

    assert shutil.which("pdfimages"), "poppler-utils is installed by make test"

    def images(name: str) -> int:
        out = tmp_path / f"{name}.pdf"
        request = PacketRequest("postmortem", incident_id=ids["PAY-1"])
        export_packet(database, request, out, created_by="t", now=datetime(2026, 12, 7, tzinfo=UTC))
        listed = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True)
        # One row per image, and one more per image's transparency mask (type "smask").
        return sum(line.split()[2] == "image" for line in listed.stdout.splitlines()[2:])

    with_chart = images("with")
    monkeypatch.setattr(packet_data, "_escalation_path", lambda _s, _i: None)
    assert with_chart == images("without") + 1
