"""Twenty people editing one team database at once: no edit lost, every conflict reported.

Each client is a thread with a Database of its own (its own engine and connections),
writing through the doors the Review tab's workers use (storage/records/database_edits),
with the revision it read, as a window does. In every round the clients aimed at one
record all read it before any of them writes, so exactly one of them must win and the
others must be told they lost; the hand-counted expectations are written out below.
"""

import threading
from dataclasses import dataclass

import pytest
from team_clients import seeded_review, server_database

from irdesk.storage import server
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict
from irdesk.storage.records import database_edits
from irdesk.storage.records.action_items import get_action
from irdesk.storage.records.findings import get_finding
from irdesk.storage.records.reviews import review_by_id

CLIENTS = 20
ROUNDS = 4
# One review, two findings, two action items: four clients aim at each record per round.
RECORDS = ("review", "finding 1", "finding 2", "action 1", "action 2")


@dataclass(frozen=True)
class Outcome:
    client: int
    round: int
    record: str
    text: str
    revision: int | None  # the revision the win made; None for a conflict


@pytest.fixture
def team(postgres_url: str) -> dict[str, int]:
    return seeded_review(postgres_url)


def read(db: Database, record: str, record_id: int) -> tuple[int, str]:
    with db.session() as session:
        if record == "review":
            review = review_by_id(session, record_id)
            return review.revision, review.summary
        if record.startswith("finding"):
            finding = get_finding(session, record_id)
            return finding.revision, finding.text
        action = get_action(session, record_id)
        return action.revision, action.title


def write(db: Database, record: str, record_id: int, revision: int, text: str, actor: str) -> int:
    if record == "review":
        return database_edits.set_summary(db, record_id, revision, text, actor=actor)
    if record.startswith("finding"):
        return database_edits.set_finding_text(db, record_id, revision, text, actor=actor)
    return database_edits.edit_action(db, record_id, revision, actor=actor, title=text)


def test_twenty_clients_lose_no_edit_and_hear_of_every_conflict(
    postgres_url: str, team: dict[str, int]
) -> None:
    outcomes: list[Outcome] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    have_read = threading.Barrier(CLIENTS)
    round_done = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        record = RECORDS[number % len(RECORDS)]
        db = server_database(postgres_url)
        try:
            for round_ in range(ROUNDS):
                revision, _ = read(db, record, team[record])
                text = f"client {number}, round {round_}"
                have_read.wait()
                try:
                    made: int | None = write(
                        db, record, team[record], revision, text, f"client {number}"
                    )
                except EditConflict:
                    made = None
                with lock:
                    outcomes.append(Outcome(number, round_, record, text, made))
                round_done.wait()
        except BaseException as exc:  # reported below: a thread's error is not raised
            failures.append(exc)
            have_read.abort()
            round_done.abort()
        finally:
            db.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not failures, failures
    assert len(outcomes) == CLIENTS * ROUNDS

    wins = [o for o in outcomes if o.revision is not None]
    # Four clients per record per round, all from the same revision: one wins each time.
    for record in RECORDS:
        for round_ in range(ROUNDS):
            tries = [o for o in outcomes if o.record == record and o.round == round_]
            assert len(tries) == CLIENTS // len(RECORDS)
            assert sum(o.revision is not None for o in tries) == 1, (record, round_)
    assert len(wins) == len(RECORDS) * ROUNDS  # 20
    assert len(outcomes) - len(wins) == 60  # the other three of every four: conflicts

    db = server_database(postgres_url)
    try:
        for record in RECORDS:
            revision, text = read(db, record, team[record])
            mine = sorted((o for o in wins if o.record == record), key=lambda o: o.round)
            # Created at revision 0: each win is one revision more, and the last win's text
            # is what is stored.
            assert revision == ROUNDS
            assert [o.revision for o in mine] == [1, 2, 3, 4]
            assert text == mine[-1].text
    finally:
        db.close()

    report = server.check(server.ServerAddress.parse(postgres_url))
    assert report.audit_broken_at is None
    assert report.ok, report.problems
    edits = report.counts["audit_entry"]
    setup_entries = 1 + 2 + 2  # the review, two findings, two action items
    assert edits == setup_entries + len(wins)  # a refused write leaves no entry
