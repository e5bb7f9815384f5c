"""The status bar's note of who changed what, from a notification's payload as migration
0030's trigger writes it (hand-built here: the payloads below are what the server sends
for each edit named)."""

import pytest

from irdesk.storage.notify import Change


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        (
            '{"entity": "review", "id": 3, "incident": 42, "key": "INC-42",'
            ' "actor": "Dana", "action": "set_summary"}',
            "Dana edited the review of INC-42",
        ),
        (
            '{"entity": "finding", "id": 9, "incident": 42, "key": "INC-42",'
            ' "actor": "Bo", "action": "add_finding"}',
            "Bo added a finding on INC-42",
        ),
        (
            '{"entity": "incident", "id": 42, "incident": 42, "key": "INC-42",'
            ' "actor": "Dana", "action": "classify_incident"}',
            "Dana classified INC-42",
        ),
        (
            '{"entity": "timeline_event", "id": 5, "incident": 42, "key": "INC-42",'
            ' "actor": "Bo", "action": "add_event"}',
            "Bo edited the timeline of INC-42",
        ),
        # A note's incident is never sent: the sentence names no incident either.
        (
            '{"entity": "feedback_note", "id": 4, "incident": null, "key": null,'
            ' "actor": "Mia", "action": "add_feedback_note"}',
            "Mia added a feedback note",
        ),
        # Leave is audited under its person: no person was added.
        (
            '{"entity": "person", "id": 2, "incident": null, "key": null,'
            ' "actor": "Bo", "action": "add_leave", "name": "Ana Lima", "field": null}',
            "Bo edited person Ana Lima: leave",
        ),
        # 0031's payload names a directory record and the field its entry names.
        (
            '{"entity": "person", "id": 2, "incident": null, "key": null,'
            ' "actor": "Bo", "action": "type_directory_value", "name": "Ana Lima",'
            ' "field": "time_zone"}',
            "Bo edited person Ana Lima: time zone",
        ),
        (
            '{"entity": "service", "id": 7, "incident": null, "key": null, "actor": "Dana",'
            ' "action": "clear_directory_value", "name": "WD: Payments", "field": "slo_target"}',
            "Dana edited service WD: Payments: SLO target",
        ),
        (
            '{"entity": "rotation", "id": 3, "incident": null, "key": null, "actor": "Bo",'
            ' "action": "add_rotation_member", "name": "Primary", "field": null}',
            "Bo edited rotation Primary: members",
        ),
        # 0030's payload, from a server not upgraded yet: no name to give.
        (
            '{"entity": "person", "id": 2, "incident": null, "key": null,'
            ' "actor": "Bo", "action": "add_leave"}',
            "Bo edited a person",
        ),
        (
            '{"entity": "review", "id": 3, "incident": 42, "key": "S-1",'
            ' "actor": "anonymous respondent", "action": "add_survey_answer"}',
            "Anonymous respondent edited the review of S-1",
        ),
        ('{"entity": "incidents"}', "Incidents were imported or updated elsewhere"),
        # 0026's payload, from a server not upgraded yet: no actor, no key.
        ('{"entity": "review", "id": 3, "incident": 42}', "Someone edited the review"),
    ],
)
def test_a_change_says_who_changed_what(payload: str, said: str) -> None:
    assert Change.of(payload).sentence() == said
