"""Member export (xlsx): scope, masking per role, opt-in reveal only where allowed, every export audited,
formula injection neutralised, filters honoured, constant queries."""
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditLog
from org.imports import COLUMNS

from .member_factories import MemberFactory, make_members
from .test_member_views import M1_ID, M1_PHONE, build_world

pytestmark = pytest.mark.django_db
EXPORT = reverse("org:member_export")


@pytest.fixture
def world(tree):
    return build_world(tree)


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    header, body = list(rows[0]), [dict(zip(rows[0], r)) for r in rows[1:]]
    return header, body


def _by_name(body):
    return {r["姓名"]: r for r in body}


@pytest.mark.parametrize("persona,names", [
    ("district", {"王一", "王二", "王三", "转出甲", "转出乙"}),
    ("leader", {"王一", "王二", "王三", "转出甲", "转出乙"}),
    ("street", {"王一", "王二", "转出甲", "转出乙"}),
    ("community", {"王一", "转出甲", "转出乙"}),
    ("community2", {"王二"}),
    ("other_street", {"王三"}),
])
def test_export_is_scoped_masked_and_audited(client, world, persona, names):
    client.force_login(world.users[persona])
    response = client.get(EXPORT)
    header, body = sheet(response)
    assert header[: len(COLUMNS)] == COLUMNS  # the roster's columns: re-importable
    assert set(_by_name(body)) == names
    assert M1_ID.encode() not in response.content and M1_PHONE.encode() not in response.content
    if "王一" in names:
        assert _by_name(body)["王一"]["身份证号"] == world.m1.id_number_masked
        assert _by_name(body)["王一"]["手机号"] == "139****5678"
    log = AuditLog.objects.get(kind=AuditLog.Kind.EXPORT, actor_username=persona)
    assert log.action == "member.export" and log.after["rows"] == len(names) and log.after["revealed"] is False


@pytest.mark.parametrize("persona,plain", [("district", True), ("street", True), ("community", True),
                                           ("community2", True), ("other_street", True), ("leader", False)])
def test_export_reveal_only_for_reveal_roles_in_scope(client, world, persona, plain):
    client.force_login(world.users[persona])
    response = client.get(EXPORT, {"reveal": "1"})
    header, body = sheet(response)
    log = AuditLog.objects.get(kind=AuditLog.Kind.EXPORT, actor_username=persona)
    if "王一" in _by_name(body) and plain:
        assert (_by_name(body)["王一"]["身份证号"], _by_name(body)["王一"]["手机号"]) == (M1_ID, M1_PHONE)
    else:
        assert M1_ID.encode() not in response.content
    assert all(("*" in r["身份证号"]) is not plain for r in body)
    assert log.after["revealed"] is plain and log.after["revealed_rows"] == (len(body) if plain else 0)


def test_export_reveals_only_rows_within_reveal_scope(client, tree):
    """A user whose EXPORT scope is wider than their REVEAL scope gets plaintext only where they may reveal."""
    from django.utils import timezone

    from accounts.models import RoleGrant
    from accounts.roles import Role

    build_world(tree)
    user = tree.users["community"]
    RoleGrant.objects.create(user=user, unit=tree.c2, role=Role.COMMUNITY_CADRE, valid_from=timezone.localdate())
    client.force_login(user)
    body = _by_name(sheet(client.get(EXPORT, {"reveal": "1"}))[1])
    assert "王二" not in body  # a cadre may not export
    RoleGrant.objects.filter(user=user, unit=tree.c2).update(role=Role.STREET_STAFF)  # EXPORT, no REVEAL
    client.force_login(user)
    response = client.get(EXPORT, {"reveal": "1"})
    body = _by_name(sheet(response)[1])
    assert body["王一"]["身份证号"] == M1_ID
    assert body["王二"]["身份证号"] == tree.m2.id_number_masked
    assert AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).latest("pk").after["revealed_rows"] == 3


def test_export_follows_the_filters(client, world):
    client.force_login(world.users["district"])
    body = sheet(client.get(EXPORT, {"unit": "C1", "q": "王"}))[1]
    assert [r["姓名"] for r in body] == ["王一"]
    log = AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).latest("pk")
    assert log.after["filters"] == {"search": "王", "unit": "C1"} and log.unit_id == world.c1.pk
    response = client.get(EXPORT, {"unit": "NOPE"})  # a bad filter exports nothing
    assert response.status_code == 302
    assert AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).count() == 1


def test_export_neutralises_formulas(client, world):
    admin = world.users["district"]
    MemberFactory(actor=admin, unit=world.p3, name="=HYPERLINK(\"http://x\")", note="+1+1")
    MemberFactory(actor=admin, unit=world.p3, name="@SUM(A1)", note="-2")
    client.force_login(admin)
    body = sheet(client.get(EXPORT, {"unit": "C3"}))[1]
    names = {r["姓名"] for r in body}
    assert "'=HYPERLINK(\"http://x\")" in names and "'@SUM(A1)" in names
    assert {r["备注"] for r in body} >= {"'+1+1", "'-2"}


@pytest.mark.parametrize("persona", ["norole"])
def test_export_refused_without_export_role(client, world, persona):
    client.force_login(world.users[persona])
    assert client.get(EXPORT).status_code == 404
    assert not AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).exists()


def test_export_runs_constant_queries(client, world):
    client.force_login(world.users["district"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(EXPORT, {"reveal": "1"}).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    make_members(world, world.p1, 40)
    make_members(world, world.p3, 40)
    big = count()
    print(f"export queries: small={small} big={big}")
    assert small == big
