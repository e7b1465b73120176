import datetime as dt
import random
from types import SimpleNamespace

import pytest

from core.idcard import generate_id_number
from governance import services as gs
from governance.choices import CommitteeKind, Outcome, ParticipantRole, PostingRole, SeatRole, SocialField, TopicSource
from governance.models import AgendaItem
from org.choices import NewDomainKind
from org.models import OutsideUnit, OutsideUnitKind
from org.services import member_create, new_domain_org_create
from supervision.services import case_accept, case_resolve, case_start, visit_record_create

DAY = dt.date(2026, 3, 2)


def make_id(n: int) -> str:
    return generate_id_number(random.Random(n), birth=dt.date(1980, 1, n), gender="M")


def build_world(tree):
    """C1/P1 actors, a member, a visit, topics (one on a held meeting with an adopted resolution), a
    social organisation with an instructor, a floating member; C3 gets a topic of its own (out of
    scope for C1/S1 users)."""
    admin = tree.users["district"]
    w = SimpleNamespace()
    w.member = member_create(actor=admin, name="王党员", id_number=make_id(1), unit=tree.p1, phone="13800000001")
    w.member_b = member_create(actor=admin, name="陈党员", id_number=make_id(3), unit=tree.p1, phone="13800000002")
    w.member3 = member_create(actor=admin, name="李党员", id_number=make_id(2), unit=tree.p3, phone="13800000003")
    w.committee = gs.committee_create(actor=admin, unit=tree.p1, kind=CommitteeKind.OWNERS, name="爱莲湖小区业委会",
                                      elected_on=dt.date(2025, 1, 5), term_start=dt.date(2025, 1, 10),
                                      term_end=dt.date(2029, 1, 9))
    w.seat = gs.committee_seat_add(actor=admin, committee=w.committee, role=SeatRole.CHAIR, member=w.member)
    w.seat2 = gs.committee_seat_add(actor=admin, committee=w.committee, role=SeatRole.MEMBER, person_name="张居民")
    w.company = OutsideUnit.objects.create(kind=OutsideUnitKind.PROPERTY_COMPANY, code="WY1", name="郴州物业",
                                           registered_at=tree.c1)
    w.party_org = new_domain_org_create(actor=admin, unit=tree.c1, kind=NewDomainKind.PROPERTY_COMPANY, code="ND1",
                                        name="郴州物业党支部")
    w.service = gs.property_service_create(actor=admin, unit=tree.p1, company=w.company, party_org=w.party_org,
                                           started_on=dt.date(2024, 1, 1))
    w.social = gs.social_org_create(actor=admin, unit=tree.c1, name="爱莲湖好人协会", field=SocialField.VOLUNTEERING,
                                    founded_on=dt.date(2024, 5, 1), leader_name="赵会长")
    w.social3 = gs.social_org_create(actor=admin, unit=tree.c3, name="环城桥志愿队", field=SocialField.VOLUNTEERING,
                                     founded_on=dt.date(2024, 5, 1), leader_name="钱队长")
    w.posting = gs.posting_create(actor=admin, unit=tree.c1, role=PostingRole.INSTRUCTOR, member=w.member,
                                  social_org=w.social, started_on=dt.date(2025, 1, 1))
    w.visit = visit_record_create(actor=admin, place=tree.p1, visited_on=DAY, heard="小区停车位不够，晚上乱停")
    w.topic = gs.topic_raise(actor=admin, source=TopicSource.VISIT, visit=w.visit, raised_on=DAY)
    w.topic_open = gs.topic_raise(actor=admin, source=TopicSource.PROPOSAL, unit=tree.p1, title="加装电梯",
                                  description="老楼加装电梯", proposer="孙居民", raised_on=DAY)
    w.topic3 = gs.topic_raise(actor=admin, source=TopicSource.PROPOSAL, unit=tree.p3, title="御景湾绿化",
                              description="补种绿化", proposer="周居民", raised_on=DAY)
    w.topic_t, w.topic_f, w.topic_c, w.topic_m = [
        gs.topic_raise(actor=admin, source=TopicSource.ACTOR, committee=w.committee, title=title, description=title,
                       raised_on=DAY)
        for title in ("清理楼道", "修补路面", "路灯维修", "垃圾分类")]
    w.meeting = gs.meeting_create(actor=admin, unit=tree.c1, title="三月议事会", held_on=DAY + dt.timedelta(days=3),
                                  participants=[{"role": ParticipantRole.OWNERS_COMMITTEE, "committee": w.committee},
                                                {"role": ParticipantRole.PROPERTY_COMPANY, "property_service": w.service}],
                                  topics=[w.topic, w.topic_t, w.topic_f, w.topic_c])
    w.meeting = gs.meeting_record(actor=admin, meeting=w.meeting, minutes="议定划线停车")
    items = {i.topic_id: i for i in w.meeting.items.all()}
    for t in (w.topic, w.topic_t, w.topic_f, w.topic_c):
        gs.resolution_record(actor=admin, item=items[t.pk], outcome=Outcome.CONSENSUS, resolution="同意")
    w.item = AgendaItem.objects.get(pk=items[w.topic.pk].pk)
    due = DAY + dt.timedelta(days=30)
    w.work_t = gs.work_create_task(actor=admin, item=items[w.topic_t.pk], task="清理", due_on=due, committee=w.committee)
    w.work_f = gs.work_create_task(actor=admin, item=items[w.topic_f.pk], task="修补", due_on=due,
                                   property_service=w.service)
    w.work_f = gs.work_update(actor=admin, work=w.work_f, progress_pct=100, completed_on=DAY + dt.timedelta(days=10))
    w.work_c = gs.work_create_case(actor=admin, item=items[w.topic_c.pk])
    case_accept(actor=admin, case=w.work_c.case)
    case_start(actor=admin, case=w.work_c.case)
    case_resolve(actor=admin, case=w.work_c.case, resolution="已修")
    w.held = gs.meeting_create(actor=admin, unit=tree.c1, title="临时议事会", held_on=DAY, topics=[w.topic_m])
    gs.meeting_record(actor=admin, meeting=w.held, minutes="讨论")
    w.open_item = w.held.items.get()
    w.planned = gs.meeting_create(actor=admin, unit=tree.c1, title="四月议事会", held_on=DAY + dt.timedelta(days=30))
    w.meeting3 = gs.meeting_create(actor=admin, unit=tree.c3, title="环城桥议事会", held_on=DAY, topics=[w.topic3])
    w.floating = gs.floating_create(actor=admin, member=w.member, left_on=dt.date(2026, 1, 5),
                                    destination_place="广东省深圳市")
    w.floating3 = gs.floating_create(actor=admin, member=w.member3, left_on=dt.date(2026, 1, 5),
                                     destination_unit=tree.c1, reported_on=dt.date(2026, 1, 6))
    # 党建大比武 of the district: judges "leader" and "other_street"; C2's secretary has entered, both judges
    # scored; C1's secretary ("community") may still enter.
    w.competition = gs.competition_create(actor=admin, unit=tree.district, year=2026, title="2026年党建大比武",
                                          criteria=[("组织建设", 60), ("治理成效", 40)],
                                          judges=[tree.users["leader"], tree.users["other_street"]])
    w.criteria = list(w.competition.criteria.order_by("position"))
    w.entry2 = gs.entry_submit(actor=tree.users["community2"], competition=w.competition, unit=tree.c2,
                               title="六社联动", summary="六社联动工作法")
    for judge, marks in (("leader", (80, 90)), ("other_street", (90, 100))):
        gs.score_record(actor=tree.users[judge], entry=w.entry2,
                        values={c.pk: m for c, m in zip(w.criteria, marks)})
    tree.w = w
    return w


@pytest.fixture
def world(tree):
    return build_world(tree)
