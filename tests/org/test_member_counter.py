"""The per-unit counter of current members (``OrgUnit.direct_members``): every member write keeps it equal to
the member rows, a stale unit save cannot undo it, concurrent writers add up, and the repair command finds
and fixes drift."""
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, close_old_connections, connection, transaction

from accounts.models import User
from org import selectors, services
from org.imports import roster_import
from org.integrity import member_count_problems
from org.models import Member, MemberStatus, OrgUnit, OutsideUnitKind
from org.services.tally import recount, tally_shift

from .member_factories import MemberFactory, make_members, new_id_number, outside_unit
from .test_members_import import ids, row, xlsx

pytestmark = pytest.mark.django_db


def direct(*units) -> list[int]:
    return [OrgUnit.objects.get(pk=u.pk).direct_members for u in units]


def test_create_counts_current_members_only(tree):
    admin = tree.users["district"]
    make_members(tree, tree.p1, 3)
    MemberFactory(actor=admin, unit=tree.p1, status=MemberStatus.LOST_CONTACT)
    MemberFactory(actor=admin, unit=tree.p1, status=MemberStatus.DECEASED)
    MemberFactory(actor=admin, unit=tree.b1, status=MemberStatus.LEFT)
    assert direct(tree.p1, tree.b1, tree.c1) == [4, 0, 0]
    assert member_count_problems() == []
    tree.refresh()
    assert selectors.subtree_counts(tree.c1)["members"] == 4
    assert selectors.member_subtree_count(tree.district) == 4
    assert selectors.member_subtree_count(tree.district, current_only=False) == 6


def test_unit_summary_equals_the_range_counts_for_every_unit(tree):
    admin = tree.users["district"]
    for unit, n in ((tree.s1, 1), (tree.c1, 2), (tree.p1, 3), (tree.b1, 4), (tree.p3, 5)):
        make_members(tree, unit, n)
    MemberFactory(actor=admin, unit=tree.b1, status=MemberStatus.DECEASED)
    services.org_unit_update(actor=admin, unit=tree.b1, party_org_type="group")
    for unit in OrgUnit.objects.all():
        counts, children = selectors.unit_summary(unit)
        assert counts == selectors.subtree_counts(unit), unit.code
        assert [c.pk for c in children] == [c.pk for c in selectors.children_with_counts(unit)]
        for child in children:
            assert child.counts == selectors.subtree_counts(child), child.code
            assert child.member_count == selectors.member_subtree_count(child)
    assert selectors.unit_summary(OrgUnit.objects.get(pk=tree.district.pk))[0]["members"] == 15


def test_status_changes_move_the_counter(tree):
    admin = tree.users["district"]
    member = MemberFactory(actor=admin, unit=tree.p2)
    services.member_update(actor=admin, member=member, status=MemberStatus.DECEASED)
    assert direct(tree.p2) == [0]
    services.member_update(actor=admin, member=member, status=MemberStatus.LOST_CONTACT)
    assert direct(tree.p2) == [1]
    services.member_update(actor=admin, member=member, name="新名字")  # no status change: no write
    assert direct(tree.p2) == [1]
    assert member_count_problems() == []


def test_membership_change_and_transfer_move_between_units(tree):
    admin = tree.users["district"]
    a, b = make_members(tree, tree.p1, 2)
    services.membership_change(actor=admin, member=a, unit=tree.b1)
    assert direct(tree.p1, tree.b1) == [1, 1]
    transfer = services.transfer_request(actor=admin, member=b, to_unit=tree.p3, letter_no="L9")
    services.transfer_approve(actor=admin, transfer=transfer)
    assert direct(tree.p1, tree.p3) == [1, 0]  # nothing moves before completion
    services.transfer_complete(actor=admin, transfer=transfer)
    assert direct(tree.p1, tree.b1, tree.p3) == [0, 1, 1]
    assert member_count_problems() == []
    tree.refresh()
    assert selectors.subtree_counts(tree.s1)["members"] == 1
    assert selectors.subtree_counts(tree.s2)["members"] == 1


def test_bulk_create_and_batch_transfer(tree):
    admin = tree.users["district"]
    services.member_bulk_create(actor=admin, specs=[
        dict(name=f"批量{i}", id_number=new_id_number(1960 + i), unit=tree.c2 if i % 2 else tree.p2)
        for i in range(6)])
    assert direct(tree.c2, tree.p2) == [3, 3]
    soe = outside_unit(tree, code="GQ9", kind=OutsideUnitKind.SOE, name="某国企")
    batch = services.transfer_batch_create(
        actor=admin, source=soe, document_no="D9", registered_at=tree.district,
        items=[dict(name=f"退休{i}", id_number=new_id_number(1950 + i), to_unit=tree.c3) for i in range(4)])
    assert direct(tree.c3) == [0]  # held at the SOE until the batch completes
    services.transfer_batch_complete(actor=admin, batch=batch)
    assert direct(tree.c3) == [4]
    assert member_count_problems() == []


