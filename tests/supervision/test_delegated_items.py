"""Delegated service items 下放服务事项 kept by the district: create, edit, withdraw with history, through
the pages and the API; only CHANGE over the district root may (others 404, nothing written)."""
import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import Case, run_matrix_case, table_fingerprint
from org.models import OutsideUnit, OutsideUnitKind
from supervision import figures, services
from supervision.choices import DelegatedItemAction, ReceivingLevel
from supervision.models import DelegatedServiceItem, DelegatedServiceItemEvent

pytestmark = pytest.mark.django_db

LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street"}
DISTRICT = {"district"}
WATCH = (DelegatedServiceItem, DelegatedServiceItemEvent)


def _depts(tree):
    return [OutsideUnit.objects.create(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code=f"QZ{n}", name=name,
                                       short_name=name, registered_at=tree.district)
            for n, name in enumerate(["区民政局", "区人社局"], start=1)]


def make_item(tree, dept, code="XF001", **kw):
    return services.delegated_service_item_create(
        actor=tree.users["district"], owner=tree.district, code=code, name=kw.pop("name", "居住证明"),
        department=dept, receiving_level=kw.pop("receiving_level", ReceivingLevel.COMMUNITY),
        delegated_on=kw.pop("delegated_on", dt.date(2021, 3, 1)), **kw)


def page(name, *args, query=""):
    return lambda t: reverse(f"supervision:{name}", args=[a(t) for a in args]) + query


def item_pk(t):
    return t.item.pk


def form_data(code="XF009"):
    return lambda t: {"code": code, "name": "高龄津贴申请", "department": t.depts[0].pk,
                      "receiving_level": ReceivingLevel.STREET, "delegated_on": "2022-01-01", "note": ""}


def today_iso():
    return timezone.localdate().isoformat()


class TestDelegatedItemMatrix:
    matrix_cases = [
        Case("list_all", page("delegated_item_list", query="?status=all&unit=D"), {"district", "leader"},
             denied_status=(400,)),  # a unit code out of scope is a filter error
        Case("create_form", page("delegated_item_create"), DISTRICT),
        # a non-district user creating an item: 404, nothing written
        Case("create", page("delegated_item_create"), DISTRICT, method="post", data=form_data(), ok_status=(302,),
             models=WATCH),
        Case("detail", page("delegated_item_detail", item_pk), DISTRICT),
        Case("update_form", page("delegated_item_update", item_pk), DISTRICT),
        Case("update", page("delegated_item_update", item_pk), DISTRICT, method="post",
             data=lambda t: {**form_data("XF001")(t), "reason": "调整受理层级"}, ok_status=(302,), models=WATCH),
        Case("withdraw_form", page("delegated_item_withdraw", item_pk), DISTRICT),
        Case("withdraw", page("delegated_item_withdraw", item_pk), DISTRICT, method="post",
             data=lambda t: {"withdrawn_on": today_iso(), "reason": "收回"}, ok_status=(302,), models=WATCH),
        Case("api_list", lambda t: reverse("delegateditem-list") + "?unit=D", {"district", "leader"}, api=True,
             denied_status=(400,)),
        Case("api_list_plain", lambda t: reverse("delegateditem-list"), LOGGED_IN, api=True),
        Case("api_detail", lambda t: reverse("delegateditem-detail", args=[t.item.pk]), {"district", "leader"},
             api=True),
        Case("api_create", lambda t: reverse("delegateditem-list"), DISTRICT, method="post", api=True,
             data=lambda t: {"code": "XF010", "name": "失业登记", "department": t.depts[1].pk,
                             "receiving_level": ReceivingLevel.COMMUNITY, "delegated_on": "2022-05-01"},
             ok_status=(201,), models=WATCH),
        Case("api_update", lambda t: reverse("delegateditem-detail", args=[t.item.pk]), DISTRICT, method="patch",
             api=True, data=lambda t: {"name": "居住证明开具", "reason": "规范名称"}, ok_status=(200,), models=WATCH),
        Case("api_withdraw", lambda t: reverse("delegateditem-withdraw", args=[t.item.pk]), DISTRICT, method="post",
             api=True, data=lambda t: {"withdrawn_on": today_iso(), "reason": "收回"}, ok_status=(200,),
             models=WATCH),
    ]

    @pytest.fixture(autouse=True)
    def _item(self, tree):
        tree.depts = _depts(tree)
        tree.item = make_item(tree, tree.depts[0])

    def test_matrix(self, client, tree, persona, case):
        run_matrix_case(client, tree, persona, case)


