"""Rotation membership typed by hand counts in the figures like an imported one; a
membership from the on-call tool is not ended by hand. The small organisation of
test_org_figures (its docstring has every incident and page)."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select
from test_org_figures import CAT, PRIMARY, at, figures, org, table
from testdata import database_dump as dump

from irdesk.domain.models import RotationMember
from irdesk.storage.database import Database
from irdesk.storage.errors import EditRefused
from irdesk.storage.records.rotation_edits import add_member, remove_member, set_member_end

__all__ = ["org"]  # the fixture, shared


def test_a_member_typed_from_a_day_spreads_the_rotations_pages(org: Database) -> None:
    # Cat on Primary from 6 March: her page of 6 March 20:10 (incident 4) is Primary's
    # too. Primary: Ana 2 pages (1, 3), Ben 1 (4), Cat 1 (4): Gini of [1, 1, 2] =
    # 2·(1·1 + 2·1 + 3·2)/(3·4) − 4/3 = 1/6.
    added = add_member(org, PRIMARY, CAT, at(6, 0), actor="test")
    primary = {r["rotation"]: r for r in table(figures(org), "rotations")}["Primary"]
    assert (primary["members"], primary["pages"]) == (3, 4)
    assert primary["gini"] == pytest.approx(1 / 6)
    # Ended before her page: Primary is as the import had it (Ana 2, Ben 1: Gini 1/6
    # over two members, 3 pages).
    set_member_end(org, added.member_id, at(6, 12), actor="test")
    primary = {r["rotation"]: r for r in table(figures(org), "rotations")}["Primary"]
    assert (primary["members"], primary["pages"]) == (3, 3)
    remove_member(org, added.member_id, actor="test")
    primary = {r["rotation"]: r for r in table(figures(org), "rotations")}["Primary"]
    assert (primary["members"], primary["pages"]) == (2, 3)


def test_a_membership_from_the_tool_is_refused_in_a_sentence(org: Database) -> None:
    with org.session() as session:
        # Ana's layer membership of Primary, as the import wrote it.
        imported = session.exec(
            select(RotationMember).where(RotationMember.rotation_id == PRIMARY)
        ).first()
    assert imported is not None and imported.id is not None
    before = dump(org)
    with pytest.raises(
        EditRefused, match=r"Until: this membership comes from the on-call tool \(layer\)"
    ):
        set_member_end(org, imported.id, at(7, 0), actor="test")
    with pytest.raises(EditRefused, match="From: a day up to today, found 2999-01-01"):
        add_member(org, PRIMARY, CAT, datetime(2999, 1, 1, tzinfo=UTC), actor="test")
    assert dump(org) == before