def test_roster_import_creates_and_updates(tree):
    numbers = ids(4, year=1975)
    result = roster_import(actor=tree.users["community"], source=xlsx([row(n, unit="P1") for n in numbers]),
                           filename="r.xlsx", dry_run=False)
    assert result.ok, result.errors
    assert direct(tree.p1) == [4]
    # Re-import: one moves to B1, one is now deceased, two unchanged.
    rows = [row(numbers[0], unit="B1"), row(numbers[1], 状态="已故"), row(numbers[2]), row(numbers[3])]
    preview = roster_import(actor=tree.users["community"], source=xlsx(rows), filename="r2.xlsx")
    assert preview.ok and direct(tree.p1, tree.b1) == [4, 0]  # a preview writes no counter either
    result = roster_import(actor=tree.users["community"], source=xlsx(rows), filename="r2.xlsx", dry_run=False)
    assert result.ok, result.errors
    assert direct(tree.p1, tree.b1) == [2, 1]
    assert member_count_problems() == []


def test_a_stale_unit_save_does_not_undo_the_counter(tree):
    admin = tree.users["district"]
    stale = OrgUnit.objects.get(pk=tree.p1.pk)
    make_members(tree, tree.p1, 2)
    stale.note = "edited with an instance loaded before the members came"
    stale.save()  # what the admin or any plain save does
    services.org_unit_update(actor=admin, unit=stale, name="改名小区")
    services.org_unit_move(actor=admin, unit=OrgUnit.objects.get(pk=tree.p1.pk), new_parent=tree.c2)
    assert direct(tree.p1) == [2]
    assert member_count_problems() == []


def test_a_counter_never_goes_below_zero(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        tally_shift(before=[(tree.p1.pk, MemberStatus.NORMAL)])


def test_recount_command_finds_and_fixes_drift(tree):
    make_members(tree, tree.p1, 3)
    call_command("recount_members", "--check")
    OrgUnit.objects.filter(pk=tree.p1.pk).update(direct_members=7)
    OrgUnit.objects.filter(pk=tree.c3.pk).update(direct_members=1)
    assert len(member_count_problems()) == 2
    with pytest.raises(CommandError):
        call_command("recount_members", "--check")
    call_command("recount_members")
    assert member_count_problems() == []
    assert direct(tree.p1, tree.c3) == [3, 0]
    assert recount() == 0  # nothing left to fix


def _adder(actor_id, unit_id, prefix, numbers, errors, barrier):
    try:
        close_old_connections()
        actor = User.objects.get(pk=actor_id)
        unit = OrgUnit.objects.get(pk=unit_id)
        barrier.wait()
        for i, number in enumerate(numbers):
            services.member_create(actor=actor, name=f"{prefix}{i}", unit=unit, id_number=number)
    except Exception as exc:  # pragma: no cover - reported below
        errors.append(repr(exc))
    finally:
        connection.close()


def _mover(actor_id, member_ids, unit_ids, errors, barrier):
    try:
        close_old_connections()
        actor = User.objects.get(pk=actor_id)
        barrier.wait()
        for i, member_id in enumerate(member_ids):
            member = Member.objects.get(pk=member_id)
            services.membership_change(actor=actor, member=member, unit=OrgUnit.objects.get(pk=unit_ids[i % 2]))
    except Exception as exc:  # pragma: no cover - reported below
        errors.append(repr(exc))
    finally:
        connection.close()


def _run(threads):
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_one_unit_add_up(tree):
    actor = tree.users["district"]
    errors: list = []
    barrier = threading.Barrier(2)
    _run([threading.Thread(target=_adder, args=(actor.pk, tree.p1.pk, p, [new_id_number(1960 + i) for i in range(15)],
                                                errors, barrier)) for p in "AB"])
    assert not errors, errors
    assert direct(tree.p1) == [30]
    assert member_count_problems() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_crossing_moves_neither_deadlock_nor_drift(tree):
    """Writers moving members P1→P2 and P2→P1 at once lock the two counters in the same order."""
    actor = tree.users["district"]
    left = [m.pk for m in make_members(tree, tree.p1, 12)]
    right = [m.pk for m in make_members(tree, tree.p2, 12)]
    errors: list = []
    barrier = threading.Barrier(2)
    _run([threading.Thread(target=_mover, args=(actor.pk, left, [tree.p2.pk, tree.p2.pk], errors, barrier)),
          threading.Thread(target=_mover, args=(actor.pk, right, [tree.p1.pk, tree.p1.pk], errors, barrier))])
    assert not errors, errors
    assert direct(tree.p1, tree.p2) == [12, 12]
    assert member_count_problems() == []
