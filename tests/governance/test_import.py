"""Import of the social-organisation register: preview writes nothing, confirm writes every row or none,
row errors carry row number and column, community codes outside the importer's scope are errors,
a party-member leader is found by ID number or mobile in scope, every run is audited."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import PERSONAS, Case, run_matrix_case, table_fingerprint
from governance.choices import FilingStatus, SocialField, Stage
from governance.imports import COLUMNS, social_org_import
from governance.models import SocialOrganisation, SocialOrgEvent

from .conftest import build_world

pytestmark = pytest.mark.django_db
TABLES = (SocialOrganisation, SocialOrgEvent)
GOOD = [
    ["爱莲湖舞蹈队", "群众娱乐", "C1", "刘队长", "", "2023-03-01", "", "", ""],
    ["六角亭助老会", "育幼康养", "C2", "", "13800000001", "2022/5/4", "已备案", "备001", "已备案登记"],
]


def csv_bytes(rows, columns=COLUMNS) -> bytes:
    return ("\n".join(",".join(r) for r in [columns, *rows]) + "\n").encode("utf-8")


@pytest.fixture
def world(tree):
    return build_world(tree)


def run(tree, persona, rows, unit=None, commit=False, columns=COLUMNS):
    return social_org_import(actor=tree.users[persona], source=csv_bytes(rows, columns), filename="台账.csv",
                             unit=unit or tree.s1, commit=commit)


def test_preview_writes_nothing_confirm_writes_all(world, tree):
    before = table_fingerprint(TABLES)
    audits = AuditLog.objects.filter(kind=AuditLog.Kind.IMPORT)
    preview = run(tree, "street", GOOD)
    assert preview.ok and not preview.committed and [r.status for r in preview.rows] == ["new", "new"]
    assert table_fingerprint(TABLES) == before and audits.count() == 1
    done = run(tree, "street", GOOD, commit=True)
    assert done.committed and audits.count() == 2
    dance = SocialOrganisation.objects.get(name="爱莲湖舞蹈队")
    assert (dance.unit_id, dance.field, dance.stage, dance.leader_member_id) == (
        tree.c1.pk, SocialField.RECREATION, Stage.CULTIVATING, None)
    elder = SocialOrganisation.objects.get(name="六角亭助老会")
    # the leader found by mobile is the member's record (name carried over, nothing retyped)
    assert (elder.unit_id, elder.leader_member_id, elder.leader_name) == (tree.c2.pk, world.member.pk, "王党员")
    assert (elder.stage, elder.filing_status) == (Stage.FILED, FilingStatus.FILED)


@pytest.mark.parametrize("bad, column, code", [
    (["x", "群众娱乐", "C3", "a", "", "2023-01-01", "", "", ""], "所在社区编码", "unknown_unit"),  # outside S1
    (["x", "群众娱乐", "NOPE", "a", "", "2023-01-01", "", "", ""], "所在社区编码", "unknown_unit"),
    (["x", "跳舞", "C1", "a", "", "2023-01-01", "", "", ""], "领域", "bad_choice"),
    (["x", "群众娱乐", "C1", "a", "", "明年", "", "", ""], "成立日期", "bad_date"),
    (["x", "群众娱乐", "C1", "a", "13900000000", "2023-01-01", "", "", ""], "负责人身份证号或手机号",
     "member_not_found"),
    (["x", "群众娱乐", "C1", "a", "", "2023-01-01", "", "", "已出壳"], "备案状态", "filing_required"),
    (["爱莲湖舞蹈队", "群众娱乐", "C1", "a", "", "2023-01-01", "", "", ""], "名称", "duplicate"),  # twice in file
    (["爱莲湖好人协会", "群众娱乐", "C1", "a", "", "2023-01-01", "", "", ""], "名称", "invalid"),  # registered
    (["x", "群众娱乐", "C1", "", "", "2023-01-01", "", "", ""], "负责人", "invalid"),  # no leader at all
])
def test_one_bad_row_and_nothing_is_written(world, tree, bad, column, code):
    before = table_fingerprint(TABLES)
    result = run(tree, "street", [*GOOD, bad], commit=True)
    assert not result.committed and not result.ok
    assert [(e.row, e.column, e.code) for e in result.errors] == [(4, column, code)]
    assert [r.status for r in result.rows] == ["new", "new", "error"]
    assert table_fingerprint(TABLES) == before


def test_community_secretary_only_into_own_community(world, tree):
    result = run(tree, "community", GOOD, unit=tree.c1, commit=True)
    assert [(e.row, e.code) for e in result.errors] == [(3, "unknown_unit")]  # C2 is not theirs
    assert not SocialOrganisation.objects.filter(name="爱莲湖舞蹈队").exists()
    with pytest.raises(ScopeDenied):
        run(tree, "community", GOOD, unit=tree.s1)
    with pytest.raises(ScopeDenied):
        run(tree, "leader", GOOD, unit=tree.district)  # no IMPORT right


def test_bad_files_are_refused(world, tree):
    assert run(tree, "street", GOOD, columns=["名称", "领域"]).codes == {"missing_columns"}
    assert run(tree, "street", []).codes == {"empty"}


def _upload(rows=GOOD, name="台账.csv"):
    return SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")


def test_page_preview_then_confirm(client, world, tree):
    client.force_login(tree.users["street"])
    r = client.post("/governance/social-organisations/import/", {"unit": tree.s1.pk, "file": _upload()})
    assert r.status_code == 200 and r.context["result"].ok and r.context["token"]
    assert not SocialOrganisation.objects.filter(name="爱莲湖舞蹈队").exists()
    r = client.post("/governance/social-organisations/import/", {"confirm": "1", "token": r.context["token"]})
    assert r.status_code == 302
    assert SocialOrganisation.objects.filter(name__in=["爱莲湖舞蹈队", "六角亭助老会"]).count() == 2
    # the token is spent: a second confirmation imports nothing twice
    again = client.post("/governance/social-organisations/import/", {"confirm": "1", "token": "x"})
    assert again.status_code == 302 and SocialOrganisation.objects.filter(name="爱莲湖舞蹈队").count() == 1
    r = client.post("/governance/social-organisations/import/", {"unit": tree.s1.pk, "file": _upload(name="a.txt")})
    assert r.status_code == 400 and r.context["form"].has_error("file")
    r = client.post("/governance/social-organisations/import/",
                    {"unit": tree.s1.pk, "file": _upload([["x", "跳舞", "C1", "a", "", "2023-01-01", "", "", ""]])})
    assert r.status_code == 400 and not r.context["token"]
    assert client.get("/governance/social-organisations/import/template/")["Content-Type"].startswith(
        "application/vnd.openxml")


IMPORTERS = {"district", "street", "community", "community2", "other_street"}
MATRIX = [
    Case("social_org_import_form", lambda t: "/governance/social-organisations/import/", IMPORTERS),
    Case("social_org_import_template", lambda t: "/governance/social-organisations/import/template/", IMPORTERS),
    # a preview into C1 (community2 and other_street: C1 is not a unit they may pick → 400): writes nothing
    Case("social_org_import_preview", lambda t: "/governance/social-organisations/import/",
         {"district", "street", "community"}, method="post", models=TABLES, denied_status=(400, 404),
         data=lambda t: {"unit": t.c1.pk, "file": _upload([GOOD[0]])}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)
