import random
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.idcard import generate_id_number
from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import table_fingerprint
from org import selectors, services
from org.models import (
    DualRegistration,
    Member,
    MemberCategory,
    Membership,
    OutsideUnit,
    OutsideUnitKind,
    PartTimeMember,
    Transfer,
    TransferBatch,
    TransferEvent,
    TransferState,
)

pytestmark = pytest.mark.django_db
RNG = random.Random(7)
WRITTEN = [Member, Membership, DualRegistration, PartTimeMember, Transfer, TransferEvent, TransferBatch, AuditLog]


def new_id(year=1980, gender="M"):
    return generate_id_number(RNG, birth=date(year, 5, 17), gender=gender)


def make_member(tree, unit=None, **kw):
    kw.setdefault("name", "王芳")
    kw.setdefault("id_number", new_id())
    return services.member_create(actor=tree.users["district"], unit=unit or tree.p1, **kw)


def test_create_derives_and_encrypts(tree):
    id_number = generate_id_number(RNG, birth=date(1975, 3, 9), gender="F")
    m = make_member(tree, id_number=id_number, phone="13812345678")
    assert (m.gender, m.birth_date) == ("F", date(1975, 3, 9))
    assert m.id_number_masked == id_number[:3] + "*" * 11 + id_number[-4:]
    assert m.phone_masked == "138****5678"
    assert Membership.objects.get(member=m, ended_on__isnull=True).unit_id == tree.p1.pk
    log = AuditLog.objects.get(action="member.create", object_id=str(m.pk))
    assert id_number not in str(log.after) and "13812345678" not in str(log.after)


def test_id_number_never_stored_in_clear(tree):
    id_number = new_id()
    make_member(tree, id_number=id_number, phone="13900001111")
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {Member._meta.db_table}")
        dump = repr(cur.fetchall())
        cur.execute(f"SELECT * FROM {AuditLog._meta.db_table}")
        dump += repr(cur.fetchall())
    assert id_number not in dump and id_number[:17] not in dump
    assert "13900001111" not in dump


@pytest.mark.parametrize("bad,code", [("430102199001011235", "checksum"), (4.30102e17, "excel_number"),
                                      ("4301021990", "length")])
def test_bad_id_refused(tree, bad, code):
    before = table_fingerprint(WRITTEN)
    with pytest.raises(ValidationError) as err:
        make_member(tree, id_number=bad)
    assert err.value.error_dict["id_number"][0].code == code
    assert table_fingerprint(WRITTEN) == before


def test_duplicate_id_refused(tree):
    id_number = new_id()
    make_member(tree, id_number=id_number)
    with pytest.raises(ValidationError) as err:
        make_member(tree, unit=tree.p3, id_number=id_number.lower())
    assert err.value.error_dict["id_number"][0].code == "duplicate"


def test_scope_refusals_write_nothing(tree):
    before = table_fingerprint(WRITTEN)
    with pytest.raises(ScopeDenied):
        services.member_create(actor=tree.users["community"], unit=tree.c2, name="x", id_number=new_id())
    m = make_member(tree, unit=tree.c2)
    before = table_fingerprint(WRITTEN)
    with pytest.raises(ScopeDenied):
        services.member_update(actor=tree.users["community"], member=m, name="y")
    with pytest.raises(ScopeDenied):
        services.membership_change(actor=tree.users["community"], member=m, unit=tree.c1)
    with pytest.raises(ScopeDenied):
        services.member_reveal_id(actor=tree.users["community"], member=m)
    with pytest.raises(ScopeDenied):
        services.transfer_request(actor=tree.users["community"], member=m, to_unit=tree.c1)
    assert table_fingerprint(WRITTEN) == before


def test_update_moves_nothing_and_is_audited_once(tree):
    m = make_member(tree)
    n = AuditLog.objects.count()
    services.member_update(actor=tree.users["community"], member=m, name="李娜", phone="0735-2223344")
    m.refresh_from_db()
    assert m.name == "李娜" and m.phone_masked.endswith("3344") and m.fingerprint == m.compute_fingerprint()
    assert AuditLog.objects.count() == n + 1


