"""Contributing factors on findings and the themes they make, on incidents imported
from /work/shared/data/pagerduty_incidents_page.json, with expected values worked out
by hand below."""

import json
from datetime import date
from pathlib import Path

import pytest
from packet_fixtures import pdf_text, require_tools
from sqlmodel import col, select
from testdata import SHARED_DATA

from irdesk.cli.main import main
from irdesk.domain.enums import FindingCategory
from irdesk.domain.models import AuditEntry
from irdesk.domain.policy import Policy, PolicyError
from irdesk.domain.themes import (
    Suggestion,
    parse_taxonomy,
    suggest_factors,
    taxonomy_text,
    theme_cells,
    themes_json,
)
from irdesk.importers.pipeline import run_import
from irdesk.reports.packets.export import PacketRequest, export_packet
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.reads.themes import read_finding_factors, read_themes
from irdesk.storage.reads.timeline_records import record_events
from irdesk.storage.records import database_edits, findings, reviews
from irdesk.storage.records.policies import save_policy

PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
TAXONOMY = Policy().factor_names()


def _finding(database: Database, ref: str, text: str, category: FindingCategory) -> int:
    with database.transaction() as session:
        incident = find_incident(session, ref)
        review = reviews.get_review(session, incident) or reviews.create_review(
            session, incident, actor="ana"
        )
        return findings.add_finding(session, review.id, category, actor="ana", text=text).id


def _tag(database: Database, finding_id: int, *factors: str) -> None:
    database_edits.set_finding_factors(
        database, finding_id, factors, 0, taxonomy=TAXONOMY, actor="ana"
    )


def test_the_starting_taxonomy_and_human_error_refused() -> None:
    assert TAXONOMY == (
        "capacity",
        "change",
        "communication",
        "coordination",
        "dependency",
        "detection",
        "knowledge",
        "tooling",
    )
    for refused in ("human error", "human_error", "operator-error"):
        with pytest.raises(PolicyError, match="names a person's fault"):
            Policy().with_changes(contributing_factors={refused: ["mistake"]})
    own = Policy().with_changes(contributing_factors={"change": ["deploy"], "security": ["cve"]})
    assert Policy.from_json(own.to_json()).contributing_factors == {
        "change": ["deploy"],
        "security": ["cve"],
    }
    # A version stored before the taxonomy existed reads with the starting set.
    assert Policy.from_json('{"schema": 1}').factor_names() == TAXONOMY


def test_suggestions_name_the_words_that_led_to_them() -> None:
    taxonomy = {"change": ["deploy", "config"], "detection": ["alert"], "tooling": ["tool"]}
    found = suggest_factors(
        taxonomy, ["The deployment changed the Config; alerting was silent.", "Deployed at 9"]
    )
    assert found == [
        Suggestion("change", ("deployment", "deployed", "config")),
        Suggestion("detection", ("alerting",)),
    ]
    # A keyword only counts at the start of a word: "stool" is no tool.
    assert suggest_factors(taxonomy, ["A stool broke."]) == []


def test_linked_timeline_events_suggest_factors(database: Database) -> None:
    # statuspage_incident_github_2019.json: GitHub's webhook delay of 23 September 2019.
    run_import(database, [SHARED_DATA / "statuspage_incident_github_2019.json"])
    with database.transaction() as session:
        review = reviews.create_review(session, find_incident(session, "rgy28jwprr1c"), actor="ana")
        finding = findings.add_finding(
            session,
            review.id,
            FindingCategory.CONTRIBUTING_FACTOR,
            actor="ana",
            text="Webhooks queued for an hour.",
        ).id
    assert read_finding_factors(database, finding).suggestions == ()
    with database.transaction() as session:
        events = record_events(session, find_incident(session, "rgy28jwprr1c"))
        linked = [e.id for e in events if e.text.startswith(("Identified", "Monitoring"))]
        findings.set_events(session, finding, linked, actor="ana")
    # "…GitHub updates via the Slack integration are behind…", "…we are monitoring…"
    shown = read_finding_factors(database, finding)
    assert shown.suggestions == (
        Suggestion("communication", ("slack",)),
        Suggestion("detection", ("monitoring",)),
    )
    assert shown.factors == () and shown.revision == 0 and shown.taxonomy == TAXONOMY


