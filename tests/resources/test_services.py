"""Services of the guarantee system: members picked (never retyped), ages at election, posts, scope
refusals that write nothing, pairing difficulties as cases, funds and premises rules."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import table_fingerprint
from org.models import Education
from resources import selectors, services
from resources.choices import FundKind, PartyPost, ResidentsPost, SupportKind
from resources.models import FundSpending, PairingDifficulty, Seat, SupportRecord, Term
from resources.services.committees import validation_codes
from supervision import services as case_services
from supervision.choices import CaseSource, CaseState

from .conftest import ELECTED, make_member, seat

pytestmark = pytest.mark.django_db


def test_member_seat_copies_the_record_at_the_election(tree, world):
    s = world.secretary
    assert s.member_id == world.m1.pk
    assert (s.person_name, s.birth_date, s.gender, s.education) == (
        world.m1.name, world.m1.birth_date, world.m1.gender, world.m1.education)
    assert s.age_at_election == 33  # born 1988-03-01, elected 2021-04-18: completed years, not today
    assert s.is_one_shoulder
    # no ID number on the seat: the model has no field for it
    assert not any("id_number" in f.name for f in Seat._meta.get_fields())


def test_member_pick_by_id_number_or_mobile_within_scope(tree, world):
    community, other = tree.users["community"], tree.users["other_street"]
    assert selectors.member_pick(user=community, text=world.m1.id_number_plain) == world.m1
    assert selectors.member_pick(user=community, text="13800000001") == world.m1
    assert selectors.member_pick(user=other, text=world.m1.id_number_plain) is None  # out of scope
    assert selectors.member_pick(user=community, text=world.m3.id_number_plain) is None
    assert selectors.member_pick(user=community, text="党员1") is None  # never by name


def test_out_of_scope_member_cannot_be_seated(tree, world):
    before = table_fingerprint([Seat, AuditLog])
    with pytest.raises(ScopeDenied):
        services.seat_create(actor=tree.users["community"], term=world.term, party_post=PartyPost.MEMBER,
                             member=world.m3)
    assert table_fingerprint([Seat, AuditLog]) == before


def test_sibling_community_cannot_edit_the_roster(tree, world):
    before = table_fingerprint([Seat, Term])
    with pytest.raises(ScopeDenied):
        seat(world.term, tree.users["community2"], PartyPost.MEMBER)
    with pytest.raises(ScopeDenied):
        services.seat_update(actor=tree.users["community2"], seat=world.deputy, party_post=PartyPost.MEMBER)
    with pytest.raises(ScopeDenied):
        services.term_create(actor=tree.users["community2"], community=tree.c1, number=12,
                             elected_on=dt.date(2026, 4, 1))
    assert table_fingerprint([Seat, Term]) == before


@pytest.mark.parametrize("posts,code", [
    ((PartyPost.SECRETARY, ""), "secretary_taken"),
    (("", ResidentsPost.DIRECTOR), "director_taken"),
    (("", ""), "no_post"),
    (("chair", ""), "bad_post"),
])
def test_post_rules(tree, world, posts, code):
    with pytest.raises(ValidationError) as exc:
        seat(world.term, tree.users["community"], *posts)
    assert code in validation_codes(exc.value)


def test_member_seated_once_per_term_and_data_not_retyped(tree, world):
    with pytest.raises(ValidationError) as exc:
        seat(world.term, tree.users["community"], PartyPost.MEMBER, member=world.m1)
    assert "member_taken" in validation_codes(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.seat_update(actor=tree.users["community"], seat=world.secretary, education=Education.SENIOR)
    assert "member_data" in validation_codes(exc.value)


def test_changing_the_election_date_rederives_ages(tree, world):
    services.term_update(actor=tree.users["community"], term=world.term, elected_on=dt.date(2022, 4, 18),
                         starts_on=dt.date(2022, 4, 18))
    world.secretary.refresh_from_db()
    assert world.secretary.age_at_election == 34


def test_each_write_leaves_one_audit_row(tree, world):
    n = AuditLog.objects.filter(kind=AuditLog.Kind.WRITE).count()
    seat(world.term, tree.users["community"], "", ResidentsPost.MEMBER)
    assert AuditLog.objects.filter(kind=AuditLog.Kind.WRITE).count() == n + 1
    assert AuditLog.objects.filter(action="resources.seat.create").exists()


def test_difficulty_is_a_case_whose_state_says_solved(tree, world):
    case = world.difficulty.case
    assert case.source == CaseSource.PAIRING and case.unit_id == tree.c1.pk
    solved = lambda: PairingDifficulty.objects.filter(case__state__in=(CaseState.RESOLVED, CaseState.FOLLOWED_UP))  # noqa: E731
    assert not solved().exists()
    admin = tree.users["district"]
    case_services.case_accept(actor=admin, case=case)
    case_services.case_start(actor=admin, case=case)
    case_services.case_resolve(actor=admin, case=case, resolution="已修复")
    assert solved().count() == 1


def test_liaison_records_support_but_cannot_raise_a_case(tree, world):
    liaison = tree.users["liaison"]
    record = services.support_record_create(actor=liaison, pairing=world.pairing, kind=SupportKind.TECHNOLOGY,
                                            given_on=dt.date(2023, 1, 1), description="信息化")
    assert record.pairing_id == world.pairing.pk
    with pytest.raises(ScopeDenied):
        services.support_record_create(actor=liaison, pairing=world.pairing3, kind=SupportKind.FUNDS,
                                       given_on=dt.date(2023, 1, 1), description="x")
    before = table_fingerprint([PairingDifficulty, SupportRecord])
    with pytest.raises(ScopeDenied):
        services.pairing_difficulty_raise(actor=liaison, pairing=world.pairing, title="t", description="d")
    assert table_fingerprint([PairingDifficulty, SupportRecord]) == before


def test_liaison_sees_only_the_department_s_pairings(tree, world):
    assert list(selectors.pairing_list(user=tree.users["liaison"])) == [world.pairing]
    assert list(selectors.stationed_staff_list(user=tree.users["liaison"])) == [world.staff]
    assert list(selectors.pairing_list(user=tree.users["community2"])) == []


def test_spending_never_exceeds_the_allocation_and_community_cannot_allocate(tree, world):
    community = tree.users["community"]
    services.fund_spending_create(actor=community, allocation=world.allocation, spent_on=world.allocation.allocated_on,
                                  amount_yuan="499999.99", purpose="办公")
    with pytest.raises(ValidationError) as exc:
        services.fund_spending_create(actor=community, allocation=world.allocation,
                                      spent_on=world.allocation.allocated_on, amount_yuan="0.02", purpose="超支")
    assert "over_allocation" in validation_codes(exc.value)
    assert FundSpending.objects.count() == 1
    with pytest.raises(ScopeDenied):
        services.fund_allocation_create(actor=community, community=tree.c1, year=2026, kind=FundKind.OPERATING,
                                        amount_yuan=1, allocated_on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.fund_spending_create(actor=community, allocation=world.allocation,
                                      spent_on=world.allocation.allocated_on, amount_yuan="abc", purpose="x")
    assert "bad_amount" in validation_codes(exc.value)


def test_renovation_accepted_once(tree, world):
    street = tree.users["street"]
    project = services.renovation_create(actor=street, premise=world.premise, budget_yuan=100000,
                                         started_on=dt.date(2022, 1, 1))
    services.renovation_accept(actor=street, project=project, accepted_on=dt.date(2022, 6, 1), spent_yuan=95000)
    project.refresh_from_db()
    assert project.spent_yuan == Decimal("95000.00")
    with pytest.raises(ValidationError) as exc:
        services.renovation_accept(actor=street, project=project, accepted_on=dt.date(2022, 7, 1), spent_yuan=1)
    assert "already_accepted" in validation_codes(exc.value)
    with pytest.raises(ScopeDenied):
        services.renovation_create(actor=tree.users["other_street"], premise=world.premise, budget_yuan=1,
                                   started_on=dt.date(2022, 1, 1))


def test_attendance_only_of_seats_in_the_organiser_s_area(tree, world):
    street = tree.users["street"]
    session = services.training_session_create(actor=street, organiser=tree.s1, topic="轮训", place="街道",
                                               form="rotation", starts_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.training_attendance_record(actor=street, session=session, seats=[world.seat3])
    assert "bad_seat" in validation_codes(exc.value)
    assert services.training_attendance_record(actor=street, session=session, seats=[world.secretary,
                                                                                      world.seat2]) == 2
    assert services.training_attendance_record(actor=street, session=session, seats=[world.secretary]) == 0


def test_member_without_education_cannot_be_seated(tree, world):
    m = make_member(tree, tree.p1, 9, education="")
    with pytest.raises(ValidationError) as exc:
        seat(world.term, tree.users["community"], PartyPost.MEMBER, member=m)
    assert "no_education" in validation_codes(exc.value)
    assert ELECTED.year == 2021