# -- services -----------------------------------------------------------------------------------------

@pytest.fixture
def depts(tree):
    return _depts(tree)


def test_create_edit_withdraw_keep_history_and_audit(tree, depts):
    admin = tree.users["district"]
    item = make_item(tree, depts[0])
    services.delegated_service_item_update(actor=admin, item=item, department=depts[1],
                                           receiving_level=ReceivingLevel.STREET, name="居住证明", reason="职能调整")
    day = timezone.localdate()
    services.delegated_service_item_withdraw(actor=admin, item=item, withdrawn_on=day, reason="收回区级")
    item.refresh_from_db()
    assert (item.is_active, item.withdrawn_on, item.withdrawal_reason) == (False, day, "收回区级")
    events = list(item.events.order_by("at", "id"))
    assert [e.action for e in events] == [DelegatedItemAction.CREATE, DelegatedItemAction.UPDATE,
                                         DelegatedItemAction.WITHDRAW]
    assert all(e.actor_id == admin.pk for e in events)
    assert events[1].changes == {"department": ["区民政局", "区人社局"], "receiving_level": ["community", "street"]}
    assert events[1].reason == "职能调整"
    assert events[2].changes["withdrawn_on"] == [None, day.isoformat()] and events[2].reason == "收回区级"
    assert list(AuditLog.objects.filter(action__startswith="delegated_service_item.").order_by("id")
                .values_list("action", flat=True)) == ["delegated_service_item.create", "delegated_service_item.update",
                                                       "delegated_service_item.withdraw"]


def test_update_without_change_writes_nothing(tree, depts):
    item = make_item(tree, depts[0])
    before = table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent, AuditLog])
    services.delegated_service_item_update(actor=tree.users["district"], item=item, name=" 居住证明 ",
                                           department=depts[0])
    assert table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent, AuditLog]) == before


@pytest.mark.parametrize("kwargs,field,code", [
    ({"withdrawn_on": dt.date(2020, 1, 1), "reason": "x"}, "withdrawn_on", "before_delegated"),
    ({"withdrawn_on": dt.date.max, "reason": "x"}, "withdrawn_on", "future"),
    ({"withdrawn_on": dt.date(2022, 1, 1), "reason": "  "}, "reason", "required"),
])
def test_withdraw_validates_and_writes_nothing(tree, depts, kwargs, field, code):
    item = make_item(tree, depts[0])
    before = table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent, AuditLog])
    with pytest.raises(ValidationError) as exc:
        services.delegated_service_item_withdraw(actor=tree.users["district"], item=item, **kwargs)
    assert [e.code for e in exc.value.error_dict[field]] == [code]
    assert table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent, AuditLog]) == before


def test_a_withdrawn_item_is_neither_edited_nor_withdrawn_again(tree, depts):
    admin = tree.users["district"]
    item = make_item(tree, depts[0])
    services.delegated_service_item_withdraw(actor=admin, item=item, withdrawn_on=timezone.localdate(), reason="收回")
    before = table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent])
    with pytest.raises(ValidationError) as exc:
        services.delegated_service_item_withdraw(actor=admin, item=item, withdrawn_on=timezone.localdate(),
                                                 reason="again")
    assert exc.value.error_list[0].code == "already_withdrawn"
    with pytest.raises(ValidationError) as exc:
        services.delegated_service_item_update(actor=admin, item=item, name="新名")
    assert exc.value.error_list[0].code == "withdrawn"
    with pytest.raises(TypeError):
        services.delegated_service_item_update(actor=admin, item=item, is_active=True)
    assert table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent]) == before