def test_tagging_is_audited_refuses_stale_and_unknown(database: Database) -> None:
    run_import(database, [PAGE])
    finding = _finding(
        database, "PS8TBIQ", "Deploy without canary.", FindingCategory.CONTRIBUTING_FACTOR
    )
    # Stored in the taxonomy's order whatever order they were chosen in.
    assert (
        database_edits.set_finding_factors(
            database, finding, ("change", "capacity"), 0, taxonomy=TAXONOMY, actor="ana"
        )
        == 1
    )
    with pytest.raises(EditConflict):
        database_edits.set_finding_factors(
            database, finding, ("tooling",), 0, taxonomy=TAXONOMY, actor="ben"
        )
    with pytest.raises(ValueError, match="'human error' is not in the policy's taxonomy"):
        database_edits.set_finding_factors(
            database, finding, ("human error",), 1, taxonomy=TAXONOMY, actor="ben"
        )
    assert read_finding_factors(database, finding).factors == ("capacity", "change")
    assert (
        database_edits.set_finding_factors(database, finding, (), 1, taxonomy=TAXONOMY, actor="ana")
        == 2
    )
    with database.session() as session:
        details = [
            json.loads(e.detail_json)
            for e in session.exec(
                select(AuditEntry)
                .where(AuditEntry.action == "tag_finding_factors", AuditEntry.entity_id == finding)
                .order_by(col(AuditEntry.id))
            )
        ]
    assert details == [
        {"from": [], "to": ["capacity", "change"]},
        {"from": ["capacity", "change"], "to": []},
    ]


def test_themes_over_a_day_against_the_day_before(database: Database) -> None:
    run_import(database, [PAGE])
    # 2021-05-04, the period: two Payments incidents and one Production incident.
    a = _finding(
        database, "PTVD0IY", "The deploy ran without a canary.", FindingCategory.CONTRIBUTING_FACTOR
    )
    b = _finding(database, "PTVD0IY", "Someone happened to watch the graph.", FindingCategory.LUCKY)
    c = _finding(
        database, "PS8TBIQ", "The rollout filled the pool.", FindingCategory.CONTRIBUTING_FACTOR
    )
    c2 = _finding(
        database, "PS8TBIQ", "A second rollout step.", FindingCategory.CONTRIBUTING_FACTOR
    )
    d = _finding(database, "PGW5XNE", "No alert fired.", FindingCategory.CONTRIBUTING_FACTOR)
    # 2021-05-03, the previous period; 2021-06-03, neither.
    e = _finding(database, "PE8XPNI", "Config push, no alert.", FindingCategory.CONTRIBUTING_FACTOR)
    f = _finding(database, "PH4UE4E", "Disk full.", FindingCategory.CONTRIBUTING_FACTOR)
    untagged = _finding(database, "PGW5XNE", "Not yet discussed.", FindingCategory.OPEN_QUESTION)
    went_well = _finding(database, "PGW5XNE", "The dashboard helped.", FindingCategory.WENT_WELL)
    for finding, factors in (
        (a, ("change",)),
        (b, ("detection",)),
        (c, ("change", "capacity")),
        (c2, ("change",)),
        (d, ("detection",)),
        (e, ("change", "detection")),
        (f, ("capacity",)),
        (went_well, ("detection", "tooling")),
    ):
        _tag(database, finding, *factors)

    report = read_themes(database, date(2021, 5, 4), date(2021, 5, 4))
    assert report.previous_first_day == date(2021, 5, 3)
    rows = [theme_cells(t) for t in report.themes]
    assert rows == [
        {
            "factor": "change",
            "incidents": "2",
            "near_misses": "0",
            "previous": "1",
            "trend": "▲ up",
            "services": "WD: Payments (2)",
            "teams": "—",
            "findings": "3",
        },
        {
            "factor": "detection",
            "incidents": "1",
            "near_misses": "1",
            "previous": "1",
            "trend": "= steady",
            "services": "ID: Production (1), WD: Payments (1)",
            "teams": "—",
            "findings": "2",
        },
        {
            "factor": "capacity",
            "incidents": "1",
            "near_misses": "0",
            "previous": "0",
            "trend": "▲ up",
            "services": "WD: Payments (1)",
            "teams": "—",
            "findings": "1",
        },
    ]
    by_factor = {t["factor"]: t for t in themes_json(report)["themes"]}
    assert by_factor["change"]["incidents"] == ["PTVD0IY", "PS8TBIQ"]
    assert [f["id"] for f in by_factor["change"]["findings"]] == [a, c, c2]
    assert by_factor["detection"]["near_misses"] == ["PTVD0IY"]
    assert by_factor["detection"]["findings"][0] == {
        "id": b,
        "incident": "PTVD0IY",
        "near_miss": True,
        "text": "Someone happened to watch the graph.",
    }
    assert by_factor["change"]["recurs"] and not by_factor["capacity"]["recurs"]
    # What went well is no theme, however tagged; an untagged finding is none either.
    assert went_well not in report.findings and untagged not in report.findings

    # A week that held nothing is down against the one before it.
    later = read_themes(database, date(2021, 5, 5), date(2021, 5, 5))
    assert [(t.factor, len(t.incidents), t.previous, t.trend) for t in later.themes] == [
        ("change", 0, 2, "down"),
        ("capacity", 0, 1, "down"),
        ("detection", 0, 1, "down"),
    ]


