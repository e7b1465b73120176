"""The guarantee-system test world on the persona tree: a department with its liaison, members in C1
and C3, two terms of C1 (and one of C2 and C3) with seats, a pairing of the department with C1 and one
with C3, a difficulty, training, funds, premises, a career event and stationed staff."""
import datetime as dt
import random
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.idcard import generate_id_number
from org import services as org_services
from org.models import Education, OutsideUnit, OutsideUnitKind
from resources import services
from resources.choices import FundKind, PartyPost, ResidentsPost, SupportKind, TrainingForm

ALL_PERSONAS = ("anonymous", "norole", "district", "leader", "street", "community", "community2", "other_street",
                "liaison")
ELECTED = dt.date(2021, 4, 18)


def id_number(seed: int, birth: dt.date, gender: str = "M") -> str:
    return generate_id_number(random.Random(seed), birth=birth, gender=gender)


def make_member(tree, unit, seed: int, birth=dt.date(1990, 6, 1), education=Education.BACHELOR, phone=""):
    number = id_number(seed, birth)
    member = org_services.member_create(actor=tree.users["district"], name=f"党员{seed}", id_number=number,
                                        unit=unit, education=education, phone=phone)
    member.id_number_plain = number
    return member


def seat(term, actor, party="", residents="", *, member=None, born=dt.date(1980, 1, 1), edu=Education.SENIOR,
         name="居民"):
    person = {"member": member} if member else dict(person_name=name, birth_date=born, gender="F", education=edu)
    return services.seat_create(actor=actor, term=term, party_post=party, residents_post=residents, **person)


def build_world(tree):
    admin = tree.users["district"]
    today = timezone.localdate()
    w = SimpleNamespace(today=today)
    w.dept = OutsideUnit.objects.create(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code="QZ1", name="苏仙区民政局",
                                        short_name="区民政局", registered_at=tree.district)
    w.dept2 = OutsideUnit.objects.create(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code="QZ2", name="苏仙区住建局",
                                         short_name="区住建局", registered_at=tree.district)
    liaison = User.objects.create_user("liaison", password=tree.password, full_name="联络员")
    RoleGrant.objects.create(user=liaison, unit=tree.district, role=Role.DEPARTMENT_LIAISON, department=w.dept,
                             valid_from=today)
    tree.users["liaison"] = liaison
    w.m1 = make_member(tree, tree.p1, 1, birth=dt.date(1988, 3, 1), phone="13800000001")
    w.m3 = make_member(tree, tree.p3, 3, birth=dt.date(1975, 3, 1))
    w.prev = services.term_create(actor=admin, community=tree.c1, number=10, elected_on=dt.date(2018, 4, 15),
                                  ends_on=dt.date(2021, 4, 17))
    w.term = services.term_create(actor=admin, community=tree.c1, number=11, elected_on=ELECTED)
    w.term2 = services.term_create(actor=admin, community=tree.c2, number=11, elected_on=ELECTED)
    w.term3 = services.term_create(actor=admin, community=tree.c3, number=11, elected_on=ELECTED)
    w.secretary = seat(w.term, admin, PartyPost.SECRETARY, ResidentsPost.DIRECTOR, member=w.m1)
    w.deputy = seat(w.term, admin, PartyPost.DEPUTY, "", born=dt.date(1970, 1, 1), name="张副书记")
    seat(w.prev, admin, PartyPost.SECRETARY, "", born=dt.date(1960, 1, 1), name="老书记")
    seat(w.prev, admin, "", ResidentsPost.DIRECTOR, born=dt.date(1965, 1, 1), name="老主任",
         edu=Education.JUNIOR_COLLEGE)
    w.seat2 = seat(w.term2, admin, PartyPost.SECRETARY, "", name="六角亭书记")
    w.seat3 = seat(w.term3, admin, PartyPost.SECRETARY, ResidentsPost.DIRECTOR, member=w.m3)
    w.pairing = services.pairing_create(actor=admin, partner=w.dept, community=tree.c1,
                                        starts_on=dt.date(2021, 6, 1))
    w.pairing3 = services.pairing_create(actor=admin, partner=w.dept2, community=tree.c3,
                                         starts_on=dt.date(2021, 6, 1))
    services.support_record_create(actor=admin, pairing=w.pairing, kind=SupportKind.FUNDS,
                                   given_on=dt.date(2022, 1, 1), description="帮扶资金", amount_yuan=50000)
    w.difficulty = services.pairing_difficulty_raise(actor=admin, pairing=w.pairing, title="路灯", description="坏了")
    w.session = services.training_session_create(actor=admin, organiser=tree.district, topic="城市基层党建专题培训",
                                                 place="浙江大学", form=TrainingForm.CENTRAL, starts_on=today)
    services.training_attendance_record(actor=admin, session=w.session, seats=[w.secretary, w.seat3])
    w.allocation = services.fund_allocation_create(actor=admin, community=tree.c1, year=today.year,
                                                   kind=FundKind.OPERATING, amount_yuan=500000,
                                                   allocated_on=dt.date(today.year, 1, 1))
    w.premise = services.premise_create(actor=admin, community=tree.c1, name="爱莲湖社区办公用房", area_m2=500)
    w.premise3 = services.premise_create(actor=admin, community=tree.c3, name="环城桥社区办公用房", area_m2=400)
    w.staff = services.stationed_staff_create(actor=admin, department=w.dept, street=tree.s1, person_name="王队长",
                                              starts_on=dt.date(2021, 9, 1))
    return w


@pytest.fixture
def world(tree):
    return build_world(tree)
