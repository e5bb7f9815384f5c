"""Team against individual on the hand-built organisation of tests/person_fixture.py.

Team Payments owns checkout; its counted incidents in March–April 2026 are PAY-1, PAY-2
and PAY-4 (PAY-3 is an external cause). Worked by hand:
- hours: Ana 2.0 + 1.0 + 35/60 = 3.583, Ben 100/60 = 1.667, Dee 50/60 = 0.833; 6.083 in
  all: Ana 58.9 %, Ben 27.4 %, Dee 13.7 %, Cal 0.
- incidents: Ana 3 of 3, Ben 1, Dee 1; resolutions: Ben PAY-1, Dee PAY-2, Ana PAY-4.
- time to resolve 120, 60 and 35 minutes: median 60.
- weeks from Sunday 1 March: 1–7 March (PAY-1) Ana 2.0 of 3.667 h, 54.5 %; 8–14 March
  (PAY-2, PAY-4) Ana 1.583 of 2.417 h, 65.5 %.
- flags: 3 incidents are too few for the share flags (4 needed, as for concentration);
  Ana held more than half the hours in both weeks.
"""

import pytest
from person_fixture import FIRST, LAST, build

from irdesk.domain.policy import Policy
from irdesk.domain.team_cells import team_json
from irdesk.domain.team_picture import MemberShare, disagreements
from irdesk.storage.database import Database
from irdesk.storage.reads.packet_data import PacketDataError
from irdesk.storage.reads.team_picture import team_picture_named


def test_team_against_each_member(database: Database) -> None:
    ids = build(database)
    picture = team_picture_named(database, "payments", FIRST, LAST)
    assert picture.team == "Payments"
    assert picture.incident_ids == tuple(sorted((ids["PAY-1"], ids["PAY-2"], ids["PAY-4"])))
    assert (picture.resolved, picture.median_resolve_min) == (3, 60.0)
    shares = {m.person: m for m in picture.members}
    assert [m.person for m in picture.members] == ["Ana", "Ben", "Dee", "Cal"]  # by hours
    total = 2.0 + 1.0 + 35 / 60 + 100 / 60 + 50 / 60
    assert shares["Ana"].hours_share == pytest.approx((2.0 + 1.0 + 35 / 60) / total)
    assert shares["Ben"].hours_share == pytest.approx((100 / 60) / total)
    assert (shares["Ana"].incidents, shares["Ana"].incident_share) == (3, 1.0)
    assert [shares[n].resolved for n in ("Ana", "Ben", "Dee", "Cal")] == [1, 1, 1, 0]
    weeks = [(w.first_day.isoformat(), w.top_person, round(w.top_share, 3)) for w in picture.weeks]
    assert weeks == [
        ("2026-03-01", "Ana", round(2.0 / (2.0 + 100 / 60), 3)),
        ("2026-03-08", "Ana", round((1 + 35 / 60) / (1 + 35 / 60 + 50 / 60), 3)),
    ]
    assert picture.flags == ("In 2 of 2 weeks one person held more than 50% of the hours (Ana).",)
    shown = team_json(picture)
    members = next(s for s in shown["sections"] if s["key"] == "members")
    assert members["rows"][0]["cells"] == ["Ana", "yes", "3", "100%", "3.6 h", "59%", "1", "33%"]


def test_no_such_team(database: Database) -> None:
    build(database)
    with pytest.raises(PacketDataError, match="no team named 'Ops'"):
        team_picture_named(database, "Ops", FIRST, LAST)


def member(name: str, incidents: float, hours: float, resolved: float) -> MemberShare:
    return MemberShare(1, name, True, 0, incidents, 0.0, hours, 0, resolved, ())


def test_disagreements_worked_by_hand() -> None:
    # Five incidents (enough). Bo: 60 % of the hours on 20 % of the incidents; Cy: 60 % of
    # the resolutions with 10 % of the hours (less than 1 in 3, the members' even share).
    found = disagreements(
        Policy(),
        [member("Bo", 0.2, 0.6, 0.2), member("Cy", 0.6, 0.1, 0.6), member("Di", 0.6, 0.3, 0.2)],
        (),
        5,
    )
    assert found == (
        "Bo held 60% of the team's incident hours (more than the policy's 50%): "
        "the team's figures rest on one person.",
        "Bo held 60% of the hours on 20% of the incidents: long work on few incidents.",
        "Cy resolved 60% of the incidents with 10% of the hours: others carried the work "
        "they closed.",
    )
    # The same with three incidents says nothing: too few to speak of shares.
    assert disagreements(Policy(), [member("Bo", 0.2, 0.6, 0.2)], (), 3) == ()
