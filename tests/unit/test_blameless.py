"""The blameless-language check: blame phrasing and people's names, with a hint for each."""

import pytest

from irdesk.domain.blameless import PERSON, PHRASE, find_flags


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("The on-call engineer should have seen the alert.", "should have"),
        ("They SHOULDN'T HAVE restarted it.", "SHOULDN'T HAVE"),
        ("The deploy failed to roll back.", "failed to"),
        ("A careless change to the config.", "careless"),
        ("Root cause: human error.", "human error"),
        ("This was negligent.", "negligent"),
        ("Someone forgot to renew the certificate.", "forgot to"),
        ("Nobody didn't bother to check.", "didn't bother"),
        ("Sloppy review of the migration.", "Sloppy"),
        ("A mistake by the release manager.", "mistake by"),
        ("It was his fault.", "his fault"),
        ("It was her own fault.", "her own fault"),
        ("A better test could have prevented it.", "could have prevented"),
        ("The outage was blamed on the intern.", "blamed on"),
        ("Ops is to blame for the delay.", "to blame"),
        ("A lazy rollback plan.", "lazy"),
        ("The reviewer was incompetent.", "incompetent"),
        ("The responder ignored the second page.", "ignored the"),
        ("The on-call wasn't paying attention.", "wasn't paying attention"),
        ("It was obviously a bad idea.", "obviously"),
        ("They simply had to restart it.", "simply had to"),
    ],
)
def test_blame_phrases_are_flagged_with_a_hint(text: str, flagged: str) -> None:
    flags = find_flags(text)
    assert [f.text for f in flags] == [flagged]
    assert flags[0].kind == PHRASE
    assert text[flags[0].start : flags[0].end] == flagged
    assert len(flags[0].hint) > 20


@pytest.mark.parametrize(
    "text",
    [
        "The failover completed; nothing failed.",
        "A mistaken assumption in the capacity model.",  # "mistaken", not "mistake by"
        "Alerts were forwarded to the secondary.",
        "The runbook should be updated.",  # a recommendation, not hindsight blame
    ],
)
def test_system_statements_are_not_flagged(text: str) -> None:
    assert find_flags(text) == []


def test_word_boundaries_keep_longer_words_out() -> None:
    assert find_flags("unforgettable shouldhave failedtoload") == []


def test_people_are_flagged_by_full_name_in_any_case_and_by_capitalised_first_name() -> None:
    names = ["Ada Lovelace", "Grace Hopper", "Al Ng"]
    text = "ada lovelace paged Grace; the grace period expired. Al restarted it."
    flags = find_flags(text, names)
    assert [(f.text, f.kind) for f in flags] == [("ada lovelace", PERSON), ("Grace", PERSON)]
    assert "Feedback Notes" in flags[0].hint


def test_a_name_inside_a_blame_phrase_is_one_flag_per_span() -> None:
    flags = find_flags(
        "Hopper should have rolled back; Grace Hopper forgot to check.", ["Grace Hopper"]
    )
    assert [f.text for f in flags] == ["Hopper", "should have", "Grace Hopper", "forgot to"]


def test_names_with_accents_and_apostrophes() -> None:
    flags = find_flags("Zoë and Liam O'Connor escalated.", ["Zoë Ñúñez", "Liam O'Connor"])
    assert [f.text for f in flags] == ["Zoë", "Liam O'Connor"]


def test_every_phrase_pattern_has_an_example_above() -> None:
    """A pattern without an example could be deleted or broken and nothing would notice."""
    from irdesk.domain.blameless import BLAME_PHRASES, phrase_flags

    hints = [hint for _pattern, hint in BLAME_PHRASES]
    assert len(set(hints)) == len(hints), "each pattern is told apart by its hint"
    examples = test_blame_phrases_are_flagged_with_a_hint.pytestmark[0].args[1]
    hints_hit = {flag.hint for text, _flagged in examples for flag in phrase_flags(text)}
    missing = [pattern for pattern, hint in BLAME_PHRASES if hint not in hints_hit]
    assert missing == []


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Bob should have checked the dashboard.", "Bob"),
        ("Bob Smith forgot to renew the certificate.", "Bob Smith"),
        ("During the failover Priya ignored the second page.", "Priya"),
        ("Zoë wasn't paying attention.", "Zoë"),
    ],
)
def test_an_unknown_name_before_blame_phrasing_is_flagged_as_a_person(
    text: str, person: str
) -> None:
    people = [f for f in find_flags(text) if f.kind == PERSON]
    assert [f.text for f in people] == [person]


@pytest.mark.parametrize(
    "text",
    [
        "The engineer should have seen the alert.",
        "Alerts should have fired earlier.",
        "CI failed to run the migration tests.",
        "Yesterday we should have paged the vendor.",
    ],
)
def test_capitalised_words_that_are_not_names_are_not_people(text: str) -> None:
    assert [f for f in find_flags(text) if f.kind == PERSON] == []
