"""Two people editing the same member or unit at once: the second save is refused with the code
``stale`` and nothing of it is written (issue 15, item 9). The version is the row's ``updated_at`` as
the editor read it: the edit form carries it hidden, the API returns it and takes it back."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.concurrency import version_of
from core.idcard import check_digit
from core.testing import table_fingerprint
from org import services
from org.models import Member, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(tree):
    return services.member_create(actor=tree.users["district"], name="王一", id_number="43010219900101123" + check_digit("43010219900101123"),
                                  unit=tree.p1)


def test_a_stale_member_edit_is_refused_by_the_service(tree, member):
    read_by_both = version_of(member)
    first = services.member_update(actor=tree.users["community"], member=member, version=read_by_both,
                                   ethnicity="汉族")
    before = table_fingerprint([Member])
    with pytest.raises(ValidationError) as exc:
        services.member_update(actor=tree.users["district"], member=member, version=read_by_both, ethnicity="回族")
    assert exc.value.code == "stale"
    assert table_fingerprint([Member]) == before
    # Reloaded, the second editor's change goes through.
    services.member_update(actor=tree.users["district"], member=first, version=version_of(first), ethnicity="回族")
    assert Member.objects.get(pk=member.pk).ethnicity == "回族"


def test_a_stale_member_form_shows_the_error_and_writes_nothing(client, tree, member):
    client.force_login(tree.users["community"])
    url = reverse("org:member_update", args=[member.pk])
    form = client.get(url).context["form"]
    stale = form.initial["version"]
    services.member_update(actor=tree.users["district"], member=member, ethnicity="汉族")  # someone else saves
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "version": stale, "ethnicity": "回族"}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    before = table_fingerprint([Member])
    r = client.post(url, data)
    assert r.status_code == 200 and r.context["form"].has_error("__all__", "stale")
    assert table_fingerprint([Member]) == before


def test_a_stale_unit_edit_is_refused_through_the_page_and_the_api(client, tree):
    client.force_login(tree.users["district"])
    unit = OrgUnit.objects.get(pk=tree.c1.pk)
    stale = version_of(unit)
    services.org_unit_update(actor=tree.users["district"], unit=unit, name="爱莲湖社区（新）")
    before = table_fingerprint([OrgUnit])
    r = client.patch(f"/api/org/units/{unit.pk}/", {"name": "另一个名字", "version": stale},
                     content_type="application/json")
    assert r.status_code == 400 and r.json()["non_field_errors"][0]
    fresh = client.get(f"/api/org/units/{unit.pk}/").json()["version"]
    assert fresh != stale
    r = client.post(reverse("org:orgunit_update", args=[unit.pk]),
                    {"version": stale, "code": unit.code, "name": "再一个名字", "kind": unit.kind})
    assert r.status_code == 200 and r.context["form"].has_error("__all__", "stale")
    assert table_fingerprint([OrgUnit]) == before
    r = client.patch(f"/api/org/units/{unit.pk}/", {"name": "另一个名字", "version": fresh},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] != fresh


def test_the_member_api_returns_and_checks_the_version(client, tree, member):
    client.force_login(tree.users["community"])
    read = client.get(f"/api/org/members/{member.pk}/").json()["version"]
    services.member_update(actor=tree.users["district"], member=member, ethnicity="汉族")
    r = client.patch(f"/api/org/members/{member.pk}/", {"ethnicity": "回族", "version": read},
                     content_type="application/json")
    assert r.status_code == 400
    assert Member.objects.get(pk=member.pk).ethnicity == "汉族"
