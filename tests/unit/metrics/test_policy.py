"""The policy: defaults, JSON round trip, clear refusals, versions in the database."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from testdata import CopyDemo

from irdesk.domain.metrics.selection import Period
from irdesk.domain.models import AuditEntry
from irdesk.domain.policy import Policy, PolicyError
from irdesk.storage.bulk.metric_data import compute_from_database
from irdesk.storage.database import Database, open_database
from irdesk.storage.records.audit import verify_chain
from irdesk.storage.records.policies import (
    current_policy,
    policy_version,
    policy_versions,
    save_policy,
)


def test_defaults_round_trip_through_json() -> None:
    policy = Policy(weighting="severity", full_review_severities=("SEV1",))
    text = policy.to_json()
    assert json.loads(text)["schema"] == 1
    assert Policy.from_json(text) == policy


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"primary_kpi": "time_to_lunch"}, "primary_kpi: 'time_to_lunch' is not one of"),
        ({"weighting": "vibes"}, "weighting: 'vibes' is not one of equal, severity, downtime_cost"),
        ({"postmortem_deadline_days": 0}, "postmortem_deadline_days: 0 must be between 1 and 365"),
        ({"shift_hours": 7}, "shift_hours: 7 must divide a day"),
        ({"full_review_severities": ("SEV9",)}, "full_review_severities: expected a list of"),
        (
            {"thresholds_minutes": {"time_to_resolve": {"SEV1": -5}}},
            "thresholds_minutes.time_to_resolve.SEV1: -5 must be at least 0",
        ),
        ({"verification_counts": "yes"}, "verification_counts: expected true or false"),
        (
            {"lightweight_review_severities": ("SEV1",)},
            "lightweight_review_severities: SEV1 already needs a full review",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_setting_named(change: dict, message: str) -> None:
    with pytest.raises(PolicyError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
        Policy(**change)


def test_bad_json_is_located() -> None:
    with pytest.raises(PolicyError, match=r"line 1, column 2"):
        Policy.from_json("{oops")
    with pytest.raises(PolicyError, match="schema: this irdesk reads policy schema 1, not 7"):
        Policy.from_json('{"schema": 7}')


def test_a_retired_setting_stays_readable() -> None:
    """An old version naming a metric this irdesk no longer has is read, kept, written back."""
    old = json.dumps({"schema": 1, "primary_kpi": "time_to_detect", "mttf_target": 30})
    policy = Policy.from_json(old)
    assert policy.primary_kpi == "time_to_detect"
    assert policy.retired == {"mttf_target": 30}
    assert json.loads(policy.to_json())["mttf_target"] == 30


def test_every_change_is_a_new_audited_version(database: Database) -> None:
    assert current_policy(database).version is None  # nothing saved: the built-in defaults
    first = save_policy(database, Policy(), note="Adopted", author="Fatima")
    second = save_policy(
        database, Policy(weighting="severity"), note="Weigh by severity", author="Kwame"
    )
    assert (first.version, second.version) == (1, 2)
    assert [r.version for r in policy_versions(database)] == [2, 1]
    assert current_policy(database).policy.weighting == "severity"
    assert policy_version(database, 1).policy.weighting == "equal"
    with database.session() as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert verify_chain(session) is None
    assert [(e.action, e.actor) for e in entries] == [
        ("save_policy_version", "Fatima"),
        ("save_policy_version", "Kwame"),
    ]
    assert json.loads(entries[1].detail_json)["changes"] == {"weighting": ["equal", "severity"]}


def test_a_version_needs_a_note_and_an_unknown_version_is_named(database: Database) -> None:
    with pytest.raises(PolicyError, match="say why"):
        save_policy(database, Policy(), note="  ", author="Fatima")
    assert policy_versions(database) == []
    save_policy(database, Policy(), note="Adopted", author="Fatima")
    with pytest.raises(LookupError, match=r"no policy version 4 .* \(versions: 1\)"):
        policy_version(database, 4)


def test_old_figures_recompute_under_the_version_they_used(
    tmp_path: Path, copy_demo: CopyDemo
) -> None:
    path = tmp_path / "demo.db"
    anchor = datetime(2026, 11, 2, tzinfo=UTC)
    copy_demo(path, anchor=anchor.date())
    half_year = Period(anchor - timedelta(days=182), anchor)
    db = open_database(path)
    try:
        now = compute_from_database(db, half_year, "service")
        then = compute_from_database(db, half_year, "service", policy_version=1)
    finally:
        db.close()
    assert (now.policy_version, then.policy_version) == (2, 1)
    # Version 1 gave SEV1 10 minutes to acknowledge (SEV3 30); version 2 gives 5 (SEV3 15).
    assert then.policy.threshold_seconds("time_to_acknowledge", "SEV1") == 600
    assert now.policy.threshold_seconds("time_to_acknowledge", "SEV1") == 300
    strict, lenient = (
        now.durations["time_to_acknowledge"][0],
        then.durations["time_to_acknowledge"][0],
    )
    assert strict.median == lenient.median  # the same incidents and times …
    assert strict.attainment < lenient.attainment  # … judged against the targets of each version


def test_the_customer_severity_rule_round_trips_and_is_off_in_versions_saved_before_it() -> None:
    policy = Policy(full_review_customer_severities=("SEV1",))
    assert Policy.from_json(policy.to_json()) == policy
    assert Policy().full_review_customer_severities == ("SEV1", "SEV2")
    # A version stored before the setting existed: the rule did not apply when it was saved.
    old = json.loads(Policy().to_json())
    del old["full_review_customer_severities"]
    assert Policy.from_dict(old).full_review_customer_severities == ()
    with pytest.raises(PolicyError, match=r"^full_review_customer_severities: expected a list"):
        Policy(full_review_customer_severities=("SEV0",))


def test_the_default_zone_round_trips_and_versions_saved_before_it_judge_in_utc() -> None:
    policy = Policy(default_time_zone="Asia/Hong_Kong")
    assert Policy.from_json(policy.to_json()) == policy
    # Left out while it is UTC, so a policy that does not use it is stored as before it.
    assert "default_time_zone" not in Policy().to_dict()
    old = Policy().to_dict()
    assert Policy.from_dict(old).default_time_zone == "UTC"
    with pytest.raises(PolicyError, match=r"^default_time_zone: 'Europe/Atlantis' is no IANA"):
        Policy(default_time_zone="Europe/Atlantis")
