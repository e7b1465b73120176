"""The district's scheme pages: list by year, copy to a new year, a draft's indicators added, edited and
deleted, putting a scheme in use; a scheme in use refuses edits with the service's coded error on the
form. Only the district may: to everyone else the pages are a 404 and nothing is written."""
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse

from assessment.choices import AssesseeKind, IndicatorKind, SchemeState
from assessment.models import Indicator, Scheme
from core.models import AuditLog
from core.testing import Case, run_matrix_case, table_fingerprint

from .conftest import COMMUNITY_INDICATORS, make_scheme

pytestmark = pytest.mark.django_db
WRITES = (Scheme, Indicator)


def schemes(tree):
    admin = tree.users["district"]
    tree.in_use = make_scheme(admin, tree.district, AssesseeKind.COMMUNITY, COMMUNITY_INDICATORS, year=2026)
    tree.draft = make_scheme(admin, tree.district, AssesseeKind.COMMUNITY, COMMUNITY_INDICATORS[:2], year=2027,
                             activate=False)
    tree.draft_ind = tree.draft.indicators.get(code="visits")
    return tree


def page(name, arg=None):
    return lambda t: reverse(f"assessment:{name}", args=[arg(t)] if arg else [])


def indicator_data(**over):
    data = {"number": 7, "code": "meet", "name": "议事协商", "area_name": "治理体系", "kind": IndicatorKind.COMPUTED,
            "rule_kind": "meetings_missing", "params": '{"expected": 2}', "weight": "1", "maximum": "10",
            "step": "5", "cap": "10", "description": ""}
    data.update(over)
    return data


class TestSchemeMatrix:
    matrix_cases = [
        Case("scheme_list", page("scheme_list"), {"district"}),
        Case("scheme_detail", page("scheme_detail", lambda t: t.draft.pk), {"district"}),
        Case("scheme_copy", page("scheme_copy", lambda t: t.in_use.pk), {"district"}, method="post",
             data=lambda t: {f"copy{t.in_use.pk}-year": 2028, f"copy{t.in_use.pk}-name": ""}, models=WRITES),
        Case("scheme_activate", page("scheme_activate", lambda t: t.draft.pk), {"district"}, method="post",
             data=lambda t: {}, models=WRITES),
        Case("indicator_create_get", page("indicator_create", lambda t: t.draft.pk), {"district"}),
        Case("indicator_create", page("indicator_create", lambda t: t.draft.pk), {"district"}, method="post",
             data=lambda t: indicator_data(), models=WRITES),
        Case("indicator_edit_get", page("indicator_edit", lambda t: t.draft_ind.pk), {"district"}),
        Case("indicator_edit", page("indicator_edit", lambda t: t.draft_ind.pk), {"district"}, method="post",
             data=lambda t: indicator_data(number=1, code="visits", rule_kind="weeks_without_visits", params=""),
             models=WRITES),
        Case("indicator_delete", page("indicator_delete", lambda t: t.draft_ind.pk), {"district"}, method="post",
             data=lambda t: {}, models=WRITES),
    ]

    def test_matrix(self, client, tree, persona, case):
        schemes(tree)
        run_matrix_case(client, tree, persona, case)


@pytest.fixture
def district(client, tree):
    schemes(tree)
    client.force_login(tree.users["district"])
    return client


def test_list_groups_by_year(district, tree):
    response = district.get(reverse("assessment:scheme_list"))
    assert response.status_code == 200
    years = dict(response.context["years"])
    assert [s.pk for s in years[2026]] == [tree.in_use.pk] and [s.pk for s in years[2027]] == [tree.draft.pk]


