"""The audit log stays one chain when many people write to a team database at once."""

import threading
from datetime import UTC

import pg_cluster
from sqlmodel import Session

from irdesk.storage import server
from irdesk.storage.records.audit import append_entry, first_broken

WRITERS = 20
ENTRIES_EACH = 5


def test_twenty_concurrent_writers_leave_one_unbroken_chain(postgres_url: str) -> None:
    server.upgrade(server.ServerAddress.parse(postgres_url))
    engine = server.ServerAddress.parse(postgres_url).engine()
    engine = engine.execution_options()  # one pool shared by the writer threads
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(ENTRIES_EACH):
                with Session(engine) as session, session.begin():
                    append_entry(
                        session,
                        actor=f"writer {writer}",
                        action="edit",
                        entity="review",
                        entity_id=n,
                    )
        except BaseException as exc:  # reported below: a thread's error is not raised
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures

    check = pg_cluster.engine(postgres_url)
    with check.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, occurred_at, actor, action, entity, entity_id, detail_json, prev_hash,"
            " hash FROM audit_entry ORDER BY id"
        ).all()
    check.dispose()
    engine.dispose()
    assert len(rows) == WRITERS * ENTRIES_EACH
    prev = [row[7] for row in rows]
    assert len(set(prev)) == len(prev), "two entries chained to the same predecessor"
    assert first_broken((row[0], row[1].replace(tzinfo=UTC), *row[2:]) for row in rows) is None
