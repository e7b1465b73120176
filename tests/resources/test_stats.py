"""Term statistics and figures: computed from the seats (ages at election, never from today), the
comparison with the previous term, one grouped query, counts that add up over streets."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import Education
from resources import figures, selectors
from resources.choices import PartyPost, ResidentsPost
from resources.selectors import TermComparison, TermFigures

from .conftest import seat

pytestmark = pytest.mark.django_db


def test_article_arithmetic():
    """437 members (ages summing to 17,349), 143 under 35, 376 college, 62 one-shoulder of 63, against
    455 (19,428), 88, 316: the article's 39.7 (−3.0), +69.2 %, +23.9 %, 98.4 %."""
    cmp = TermComparison(TermFigures(11, 437, 17349, 143, 376, 62, 63), TermFigures(10, 455, 19428, 88, 316, 41, 63))
    assert (cmp.avg_age, cmp.avg_age_change, cmp.young_change_pct, cmp.college_change_pct) == (39.7, -3.0, 69.2, 23.9)
    assert cmp.current.one_shoulder_pct == 98.4


def test_comparison_from_the_seats_in_one_query(tree, world):
    with CaptureQueriesContext(connection) as ctx:
        cmp = selectors.term_comparison(tree.district, 11)
    assert len(ctx.captured_queries) == 1
    # term 11: C1 secretary (member, 33) and deputy (51), C2 secretary (41), C3 secretary (member, 46)
    assert cmp.current.members == 4
    assert cmp.current.age_sum == 33 + 51 + 41 + 46
    assert cmp.current.young == 1 and cmp.current.college == 2 and cmp.current.one_shoulder == 2
    assert cmp.current.communities == 3
    # term 10 of C1: 58 and 53 at the 2018 election, one college
    assert (cmp.previous.members, cmp.previous.age_sum, cmp.previous.young, cmp.previous.college) == (2, 111, 0, 1)
    assert cmp.avg_age_change == round(171 / 4 - 111 / 2, 1)
    assert cmp.young_change_pct is None  # no one under 35 before: no relative change


def test_streets_add_up_and_figures_match(tree, world):
    admin = tree.users["district"]
    seat(world.term3, admin, "", ResidentsPost.MEMBER, born=dt.date(1995, 1, 1), edu=Education.BACHELOR)
    rows = selectors.term_comparison_by_street(tree.district, 11)
    assert [s.code for s, _c in rows] == ["S1", "S2"]
    total = selectors.term_comparison(tree.district, 11).current
    summed = rows[0][1].current + rows[1][1].current
    assert (summed.members, summed.age_sum, summed.young, summed.college, summed.one_shoulder) == (
        total.members, total.age_sum, total.young, total.college, total.one_shoulder)
    year = world.today.year
    district = figures.compute(tree.district, year)
    streets = [figures.compute(s, year) for s in (tree.s1, tree.s2)]
    for key in ("resources.committee_members", "resources.committee_under_35", "resources.committee_college",
                "resources.one_shoulder", "resources.paired_units", "resources.pairing_difficulties_solved",
                "resources.renovated_offices", "resources.revived_offices", "resources.cadres_to_civil_service"):
        assert district[key] == sum(s.get(key, 0) for s in streets), key
    assert district["resources.committee_members"] == 5
    assert district["resources.one_shoulder"] == 2
    assert district["resources.one_shoulder_pct"] == round(2 * 100 / 3, 1)
    assert district["resources.paired_units"] == 2
    assert district["resources.operating_funds_per_community_yuan"] == 500000


def test_figure_keys_are_exactly_the_shared_list(tree, world):
    import re
    from pathlib import Path

    text = Path("/work/shared/figures.md").read_text() if Path("/work/shared/figures.md").exists() else ""
    if not text:
        pytest.skip("shared/figures.md not available")
    listed = set(re.findall(r"resources\.[a-z0-9_]+", text))
    assert set(figures.compute(tree.district, world.today.year)) <= listed
    assert len(listed) == 17


def test_ages_are_at_the_election_not_today(tree, world):
    s = seat(world.term, tree.users["community"], PartyPost.MEMBER, born=dt.date(1987, 4, 19))
    assert s.age_at_election == 33  # one day short of 34 on 2021-04-18


def test_training_and_fund_summaries(tree, world):
    year = world.today.year
    summary = selectors.training_summary(user=tree.users["district"], year=year)
    # secretaries of C1, C2, C3 (term 11 runs); C1's and C3's attended the Zhejiang University session
    assert (summary["sessions"], summary["attendances"], summary["secretaries"], summary["secretaries_trained"]) == (
        1, 2, 3, 2)
    assert summary["secretaries_trained_pct"] == 66.7
    assert selectors.training_summary(user=tree.users["community2"], year=year)["secretaries_trained"] == 0
    from resources import services
    from resources.choices import CommunityClass

    services.fund_standard_set(actor=tree.users["district"], owner=tree.district, year=year,
                               community_class=CommunityClass.URBAN, amount_yuan=500000)
    rows = selectors.fund_allocation_list(user=tree.users["district"])
    funds = selectors.fund_summary(rows, year, tree.district)
    assert (funds["communities"], funds["at_standard"], funds["average"]) == (1, 1, 500000)
