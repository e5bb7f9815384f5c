"""The blameless check on feedback notes: verdicts on the person and blame phrasing are
flagged with hints aimed at behaviour and impact; the person's name is not (a note is
about someone)."""

from irdesk.domain.blameless import BEHAVIOUR_HINT, FEEDBACK_PHRASES, feedback_flags, find_flags


def test_blame_phrasing_gets_a_hint_about_behaviour_and_impact() -> None:
    text = "Ana should have paged the database team"
    (flag,) = feedback_flags(text)
    assert (flag.text, flag.hint) == ("should have", BEHAVIOUR_HINT)
    # The findings check would flag her name too; a feedback note is about her.
    assert [f.text for f in find_flags(text, ["Ana"])] == ["Ana", "should have"]


def test_verdicts_on_the_person() -> None:
    text = "He is always late to acknowledge and has a bad attitude; lazy write-ups."
    found = [(f.text, f.hint) for f in feedback_flags(text)]
    assert found == [
        ("always", FEEDBACK_PHRASES[0][1]),
        ("bad attitude", FEEDBACK_PHRASES[2][1]),
        ("lazy", FEEDBACK_PHRASES[1][1]),
    ]


def test_a_description_of_what_happened_passes() -> None:
    text = (
        "During INC-1022 the status page had no update for 50 minutes; the fix itself "
        "took 12 minutes and the runbook step was added the next day."
    )
    assert feedback_flags(text) == []