def test_reveal_is_audited_and_refused_without_reveal(tree):
    id_number = new_id()
    m = make_member(tree, id_number=id_number)
    assert services.member_reveal_id(actor=tree.users["community"], member=m) == id_number
    assert AuditLog.objects.filter(kind=AuditLog.Kind.REVEAL, object_id=str(m.pk)).count() == 1
    before = table_fingerprint(WRITTEN)
    for persona in ("leader", "community2", "norole"):  # leader: view-only role, no REVEAL
        with pytest.raises(ScopeDenied):
            services.member_reveal_id(actor=tree.users[persona], member=m)
    assert table_fingerprint(WRITTEN) == before


def test_display_masks_unless_reveal(tree):
    id_number = new_id()
    make_member(tree, id_number=id_number)
    rows = selectors.member_display(selectors.member_list(user=tree.users["leader"]), user=tree.users["leader"],
                                    reveal=True)
    assert rows[0].id_number_display != id_number and not rows[0].can_reveal
    rows = selectors.member_display(selectors.member_list(user=tree.users["community"]),
                                    user=tree.users["community"])
    assert rows[0].can_reveal and rows[0].id_number_display.startswith(id_number[:3] + "***")


def test_membership_uniqueness_constraint(tree):
    m = make_member(tree)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member=m, unit=tree.c1, started_on=date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=m.pk).update(outside_unit=OutsideUnit.objects.create(
            kind="soe", code="Q1", name="q", registered_at=tree.district))


def test_membership_change_keeps_history(tree):
    m = make_member(tree, unit=tree.p1)
    services.membership_change(actor=tree.users["street"], member=m, unit=tree.c2, started_on=date(2030, 1, 1))
    rows = list(Membership.objects.filter(member=m).order_by("started_on"))
    assert [r.unit_id for r in rows] == [tree.p1.pk, tree.c2.pk]
    assert rows[0].ended_on == date(2030, 1, 1) and rows[1].ended_on is None
    assert Member.objects.get(pk=m.pk).unit_id == tree.c2.pk


# -- transfers: every allowed and refused step --------------------------------------------------------

def events(t):
    return list(TransferEvent.objects.filter(transfer=t).order_by("pk").values_list("from_state", "to_state"))


def test_transfer_happy_path_across_streets(tree):
    m = make_member(tree, unit=tree.p1)
    t = services.transfer_request(actor=tree.users["community"], member=m, to_unit=tree.c3, letter_no="L-1")
    assert t.state == TransferState.REQUESTED
    # The sender cannot approve or complete for the receiving side.
    before = table_fingerprint(WRITTEN)
    with pytest.raises(ScopeDenied):
        services.transfer_approve(actor=tree.users["community"], transfer=t)
    assert table_fingerprint(WRITTEN) == before
    services.transfer_approve(actor=tree.users["other_street"], transfer=t)
    before = table_fingerprint(WRITTEN)
    with pytest.raises(ScopeDenied):
        services.transfer_complete(actor=tree.users["street"], transfer=t)
    assert table_fingerprint(WRITTEN) == before
    t = services.transfer_complete(actor=tree.users["other_street"], transfer=t, completed_on=date(2030, 2, 1))
    assert t.state == TransferState.COMPLETED
    assert events(t) == [("", "requested"), ("requested", "approved"), ("approved", "completed")]
    m.refresh_from_db()
    assert m.unit_id == tree.c3.pk
    assert list(Membership.objects.filter(member=m).order_by("pk").values_list("unit_id", "ended_on")) == [
        (tree.p1.pk, date(2030, 2, 1)), (tree.c3.pk, None)]
    # Both sides see it.
    assert selectors.transfer_list(user=tree.users["community"]).filter(pk=t.pk).exists()
    assert selectors.transfer_list(user=tree.users["other_street"]).filter(pk=t.pk).exists()
    assert not selectors.transfer_list(user=tree.users["community2"]).filter(pk=t.pk).exists()


@pytest.mark.parametrize("step", ["approve_twice", "complete_requested", "return_completed",
                                  "approve_returned", "return_without_reason", "second_open_transfer"])
