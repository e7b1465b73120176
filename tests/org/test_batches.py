"""Batch transfers (组织关系移交) in the browser and the API: the permission matrix of every page and
endpoint, upload → preview → confirm all-or-nothing with row errors, matching by ID number, routing by
code / address / recorded residence, the item steps on the batch page, a street refused into another
street, and query counts that do not grow with the rows."""
import csv
import io
import json
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from core.scoping import ScopeDenied, forget_scope
from core.testing import Case, run_matrix_case, table_fingerprint
from org import services
from org.batch_import import COL_ADDRESS, COL_ID, COL_NAME, COL_TO, COLUMNS, resolve_batch_rows
from org.models import (
    Member,
    Membership,
    OutsideUnitKind,
    Transfer,
    TransferBatch,
    TransferEvent,
)

from .member_factories import new_id_number, outside_unit

pytestmark = pytest.mark.django_db

LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street"}
CHANGE_ANY = LOGGED_IN - {"norole", "leader"}
CHANGE_C1 = {"district", "street", "community"}
SEE_C1 = {"district", "leader", "street", "community"}
WRITTEN = (Member, Membership, Transfer, TransferEvent, TransferBatch)  # denials are audited: not watched
API = "/api/org/transfer-batches/"


def held(tree, soe, n, residence=None, year=1950):
    """``n`` retirees registered as held at ``soe`` (their org relationship still outside the tree)."""
    numbers = [new_id_number(year + i % 10) for i in range(n)]
    services.member_bulk_create(actor=tree.users["district"], specs=[
        dict(name=f"退休{i:04d}", id_number=number, outside_unit=soe, category="retired", residence=residence)
        for i, number in enumerate(numbers)])
    return numbers


def build_world(tree):
    admin = tree.users["district"]
    tree.soe = outside_unit(tree, code="GQ1", kind=OutsideUnitKind.SOE, name="湘南煤矿")
    tree.at_p1 = held(tree, tree.soe, 6, residence=tree.p1)  # live in C1's compound
    tree.at_p3 = held(tree, tree.soe, 2, residence=tree.p3)  # live in S2
    tree.batch = services.transfer_batch_create(
        actor=admin, source=tree.soe, document_no="郴组通〔2021〕1号", registered_at=tree.district,
        items=[dict(id_number=n, to_unit=tree.c1) for n in tree.at_p1[:3]])
    items = list(tree.batch.transfers.order_by("pk"))
    tree.item_req, tree.item_app = items[0], items[1]
    services.transfer_approve(actor=admin, transfer=tree.item_app)
    return tree


@pytest.fixture
def world(tree):
    return build_world(tree)


def xlsx(rows, headers=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, headers=COLUMNS) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow([r.get(h, "") for h in headers])
    return buf.getvalue().encode("utf-8-sig")


def header(t, document_no="郴组通〔2021〕9号", unit="c1"):
    return {"source": t.soe.pk, "document_no": document_no, "registered_at": getattr(t, unit).pk, "note": ""}


def upload_c1(t):
    data = xlsx([{COL_ID: t.at_p1[4], COL_TO: "C1"}, {COL_ID: t.at_p1[5]}])  # by code, by recorded residence
    return {**header(t), "file": SimpleUploadedFile("list.xlsx", data)}


def api_rows_c1(t):
    return {**header(t), "rows": [{"id_number": t.at_p1[4], "to_unit_code": "C1"},
                                  {"id_number": new_id_number(1952), "name": "新人", "address": "爱莲湖小区"}]}


def url(name, *args):
    return lambda t: reverse(f"org:{name}", args=[a(t) if callable(a) else a for a in args])


def pk(attr):
    return lambda t: getattr(t, attr).pk


