"""The executive packet's figures are the metrics module's: what `irdesk metrics` prints.

The packet is the session's signed executive packet of the demo data with
planted text (packet_fixtures); `irdesk metrics --format json` is run in this
process on the same file, for the same period, under the same policy version.
"""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from packet_fixtures import PacketWorld, pdf_text

from irdesk.cli import main as cli
from irdesk.domain.metrics.named_periods import named_period
from irdesk.domain.metrics.tables import MINUTES, MONEY, PERCENT, SHARE, format_cell
from irdesk.reports.packets.export import PacketRequest, prepare, render
from irdesk.storage.database import open_database
from irdesk.storage.records.policies import current_policy


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-Q3", datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)),
        ("2026-q4", datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026-12", datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        (" 2026 ", datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)
def test_periods_by_name(text: str, start: datetime, end: datetime) -> None:
    label, period = named_period(text)
    assert label == text.strip().upper()
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "Q3", ""])
def test_a_bad_period_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match="like 2026-Q3"):
        named_period(text)


def metrics_json(
    db_path: Path, period: str, by: str, capsys: pytest.CaptureFixture[str], *more: str
) -> dict[str, Any]:
    """`irdesk metrics --format json` for the packet's period, as a script would read it."""
    _, named = named_period(period)
    last = (named.end - timedelta(days=1)).date()
    capsys.readouterr()
    code = cli.main(
        [
            "metrics",
            "--db",
            str(db_path),
            "--from",
            f"{named.start:%Y-%m-%d}",
            "--to",
            last.isoformat(),
            "--by",
            by,
            "--format",
            "json",
            *more,
        ]
    )
    assert code == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_the_packet_computes_the_figures_irdesk_metrics_prints(
    packet_world: PacketWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(packet_world.db_path)
    try:
        prepared = prepare(database, PacketRequest("executive", period=packet_world.period))
        current = current_policy(database)
    finally:
        database.close()
    figures = prepared.figures
    assert figures is not None
    assert prepared.policy.id == current.id  # the version the dashboard calls current
    by_severity = metrics_json(packet_world.db_path, packet_world.period, "severity", capsys)
    assert figures.by_severity.policy_version == by_severity["policy_version"] == current.version
    assert figures.by_severity.incidents == by_severity["incidents"] > 0
    assert len(prepared.data.incidents) == by_severity["incidents"]  # the records hashed
    kpi = current.policy.primary_kpi
    rows = by_severity["tables"][kpi]["rows"]
    packet_rows = figures.by_severity.durations[kpi]
    assert [r["group"] for r in rows] == [r.label for r in packet_rows]
    for printed, computed in zip(rows, packet_rows, strict=True):
        assert (printed["count"], printed["missing"]) == (computed.count, computed.missing)
        assert printed["median"] == pytest.approx(computed.median)
        assert printed["p90"] == pytest.approx(computed.p90)
    by_service = metrics_json(packet_world.db_path, packet_world.period, "service", capsys)
    slo = by_service["tables"]["slo"]["rows"]
    assert [s["availability"] for s in slo] == pytest.approx(
        [s.availability for s in figures.by_service.slo]
    )


def test_the_packet_prints_the_numbers_irdesk_metrics_prints(
    packet_world: PacketWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    text = squash(packet_world.texts["executive"])
    by_severity = metrics_json(packet_world.db_path, packet_world.period, "severity", capsys)
    kpi = by_severity["policy"]["primary_kpi"]
    rows = by_severity["tables"][kpi]["rows"]
    assert len(rows) > 2  # all, then at least two severities
    for row in rows:
        # One table row as pdftotext reads it: group, counts, median, p90, share within target.
        cells = [str(row["group"]), str(row["count"]), str(row["missing"]), str(row["excluded"])]
        cells += [format_cell(row["median"], MINUTES), format_cell(row["p90"], MINUTES)]
        cells.append(format_cell(row["attainment"], SHARE))
        assert squash("".join(cells)) in text, row
    by_service = metrics_json(packet_world.db_path, packet_world.period, "service", capsys)
    for service in by_service["tables"]["slo"]["rows"]:
        wanted = service["service"] + format_cell(service["target"], PERCENT)
        wanted += format_cell(service["availability"], PERCENT)
        assert squash(wanted) in text, service
    total = by_service["tables"]["cost"]["rows"][0]
    assert total["group"] == "All"
    assert squash(f"Estimated cost{format_cell(total['total'], MONEY)}") in text


def test_on_call_load_shows_rotations_and_names_no_person(
    packet_world: PacketWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    by_person = metrics_json(packet_world.db_path, packet_world.period, "person", capsys)
    load = [row for row in by_person["tables"]["load"]["rows"] if row["pages"]]
    assert load, "the period has pages, so the dashboard lists people"
    # The signature stamp names the signer, as a signature must; nothing else may.
    lines = packet_world.texts["executive"].splitlines()
    text = squash("\n".join(line for line in lines if not line.startswith("Signed by")))
    for row in load:
        first_name = row["person"].split()[0]
        assert squash(first_name) not in text, row["person"]
    for rotation in by_person["tables"]["rotations"]["rows"]:
        if rotation["pages"]:
            assert squash(f"{rotation['rotation']}{rotation['members']}{rotation['pages']}") in text


def test_an_older_policy_version_names_and_computes_the_packet_as_it_did(
    packet_world: PacketWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(packet_world.db_path)
    try:
        request = PacketRequest("executive", period=packet_world.period, policy_version=1)
        prepared = prepare(database, request)
    finally:
        database.close()
    figures = prepared.figures
    assert figures is not None and prepared.policy.version == 1
    assert figures.by_severity.policy_version == 1
    # The demo's version 1 evaluated thresholds only; version 2 trends as well.
    then = metrics_json(
        packet_world.db_path, packet_world.period, "severity", capsys, "--policy-version", "1"
    )
    now = metrics_json(packet_world.db_path, packet_world.period, "severity", capsys)
    assert figures.by_severity.policy.to_dict() == then["policy"] != now["policy"]
    kpi = then["policy"]["primary_kpi"]
    assert "change" not in then["tables"][kpi]["columns"]
    assert "change" in now["tables"][kpi]["columns"]
    assert [r.median for r in figures.by_severity.durations[kpi]] == pytest.approx(
        [r["median"] for r in then["tables"][kpi]["rows"]]
    )


def test_a_period_without_incidents_says_so_instead_of_drawing_empty_charts(
    packet_world: PacketWorld, tmp_path: Path
) -> None:
    database = open_database(packet_world.db_path)
    try:
        prepared = prepare(database, PacketRequest("executive", period="2020-Q1"))
    finally:
        database.close()
    assert prepared.figures is not None and prepared.figures.incident_ids == []
    now = datetime(2026, 11, 28, tzinfo=UTC)
    rendered = render(prepared, packet_uid="PKT-TEST", created_by="tester", now=now)
    path = tmp_path / "empty.pdf"
    path.write_bytes(rendered.pdf)
    text = squash(pdf_text(path))
    assert squash("Incidents 0") in text
    assert text.count(squash("No incidents in the period: nothing to chart.")) == 2
    assert squash("Services meeting their SLO 4 of 4") in text  # no impact: every SLO held