def test_transfer_refused_steps_write_nothing(tree, step):
    m = make_member(tree, unit=tree.p1)
    receiver = tree.users["other_street"]
    t = services.transfer_request(actor=tree.users["community"], member=m, to_unit=tree.c3)
    if step in ("approve_twice", "return_completed"):
        services.transfer_approve(actor=receiver, transfer=t)
    if step == "return_completed":
        services.transfer_complete(actor=receiver, transfer=t)
    if step == "approve_returned":
        services.transfer_return(actor=receiver, transfer=t, reason="材料不全")
    before = table_fingerprint(WRITTEN)
    with pytest.raises(ValidationError) as err:
        if step in ("approve_twice", "approve_returned"):
            services.transfer_approve(actor=receiver, transfer=t)
        elif step == "complete_requested":
            services.transfer_complete(actor=receiver, transfer=t)
        elif step == "return_completed":
            services.transfer_return(actor=receiver, transfer=t, reason="x")
        elif step == "return_without_reason":
            services.transfer_return(actor=receiver, transfer=t, reason="  ")
        elif step == "second_open_transfer":
            services.transfer_request(actor=tree.users["community"], member=m, to_unit=tree.c2)
    codes = {e.code for e in err.value.error_list} if hasattr(err.value, "error_list") else set()
    if hasattr(err.value, "error_dict"):
        codes = {e.code for errs in err.value.error_dict.values() for e in errs}
    assert codes & {"invalid_transition", "required", "open_transfer"}
    assert table_fingerprint(WRITTEN) == before


def test_transfer_return_by_either_side(tree):
    m = make_member(tree, unit=tree.p1)
    t = services.transfer_request(actor=tree.users["community"], member=m, to_unit=tree.c3)
    t = services.transfer_return(actor=tree.users["community"], transfer=t, reason="撤回")
    assert t.state == TransferState.RETURNED and t.returned_by == tree.users["community"]
    assert events(t)[-1] == ("requested", "returned")
    t2 = services.transfer_request(actor=tree.users["community"], member=m, to_unit=tree.c3)
    services.transfer_approve(actor=tree.users["other_street"], transfer=t2)
    t2 = services.transfer_return(actor=tree.users["other_street"], transfer=t2, reason="不在辖区")
    assert t2.return_reason == "不在辖区" and events(t2)[-1] == ("approved", "returned")
    assert Member.objects.get(pk=m.pk).unit_id == tree.p1.pk
    with pytest.raises(ScopeDenied):  # an uninvolved unit cannot return it
        t3 = services.transfer_request(actor=tree.users["community"], member=m, to_unit=tree.c3)
        services.transfer_return(actor=tree.users["community2"], transfer=t3, reason="x")


def test_transfer_batch_all_or_nothing(tree):
    admin = tree.users["district"]
    soe = services.outside_unit_create(actor=admin, registered_at=tree.district, kind=OutsideUnitKind.SOE,
                                       code="GQ1", name="湘南煤矿")
    items = [dict(name=f"退休{i}", id_number=new_id(1950 + i), to_unit=tree.c1 if i % 2 else tree.c3,
                  residence=tree.p1 if i % 2 else tree.p3) for i in range(6)]
    bad = items + [dict(name="坏", id_number="430102195001011230", to_unit=tree.c1)]
    before = table_fingerprint(WRITTEN)
    with pytest.raises(ValidationError):
        services.transfer_batch_create(actor=admin, source=soe, document_no="D1", registered_at=tree.district,
                                       items=bad)
    assert table_fingerprint(WRITTEN) == before
    with pytest.raises(ScopeDenied):  # a street cannot receive into another street
        services.transfer_batch_create(actor=tree.users["street"], source=soe, document_no="D1",
                                       registered_at=tree.s1, items=items)
    assert table_fingerprint(WRITTEN) == before
    batch = services.transfer_batch_create(actor=admin, source=soe, document_no="D1", registered_at=tree.district,
                                           items=items)
    preview = services.transfer_batch_preview(user=admin, batch=batch)
    assert preview["total"] == 6 and preview["can_complete"]
    assert not services.transfer_batch_preview(user=tree.users["street"], batch=batch)["can_complete"]
    assert selectors.member_figures(tree.district)["org.urban_members"] == 0
    services.transfer_batch_complete(actor=admin, batch=batch, completed_on=date(2021, 5, 1))
    figures = selectors.member_figures(tree.district)
    assert figures["org.transfer_batches_soe"] == 1 and figures["org.transferred_retired_members"] == 6
    assert figures["org.urban_members"] == 6
    assert selectors.member_figures(tree.s1)["org.transferred_retired_members"] == 3
    assert Membership.objects.filter(ended_on__isnull=True).count() == 6
    assert set(TransferEvent.objects.values_list("to_state", flat=True)) == {"requested", "approved", "completed"}
    with pytest.raises(ValidationError):
        services.transfer_batch_complete(actor=admin, batch=batch)


