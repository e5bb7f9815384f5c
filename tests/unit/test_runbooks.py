"""Runbooks: read from Markdown (bounded), saved per service, steps recorded, adherence.

Samples: /work/shared/data/pagerduty_incidents_page.json with
tests/fixtures/pagerduty/log_entries_PGW5XNE.json (incident 11884, PGW5XNE, service
"ID: Production": Giran Moodley acknowledges at 13:50:07) and the hand-written
runbooks in tests/fixtures/runbooks (see its README). The adherence figures below are
worked out by hand from the records each test makes.
"""

from pathlib import Path

import pytest
from sqlmodel import select
from testdata import FIXTURES, SHARED_DATA
from testdata import database_dump as dump

from irdesk.domain.enums import EventKind, RunbookOutcome
from irdesk.domain.models import AuditEntry, TimelineEvent
from irdesk.domain.runbooks import AdherenceRow, StepFact, adherence
from irdesk.importers import runbooks as reading
from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict
from irdesk.storage.reads.packet_data import find_incident
from irdesk.storage.records import database_edits
from irdesk.storage.records.runbooks import RunbookRefused

RUNBOOKS = FIXTURES / "runbooks"
PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
PD_LOG = FIXTURES / "pagerduty" / "log_entries_PGW5XNE.json"
ACTOR = "facilitator"


def _save(db: Database, folder: Path) -> list[database_edits.runbooks.SavedRunbook]:
    read = reading.read_folder(folder)
    drafts = [(d.service, d.title, d.steps, d.source) for d in read.runbooks]
    return database_edits.save_runbooks(db, drafts, actor=ACTOR)


@pytest.fixture
def imported(database: Database) -> Database:
    run_import(database, [PD_PAGE, PD_LOG])
    _save(database, RUNBOOKS)
    return database


def _incident(db: Database, name: str) -> int:
    with db.session() as session:
        return find_incident(session, name)


def test_markdown_checklists_become_ordered_steps_without_markup() -> None:
    read = reading.read_folder(RUNBOOKS)
    production = next(r for r in read.runbooks if r.service == "ID: Production")
    assert production.title == "Office 365 outage"
    assert production.steps == [
        "Acknowledge the page",
        "Check the Office 365 health dashboard for known issues",
        "Escalate to the secondary if nobody acknowledged within 5 minutes",
        "Post a status update to the #incidents channel",
    ]
    analytics = next(r for r in read.runbooks if r.service == "bd-analytics")
    assert analytics.title == "Analytics ingestion stalls"
    assert read.warnings == [
        f"{RUNBOOKS / 'README.md'}: no checklist steps ('- [ ] step'); not a runbook, skipped"
    ]


def test_hostile_markdown_is_bounded(tmp_path: Path) -> None:
    deep = "\n".join(" " * (2 * depth) + f"- [ ] step {depth}" for depth in range(200))
    stacked = "- [ ] " + "[" * 3000 + "`" * 3000 + "<" * 3000 + "x" * 20000
    (tmp_path / "svc.md").write_text(f"{deep}\n{stacked}\n")
    warnings: list[str] = []
    draft = reading.parse_runbook((tmp_path / "svc.md").read_text(), "svc.md", warnings)
    assert draft is not None
    # Nesting past 64 spaces is no step (33 nested ones are); the stacked line is one,
    # cut, with a warning.
    assert len(draft.steps) == 34
    assert len(draft.steps[-1]) == reading.MAX_STEP_CHARS
    # The line is read up to 4000 characters: "- [ ] ", 3000 brackets and 994 backticks,
    # which are code markup and go.
    assert warnings == ["svc.md, line 201: step cut to 300 characters (it has 3000)"]

    (tmp_path / "huge.md").write_bytes(b"- [ ] x\n" * (reading.MAX_FILE_BYTES // 8 + 1))
    with pytest.raises(reading.RunbookProblem, match=r"huge\.md: expected a runbook of at most"):
        reading.read_folder(tmp_path)
    (tmp_path / "huge.md").unlink()
    (tmp_path / "many.md").write_text("- [ ] x\n" * (reading.MAX_STEPS + 1))
    with pytest.raises(reading.RunbookProblem, match=r"many\.md, line 301: expected at most 300"):
        reading.read_folder(tmp_path)


def test_a_folder_without_runbooks_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Nothing to do\n")
    with pytest.raises(reading.RunbookProblem, match="found none"):
        reading.read_folder(tmp_path)


def test_steps_are_recorded_and_adherence_counts_unjustified_deviations_only(
    imported: Database,
) -> None:
    incident = _incident(imported, "PGW5XNE")
    title, steps = database_edits.read_incident_steps(imported, incident)
    assert title == "Office 365 outage"
    assert [s.outcome for s in steps] == [None] * 4
    with imported.session() as session:
        ack = session.exec(
            select(TimelineEvent).where(
                TimelineEvent.incident_id == incident, TimelineEvent.kind == EventKind.ACKNOWLEDGE
            )
        ).one()
    # 1 followed by Giran's acknowledgement; 2 skipped for a reason; 3 deviated, no reason.
    database_edits.record_step_named(
        imported,
        "PGW5XNE",
        1,
        outcome=RunbookOutcome.FOLLOWED,
        event_id=ack.id,
        person=None,
        reason=None,
        actor=ACTOR,
    )
    database_edits.record_step_named(
        imported,
        "PGW5XNE",
        2,
        outcome=RunbookOutcome.SKIPPED,
        event_id=None,
        person="Giran Moodley",
        reason="the dashboard itself was down",
        actor=ACTOR,
    )
    database_edits.record_step_named(
        imported,
        "PGW5XNE",
        3,
        outcome=RunbookOutcome.DEVIATED,
        event_id=None,
        person="Bryce Blake",
        reason=None,
        actor=ACTOR,
    )
    _, steps = database_edits.read_incident_steps(imported, incident)
    assert [(s.outcome, s.person, s.justified) for s in steps] == [
        (RunbookOutcome.FOLLOWED, "Giran Moodley", False),
        (RunbookOutcome.SKIPPED, "Giran Moodley", True),
        (RunbookOutcome.DEVIATED, "Bryce Blake", False),
        (None, None, False),
    ]
    from datetime import UTC, datetime

    facts = database_edits.read_step_facts(
        imported, datetime(2021, 5, 1, tzinfo=UTC), datetime(2021, 6, 1, tzinfo=UTC)
    )
    rows = {(r.kind, r.name): r for r in adherence(facts)}
    giran = rows[("person", "Giran Moodley")]
    assert (giran.followed, giran.skipped, giran.justified, giran.unjustified) == (1, 1, 1, 0)
    assert giran.adherence == 1.0  # a justified skip costs nothing
    bryce = rows[("person", "Bryce Blake")]
    assert (bryce.deviated, bryce.unjustified, bryce.adherence) == (1, 1, 0.0)
    whole = rows[("incident", "pagerduty:PGW5XNE")]
    assert (whole.recorded, whole.unjustified, whole.not_recorded) == (3, 1, 1)
    assert whole.adherence == pytest.approx(2 / 3)
    with imported.session() as session:
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.entity == "runbook_step_record")
        ).all()
    assert actions == ["record_runbook_step"] * 3


