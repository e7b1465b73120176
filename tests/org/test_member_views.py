"""Member pages: permission matrix, masking and audited reveals, filters, forms through the services,
transfers through their steps per role, the roster import in the browser, constant query counts."""
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from core.models import AuditLog
from core.testing import Case, run_matrix_case, table_fingerprint
from org import services
from org.imports import COLUMNS
from org.models import (
    DualRegistration,
    ImportRecord,
    ImportState,
    Member,
    Membership,
    OutsideUnitKind,
    PartTimeMember,
    Transfer,
    TransferBatch,
    TransferEvent,
    TransferState,
)

from .member_factories import MemberFactory, make_members, new_id_number, outside_unit

pytestmark = pytest.mark.django_db

LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street"}
ROLES = LOGGED_IN - {"norole"}
SEE_C1 = {"district", "leader", "street", "community"}
CHANGE_C1 = {"district", "street", "community"}  # CHANGE, MOVE, IMPORT and REVEAL over C1 alike
CHANGE_ANY = ROLES - {"leader"}
EXPORT_ANY = ROLES
HTMX = {"HX-Request": "true"}
WRITTEN = (Member, Membership, Transfer, TransferEvent, TransferBatch, DualRegistration, PartTimeMember)
M1_ID = "430103198805170017"  # a valid check digit; only for m1
M1_PHONE = "13912345678"


def url(name, *args):
    return lambda t: reverse(f"org:{name}", args=[a(t) if callable(a) else a for a in args])


def pk(attr):
    return lambda t: getattr(t, attr).pk


def build_world(tree):
    """Members m1 (P1), m2 (P2), m3 (P3); a requested transfer (B1 → P2), an approved one (P1 → P2), a
    dual registration at C1, a part-time member at S1, a draft SOE batch (run by the district) into C1."""
    admin = tree.users["district"]
    tree.m1 = MemberFactory(actor=admin, unit=tree.p1, name="王一", id_number=M1_ID, phone=M1_PHONE)
    tree.m2 = MemberFactory(actor=admin, unit=tree.p2, name="王二")
    tree.m3 = MemberFactory(actor=admin, unit=tree.p3, name="王三")
    mt = MemberFactory(actor=admin, unit=tree.b1, name="转出甲")
    ma = MemberFactory(actor=admin, unit=tree.p1, name="转出乙")
    tree.t_req = services.transfer_request(actor=admin, member=mt, to_unit=tree.p2, letter_no="L1")
    tree.t_app = services.transfer_request(actor=admin, member=ma, to_unit=tree.p2, letter_no="L2")
    services.transfer_approve(actor=admin, transfer=tree.t_app)
    services.dual_registration_create(actor=admin, member=tree.m1, community=tree.c1, commitment="志愿服务")
    dept = outside_unit(tree)
    services.part_time_member_create(actor=admin, seat=tree.s1, person_name="赵局长", home_unit=dept,
                                     term_from=date(2021, 1, 1))
    soe = outside_unit(tree, code="GQ1", kind=OutsideUnitKind.SOE, name="湘南煤矿")
    tree.batch = services.transfer_batch_create(
        actor=admin, source=soe, document_no="郴国资〔2021〕1号", registered_at=tree.district,
        items=[dict(name=f"退休{i}", id_number=new_id_number(1950 + i), to_unit=tree.c1) for i in range(2)])
    tree.record = ImportRecord.objects.create(unit=tree.c1, file_name="r.xlsx", created_by=tree.users["community"],
                                              state=ImportState.REFUSED, dry_run=True, total=1, errors=1,
                                              errors_report=[{"row": 2, "column": "姓名", "code": "required",
                                                              "message": "第 2 行 姓名：必填"}])
    return tree


@pytest.fixture
def world(tree):
    return build_world(tree)


