"""Roster import: members identified by ID number or mobile within scope, all or nothing, a preview
writes nothing, row errors as "第 N 行 列名：原因" with codes."""
import pytest
from django.utils import translation

from core.scoping import ScopeDenied
from core.testing import table_fingerprint
from resources.imports import roster_import
from resources.models import Seat

pytestmark = pytest.mark.django_db

HEADER = "姓名,身份证号,手机号,出生日期,性别,学历,党组织职务,居委会职务\n"


def run(tree, world, body, *, actor="community", dry_run=False, term=None):
    return roster_import(actor=tree.users[actor], term=term or world.term, source=(HEADER + body).encode(),
                         filename="roster.csv", dry_run=dry_run)


def test_import_members_and_others(tree, world):
    from .conftest import make_member

    m = make_member(tree, tree.p1, 55)
    result = run(tree, world, f"{m.name},{m.id_number_plain},,,,,委员,\n王五,,,1992-03-04,男,大专,,委员\n")
    assert result.ok and result.created == 2
    linked = Seat.objects.get(term=world.term, member=m)
    assert linked.birth_date == m.birth_date and linked.education == m.education
    assert Seat.objects.filter(term=world.term, member__isnull=True, person_name="王五").exists()


def test_preview_writes_nothing(tree, world):
    before = table_fingerprint([Seat])
    result = run(tree, world, "王五,,,1992-03-04,男,大专,,委员\n", dry_run=True)
    assert result.ok and len(result.rows) == 1 and result.created == 0
    assert table_fingerprint([Seat]) == before


def test_one_bad_row_rolls_back_everything(tree, world):
    before = table_fingerprint([Seat])
    with translation.override("zh-hans"):
        result = run(tree, world, "王五,,,1992-03-04,男,大专,,委员\n赵六,,,1990-13-01,女,本科,,委员\n"
                                  "钱七,,,1990-01-01,女,本科,书记,\n孙八,,13999999999,,,,委员,\n")
    assert not result.ok
    assert {(e.row, e.code) for e in result.errors} == {(3, "bad_date"), (4, "secretary_taken"), (5, "no_member")}
    assert result.errors[0].message.startswith("第 3 行")
    assert table_fingerprint([Seat]) == before


def test_member_out_of_scope_is_not_found(tree, world):
    result = run(tree, world, f"党员3,{world.m3.id_number_plain},,,,,委员,\n")
    assert result.codes == {"no_member"}


def test_sibling_cannot_import(tree, world):
    with pytest.raises(ScopeDenied):
        run(tree, world, "王五,,,1992-03-04,男,大专,,委员\n", actor="community2")


def test_bad_file(tree, world):
    result = roster_import(actor=tree.users["community"], term=world.term, source=b"\x00\x01", filename="x.xls")
    assert result.codes == {"bad_format"}