class TestBatchMatrix:
    matrix_cases = [
        Case("list", url("transfer_batch_list"), LOGGED_IN),
        Case("list_unit_filter", lambda t: reverse("org:transfer_batch_list") + "?unit=C1", SEE_C1, ok_status=(200,),
             denied_status=(400,)),
        Case("new_form", url("transfer_batch_create"), CHANGE_ANY),
        Case("template", url("transfer_batch_template"), CHANGE_ANY),
        # Run by C1 into C1: another unit's people get "not a valid choice" (400), nothing written.
        Case("new_preview_c1", url("transfer_batch_create"), CHANGE_C1, method="post", data=upload_c1,
             ok_status=(200,), denied_status=(400, 404), models=WRITTEN),
        # Run by the district into C1: C1's side sees it through its items; the batch's runner completes it.
        Case("detail", url("transfer_batch_detail", pk("batch")), SEE_C1),
        Case("complete_all", url("transfer_batch_complete", pk("batch")), {"district"}, method="post",
             data=lambda t: {}, ok_status=(302,), models=WRITTEN),
        Case("item_approve", url("transfer_approve", pk("item_req")), CHANGE_C1, method="post",
             data=lambda t: {"next": reverse("org:transfer_batch_detail", args=[t.batch.pk])}, ok_status=(302,),
             models=WRITTEN),
        Case("item_return", url("transfer_return", pk("item_req")), CHANGE_C1, method="post",
             data=lambda t: {"reason": "本人已迁居外地"}, ok_status=(302,), models=WRITTEN),
        Case("item_complete", url("transfer_complete", pk("item_app")), CHANGE_C1, method="post",
             data=lambda t: {}, ok_status=(302,), models=WRITTEN),
        # API
        Case("api_list", lambda t: API, LOGGED_IN, api=True),
        Case("api_list_unit", lambda t: f"{API}?unit=C1", SEE_C1, api=True, ok_status=(200,), denied_status=(400,)),
        Case("api_detail", lambda t: f"{API}{t.batch.pk}/", SEE_C1, api=True),
        Case("api_create_c1", lambda t: API, CHANGE_C1, method="post", api=True, data=api_rows_c1,
             ok_status=(201,), denied_status=(400,), models=WRITTEN),
        Case("api_complete", lambda t: f"{API}{t.batch.pk}/complete/", {"district"}, method="post", api=True,
             data=lambda t: {}, ok_status=(200,), models=WRITTEN),
    ]

    def test_matrix(self, client, world, persona, case):
        run_matrix_case(client, world, persona, case)


# -- upload → preview → confirm ---------------------------------------------------------------------------

