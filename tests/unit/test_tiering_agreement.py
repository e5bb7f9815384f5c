"""One rule: the Review tab's proposal and the postmortem-compliance figures agree on every
demo incident, under the demo's policy and under a stricter version saved on top of it."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import select
from testdata import CopyDemo

from irdesk.domain.enums import ReviewTier
from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.followup import required_tier, required_tiers
from irdesk.domain.metrics.selection import Period, index_of_ids
from irdesk.domain.models import Incident, Review
from irdesk.storage.bulk.metric_data import load_metric_data
from irdesk.storage.database import Database, open_database
from irdesk.storage.records import reviews
from irdesk.storage.records.policies import current_policy, save_policy

ANCHOR = date(2026, 11, 28)
# Wider than the demo's six months, so every recurrence chain lies inside it.
EVERYTHING = Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, copy_demo: CopyDemo) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    copy_demo(path, anchor=ANCHOR)
    return path


def tiers_both_ways(db: Database) -> tuple[dict[int, str], dict[int, str]]:
    """Incident id → required tier ("" for none), as the metrics and as the Review tab see it."""
    record = current_policy(db)
    data = load_metric_data(db)
    figures = compute_figures(data, record.policy, EVERYTHING, as_of=EVERYTHING.end)
    recurring = np.zeros(len(data.incidents), dtype=bool)
    for group in figures.recurrence:
        recurring[index_of_ids(data, group.ids["count"])] = True
    rows = np.arange(len(data.incidents))
    columns = required_tiers(data, record.policy, rows, recurring)
    metrics = {}
    for row in rows.tolist():
        one = required_tier(data, record.policy, row, bool(recurring[row]))
        assert (one or "") == columns[row], f"row {row}: required_tier and required_tiers differ"
        metrics[int(data.incidents.ids[row])] = str(columns[row])
    # The compliance figure counts exactly the incidents the metrics require a review for.
    [_all, full, light] = figures.compliance
    assert (full.required, light.required) == (
        sum(t == "full" for t in metrics.values()),
        sum(t == "lightweight" for t in metrics.values()),
    )
    tab = {}
    with db.session() as session:
        for incident_id in session.exec(select(Incident.id)).all():
            assert incident_id is not None
            proposal = reviews.proposal_for(session, incident_id)
            assert proposal.explanation.startswith(f"policy version {record.version}: ")
            required = proposal.required
            tab[incident_id] = required.value if required is not None else ""
            # What is proposed is what is required, or lightweight where nothing is.
            assert proposal.tier == (required or ReviewTier.LIGHTWEIGHT)
    return metrics, tab


def test_the_review_tab_and_the_metrics_require_the_same_tier_for_every_demo_incident(
    demo: Path,
) -> None:
    db = open_database(demo)
    try:
        metrics, tab = tiers_both_ways(db)
        assert tab == metrics
        # The demo exercises every outcome, recurrence included, so agreement means something.
        assert set(tab.values()) == {"full", "lightweight", ""}
        with db.session() as session:
            recurring = [
                i for i in tab if "recurring" in reviews.proposal_for(session, i).explanation
            ]
        assert recurring

        stricter = current_policy(db).policy.with_changes(
            full_review_severities=("SEV1",),
            lightweight_review_severities=("SEV2", "SEV3", "SEV4"),
            full_review_customer_severities=("SEV1",),
            full_review_users_affected=20_000,
            recurrence_window_days=60,
            recurrence_title_similarity=0.3,
        )
        save_policy(db, stricter, note="full postmortems for SEV1 only", author="test")
        metrics_after, tab_after = tiers_both_ways(db)
        assert tab_after == metrics_after
        assert tab_after != tab  # the new version changed some requirements
    finally:
        db.close()


def test_a_due_date_follows_the_policy_from_the_day_the_incident_was_resolved(
    demo: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(demo.read_bytes())
    db = open_database(copy)
    try:
        policy = current_policy(db).policy
        with db.transaction() as session:
            incident = session.exec(
                select(Incident).where(
                    Incident.resolved_at != None,  # noqa: E711
                    Incident.id.not_in(  # type: ignore[union-attr]
                        select(Review.incident_id)
                    ),
                )
            ).first()
            assert incident is not None and incident.id is not None
            resolved = incident.resolved_at
            assert resolved is not None
            review = reviews.create_review(session, incident.id, actor="test", today=ANCHOR)
        days = policy.review_deadline_days(review.tier.value)
        assert review.due_on == resolved.date() + timedelta(days=days)
    finally:
        db.close()
