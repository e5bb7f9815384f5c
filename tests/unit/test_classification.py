"""Classifying incidents: kept beside the source's values, audited, compare-and-set, and
what the metrics, the tiering rule and the packets count.

Sample: /work/shared/data/pagerduty_incidents_page.json (26 incidents; PE8XPNI is P3,
resolved in 9 minutes on 2021-05-03; PGW5XNE is P1; PH4UE4E is P4 and still open).
"""

import json
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from sqlmodel import col, select
from testdata import SHARED_DATA
from testdata import database_dump as dump

from irdesk.domain.classification import (
    Classification,
    SourceValues,
    effective_impact,
    field_named,
    parse_severity,
)
from irdesk.domain.enums import ReviewTier, Severity
from irdesk.domain.metrics.selection import EXTERNAL, Period
from irdesk.domain.models import AuditEntry, Incident
from irdesk.domain.policy import Policy
from irdesk.domain.tiering import TieringRules, propose_tier
from irdesk.importers.formats.base import ImportOptions
from irdesk.importers.pipeline import run_import
from irdesk.storage.bulk.metric_data import compute_from_database, incident_rows, load_metric_data
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict
from irdesk.storage.reads import queries
from irdesk.storage.reads.packet_data import find_incident, incident_packet_data
from irdesk.storage.reads.tier_facts import incident_tiering
from irdesk.storage.records import classifications, database_edits
from irdesk.storage.records.classifications import ClassificationRefused

pytestmark = pytest.mark.both_backends

PD_PAGE = SHARED_DATA / "pagerduty_incidents_page.json"
VENDOR = {
    "external_cause": True,
    "external_vendor": "Acme Cooling",
    "external_evidence": "https://status.acme.example/incidents/42",
}
MAY = Period(datetime(2021, 5, 1, tzinfo=UTC), datetime(2021, 7, 1, tzinfo=UTC))


@pytest.fixture
def imported(database: Database) -> Database:
    run_import(database, [PD_PAGE])
    return database


def incident_id(db: Database, name: str) -> int:
    with db.session() as session:
        return find_incident(session, name)


def classify(db: Database, name: str, revision: int = 0, **changes: object) -> list:
    return database_edits.classify(
        db, [(incident_id(db, name), revision)], changes, actor="facilitator"
    )


def audit(db: Database, action: str = "classify_incident") -> list[AuditEntry]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
            )
        )


# --------------------------------------------------------------------- the domain


def test_the_classification_counts_over_the_source_and_silence_leaves_the_source() -> None:
    source = SourceValues(severity=Severity.SEV3, users_affected=10, external_cause=False)
    assert effective_impact(source, None).severity == Severity.SEV3
    said = effective_impact(
        source, Classification(severity=Severity.SEV1, external_cause=True, users_affected=0)
    )
    assert said.severity == Severity.SEV1
    assert said.external_cause is True
    assert said.users_affected == 0  # zero is something said, not silence
    assert said.classified("severity") and not said.classified("downtime_cost")
    # A "no" said by the facilitator overrides a source's yes.
    assert not effective_impact(
        SourceValues(external_cause=True), Classification(external_cause=False)
    ).external_cause


@pytest.mark.parametrize(
    ("classification", "problem"),
    [
        (Classification(external_cause=True, external_vendor="Acme"), "needs evidence"),
        (
            Classification(external_cause=True, external_vendor="A", external_evidence="acme"),
            "must be a web address",
        ),
        (Classification(approved_tech_debt=True, debt_approver="Kim"), "decision's reference"),
        (Classification(regulatory_exposure=True, regulation="GDPR"), "notification deadline"),
        (
            Classification(
                regulatory_exposure=True,
                regulation="GDPR",
                notification_deadline=datetime(2026, 1, 1),  # noqa: DTZ001  # the mistake tested
            ),
            "needs a time zone",
        ),
        (Classification(external_vendor="Acme"), "only kept for an external cause"),
        (Classification(users_affected=-1), "0 or more"),
        (Classification(downtime_cost=float("nan")), "0 or more"),
    ],
)
def test_a_classification_that_breaks_a_rule_says_which(
    classification: Classification, problem: str
) -> None:
    assert any(problem in p for p in classification.problems())