def test_preview_then_confirm_matches_and_routes(client, world):
    t = world
    client.force_login(t.users["district"])
    new_number = new_id_number(1948)
    rows = [
        {COL_ID: t.at_p1[3], COL_TO: "C2"},                          # code column
        {COL_ID: t.at_p1[4], COL_ADDRESS: "六角亭小区"},               # address names a compound (C2's)
        {COL_ID: t.at_p1[5]},                                        # recorded residence P1 → C1
        {COL_ID: t.at_p3[0]},                                        # recorded residence P3 → C3
        {COL_ID: new_number, COL_NAME: "新退休", COL_ADDRESS: "P3"},  # not registered yet: a new member
    ]
    before = table_fingerprint(WRITTEN)
    r = client.post(reverse("org:transfer_batch_create"),
                    {**header(t, unit="district"), "file": SimpleUploadedFile("l.xlsx", xlsx(rows))})
    assert r.status_code == 200 and r.context["token"]
    plan = r.context["plan"]
    assert plan.ok and [row.status for row in plan.rows] == ["matched"] * 4 + ["new"]
    assert [(row.to_unit.code, row.via) for row in plan.rows] == [
        ("C2", "code"), ("C2", "address"), ("C1", "residence"), ("C3", "residence"), ("C3", "address")]
    assert table_fingerprint(WRITTEN) == before  # a preview writes nothing
    r = client.post(reverse("org:transfer_batch_create"),
                    {**header(t, unit="district"), "token": r.context["token"], "confirm": "1"})
    assert r.status_code == 302
    batch = TransferBatch.objects.get(document_no="郴组通〔2021〕9号")
    assert r["Location"] == reverse("org:transfer_batch_detail", args=[batch.pk])
    assert batch.state == "draft" and batch.registered_at_id == t.district.pk
    got = Counter(batch.transfers.values_list("to_unit__code", flat=True))
    assert got == {"C2": 2, "C1": 1, "C3": 2}
    newcomer = Member.objects.get(name="新退休")
    assert newcomer.outside_unit_id == t.soe.pk and newcomer.residence_id == t.p3.pk
    r = client.post(reverse("org:transfer_batch_complete", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == "completed" and Member.objects.filter(outside_unit=t.soe).count() == 4  # batch 1, at_p3[1]


def test_csv_upload_is_read_like_xlsx(client, world):
    client.force_login(world.users["community"])
    data = csv_bytes([{COL_ID: world.at_p1[4], COL_TO: "C1"}])
    r = client.post(reverse("org:transfer_batch_create"),
                    {**header(world), "file": SimpleUploadedFile("l.csv", data)})
    assert r.status_code == 200 and r.context["plan"].ok


def test_bad_rows_refuse_the_whole_file(client, world):
    t = world
    client.force_login(t.users["district"])
    stranger = new_id_number(1960)
    services.member_create(actor=t.users["district"], name="在册", id_number=stranger, unit=t.p2)
    rows = [
        {COL_ID: t.at_p1[3], COL_TO: "C1"},
        {COL_ID: t.at_p1[3], COL_TO: "C1"},          # row 3: the same person again
        {COL_ID: "430102195001011230", COL_TO: "C1"},  # row 4: bad check digit
        {COL_ID: stranger, COL_TO: "C1"},             # row 5: a member not held at the source
        {COL_ID: t.at_p1[0], COL_TO: "C1"},           # row 6: already in a batch under way
        {COL_ID: new_id_number(1951), COL_TO: "C1"},  # row 7: new person without a name
        {COL_ID: t.at_p1[4], COL_TO: "NOPE"},         # row 8: unknown code
        {COL_ID: t.at_p1[5], COL_ADDRESS: "无此小区"},  # row 9: unknown compound
        {COL_ID: new_id_number(1953), COL_NAME: "甲"},  # row 10: nowhere to go
        {COL_ID: "", COL_TO: "C1"},                   # row 11: no ID number
    ]
    before = table_fingerprint(WRITTEN)
    r = client.post(reverse("org:transfer_batch_create"),
                    {**header(t, unit="district"), "file": SimpleUploadedFile("l.xlsx", xlsx(rows))})
    assert r.status_code == 400 and not r.context["token"]
    errors = {(e.row, e.code) for e in r.context["plan"].errors}
    assert errors == {(3, "duplicate_file"), (4, "checksum"), (5, "not_held"), (6, "open_transfer"),
                      (7, "required"), (8, "unit_code"), (9, "address"), (10, "no_destination"), (11, "required")}
    assert r.context["plan"].rows[0].status == "matched"
    assert table_fingerprint(WRITTEN) == before


def test_confirm_rechecks_and_writes_nothing_when_a_row_went_bad(client, world):
    t = world
    client.force_login(t.users["district"])
    data = xlsx([{COL_ID: t.at_p1[4], COL_TO: "C1"}, {COL_ID: t.at_p1[5], COL_TO: "C1"}])
    r = client.post(reverse("org:transfer_batch_create"),
                    {**header(t, unit="district"), "file": SimpleUploadedFile("l.xlsx", data)})
    token = r.context["token"]
    # Meanwhile the second person is put into another batch: the confirmation must refuse the whole list.
    services.transfer_batch_create(actor=t.users["district"], source=t.soe, document_no="另一批",
                                   registered_at=t.district, items=[dict(id_number=t.at_p1[5], to_unit=t.c1)])
    before = table_fingerprint(WRITTEN)
    r = client.post(reverse("org:transfer_batch_create"), {**header(t, unit="district"), "token": token,
                                                           "confirm": "1"})
    assert r.status_code == 400 and r.context["plan"].codes == {"open_transfer"}
    assert table_fingerprint(WRITTEN) == before
    assert not TransferBatch.objects.filter(document_no="郴组通〔2021〕9号").exists()


def test_a_street_cannot_run_a_batch_into_another_street(client, world):
    t = world
    client.force_login(t.users["street"])
    before = table_fingerprint(WRITTEN)
    rows = [{COL_ID: t.at_p3[0], COL_TO: "C3"}, {COL_ID: t.at_p3[1]}, {COL_ID: t.at_p1[4], COL_ADDRESS: "御景湾小区"}]
    r = client.post(reverse("org:transfer_batch_create"),
                    {**header(t, unit="s1"), "file": SimpleUploadedFile("l.xlsx", xlsx(rows))})
    assert r.status_code == 400
    assert {(e.row, e.code) for e in r.context["plan"].errors} == {(2, "unit_code"), (3, "residence_scope"),
                                                                   (4, "address")}
    # Run by S2 (not theirs): not a valid choice.
    r = client.post(reverse("org:transfer_batch_create"),
                    {**header(t, unit="s2"), "file": SimpleUploadedFile("l.xlsx", xlsx(rows[:1]))})
    assert r.status_code == 400 and "registered_at" in r.context["form"].errors
    # The API: the same row errors, 400.
    r = client.post(API, data=json.dumps({**header(t, unit="s1"), "rows": [{"id_number": t.at_p3[0],
                                                                            "to_unit_code": "C3"}]}),
                    content_type="application/json")
    assert r.status_code == 400 and [e["code"] for e in r.json()["rows"]] == ["unit_code"]
    # And the service itself, bypassing the matching.
    with pytest.raises(ScopeDenied):
        services.transfer_batch_create(actor=t.users["street"], source=t.soe, document_no="X", registered_at=t.s1,
                                       items=[dict(id_number=t.at_p3[0], to_unit=t.c3)])
    assert table_fingerprint(WRITTEN) == before


# -- the batch page: item steps and complete-all ------------------------------------------------------------

def test_item_steps_then_complete_the_rest(client, world):
    t = world
    client.force_login(t.users["community"])
    page = client.get(reverse("org:transfer_batch_detail", args=[t.batch.pk]))
    items = {i.pk: i for i in page.context["page"].object_list}
    assert items[t.item_req.pk].can_approve and items[t.item_app.pk].can_complete
    assert not page.context["can_complete"]  # complete-all is the running side's (the district)
    back = reverse("org:transfer_batch_detail", args=[t.batch.pk])
    r = client.post(reverse("org:transfer_complete", args=[t.item_app.pk]), {"next": back})
    assert r.status_code == 302 and r["Location"] == back
    assert Member.objects.get(pk=t.item_app.member_id).unit_id == t.c1.pk
    assert client.post(reverse("org:transfer_return", args=[t.item_req.pk]), {"reason": "已迁出"}).status_code == 302
    assert Transfer.objects.get(pk=t.item_req.pk).state == "returned"
    client.force_login(t.users["district"])
    preview = client.get(back).context["preview"]
    assert preview["open"] == 1 and preview["can_complete"]
    assert client.post(reverse("org:transfer_batch_complete", args=[t.batch.pk])).status_code == 302
    t.batch.refresh_from_db()
    assert t.batch.state == "completed"
    assert Counter(t.batch.transfers.values_list("state", flat=True)) == {"completed": 2, "returned": 1}
    assert Member.objects.get(pk=t.item_req.member_id).outside_unit_id == t.soe.pk  # returned: still held


def test_last_item_completed_alone_completes_the_batch(world):
    t = world
    admin = t.users["district"]
    rest = t.batch.transfers.exclude(pk__in=[t.item_app.pk]).order_by("pk")
    services.transfer_return(actor=admin, transfer=rest[0], reason="不转")
    services.transfer_approve(actor=admin, transfer=rest[1])
    services.transfer_complete(actor=admin, transfer=t.item_app)
    assert TransferBatch.objects.get(pk=t.batch.pk).state == "draft"
    services.transfer_complete(actor=admin, transfer=Transfer.objects.get(pk=rest[1].pk))
    assert TransferBatch.objects.get(pk=t.batch.pk).state == "completed"


# -- the API ------------------------------------------------------------------------------------------------

def test_api_create_from_a_file_then_complete(client, world):
    t = world
    client.force_login(t.users["district"])
    data = csv_bytes([{COL_ID: t.at_p1[4], COL_TO: "C1"}, {COL_ID: t.at_p1[5], COL_ADDRESS: "P2"}])
    r = client.post(API, {**header(t, unit="district"), "file": SimpleUploadedFile("l.csv", data)})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "draft" and [i["to_unit_code"] for i in body["items"]] == ["C1", "C2"]
    assert body["preview"]["can_complete"]
    r = client.post(f"{API}{body['id']}/complete/")
    assert r.status_code == 200 and r.json()["state"] == "completed"
    assert set(Member.objects.filter(id_number_hash__in=Member.objects.filter(
        pk__in=[i["member"] for i in body["items"]]).values("id_number_hash")).values_list("unit__code", flat=True)) \
        == {"C1", "C2"}
    r = client.post(f"{API}{body['id']}/complete/")
    assert r.status_code == 400  # completed already


def test_api_row_errors_write_nothing(client, world):
    t = world
    client.force_login(t.users["district"])
    before = table_fingerprint(WRITTEN)
    payload = {**header(t, unit="district"), "rows": [{"id_number": t.at_p1[4], "to_unit_code": "C1"},
                                                      {"id_number": "123", "to_unit_code": "C1"}]}
    r = client.post(API, data=json.dumps(payload), content_type="application/json")
    assert r.status_code == 400 and [(e["row"], e["column"]) for e in r.json()["rows"]] == [(2, COL_ID)]
    r = client.post(API, data=json.dumps({**header(t, unit="district")}), content_type="application/json")
    assert r.status_code == 400 and "rows" in r.json()
    r = client.post(API, data=json.dumps({**header(t, unit="district"), "document_no": t.batch.document_no,
                                          "rows": payload["rows"][:1]}), content_type="application/json")
    assert r.status_code == 400 and "document_no" in r.json()
    assert table_fingerprint(WRITTEN) == before


def test_api_unit_filter_and_state(client, world):
    t = world
    client.force_login(t.users["district"])
    assert [b["id"] for b in client.get(f"{API}?unit=C1").json()["results"]] == [t.batch.pk]
    assert client.get(f"{API}?unit=C3").json()["results"] == []
    assert client.get(f"{API}?state=completed").json()["results"] == []
    assert client.get(f"{API}?state=bogus").status_code == 400
    client.force_login(t.users["community2"])
    assert client.get(f"{API}?unit=C1").status_code == 400  # not in scope: the same as unknown
    assert client.get(f"{API}{t.batch.pk}/").status_code == 404


# -- scale: queries independent of the rows ---------------------------------------------------------------

def _queries(ctx) -> Counter:
    """Statements by kind: ``bulk`` (INSERTs and bulk UPDATEs, which the backend may split into several
    statements by its parameter limit) and ``other`` (everything else: must not depend on the rows)."""
    kinds = Counter()
    for q in ctx.captured_queries:
        sql = q["sql"].lstrip().upper()
        bulk = sql.startswith("INSERT") or (sql.startswith("UPDATE") and "CASE WHEN" in sql)
        kinds["bulk" if bulk else "other"] += 1
    return kinds


def _run_batch(tree, soe, numbers, document_no):
    rows = [(i + 2, {COL_ID: n}) for i, n in enumerate(numbers)]  # routed by their recorded residence
    admin = tree.users["district"]
    forget_scope(admin)  # both sizes start from a cold scope cache
    with CaptureQueriesContext(connection) as ctx:
        plan = resolve_batch_rows(actor=admin, source=soe, registered_at=tree.district, rows=rows)
        assert plan.ok
        batch = services.transfer_batch_create(actor=admin, source=soe, document_no=document_no,
                                               registered_at=tree.district, items=plan.items)
    matched = _queries(ctx)
    forget_scope(admin)
    with CaptureQueriesContext(connection) as ctx:
        services.transfer_batch_complete(actor=admin, batch=batch)
    return matched, _queries(ctx)


def _statements(model, n: int, fields: int | None = None) -> int:
    """How many statements the backend needs to write ``n`` rows of ``model`` in bulk (1 on PostgreSQL;
    SQLite caps the parameters of one statement). ``fields``: a bulk UPDATE of that many fields."""
    names = ["pk"] * (fields + 2) if fields else [f for f in model._meta.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(names, [None] * n) or n
    return -(-n // size)


def test_match_create_and_complete_queries_do_not_grow_with_rows(tree):
    soe = outside_unit(tree, code="GQ9", kind=OutsideUnitKind.SOE, name="郴州电厂")
    small, big = held(tree, soe, 20, residence=tree.p1), held(tree, soe, 200, residence=tree.p1)
    created_small, completed_small = _run_batch(tree, soe, small, "S")
    created_big, completed_big = _run_batch(tree, soe, big, "B")
    assert created_small["other"] == created_big["other"]
    assert completed_small["other"] == completed_big["other"]
    for kinds, n in ((created_small, 20), (created_big, 200)):
        # the batch row, the transfers, their events and the one audit row
        assert kinds["bulk"] <= 1 + _statements(Transfer, n) + _statements(TransferEvent, n) + 1
    for kinds, n in ((completed_small, 20), (completed_big, 200)):
        # the members (4 fields), the new memberships, two events per item, the member counters of the
        # receiving units (one statement) and the one audit row
        assert kinds["bulk"] <= (_statements(Member, n, fields=4) + _statements(Membership, n)
                                 + _statements(TransferEvent, 2 * n) + 1 + 1)
    assert created_small["bulk"] >= 3 and completed_small["bulk"] >= 4  # the writes were seen at all


def _list_queries(client, user, name, *args) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(name, args=args)).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_detail_pages_run_constant_queries(client, tree):
    admin = tree.users["district"]
    soe = outside_unit(tree, code="GQ8", kind=OutsideUnitKind.SOE, name="郴州钢厂")
    people = held(tree, soe, 60, residence=tree.p1)
    first = services.transfer_batch_create(actor=admin, source=soe, document_no="D0", registered_at=tree.district,
                                           items=[dict(id_number=n, to_unit=tree.c1) for n in people[:3]])
    for user in ("district", "community"):
        list_small = _list_queries(client, tree.users[user], "org:transfer_batch_list")
        detail_small = _list_queries(client, tree.users[user], "org:transfer_batch_detail", first.pk)
        if user == "district":
            for i in range(8):
                services.transfer_batch_create(
                    actor=admin, source=soe, document_no=f"D{i + 1}", registered_at=tree.district,
                    items=[dict(id_number=n, to_unit=tree.c1 if i % 2 else tree.c2) for n in people[3 + i * 6:9 + i * 6]])
            services.transfer_batch_create(actor=admin, source=soe, document_no="D-big", registered_at=tree.district,
                                           items=[dict(id_number=n, to_unit=tree.c1) for n in people[51:]])
        big = TransferBatch.objects.get(document_no="D-big")
        assert _list_queries(client, tree.users[user], "org:transfer_batch_list") == list_small
        assert _list_queries(client, tree.users[user], "org:transfer_batch_detail", big.pk) == detail_small


def test_template_download(client, tree):
    client.force_login(tree.users["community"])
    r = client.get(reverse("org:transfer_batch_template"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