# -- registrations, part-time members, figures --------------------------------------------------------

def test_dual_registration_and_part_time_figures(tree):
    admin = tree.users["district"]
    dept = services.outside_unit_create(actor=admin, registered_at=tree.district,
                                        kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code="QZ1", name="区民政局")
    worker = services.member_create(actor=admin, outside_unit=dept, name="在职甲", id_number=new_id(1985),
                                    category=MemberCategory.IN_SERVICE, work_unit=dept, residence=tree.p1)
    retiree = make_member(tree, category=MemberCategory.RETIRED, id_number=new_id(1950))
    other = make_member(tree, category=MemberCategory.OTHER)
    reg = services.dual_registration_create(actor=tree.users["community"], member=worker, community=tree.c1,
                                            started_on=date(2021, 1, 1), commitment="楼栋志愿者")
    services.dual_registration_create(actor=tree.users["other_street"], member=retiree, community=tree.c3,
                                      started_on=date(2021, 1, 1))
    before = table_fingerprint(WRITTEN)
    with pytest.raises(ValidationError):
        services.dual_registration_create(actor=admin, member=other, community=tree.c1)
    with pytest.raises(ValidationError):
        services.dual_registration_create(actor=admin, member=worker, community=tree.c2)  # already registered
    with pytest.raises(ScopeDenied):
        services.dual_registration_create(actor=tree.users["community"], member=retiree, community=tree.c2)
    assert table_fingerprint(WRITTEN) == before
    seat = services.part_time_member_create(actor=tree.users["street"], seat=tree.s1, person_name="赵局长",
                                            home_unit=dept, term_from=date(2021, 1, 1))
    services.part_time_member_create(actor=tree.users["community"], seat=tree.c1, person_name="钱行长",
                                     home_unit=dept, term_from=date(2021, 1, 1))
    with pytest.raises(ValidationError):
        services.part_time_member_create(actor=admin, seat=tree.p1, person_name="x", home_unit=dept,
                                         term_from=date(2021, 1, 1))
    f = selectors.member_figures(tree.district)
    assert (f["org.dual_registered_in_service"], f["org.dual_registered_retired"], f["org.part_time_members"]) == (
        1, 1, 2)
    assert f["org.urban_members"] == 2  # the department member's relationship is outside the tree
    s1, s2 = selectors.member_figures(tree.s1), selectors.member_figures(tree.s2)
    for key in f:
        assert f[key] == s1[key] + s2[key]
    services.dual_registration_end(actor=tree.users["community"], registration=reg)
    services.part_time_member_end(actor=tree.users["street"], part_time_member=seat, ended_on=date(2021, 6, 1))
    f = selectors.member_figures(tree.district)
    assert (f["org.dual_registered_in_service"], f["org.part_time_members"]) == (0, 1)


def test_member_list_constant_queries_and_counts(tree):
    def listing():
        with CaptureQueriesContext(connection) as ctx:
            rows = selectors.member_display(list(selectors.member_list(user=tree.users["street"])),
                                            user=tree.users["street"])
        return len(rows), len(ctx.captured_queries)

    make_member(tree, unit=tree.p1)
    listing()  # the user's grants are read once and cached on the user
    small = listing()
    for unit in (tree.c1, tree.c2, tree.b1, tree.p2):
        for _ in range(3):
            make_member(tree, unit=unit)
    large = listing()
    assert large[0] == 13 and large[1] == small[1]
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.member_counts([tree.c1, tree.c2, tree.c3])
    assert len(ctx.captured_queries) == 1 and counts == {tree.c1.pk: 7, tree.c2.pk: 6, tree.c3.pk: 0}
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.member_counts([tree.district, tree.s1, tree.p1, tree.b1])
    assert len(ctx.captured_queries) == 1
    assert counts == {tree.district.pk: 13, tree.s1.pk: 13, tree.p1.pk: 4, tree.b1.pk: 3}
    assert selectors.member_list(user=tree.users["community2"]).count() == 6
    age = Member.objects.first().age  # every member here was born on 17 May 1980
    bands = {band: selectors.member_list(user=tree.users["street"], age_band=band).count()
             for band in selectors.AGE_BANDS}
    expected = [b for b, (lo, hi) in selectors.AGE_BANDS.items() if lo <= age and (hi is None or age <= hi)]
    assert bands == {b: (13 if b in expected else 0) for b in bands}