def test_names_people_type_for_fields_and_severities() -> None:
    assert field_named("external-cause") == "external_cause"
    assert field_named("not-an-incident") == "not_incident"
    assert parse_severity("2") == parse_severity("sev2") == Severity.SEV2
    with pytest.raises(ValueError, match="one of customer-severity"):
        field_named("colour")
    with pytest.raises(ValueError, match="SEV1 … SEV5"):
        parse_severity("P1")


# ------------------------------------------------------------------------ storage


def test_a_classification_is_kept_beside_the_source_and_audited(imported: Database) -> None:
    [done] = classify(imported, "PE8XPNI", severity=Severity.SEV1, users_affected=1200, **VENDOR)
    assert done.revision == 1 and done.changed
    with imported.session() as session:
        incident = session.get(Incident, done.incident_id)
        assert incident is not None
        # The source's own values stay as they were.
        assert (incident.severity, incident.severity_raw) == (Severity.SEV3, "P3")
        assert incident.external_cause is False and incident.users_affected is None
        impact = classifications.effective_of(session, incident)
    assert impact.severity == Severity.SEV1 and impact.external_cause
    assert impact.users_affected == 1200
    [entry] = audit(imported)
    assert (entry.entity, entry.entity_id, entry.actor) == (
        "incident",
        done.incident_id,
        "facilitator",
    )
    detail = json.loads(entry.detail_json)
    assert detail["changed"]["severity"] == {"from": None, "to": "SEV1"}
    assert detail["changed"]["external_vendor"] == {"from": None, "to": "Acme Cooling"}
    assert detail["source"]["severity_raw"] == "P3"


def test_reimporting_the_same_file_leaves_the_classification_intact(imported: Database) -> None:
    classify(imported, "PE8XPNI", not_incident=False, severity=Severity.SEV2, **VENDOR)
    before = dump(imported)
    report = run_import(imported, [PD_PAGE])
    assert report.count("new") == 0
    assert dump(imported) == before
    with imported.session() as session:
        classification, revision = classifications.classification_of(
            session, find_incident(session, "PE8XPNI")
        )
    assert revision == 1
    assert classification.external_vendor == "Acme Cooling"
    assert classification.severity == Severity.SEV2


def test_an_edit_based_on_an_old_revision_is_refused(imported: Database) -> None:
    classify(imported, "PE8XPNI", users_affected=5)
    before = dump(imported)
    with pytest.raises(EditConflict, match="classification of incident"):
        classify(imported, "PE8XPNI", revision=0, users_affected=6)
    assert dump(imported) == before


def test_a_refused_classification_writes_nothing_for_any_incident(imported: Database) -> None:
    before = dump(imported)
    targets = [(incident_id(imported, n), 0) for n in ("PGW5XNE", "PE8XPNI")]
    with pytest.raises(ClassificationRefused, match="pagerduty:PGW5XNE: an external cause needs"):
        database_edits.classify(imported, targets, {"external_cause": True}, actor="facilitator")
    assert dump(imported) == before


def test_a_bulk_change_keeps_what_it_does_not_name_per_incident(imported: Database) -> None:
    classify(imported, "PGW5XNE", users_affected=50)
    targets = [(incident_id(imported, "PGW5XNE"), 1), (incident_id(imported, "PE8XPNI"), 0)]
    done = database_edits.classify(
        imported, targets, {"customer_severity": Severity.SEV2}, actor="facilitator"
    )
    assert [d.after.users_affected for d in done] == [50, None]
    assert [d.after.customer_severity for d in done] == [Severity.SEV2, Severity.SEV2]


def test_restoring_puts_the_classification_back_as_it_was(imported: Database) -> None:
    [done] = classify(imported, "PE8XPNI", **VENDOR)
    [undone] = database_edits.restore_classifications(
        imported, [(done.incident_id, done.revision, done.before)], actor="facilitator"
    )
    assert undone.after == Classification() and undone.revision == 2
    rows = {r.external_id: r for r in queries_list(imported)}
    assert not rows["PE8XPNI"].external_cause
    assert [e.action for e in audit(imported)] == ["classify_incident"] * 2


def queries_list(db: Database) -> list[queries.IncidentRow]:
    with db.session() as session:
        return queries.list_incidents(session)


# ------------------------------------------------------ what the figures count