def roster_xlsx(rows, headers=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster_row(id_number, unit="P1", name="李四", **over):
    base = {"姓名": name, "身份证号": id_number, "手机号": "13800001234", "学历": "本科", "人员类别": "退休",
            "所在党组织编码": unit, "居住小区/楼栋编码": "B1"}
    base.update(over)
    return base


def member_post(t, unit="p1"):
    return {"name": "新党员", "id_number": new_id_number(1990), "phone": "13700000000", "unit": getattr(t, unit).pk,
            "standing": "full", "category": "other", "status": "normal", "education": "bachelor"}


def upload(t):
    data = roster_xlsx([roster_row(new_id_number(1975))])
    return {"unit": t.c1.pk, "file": SimpleUploadedFile("roster.xlsx", data)}


class TestMemberViewMatrix:
    matrix_cases = [
        Case("list", url("member_list"), LOGGED_IN),
        Case("list_filtered", lambda t: reverse("org:member_list") + "?category=retired&age_band=35-45", LOGGED_IN),
        Case("detail_m1", url("member_detail", pk("m1")), SEE_C1),
        Case("detail_m3", url("member_detail", pk("m3")), {"district", "leader", "other_street"}),
        Case("create_form", url("member_create"), CHANGE_ANY),
        Case("create_p1", url("member_create"), CHANGE_C1, method="post", data=member_post, ok_status=(302,),
             denied_status=(200, 404), models=WRITTEN),  # another community: "not a valid choice", nothing written
        Case("update_form_m1", url("member_update", pk("m1")), CHANGE_C1),
        Case("update_m1", url("member_update", pk("m1")), CHANGE_C1, method="post", ok_status=(302,),
             data=lambda t: {"name": "王一（改）", "standing": "full", "category": "retired", "status": "normal"},
             models=WRITTEN),
        Case("reveal_m1", url("member_reveal", pk("m1")), CHANGE_C1, method="post", ok_status=(200,),
             data=lambda t: {"field": "id_number"}, models=WRITTEN),
        Case("reveal_m1_htmx", url("member_reveal", pk("m1")), CHANGE_C1, method="post", ok_status=(200,),
             data=lambda t: {"field": "phone"}, headers=HTMX, models=WRITTEN),
        Case("transfer_form_m1", url("member_transfer", pk("m1")), CHANGE_C1),
        Case("transfer_m1_by_code", url("member_transfer", pk("m1")), CHANGE_C1, method="post", ok_status=(302,),
             data=lambda t: {"to_unit_code": "P3", "letter_no": "L9"}, models=WRITTEN),
        Case("transfer_m1_pick_c2", url("member_transfer", pk("m1")), {"district", "street"}, method="post",
             ok_status=(302,), data=lambda t: {"to_unit": t.c2.pk}, models=WRITTEN),
        Case("export", url("member_export"), EXPORT_ANY),
        Case("export_reveal", lambda t: reverse("org:member_export") + "?reveal=1", EXPORT_ANY),
        Case("dual_registrations", url("dual_registration_list"), LOGGED_IN),
        Case("part_time_members", url("part_time_member_list"), LOGGED_IN),
        Case("transfers", url("transfer_list"), LOGGED_IN),
        # The receiving side (P2: C2's subtree) approves and completes; either side returns.
        Case("transfer_approve", url("transfer_approve", pk("t_req")), {"district", "street", "community2"},
             method="post", data=lambda t: {}, ok_status=(302,), models=WRITTEN),
        Case("transfer_return", url("transfer_return", pk("t_req")), {"district", "street", "community",
                                                                      "community2"},
             method="post", data=lambda t: {"reason": "材料不全"}, ok_status=(302,), models=WRITTEN),
        Case("transfer_complete", url("transfer_complete", pk("t_app")), {"district", "street", "community2"},
             method="post", data=lambda t: {}, ok_status=(302,), models=WRITTEN),
        Case("batches", url("transfer_batch_list"), LOGGED_IN),
        # C1's side (the receiving community and its street) sees the batch through its items.
        Case("batch_detail", url("transfer_batch_detail", pk("batch")), SEE_C1),
        Case("batch_complete", url("transfer_batch_complete", pk("batch")), {"district"}, method="post",
             data=lambda t: {}, ok_status=(302,), models=WRITTEN),
        Case("import_page", url("roster_import"), CHANGE_ANY),
        Case("import_template", url("roster_import_template"), CHANGE_ANY),
        Case("import_preview_c1", url("roster_import"), CHANGE_C1, method="post", data=upload,
             denied_status=(400, 404), models=WRITTEN),  # another unit: not a valid choice (400)
        Case("import_history", url("roster_import_list"), CHANGE_ANY),
        Case("import_record", url("roster_import_record", pk("record")), CHANGE_C1),
        Case("import_record_htmx", url("roster_import_record", pk("record")), CHANGE_C1, headers=HTMX),
        Case("import_errors", url("roster_import_errors", pk("record")), CHANGE_C1),
        Case("unit_detail_s1", url("orgunit_detail", pk("s1")), {"district", "leader", "street"}),
    ]

    def test_matrix(self, client, world, persona, case):
        run_matrix_case(client, world, persona, case)


# -- masking and reveal ----------------------------------------------------------------------------

@pytest.mark.parametrize("persona", sorted(SEE_C1))
def test_list_and_detail_never_show_plaintext(client, world, persona):
    client.force_login(world.users[persona])
    for target in (reverse("org:member_list"), reverse("org:member_detail", args=[world.m1.pk]),
                   reverse("org:member_update", args=[world.m1.pk]) if persona != "leader" else None):
        if target is None:
            continue
        body = client.get(target).content
        assert M1_ID.encode() not in body and M1_PHONE.encode() not in body
        assert world.m1.id_number_masked.encode() in body


@pytest.mark.parametrize("persona,can", [("district", True), ("street", True), ("community", True),
                                         ("leader", False)])
def test_reveal_button_only_for_reveal_roles(client, world, persona, can):
    client.force_login(world.users[persona])
    html = client.get(reverse("org:member_detail", args=[world.m1.pk])).content.decode()
    assert ('data-reveal="id_number"' in html) is can


def test_reveal_is_audited_and_shows_the_plaintext(client, world):
    client.force_login(world.users["community"])
    before = AuditLog.objects.filter(kind=AuditLog.Kind.REVEAL).count()
    r = client.post(reverse("org:member_reveal", args=[world.m1.pk]), {"field": "id_number"}, headers=HTMX)
    assert r.status_code == 200 and M1_ID.encode() in r.content and b"<html" not in r.content
    assert r["Cache-Control"].startswith("max-age=0") or "no-cache" in r["Cache-Control"]
    r = client.post(reverse("org:member_reveal", args=[world.m1.pk]), {"field": "phone"})
    assert r.status_code == 200 and M1_PHONE.encode() in r.content and M1_ID.encode() not in r.content
    logs = AuditLog.objects.filter(kind=AuditLog.Kind.REVEAL, object_id=str(world.m1.pk))
    assert logs.count() == before + 2
    assert set(logs.values_list("action", flat=True)) == {"member.reveal_id_number", "member.reveal_phone"}


@pytest.mark.parametrize("persona", ["leader", "community2", "other_street", "norole"])
def test_reveal_refused_is_404_without_plaintext_or_audit(client, world, persona):
    client.force_login(world.users[persona])
    r = client.post(reverse("org:member_reveal", args=[world.m1.pk]), {"field": "id_number"})
    assert r.status_code == 404 and M1_ID.encode() not in r.content
    assert not AuditLog.objects.filter(kind=AuditLog.Kind.REVEAL).exists()


def test_reveal_of_unknown_field_is_404(client, world):
    client.force_login(world.users["district"])
    assert client.post(reverse("org:member_reveal", args=[world.m1.pk]), {"field": "name"}).status_code == 404
    assert client.get(reverse("org:member_reveal", args=[world.m1.pk])).status_code == 405


# -- list: filters, search, scope ------------------------------------------------------------------

def _names(response):
    return sorted(m.name for m in response.context["page"].object_list)


def test_list_is_scoped(client, world):
    client.force_login(world.users["community"])
    assert _names(client.get(reverse("org:member_list"))) == ["王一", "转出乙", "转出甲"]
    client.force_login(world.users["other_street"])
    assert _names(client.get(reverse("org:member_list"))) == ["王三"]
    client.force_login(world.users["norole"])
    assert _names(client.get(reverse("org:member_list"))) == []


def test_list_filters(client, world):
    admin = world.users["district"]
    MemberFactory(actor=admin, unit=world.c3, name="青年", id_number=new_id_number(date.today().year - 25),
                  category="in_service", education="postgraduate", joined_on=date(2019, 7, 1))
    client.force_login(admin)
    get = lambda **q: _names(client.get(reverse("org:member_list"), q))  # noqa: E731
    assert get(unit="S2") == ["王三", "青年"]
    assert get(unit="C1") == ["王一", "转出乙", "转出甲"]
    assert get(category="in_service") == ["青年"]
    assert get(education="postgraduate") == ["青年"]
    assert get(age_band="under35") == ["青年"]
    assert get(joined_year="2019") == ["青年"]
    assert get(q="王") == ["王一", "王三", "王二"]
    assert get(q=M1_ID) == ["王一"]  # a full ID number is looked up by its keyed hash
    assert get(q=M1_PHONE) == ["王一"]
    services.member_update(actor=admin, member=world.m2, status="lost_contact")
    assert get(status="lost_contact") == ["王二"]


def test_list_unit_out_of_scope_is_a_form_error_like_missing(client, world):
    client.force_login(world.users["community"])
    forbidden = client.get(reverse("org:member_list"), {"unit": "C2"})
    missing = client.get(reverse("org:member_list"), {"unit": "NOPE"})
    assert forbidden.status_code == missing.status_code == 200
    assert forbidden.context["form"].errors == missing.context["form"].errors
    assert _names(forbidden) == []


def test_list_buttons_follow_roles(client, world):
    expected = {"district": {"create", "import", "export", "export-reveal"},
                "leader": {"export"},
                "community": {"create", "import", "export", "export-reveal"},
                "norole": set()}
    for persona, actions in expected.items():
        client.force_login(world.users[persona])
        html = client.get(reverse("org:member_list")).content.decode()
        assert {a for a in ("create", "import", "export", "export-reveal") if f'data-action="{a}"' in html} == actions


# -- forms --------------------------------------------------------------------------------------

def test_create_writes_through_the_service(client, world):
    client.force_login(world.users["community"])
    data = member_post(world)
    r = client.post(reverse("org:member_create"), data)
    member = Member.objects.get(name="新党员")
    assert r.status_code == 302 and r["Location"] == reverse("org:member_detail", args=[member.pk])
    assert member.unit_id == world.p1.pk and member.phone_masked == "137****0000"
    assert Membership.objects.filter(member=member, ended_on__isnull=True, unit=world.p1).exists()
    assert AuditLog.objects.filter(action="member.create", object_id=str(member.pk),
                                   actor_username="community").exists()


def test_create_offers_only_units_in_change_scope(client, world):
    client.force_login(world.users["community"])
    r = client.get(reverse("org:member_create"))
    offered = {u.code for u in r.context["form"].fields["unit"].queryset}
    assert offered == {"C1", "P1", "B1"}
    client.force_login(world.users["street"])
    r = client.get(reverse("org:member_create"))
    assert {u.code for u in r.context["form"].fields["unit"].queryset} == {"S1", "C1", "C2", "P1", "P2", "B1"}


def test_create_refusals_write_nothing(client, world):
    client.force_login(world.users["community"])
    before = table_fingerprint(WRITTEN + (AuditLog,))
    r = client.post(reverse("org:member_create"), {**member_post(world), "id_number": M1_ID})
    assert r.status_code == 200 and "id_number" in r.context["form"].errors  # duplicate
    r = client.post(reverse("org:member_create"), {**member_post(world), "id_number": M1_ID[:17] + "9"})
    assert r.status_code == 200 and "id_number" in r.context["form"].errors  # check digit
    r = client.post(reverse("org:member_create"), member_post(world, unit="p2"))
    assert r.status_code == 200 and "unit" in r.context["form"].errors  # sibling's unit
    assert table_fingerprint(WRITTEN + (AuditLog,)) == before


def test_update_keeps_blank_id_and_phone_and_changes_only_what_changed(client, world):
    client.force_login(world.users["community"])
    r = client.get(reverse("org:member_update", args=[world.m1.pk]))
    assert r.context["form"]["id_number"].value() in (None, "")
    r = client.post(reverse("org:member_update", args=[world.m1.pk]),
                    {"name": "王一（改）", "standing": "full", "category": "retired", "status": "normal",
                     "education": "bachelor", "joined_on": "2005-07-01"})
    assert r.status_code == 302
    m1 = Member.objects.get(pk=world.m1.pk)
    assert m1.name == "王一（改）" and m1.id_number_hash == world.m1.id_number_hash
    assert m1.phone_hash == world.m1.phone_hash
    log = AuditLog.objects.filter(action="member.update").latest("pk")
    assert set(log.after) <= {"name", "updated_at"}
    r = client.post(reverse("org:member_update", args=[world.m1.pk]),
                    {"name": "王一（改）", "standing": "full", "category": "retired", "status": "normal",
                     "education": "bachelor", "joined_on": "2005-07-01", "clear_phone": "on"})
    assert r.status_code == 302 and Member.objects.get(pk=world.m1.pk).phone_hash == ""


# -- transfers through the pages -----------------------------------------------------------------

def _actions(client, transfer):
    html = client.get(reverse("org:transfer_list")).content.decode()
    row = html.split(f'data-transfer-id="{transfer.pk}"', 1)[1].split("</tr>", 1)[0]
    return {a for a in ("approve", "return", "complete") if f'data-transfer-action="{a}"' in row}


@pytest.mark.parametrize("persona,expected", [
    ("district", {"approve", "return"}), ("street", {"approve", "return"}), ("community", {"return"}),
    ("community2", {"approve", "return"}), ("leader", set()),
])
def test_transfer_list_offers_the_allowed_steps(client, world, persona, expected):
    client.force_login(world.users[persona])
    assert _actions(client, world.t_req) == expected


def test_transfer_across_streets_through_the_pages(client, world):
    c, o = world.users["community"], world.users["other_street"]
    client.force_login(c)
    r = client.post(reverse("org:member_transfer", args=[world.m1.pk]), {"to_unit_code": "P3", "letter_no": "L7"})
    assert r.status_code == 302
    transfer = Transfer.objects.get(member=world.m1, state=TransferState.REQUESTED)
    assert _actions(client, transfer) == {"return"}
    # the sender cannot approve its own request
    assert client.post(reverse("org:transfer_approve", args=[transfer.pk])).status_code == 404
    client.force_login(o)
    assert _actions(client, transfer) == {"approve", "return"}
    assert client.post(reverse("org:transfer_approve", args=[transfer.pk])).status_code == 302
    assert client.post(reverse("org:transfer_complete", args=[transfer.pk])).status_code == 302
    m1 = Member.objects.get(pk=world.m1.pk)
    assert m1.unit_id == world.p3.pk
    assert list(Membership.objects.filter(member=m1).order_by("started_on", "pk").values_list(
        "unit__code", "ended_on")) == [("P1", date.today()), ("P3", None)]
    r = client.get(reverse("org:member_detail", args=[m1.pk]))
    html = r.content.decode()
    assert 'data-state="completed"' in html
    assert [e.to_state for e in r.context["transfers"][0].event_list] == ["requested", "approved", "completed"]
    client.force_login(c)  # no longer the community's member
    assert client.get(reverse("org:member_detail", args=[m1.pk])).status_code == 404


def test_transfer_by_unknown_code_is_a_form_error(client, world):
    client.force_login(world.users["community"])
    before = table_fingerprint(WRITTEN)
    r = client.post(reverse("org:member_transfer", args=[world.m1.pk]), {"to_unit_code": "NOPE"})
    assert r.status_code == 200 and "to_unit_code" in r.context["form"].errors
    r = client.post(reverse("org:member_transfer", args=[world.m1.pk]), {"to_unit_code": "P1"})
    assert r.status_code == 200 and r.context["form"].errors  # already there
    assert table_fingerprint(WRITTEN) == before


def test_return_needs_a_reason_and_wrong_steps_write_nothing(client, world):
    client.force_login(world.users["district"])
    before = table_fingerprint(WRITTEN)
    assert client.post(reverse("org:transfer_return", args=[world.t_req.pk]), {"reason": " "}).status_code == 302
    assert client.post(reverse("org:transfer_complete", args=[world.t_req.pk])).status_code == 302  # not approved
    assert client.post(reverse("org:transfer_approve", args=[world.t_app.pk])).status_code == 302  # approved already
    assert table_fingerprint(WRITTEN) == before
    r = client.post(reverse("org:transfer_return", args=[world.t_req.pk]), {"reason": "材料不全"})
    assert r.status_code == 302
    t = Transfer.objects.get(pk=world.t_req.pk)
    assert (t.state, t.return_reason, t.returned_by_id) == ("returned", "材料不全", world.users["district"].pk)


def test_batch_preview_and_complete(client, world):
    client.force_login(world.users["leader"])
    r = client.get(reverse("org:transfer_batch_detail", args=[world.batch.pk]))
    assert r.context["preview"]["total"] == 2 and not r.context["can_complete"]
    client.force_login(world.users["district"])
    r = client.get(reverse("org:transfer_batch_detail", args=[world.batch.pk]))
    assert r.context["can_complete"] and 'id="batch-complete"' in r.content.decode()
    assert client.post(reverse("org:transfer_batch_complete", args=[world.batch.pk])).status_code == 302
    assert TransferBatch.objects.get(pk=world.batch.pk).state == "completed"
    assert Member.objects.filter(unit=world.c1, name__startswith="退休").count() == 2


# -- roster import in the browser -------------------------------------------------------------------

def test_import_preview_then_confirm(client, world):
    client.force_login(world.users["community"])
    numbers = [new_id_number(1970 + i) for i in range(3)]
    bad = roster_xlsx([roster_row(numbers[0]), roster_row(numbers[1], unit="P2"), roster_row(numbers[2])])
    before = table_fingerprint(WRITTEN)
    r = client.post(reverse("org:roster_import"), {"unit": world.c1.pk,
                                                   "file": SimpleUploadedFile("r.xlsx", bad)})
    assert r.status_code == 400 and not r.context["result"].ok and not r.context["token"]
    assert [(e.row, e.code) for e in r.context["result"].errors] == [(3, "unit_code")]
    assert 'data-row="3" data-status="error"' in r.content.decode()
    good = roster_xlsx([roster_row(n) for n in numbers])
    r = client.post(reverse("org:roster_import"), {"unit": world.c1.pk, "file": SimpleUploadedFile("r.xlsx", good)})
    assert r.status_code == 200 and r.context["result"].ok and r.context["token"]
    assert table_fingerprint(WRITTEN) == before  # a preview writes nothing
    r = client.post(reverse("org:roster_import"), {"confirm": "1", "token": r.context["token"],
                                                   "unit": world.c1.pk})
    assert r.status_code == 302 and r["Location"].startswith(reverse("org:member_list"))
    assert Member.objects.filter(name="李四").count() == 3
    # the token is spent
    r2 = client.post(reverse("org:roster_import"), {"confirm": "1", "token": "x", "unit": world.c1.pk})
    assert r2.status_code == 302 and Member.objects.filter(name="李四").count() == 3
    records = ImportRecord.objects.filter(created_by=world.users["community"]).order_by("pk")
    assert [r.state for r in records][-3:] == ["refused", "previewed", "completed"]


def test_large_import_runs_in_the_background_with_progress_and_error_report(client, world, monkeypatch):
    from org.views import imports as import_views

    monkeypatch.setattr(import_views, "BACKGROUND_BYTES", 10)
    client.force_login(world.users["community"])
    numbers = [new_id_number(1960 + i) for i in range(4)]
    bad = roster_xlsx([roster_row(numbers[0]), roster_row(numbers[1], 姓名="")])
    r = client.post(reverse("org:roster_import"), {"unit": world.c1.pk, "file": SimpleUploadedFile("big.xlsx", bad)})
    assert r.status_code == 302
    record = ImportRecord.objects.latest("pk")
    assert r["Location"] == reverse("org:roster_import_record", args=[record.pk])
    assert record.state == ImportState.REFUSED and record.dry_run and record.errors == 1
    r = client.get(r["Location"], headers=HTMX)
    assert b"<html" not in r.content and b'data-state="refused"' in r.content and not r.context["can_confirm"]
    r = client.get(reverse("org:roster_import_errors", args=[record.pk]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    good = roster_xlsx([roster_row(n) for n in numbers])
    r = client.post(reverse("org:roster_import"), {"unit": world.c1.pk, "file": SimpleUploadedFile("big.xlsx", good)})
    preview = ImportRecord.objects.latest("pk")
    assert preview.state == ImportState.PREVIEWED and Member.objects.filter(name="李四").count() == 0
    assert client.get(r["Location"]).context["can_confirm"]
    r = client.post(reverse("org:roster_import_record_confirm", args=[preview.pk]))
    done = ImportRecord.objects.latest("pk")
    assert r["Location"] == reverse("org:roster_import_record", args=[done.pk])
    assert done.state == ImportState.COMPLETED and not done.dry_run and done.created == 4
    assert Member.objects.filter(name="李四").count() == 4
    # a running record polls itself
    ImportRecord.objects.filter(pk=done.pk).update(state=ImportState.RUNNING)
    html = client.get(reverse("org:roster_import_record", args=[done.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and 'id="import-progress"' in html
    # a completed import cannot be confirmed again
    n = ImportRecord.objects.count()
    client.post(reverse("org:roster_import_record_confirm", args=[done.pk]))
    assert ImportRecord.objects.count() == n


def test_import_history_is_scoped(client, world):
    ImportRecord.objects.create(unit=world.c3, file_name="c3.xlsx", state=ImportState.COMPLETED)
    client.force_login(world.users["community"])
    names = [r.file_name for r in client.get(reverse("org:roster_import_list")).context["page"].object_list]
    assert names == ["r.xlsx"]
    client.force_login(world.users["district"])
    names = {r.file_name for r in client.get(reverse("org:roster_import_list")).context["page"].object_list}
    assert names == {"r.xlsx", "c3.xlsx"}


# -- tree pages show member counts ------------------------------------------------------------------

def test_tree_pages_show_cumulative_member_counts(client, world):
    client.force_login(world.users["street"])
    r = client.get(reverse("org:orgunit_detail", args=[world.s1.pk]))
    # S1: m1, m2, the two transfer members (B1, P1); the batch members are still held outside the tree
    assert r.context["member_count"] == 4
    assert [(c.code, c.member_count) for c in r.context["children"]] == [("C1", 3), ("C2", 1)]
    r = client.get(reverse("org:orgunit_children", args=[world.c1.pk]), headers=HTMX)
    assert [(c.code, c.member_count) for c in r.context["children"]] == [("P1", 3)]
    assert 'data-count="members" data-value="3"' in r.content.decode()
    r = client.get(reverse("org:orgunit_tree"))
    assert r.context["roots"][0].member_count == 4


# -- query counts -----------------------------------------------------------------------------------

PAGES = {
    "member_list": lambda t: reverse("org:member_list"),
    "member_list_filtered": lambda t: reverse("org:member_list") + "?unit=S1&category=retired&q=党员",
    "member_list_page2": lambda t: reverse("org:member_list") + "?page=2",
    "transfers": lambda t: reverse("org:transfer_list"),
    "dual_registrations": lambda t: reverse("org:dual_registration_list"),
    "part_time_members": lambda t: reverse("org:part_time_member_list"),
    "batches": lambda t: reverse("org:transfer_batch_list"),
    "unit_detail_s1": lambda t: reverse("org:orgunit_detail", args=[t.s1.pk]),
    "tree": lambda t: reverse("org:orgunit_tree"),
}


def _count(client, target, headers=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target, headers=headers or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(tree, n):
    admin = tree.users["district"]
    members = make_members(tree, tree.p1, n // 2) + make_members(tree, tree.p2, n - n // 2)
    for m in members[:10]:
        services.transfer_request(actor=admin, member=m, to_unit=tree.p3)
    dept = outside_unit(tree, code=f"QZ{n}", name="区财政局")
    for i in range(10):
        services.part_time_member_create(actor=admin, seat=tree.c1, person_name=f"兼职{i}", home_unit=dept,
                                         term_from=date(2021, 1, 1))
        services.dual_registration_create(actor=admin, member=members[20 + i], community=tree.c2)


@pytest.mark.parametrize("persona", ["district", "street"])
def test_member_pages_run_constant_queries(client, world, persona):
    client.force_login(world.users[persona])
    _grow(world, 60)  # enough for page 2 of the member list
    small = {name: _count(client, page(world)) for name, page in PAGES.items()}
    _grow(world, 120)
    big = {name: _count(client, page(world)) for name, page in PAGES.items()}
    print(f"queries {persona}: {small}")
    assert Member.objects.count() > 180
    assert small == big


# -- the Django admin ----------------------------------------------------------------------------------

def test_admin_members_are_scoped_masked_and_import_links_to_the_browser_page(client, world):
    from accounts.models import User

    User.objects.filter(username__in=["community", "leader"]).update(is_staff=True)
    client.force_login(User.objects.get(username="community"))
    r = client.get("/admin/org/member/")
    assert r.status_code == 200
    assert {m.name for m in r.context["cl"].result_list} == {"王一", "转出甲", "转出乙"}
    assert M1_ID.encode() not in r.content and b'id="admin-roster-import"' in r.content
    r = client.get(f"/admin/org/member/{world.m1.pk}/change/")
    assert r.status_code == 200 and M1_ID.encode() not in r.content and M1_PHONE.encode() not in r.content
    assert client.get(f"/admin/org/member/{world.m2.pk}/change/").status_code == 302  # out of scope
    data = {"name": "王一（后台）", "standing": "full", "category": "retired", "status": "normal",
            "education": "bachelor", "joined_on": "2005-07-01", "ethnicity": "", "note": "",
            "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1", "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": Membership.objects.get(member=world.m1).pk, "memberships-0-member": world.m1.pk}
    r = client.post(f"/admin/org/member/{world.m1.pk}/change/", data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    assert Member.objects.get(pk=world.m1.pk).name == "王一（后台）"
    assert AuditLog.objects.filter(action="member.update", actor_username="community").exists()
    assert reverse("org:roster_import").encode() in client.get("/admin/org/member/").content
    assert client.get("/admin/org/member/add/").status_code == 403  # members are added by the services' pages
    client.force_login(User.objects.get(username="leader"))
    assert client.get(reverse("org:roster_import")).status_code == 404  # the link leads nowhere without IMPORT
    r = client.get("/admin/org/transfer/")
    assert r.status_code == 200 and len(r.context["cl"].result_list) == 4  # two single, two batch items
