"""Bad query input answers 400 (or an empty, error-bearing page), never a 500: NUL bytes, overflowing
integers, and fields the update serializers must not accept (issue 15, item 1)."""
import pytest

PAGES_AND_ENDPOINTS = [
    "/api/org/members/?search=%00",
    "/api/org/members/?unit=%00",
    "/api/org/members/?joined_year=99999999999999999999",
    "/api/supervision/cases/?search=%00",
    "/api/supervision/cases/?state=%00",
    "/api/supervision/visits/?unit=%00",
    "/api/supervision/dispatch-sheets/?period=%00",
    "/org/search/?q=%00",
    "/supervision/consultations/?period=%00",
]


@pytest.mark.parametrize("url", PAGES_AND_ENDPOINTS)
def test_bad_parameter_is_400(client, tree, url):
    client.force_login(tree.users["district"])
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)


@pytest.mark.parametrize("url", ["/org/search/?q=%00", "/supervision/consultations/?period=%00"])
def test_bad_page_parameter_still_renders_the_form_with_its_errors(client, tree, url):
    client.force_login(tree.users["district"])
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_bad_api_parameter_names_the_field(client, tree):
    client.force_login(tree.users["district"])
    body = client.get("/api/org/members/?joined_year=99999999999999999999").json()
    assert set(body) == {"joined_year"}


@pytest.mark.parametrize("payload", [{"parent": None}, "in_scope_parent"])
def test_unit_update_refuses_parent_without_writing(client, tree, payload):
    from core.testing import table_fingerprint
    from org.models import OrgUnit

    client.force_login(tree.users["district"])
    if payload == "in_scope_parent":
        payload = {"parent": tree.s2.pk}
    before = table_fingerprint([OrgUnit])
    response = client.patch(f"/api/org/units/{tree.c1.pk}/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["parent"][0]
    assert table_fingerprint([OrgUnit]) == before


def test_unit_update_still_edits_its_own_fields(client, tree):
    client.force_login(tree.users["district"])
    response = client.patch(f"/api/org/units/{tree.c1.pk}/", {"name": "新名字"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["parent"] == tree.c1.parent_id


@pytest.mark.parametrize("day,code", [("1900-01-01", "too_early"), ("1999-12-31", "too_early")])
def test_visit_dates_have_a_floor(tree, day, code):
    import datetime as dt

    from django.core.exceptions import ValidationError

    from supervision.models import VisitRecord
    from supervision.services import visit_record_create

    with pytest.raises(ValidationError) as exc:
        visit_record_create(actor=tree.users["community"], place=tree.b1, visited_on=dt.date.fromisoformat(day),
                            heard="民情")
    assert exc.value.error_dict["visited_on"][0].code == code
    assert not VisitRecord.objects.exists()