def test_the_metrics_read_the_classified_values(imported: Database) -> None:
    classify(imported, "PE8XPNI", severity=Severity.SEV1, customer_severity=Severity.SEV2, **VENDOR)
    classify(imported, "PH4UE4E", not_incident=True)
    data = load_metric_data(imported)
    inc = data.incidents
    row = int(inc.rows_of(np.array([incident_id(imported, "PE8XPNI")]))[0])
    assert inc.external_cause[row] and inc.severity[row] == 1 and inc.customer_severity[row] == 2
    assert len(inc) == 25  # the backlog ticket is no incident
    assert incident_id(imported, "PH4UE4E") not in inc.ids.tolist()

    figures = compute_from_database(imported, MAY, "team", data=data)
    assert figures.incidents == 25
    # Customers reported SEV2 where we now say SEV1: a mismatch, in that direction.
    everything = figures.mismatches[0]
    assert (everything.compared, everything.internal_worse, everything.customer_worse) == (1, 1, 0)
    drill = incident_rows(imported, [incident_id(imported, "PE8XPNI")])
    assert drill[0].external_cause and drill[0].severity == Severity.SEV1


def test_an_external_cause_leaves_the_team_figures_with_its_reason(imported: Database) -> None:
    classify(imported, "PE8XPNI", **VENDOR)
    figures = compute_from_database(imported, MAY, "team")
    ttr = figures.durations["time_to_resolve"][0]
    assert ttr.label == "All"
    assert ttr.excluded == {EXTERNAL: 1}
    assert ttr.ids["excluded"].tolist() == [incident_id(imported, "PE8XPNI")]


def test_regulatory_exposure_and_users_affected_call_for_a_full_review(
    imported: Database,
) -> None:
    policy = Policy()
    rules = TieringRules.from_policy(policy)
    target = incident_id(imported, "PH4UE4E")  # P4, a title of its own

    def proposal() -> ReviewTier:
        with imported.session() as session:
            incident = session.get(Incident, target)
            assert incident is not None
            return propose_tier(incident_tiering(session, incident, policy).facts, rules).tier

    assert proposal() == ReviewTier.LIGHTWEIGHT
    [done] = classify(imported, "PH4UE4E", users_affected=60_000)
    assert proposal() == ReviewTier.FULL
    deadline = datetime(2021, 6, 6, 20, 16, tzinfo=timezone(timedelta(hours=2)))
    database_edits.classify(
        imported,
        [(target, done.revision)],
        {
            "regulatory_exposure": True,
            "regulation": "GDPR Art. 33",
            "notification_deadline": deadline,
        },
        clear=["users_affected"],
        actor="facilitator",
    )
    assert proposal() == ReviewTier.FULL
    with imported.session() as session:
        packet = incident_packet_data(session, target).incident
    assert packet.users_affected is None
    assert packet.regulatory_exposure and packet.regulation == "GDPR Art. 33"
    assert packet.notification_deadline == deadline


def test_the_packet_names_the_third_party(imported: Database) -> None:
    classify(imported, "PE8XPNI", **VENDOR)
    with imported.session() as session:
        data = incident_packet_data(session, find_incident(session, "PE8XPNI"))
    assert data.incident.external_cause
    assert data.incident.external_vendor == "Acme Cooling"
    assert data.incident.external_evidence == VENDOR["external_evidence"]
    assert any(a.action == "classify_incident" for a in data.audit)


JIRA = SHARED_DATA / "jira_search_with_changelog.json"  # UT-26 … UT-50, stories and bugs


def test_tickets_marked_before_an_import_are_written_as_no_incidents(database: Database) -> None:
    marks = ImportOptions(not_incidents=frozenset({"jira:UT-27", "jira:UT-28"}))
    before = dump(database)
    run_import(database, [JIRA], marks, dry_run=True)
    assert dump(database) == before  # a preview writes nothing, marks included

    run_import(database, [JIRA], marks)
    assert len(load_metric_data(database).incidents) == 23
    marked = [e for e in audit(database) if json.loads(e.detail_json)["changed"]]
    assert len(marked) == 2
    # Importing the same file again, unmarked, keeps what was said.
    run_import(database, [JIRA])
    assert len(load_metric_data(database).incidents) == 23
    with database.session() as session:
        story = classifications.classification_of(session, find_incident(session, "UT-27"))
    assert story == (Classification(not_incident=True), 1)