def test_a_record_is_compare_and_set_and_a_followed_step_needs_no_reason(
    imported: Database,
) -> None:
    incident = _incident(imported, "PGW5XNE")
    _, steps = database_edits.read_incident_steps(imported, incident)
    first = steps[0]
    database_edits.record_runbook_step(
        imported, incident, first.step_id, 0, outcome=RunbookOutcome.SKIPPED, actor="ana"
    )
    with pytest.raises(EditConflict):
        database_edits.record_runbook_step(
            imported, incident, first.step_id, 0, outcome=RunbookOutcome.FOLLOWED, actor="ben"
        )
    with pytest.raises(RunbookRefused, match="needs no justification"):
        database_edits.record_runbook_step(
            imported,
            incident,
            first.step_id,
            0,
            outcome=RunbookOutcome.FOLLOWED,
            justified=True,
            reason="x",
            actor="ana",
        )
    with pytest.raises(RunbookRefused, match="says why"):
        database_edits.record_runbook_step(
            imported,
            incident,
            first.step_id,
            1,
            outcome=RunbookOutcome.DEVIATED,
            justified=True,
            actor="ana",
        )


def test_reimporting_keeps_recorded_steps_and_retires_dropped_ones(
    imported: Database, tmp_path: Path
) -> None:
    before = dump(imported)
    _save(imported, RUNBOOKS)
    # Same files: the runbooks' revisions move and an audit entry is added, nothing else.
    assert len(dump(imported)) == len(before) + 2
    incident = _incident(imported, "PGW5XNE")
    _, steps = database_edits.read_incident_steps(imported, incident)
    database_edits.record_runbook_step(
        imported, incident, steps[1].step_id, 0, outcome=RunbookOutcome.FOLLOWED, actor="ana"
    )
    (tmp_path / "production.md").write_text(
        '---\nservice: "ID: Production"\n---\n- [ ] Acknowledge the page\n- [ ] Call the vendor\n'
    )
    [saved] = _save(imported, tmp_path)
    assert (saved.added, saved.kept, saved.retired, saved.removed) == (1, 1, 1, 2)
    _, steps = database_edits.read_incident_steps(imported, incident)
    assert [(s.position, s.text, s.outcome) for s in steps] == [
        (1, "Acknowledge the page", None),
        (2, "Call the vendor", None),
        # Dropped from the runbook, but recorded here: kept, after the live steps.
        (3, "Check the Office 365 health dashboard for known issues", RunbookOutcome.FOLLOWED),
    ]


def test_adherence_by_hand() -> None:
    def fact(outcome: RunbookOutcome | None, person: str | None, justified: bool = False):
        return StepFact(1, "demo:INC-1", "Restart", "a step", outcome, justified, person, "Core")

    rows = adherence(
        [
            fact(RunbookOutcome.FOLLOWED, "Ann"),
            fact(RunbookOutcome.FOLLOWED, "Ann"),
            fact(RunbookOutcome.DEVIATED, "Ann", justified=True),
            fact(RunbookOutcome.SKIPPED, "Ann"),
            fact(RunbookOutcome.SKIPPED, "Bob", justified=True),
            fact(None, None),
        ]
    )
    by_name = {(r.kind, r.name): r for r in rows}
    # Ann: 4 recorded, 1 unjustified → 3/4. Bob: 1 recorded, justified → 1.
    assert by_name[("person", "Ann")].adherence == 0.75
    assert by_name[("person", "Bob")].adherence == 1.0
    # The team: 5 recorded, 1 unjustified → 4/5; the incident also has 1 not recorded.
    assert by_name[("team", "Core")].adherence == 0.8
    assert by_name[("incident", "demo:INC-1")].not_recorded == 1
    assert AdherenceRow("person", "nobody").adherence is None
