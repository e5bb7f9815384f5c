"""Redaction rules and the escaping every user string goes through before reportlab sees it."""

import pytest
from reportlab.platypus import Paragraph

from irdesk.reports.packets.fonts import CJK
from irdesk.reports.packets.layout import Layout
from irdesk.reports.packets.profiles import (
    EXECUTIVE,
    INSURANCE,
    LEGAL,
    MANAGER,
    PROFILES,
    RedactionRules,
    profile_named,
)
from irdesk.reports.packets.redaction import Redactor
from irdesk.reports.packets.text import para_text
from irdesk.storage.reads.packet_data import PersonRecord

PEOPLE = [
    PersonRecord(id=1, name="Zoë Ñúñez", email="zoe@x.example", role="Staff Engineer", team=None),
    PersonRecord(id=2, name="王伟", email=None, role="SRE", team=None),
    PersonRecord(id=3, name="Ann", email=None, role=None, team=None),
]
ALL = RedactionRules(names_to_roles=True, emails=True, hosts=True, urls=True)


def test_markup_like_text_is_escaped_and_cjk_runs_get_the_cjk_font() -> None:
    assert para_text("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert para_text("a\nb") == "a<br/>b"
    assert para_text("Hi 王伟!") == f'Hi <font face="{CJK}">王伟</font>!'
    assert para_text(None) == ""


@pytest.mark.parametrize(
    "typed",
    ["<font size=90>", "&amp;", "a<b", "<para>", "</b>", "&#169;", "]]>", "<br/>"],
)
def test_paragraphs_print_markup_like_text_as_typed(typed: str) -> None:
    layout = Layout(redact=lambda text: text or "")
    paragraph = layout.para(f"before {typed} after")
    assert isinstance(paragraph, Paragraph)
    paragraph.wrap(400, 100)
    assert paragraph.getPlainText() == f"before {typed} after"


def test_a_very_long_word_wraps_inside_the_width() -> None:
    layout = Layout(redact=lambda text: text or "")
    paragraph = layout.para("x" * 400)
    width, _height = paragraph.wrap(200, 1000)
    assert len(paragraph.blPara.lines) > 3
    spare = [
        line[0] if isinstance(line, tuple) else line.extraSpace for line in paragraph.blPara.lines
    ]
    assert min(spare) >= -0.01  # no line sticks out of the width
    assert width == 200


def test_every_rule_replaces_what_it_names() -> None:
    redact = Redactor(ALL, PEOPLE)
    text = (
        "Zoë Ñúñez (zoe.nunez@larkspur.example) saw 10.1.2.3 and 2001:db8::1 on "
        "db-main-3 and api.corp.internal, see https://wiki.internal/x?y=1 with 王伟 at 13:50:14"
    )
    assert redact(text) == (
        "Staff Engineer ([email removed]) saw [IP removed] and [IP removed] on "
        "[host removed] and [host removed], see [URL removed] with SRE at 13:50:14"
    )


def test_a_first_name_only_one_person_has_is_replaced_too() -> None:
    people = [
        *PEOPLE,
        PersonRecord(id=4, name="Emre Ağaoğlu", email=None, role="SRE", team=None),
        PersonRecord(id=5, name="Ann Other", email=None, role="Manager", team=None),
    ]
    redact = Redactor(RedactionRules(names_to_roles=True), people)
    assert (
        redact("Emre, keep driving; Zoë is on it") == "SRE, keep driving; Staff Engineer is on it"
    )
    # Two people answer to "Ann": the first name alone stays, it names no one in particular.
    assert redact("Ann Other and Ann") == "Manager and team member"


def test_a_first_name_that_is_also_a_word_is_replaced_only_as_a_name() -> None:
    people = [PersonRecord(id=1, name="Will Jones", email=None, role="SRE", team=None)]
    redact = Redactor(RedactionRules(names_to_roles=True), people)
    assert redact("Will says we will restart; WILL JONES agreed") == (
        "SRE says we will restart; SRE agreed"
    )


def test_names_match_whole_words_only_and_a_person_without_a_role_is_a_team_member() -> None:
    redact = Redactor(RedactionRules(names_to_roles=True), PEOPLE)
    assert redact("Ann and Annabel") == "team member and Annabel"


def test_a_profile_without_a_rule_keeps_that_text() -> None:
    redact = Redactor(LEGAL.redaction, PEOPLE)
    assert redact("Zoë on db-main-3, https://x.example/") == "Zoë on db-main-3, https://x.example/"
    assert redact("mail a@b.example") == "mail [email removed]"


def test_user_patterns_apply_and_a_bad_pattern_is_a_clear_error() -> None:
    redact = Redactor(RedactionRules(), [], [r"CUST-\d+"])
    assert redact("refund CUST-1234 today") == "refund [redacted] today"
    with pytest.raises(ValueError, match="redaction pattern '\\(' is not valid"):
        Redactor(RedactionRules(), [], ["("])


def test_the_redactor_counts_each_removal_it_makes() -> None:
    # What the preview and the export report (the preview renders a packet to count them).
    redact = Redactor(ALL, PEOPLE)
    for text in ["Zoë Ñúñez on db-main-3", "db-main-3 again", None]:
        redact(text)
    assert [(r.rule, r.text, r.count) for r in redact.removals()] == [
        ("host name", "db-main-3", 2),
        ("name", "Zoë Ñúñez", 1),
    ]


def test_only_the_manager_profile_includes_feedback_and_profiles_are_named() -> None:
    assert [p.key for p in PROFILES.values() if p.includes_feedback] == [MANAGER.key]
    assert INSURANCE.redaction.names_to_roles and INSURANCE.redaction.hosts
    assert EXECUTIVE.redaction.free_text
    with pytest.raises(ValueError, match="unknown profile 'board'; one of legal, insurance"):
        profile_named("board")


def test_a_name_the_directory_does_not_hold_is_removed_where_blame_phrasing_follows_it() -> None:
    redact = Redactor(ALL, PEOPLE)
    text = (
        "Bob should have paged Zoë Ñúñez; the deploy failed to roll back. Alerts should have fired."
    )
    assert redact(text) == (
        "[name removed] should have paged Staff Engineer; the deploy failed to roll back. "
        "Alerts should have fired."
    )
    assert ("name not in the directory", "Bob", "[name removed]", 1) in [
        (r.rule, r.text, r.replacement, r.count) for r in redact.removals()
    ]
    # A profile that keeps names keeps these too.
    assert Redactor(RedactionRules(emails=True))(text) == text


# ------------------------------------------------------------ long words, linear time
# An event holding a 200,000-character word (a hash, a base64 blob) once took minutes:
# the email pattern retried every character, and reportlab re-measured the word per line.

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from irdesk.reports.packets import redaction  # noqa: E402

# Every character the patterns treat specially, and some they do not.
TRICKY = st.text(alphabet="ab9Z_.-+@é :/x", max_size=60)


def _mark(match) -> str:  # type: ignore[no-untyped-def]
    return f"<{match.group(0)}>"


@settings(max_examples=800, deadline=None)
@given(TRICKY)
def test_emails_found_from_each_at_sign_are_the_patterns_own(text: str) -> None:
    assert redaction.Emails().sub(_mark, text) == redaction.EMAIL.sub(_mark, text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab9Z_.-+@é :/xlocanetio", max_size=60))
def test_host_patterns_tried_only_where_their_anchor_is_find_the_same(text: str) -> None:
    for pattern, anchor in (
        (redaction.FQDN, redaction.FQDN_ANCHOR),
        (redaction.HOST, redaction.HOST_ANCHOR),
    ):
        assert redaction.Anchored(pattern, anchor).sub(_mark, text) == pattern.sub(_mark, text)


def test_emails_next_to_each_other_and_in_a_long_word_are_all_removed() -> None:
    redact = Redactor(ALL, [])
    word = "f00d" * 50_000
    assert redact(f"a@b.io+c@d.io {word} x@y.example.com") == (
        f"[email removed][email removed] {word} [email removed]"  # "+c@d.io" is an address
    )


def test_a_long_word_is_broken_into_line_wide_pieces_and_keeps_every_character() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from irdesk.reports.packets.fonts import BODY, register_fonts
    from irdesk.reports.packets.text import break_long_words

    register_fonts()
    word = "".join(chr(0x41 + n % 26) for n in range(5_000)) + "王伟" * 100
    broken = break_long_words(f"before {word} after", 200, BODY, 9)
    assert broken.replace("\n", "") == f"before {word} after"  # only line breaks were added
    lines = broken.removeprefix("before ").removesuffix(" after").split("\n")
    assert len(lines) > 100
    for line in lines[:-1]:
        measured = sum(stringWidth(c, CJK if c in "王伟" else BODY, 9) for c in line)
        assert 190 < measured <= 200
    assert break_long_words("short words stay as they are", 50, BODY, 9) == (
        "short words stay as they are"
    )


def test_a_long_word_in_a_table_cell_is_broken_at_the_cells_width() -> None:
    layout = Layout(redact=Redactor(LEGAL.redaction, []))
    table = layout.table([["Ticket"], ["9" * 400]], [0.11])
    cell = table._cellvalues[1][0]
    assert isinstance(cell, Paragraph)
    pieces = cell.text.split("<br/>")
    assert "".join(pieces) == "9" * 400 and len(pieces) > 5