def test_a_factor_the_organisation_added(database: Database) -> None:
    run_import(database, [PAGE])
    policy = Policy().with_changes(
        contributing_factors={**Policy().contributing_factors, "security": ["certificate"]}
    )
    save_policy(database, policy, note="security joins the taxonomy", author="ana")
    finding = _finding(
        database, "PGW5XNE", "The certificate expired.", FindingCategory.CONTRIBUTING_FACTOR
    )
    shown = read_finding_factors(database, finding)
    assert shown.taxonomy[-2:] == ("security", "tooling")
    assert shown.suggestions == (Suggestion("security", ("certificate",)),)


def test_the_executive_packet_names_the_top_themes(database: Database, tmp_path: Path) -> None:
    require_tools("pdftotext")
    run_import(database, [PAGE])
    for ref, category, factors in (
        ("PTVD0IY", FindingCategory.CONTRIBUTING_FACTOR, ("change",)),
        ("PTVD0IY", FindingCategory.LUCKY, ("detection",)),
        ("PS8TBIQ", FindingCategory.CONTRIBUTING_FACTOR, ("capacity", "change")),
        ("PGW5XNE", FindingCategory.CONTRIBUTING_FACTOR, ("detection",)),
        ("PE8XPNI", FindingCategory.CONTRIBUTING_FACTOR, ("change", "detection")),
        ("PH4UE4E", FindingCategory.CONTRIBUTING_FACTOR, ("capacity",)),
    ):
        _tag(database, _finding(database, ref, "A finding.", category), *factors)
    out = tmp_path / "executive-2021-Q2.pdf"
    export_packet(
        database, PacketRequest(profile="executive", period="2021-Q2"), out, created_by="ana"
    )
    text = " ".join(pdf_text(out).split())
    assert "Top themes" in text
    # All in May and June 2021, none in the quarter before: every factor is up from 0.
    for row in (
        "change 3 0 0 ▲ up",
        "detection 2 1 0 ▲ up",
        "capacity 2 0 0 ▲ up",
    ):
        assert row in text, row
    assert text.index("change 3 0 0") < text.index("detection 2 1 0") < text.index("capacity 2")


def test_the_taxonomy_as_edited_reads_back_or_names_the_line() -> None:
    text = taxonomy_text(Policy().contributing_factors)
    assert parse_taxonomy(text) == Policy().contributing_factors
    assert parse_taxonomy("Security: Certificate, CVE\n\nchange: deploy") == {
        "security": ["certificate", "cve"],
        "change": ["deploy"],
    }
    with pytest.raises(ValueError) as bad:
        parse_taxonomy("change: deploy\nthe pager\n")
    assert str(bad.value) == (
        "Contributing factors, line 2: expected “factor: word, word”, found “the pager”."
    )
    with pytest.raises(ValueError, match="line 2: change is listed twice"):
        parse_taxonomy("change: deploy\nChange: config")


def test_irdesk_themes_prints_the_table_and_refuses_bad_input(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(database, [PAGE])
    for ref, factors in (("PTVD0IY", ("change",)), ("PE8XPNI", ("change", "detection"))):
        _tag(
            database,
            _finding(database, ref, "A finding.", FindingCategory.CONTRIBUTING_FACTOR),
            *factors,
        )
    path = str(database.path)
    database.close()
    assert main(["themes", "--db", path, "--from", "2021-05-04", "--to", "2021-05-04"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "Factor",
        "Incidents",
        "Near",
        "misses",
        "Previous",
        "period",
        "Trend",
        "Services",
        "Teams",
        "Findings",
    ]
    # PTVD0IY on the day; PE8XPNI the day before.
    assert lines[2].split() == [
        "change",
        "1",
        "0",
        "1",
        "=",
        "steady",
        "WD:",
        "Payments",
        "(1)",
        "—",
        "1",
    ]
    assert lines[3].split() == ["detection", "0", "0", "1", "▼", "down", "—", "—", "0"]
    assert lines[-1] == (
        "2021-05-04 to 2021-05-04, against 2021-05-03 onwards; near misses are findings in "
        "the 'lucky' category."
    )

    assert main(["themes", "--db", path, "--from", "2021-05-04", "--to", "2021-05-03"]) == 1
    assert "--to (2021-05-03) is before --from (2021-05-04)" in capsys.readouterr().err
    missing = str(tmp_path / "none.db")
    assert main(["themes", "--db", missing, "--from", "2021-05-04", "--to", "2021-05-04"]) == 1
    assert capsys.readouterr().err == (
        f"irdesk: error: {missing} does not exist; import incidents first or name a file "
        "with --db.\n"
    )
    assert not Path(missing).exists()