@pytest.mark.parametrize("persona", ["leader", "street", "community", "norole"])
def test_only_the_district_writes(tree, depts, persona):
    item = make_item(tree, depts[0])
    actor = tree.users[persona]
    before = table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent])
    with pytest.raises(ScopeDenied):
        services.delegated_service_item_create(actor=actor, owner=tree.district, code="XF2", name="x",
                                               department=depts[0], delegated_on=dt.date(2022, 1, 1))
    with pytest.raises(ScopeDenied):
        services.delegated_service_item_update(actor=actor, item=item, name="x")
    with pytest.raises(ScopeDenied):
        services.delegated_service_item_withdraw(actor=actor, item=item, withdrawn_on=timezone.localdate(), reason="x")
    assert table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent]) == before


def test_create_refuses_a_non_root_owner_and_a_non_department(tree, depts):
    admin = tree.users["district"]
    with pytest.raises(ValidationError) as exc:
        services.delegated_service_item_create(actor=admin, owner=tree.s1, code="XF3", name="x", department=depts[0],
                                               delegated_on=dt.date(2022, 1, 1))
    assert exc.value.error_dict["owner"][0].code == "not_district"
    bank = OutsideUnit.objects.create(kind=OutsideUnitKind.BANK, code="BK1", name="银行", registered_at=tree.district)
    with pytest.raises(ValidationError) as exc:
        services.delegated_service_item_create(actor=admin, owner=tree.district, code="XF3", name="x", department=bank,
                                               delegated_on=dt.date(2022, 1, 1))
    assert exc.value.error_dict["department"][0].code == "not_a_department"
    assert not DelegatedServiceItem.objects.filter(code="XF3").exists()


def test_figure_counts_items_in_force_at_the_year_end(tree, depts):
    admin = tree.users["district"]
    make_item(tree, depts[0], code="XF1")
    gone = make_item(tree, depts[0], code="XF2")
    services.delegated_service_item_withdraw(actor=admin, item=gone, withdrawn_on=dt.date(2022, 6, 30), reason="收回")
    assert figures.compute(tree.district, 2021)["supervision.delegated_service_items"] == 2
    assert figures.compute(tree.district, 2022)["supervision.delegated_service_items"] == 1


# -- pages ---------------------------------------------------------------------------------------------

def test_list_shows_in_force_by_default_and_withdrawn_on_request(client, tree, depts):
    admin = tree.users["district"]
    make_item(tree, depts[0], code="XF1")
    gone = make_item(tree, depts[1], code="XF2")
    services.delegated_service_item_withdraw(actor=admin, item=gone, withdrawn_on=timezone.localdate(), reason="收回")
    client.force_login(admin)
    url = reverse("supervision:delegated_item_list")
    r = client.get(url)
    assert [i.code for i in r.context["page"].object_list] == ["XF1"] and r.context["can_change"] is True
    assert [i.code for i in client.get(url, {"status": "withdrawn"}).context["page"].object_list] == ["XF2"]
    assert [i.code for i in client.get(url, {"status": "all"}).context["page"].object_list] == ["XF1", "XF2"]
    client.force_login(tree.users["leader"])
    r = client.get(url)
    assert [i.code for i in r.context["page"].object_list] == ["XF1"] and r.context["can_change"] is False