def test_copy_makes_a_draft_with_the_indicators_and_refuses_a_taken_year(district, tree):
    url = reverse("assessment:scheme_copy", args=[tree.in_use.pk])
    response = district.post(url, {f"copy{tree.in_use.pk}-year": 2028})
    copy = Scheme.objects.get(year=2028)
    assert response.status_code == 302 and response["Location"] == reverse("assessment:scheme_detail", args=[copy.pk])
    assert copy.state == SchemeState.DRAFT and copy.copied_from_id == tree.in_use.pk
    assert sorted(copy.indicators.values_list("code", flat=True)) == sorted(i["code"] for i in COMMUNITY_INDICATORS)
    assert AuditLog.objects.filter(action="scheme.copy").count() == 1
    before = table_fingerprint(WRITES)
    response = district.post(url, {f"copy{tree.in_use.pk}-year": 2027})  # 2027 has a community scheme
    assert response.status_code == 400
    assert any(s.copy_form.has_error("year", "scheme_exists") for _y, ss in response.context["years"] for s in ss)
    response = district.post(url, {f"copy{tree.in_use.pk}-year": "x"})
    assert response.status_code == 400
    assert table_fingerprint(WRITES) == before


def test_draft_indicator_is_edited_through_the_service(district, tree):
    url = reverse("assessment:indicator_edit", args=[tree.draft_ind.pk])
    response = district.post(url, indicator_data(number=1, code="visits", rule_kind="weeks_without_visits",
                                                 params="", maximum="30", step="3", cap="", weight="2"))
    assert response.status_code == 302
    ind = Indicator.objects.get(pk=tree.draft_ind.pk)
    assert (ind.maximum, ind.step, ind.cap, ind.weight, ind.params) == (Decimal(30), Decimal(3), None, Decimal(2), {})
    assert AuditLog.objects.filter(action="indicator.update").count() == 1
    response = district.post(reverse("assessment:indicator_create", args=[tree.draft.pk]), indicator_data())
    assert response.status_code == 302
    new = tree.draft.indicators.get(code="meet")
    assert new.rule_kind == "meetings_missing" and new.params == {"expected": 2}


@pytest.mark.parametrize("bad, field, code", [
    ({"params": "[1, 2]"}, "params", "bad_params"),
    ({"params": "{oops"}, "params", "invalid"),
    ({"params": '{"nope": 1}'}, "params", "unknown_param"),
    ({"params": '{"expected": "two"}'}, "params", "bad_param"),
    ({"params": '{"expected": -1}'}, "params", "bad_param"),
    ({"rule_kind": "no_such_rule"}, "rule_kind", "invalid_choice"),
    ({"kind": IndicatorKind.COMPUTED, "rule_kind": ""}, "rule_kind", None),
    ({"maximum": "-1"}, "maximum", "min_value"),
    ({"code": "visits", "number": 9}, NON_FIELD_ERRORS, "code_taken"),
    ({"code": "other", "number": 1}, NON_FIELD_ERRORS, "unique_together"),
])
def test_bad_indicator_input_is_a_400_on_the_form(district, tree, bad, field, code):
    before = table_fingerprint(WRITES)
    response = district.post(reverse("assessment:indicator_create", args=[tree.draft.pk]), indicator_data(**bad))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors
    if field and code:
        assert form.has_error(field, code)
    assert table_fingerprint(WRITES) == before


def test_a_scheme_in_use_refuses_edits_with_the_coded_error(district, tree):
    ind = tree.in_use.indicators.get(code="visits")
    before = table_fingerprint(WRITES)
    response = district.post(reverse("assessment:indicator_edit", args=[ind.pk]),
                             indicator_data(number=1, code="visits", rule_kind="weeks_without_visits", params=""))
    assert response.status_code == 400
    assert response.context["form"].has_error(NON_FIELD_ERRORS, "scheme_in_use")
    response = district.post(reverse("assessment:indicator_create", args=[tree.in_use.pk]), indicator_data())
    assert response.status_code == 400 and response.context["form"].has_error(NON_FIELD_ERRORS, "scheme_in_use")
    response = district.post(reverse("assessment:scheme_activate", args=[tree.in_use.pk]))
    assert response.status_code == 400 and response.context["activate_form"].has_error(NON_FIELD_ERRORS, "scheme_in_use")
    response = district.post(reverse("assessment:indicator_delete", args=[ind.pk]))
    assert response.status_code == 302
    assert table_fingerprint(WRITES) == before


def test_activate_puts_the_draft_in_use(district, tree):
    response = district.post(reverse("assessment:scheme_activate", args=[tree.draft.pk]))
    assert response.status_code == 302
    assert Scheme.objects.get(pk=tree.draft.pk).state == SchemeState.IN_USE
