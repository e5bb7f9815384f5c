"""Values typed into the directory through `put_states`, the door the Organisation window
uses: validation in one sentence naming the field, compare-and-set on the value seen,
one transaction, and the way back. Samples: /work/shared/org-data/pagerduty_users.json
(Kyler Kuhn, Asia/Hong_Kong) and pagerduty_services.json (My Application Service)."""

from datetime import UTC, datetime

import pytest
from testdata import ORG_DATA
from testdata import database_dump as dump

from irdesk.importers.pipeline import run_import
from irdesk.storage.database import Database
from irdesk.storage.errors import EditConflict, EditRefused
from irdesk.storage.reads import directory
from irdesk.storage.records.directory_edits import FROM_THE_START, Change, Typing, put_states

pytestmark = pytest.mark.both_backends

SAMPLES = [ORG_DATA / "pagerduty_users.json", ORG_DATA / "pagerduty_services.json"]


@pytest.fixture
def imported(database: Database) -> Database:
    run_import(database, SAMPLES)
    return database


def kyler(db: Database) -> directory.PersonRow:
    return next(p for p in directory.list_people(db) if p.name == "Kyler Kuhn")


def app_service(db: Database) -> directory.ServiceRow:
    return next(s for s in directory.list_services(db) if s.name == "My Application Service")


def typed(value: object, reason: str = "checked with the team") -> Typing:
    return Typing(value, FROM_THE_START, reason)


def typing(entity: str, entity_id: int, field: str, value: Typing, seen: object) -> Change:
    return Change(entity, entity_id, field, seen, typing=value)


@pytest.mark.parametrize(
    ("entity", "field", "value", "message"),
    [
        (
            "person",
            "time_zone",
            "Mars/Olympus_Mons",
            "Time zone: “Mars/Olympus_Mons” is not an IANA time zone, such as "
            "Europe/Madrid or UTC.",
        ),
        ("person", "hourly_rate", -5.0, "Hourly rate: cannot be negative, found -5."),
        (
            "person",
            "start_date",
            "12/04/2021",
            "Start date: expected a date such as 2021-04-12, found '12/04/2021'.",
        ),
        (
            "service",
            "slo_target",
            150.0,
            "SLO target: a percentage above 0 and at most 100, found 150.",
        ),
        (
            "service",
            "slo_target",
            0.0,
            "SLO target: a percentage above 0 and at most 100, found 0.",
        ),
        ("service", "cost_per_minute", -1.0, "Cost per minute: cannot be negative, found -1."),
        (
            "service",
            "slo_window_days",
            0,
            "SLO window: a whole number of days, 1 or more, found 0.",
        ),
        ("service", "tier", "gold", "Tier: one of tier1, tier2, tier3, found 'gold'."),
    ],
)
def test_a_value_that_cannot_be_typed_is_refused_in_one_sentence(
    imported: Database, entity: str, field: str, value: object, message: str
) -> None:
    row = kyler(imported) if entity == "person" else app_service(imported)
    before = dump(imported)
    seen = getattr(row, field)
    with pytest.raises(EditRefused) as refused:
        put_states(imported, [typing(entity, row.id, field, typed(value), seen)], actor="t")
    assert str(refused.value) == message
    assert dump(imported) == before


def test_a_zone_is_stored_as_iana_spells_it_and_undone(imported: Database) -> None:
    person = kyler(imported)
    [done] = put_states(
        imported,
        [typing("person", person.id, "time_zone", typed("europe/london"), "Asia/Hong_Kong")],
        actor="t",
    )
    assert kyler(imported).time_zone == "Europe/London"
    assert (done.before.value, done.before.typed) == ("Asia/Hong_Kong", False)
    assert (done.after.value, done.after.typed) == ("Europe/London", True)
    put_states(
        imported,
        [Change("person", person.id, "time_zone", done.after.value, history=done.before.history)],
        actor="t",
    )
    assert (kyler(imported).time_zone, kyler(imported).typed) == ("Asia/Hong_Kong", ())


def test_a_value_changed_meanwhile_refuses_the_whole_edit(imported: Database) -> None:
    person, service = kyler(imported), app_service(imported)
    before = dump(imported)
    with pytest.raises(EditConflict, match="Time zone was changed meanwhile"):
        put_states(
            imported,
            [
                typing("service", service.id, "cost_per_minute", typed(42.5), 0.0),
                # The window had shown an older zone than the file now holds.
                typing("person", person.id, "time_zone", typed("Europe/Paris"), "UTC"),
            ],
            actor="t",
        )
    assert dump(imported) == before


def test_a_reason_is_required(imported: Database) -> None:
    service = app_service(imported)
    with pytest.raises(EditRefused, match="say why"):
        put_states(
            imported,
            [typing("service", service.id, "cost_per_minute", typed(42.5, " "), 0.0)],
            actor="t",
        )


def test_an_email_someone_else_has_is_refused_in_words(imported: Database) -> None:
    """pagerduty_users.json: Earline Greenholt's email typed for Kyler Kuhn."""
    person = kyler(imported)
    earline = next(p for p in directory.list_people(imported) if p.name == "Earline Greenholt")
    with pytest.raises(EditRefused) as refused:
        put_states(
            imported,
            [typing("person", person.id, "email", typed(earline.email), person.email)],
            actor="t",
        )
    assert str(refused.value) == f"Email: Earline Greenholt already has {earline.email!r}."


def test_dated_values_keep_their_history_through_a_reimport_and_undo(imported: Database) -> None:
    """Kyler Kuhn (pagerduty_users.json, Asia/Hong_Kong) moves to London from 1 March 2026
    and to New York from 1 June: the column shows the latest, the history both, the
    import's zone stays beside them; putting back the history before the second takes off
    only that one."""
    person = kyler(imported)
    march, june = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    [first] = put_states(
        imported,
        [
            typing(
                "person",
                person.id,
                "time_zone",
                Typing("Europe/London", march, "moved"),
                "Asia/Hong_Kong",
            )
        ],
        actor="t",
    )
    put_states(
        imported,
        [
            typing(
                "person",
                person.id,
                "time_zone",
                Typing("America/New_York", june, "moved"),
                "Europe/London",
            )
        ],
        actor="t",
    )
    run_import(imported, [SAMPLES[0]])
    [row] = [t for t in directory.typed_values(imported, "person") if t.entity_id == person.id]
    assert (row.value, row.imported) == ("America/New_York", "Asia/Hong_Kong")
    assert [(v.value, v.effective_from, v.set_by) for v in row.history] == [
        ("Europe/London", march, "t"),
        ("America/New_York", june, "t"),
    ]
    assert kyler(imported).time_zone == "America/New_York"
    put_states(
        imported,
        [Change("person", person.id, "time_zone", "America/New_York", history=first.after.history)],
        actor="t",
    )
    [row] = [t for t in directory.typed_values(imported, "person") if t.entity_id == person.id]
    assert [(v.value, v.effective_from) for v in row.history] == [("Europe/London", march)]
    assert kyler(imported).time_zone == "Europe/London"