def test_pages_create_edit_withdraw(client, tree, depts):
    client.force_login(tree.users["district"])
    r = client.post(reverse("supervision:delegated_item_create"), form_data("XF5")(SimpleNamespace(depts=depts)))
    assert r.status_code == 302
    item = DelegatedServiceItem.objects.get(code="XF5")
    assert (item.owner_id, item.department_id, item.receiving_level) == (tree.district.pk, depts[0].pk, "street")
    r = client.post(reverse("supervision:delegated_item_update", args=[item.pk]),
                    {"code": "XF5", "name": "高龄津贴申请", "department": depts[1].pk, "receiving_level": "community",
                     "delegated_on": "2022-01-01", "note": "", "reason": "下沉社区"})
    assert r.status_code == 302
    r = client.post(reverse("supervision:delegated_item_withdraw", args=[item.pk]), {"withdrawn_on": "", "reason": ""})
    assert r.status_code == 400 and {"withdrawn_on", "reason"} <= set(r.context["form"].errors)
    r = client.post(reverse("supervision:delegated_item_withdraw", args=[item.pk]),
                    {"withdrawn_on": today_iso(), "reason": "收回"})
    assert r.status_code == 302
    r = client.get(reverse("supervision:delegated_item_detail", args=[item.pk]))
    assert [e.action for e in r.context["events"]] == ["create", "update", "withdraw"]
    assert r.context["events"][1].changes == {"department": ["区民政局", "区人社局"],
                                              "receiving_level": ["street", "community"]}
    # a duplicate code is an error on ``code``, nothing written
    before = table_fingerprint([DelegatedServiceItem])
    r = client.post(reverse("supervision:delegated_item_create"), form_data("XF5")(SimpleNamespace(depts=depts)))
    assert r.status_code == 400 and "code" in r.context["form"].errors
    assert table_fingerprint([DelegatedServiceItem]) == before


def test_non_district_create_page_is_404_and_writes_nothing(client, tree, depts):
    for persona in ("leader", "street", "community"):
        client.force_login(tree.users[persona])
        before = table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent])
        r = client.post(reverse("supervision:delegated_item_create"), form_data("XF7")(SimpleNamespace(depts=depts)))
        assert r.status_code == 404
        assert table_fingerprint([DelegatedServiceItem, DelegatedServiceItemEvent]) == before


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params or {})
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_list_and_api_queries_are_constant(client, tree, depts):
    client.force_login(tree.users["district"])
    urls = [(reverse("supervision:delegated_item_list"), {"status": "all"}),
            (reverse("delegateditem-list"), {"unit": "D", "status": "all"})]
    for n in range(3):
        make_item(tree, depts[n % 2], code=f"S{n:03d}")
    for url, params in urls:
        _count(client, url, params)
    small = [_count(client, url, params) for url, params in urls]
    for n in range(3, 60):
        item = make_item(tree, depts[n % 2], code=f"S{n:03d}")
        if n % 5 == 0:
            services.delegated_service_item_withdraw(actor=tree.users["district"], item=item,
                                                     withdrawn_on=timezone.localdate(), reason="收回")
    large = [_count(client, url, params) for url, params in urls]
    assert small == large, (small, large)


# -- API -----------------------------------------------------------------------------------------------

def test_api_create_update_withdraw_and_detail_history(client, tree, depts):
    client.force_login(tree.users["district"])
    url = reverse("delegateditem-list")
    r = client.post(url, {"code": "XF8", "name": "失业登记", "department": depts[0].pk, "receiving_level": "street",
                          "delegated_on": "2022-05-01"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = client.patch(reverse("delegateditem-detail", args=[pk]), {"receiving_level": "community", "reason": "下沉"},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["receiving_level"] == "community"
    r = client.post(reverse("delegateditem-withdraw", args=[pk]), {"withdrawn_on": "2021-01-01", "reason": "x"},
                    content_type="application/json")
    assert r.status_code == 400 and "withdrawn_on" in r.json()
    r = client.post(reverse("delegateditem-withdraw", args=[pk]), {"withdrawn_on": today_iso(), "reason": "收回"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["is_active"] is False
    detail = client.get(reverse("delegateditem-detail", args=[pk])).json()
    assert [e["action"] for e in detail["events"]] == ["create", "update", "withdraw"]
    assert detail["events"][1]["changes"] == {"receiving_level": ["street", "community"]}
    assert [i["code"] for i in client.get(url).json()["results"]] == []
    assert [i["code"] for i in client.get(url, {"status": "withdrawn"}).json()["results"]] == ["XF8"]
    r = client.get(url, {"unit": "NOPE"})
    assert r.status_code == 400 and "unit" in r.json()
    r = client.patch(reverse("delegateditem-detail", args=[pk]), {"name": "x"}, content_type="application/json")
    assert r.status_code == 400
