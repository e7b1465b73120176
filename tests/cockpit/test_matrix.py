"""Permission matrix of every cockpit URL and method: the cockpit page, the report (HTML and docx), the
figures API and its series. Out of scope is 404, exactly like a missing unit."""
import importlib.util

import pytest
from django.urls import reverse

from core.testing import Case, run_matrix_case

pytestmark = pytest.mark.django_db

SCOPED = {"district", "leader", "street", "community", "community2", "other_street"}
SEE_S1 = {"district", "leader", "street"}
SEE_C1 = SEE_S1 | {"community"}
HAS_DOCX = importlib.util.find_spec("docx") is not None


def page(name, query=""):
    return lambda t: reverse(f"cockpit:{name}") + query


MATRIX = [
    Case("cockpit_own_scope", page("cockpit"), SCOPED, ok_status=(200,)),
    Case("cockpit_district", page("cockpit", "?unit=D"), {"district", "leader"}, ok_status=(200,)),
    Case("cockpit_street", page("cockpit", "?unit=S1&year=2026"), SEE_S1, ok_status=(200,)),
    Case("cockpit_community", page("cockpit", "?unit=C1"), SEE_C1, ok_status=(200,)),
    # The start page answers with the cockpit for district and street staff, drill-down included: the
    # other street's secretary is refused S1; everyone else without the cockpit gets the plain start page.
    Case("home_drill_street", lambda t: reverse("core:home") + "?unit=S1",
         SEE_S1 | {"norole", "community", "community2"}, ok_status=(200,)),
    Case("children_own_scope", page("children"), SCOPED, ok_status=(200,)),
    Case("children_street", page("children", "?unit=S1&year=2026"), SEE_S1, ok_status=(200,)),
    Case("report_own_scope", page("report"), SCOPED, ok_status=(200,)),
    Case("report_street", page("report", "?unit=S1&year=2026"), SEE_S1, ok_status=(200,)),
    Case("api_figures_own_scope", lambda t: "/api/figures/", SCOPED, api=True, ok_status=(200,)),
    Case("api_figures_district", lambda t: "/api/figures/?unit=D", {"district", "leader"}, api=True,
         ok_status=(200,)),
    Case("api_figures_street", lambda t: "/api/figures/?unit=S1&year=2026", SEE_S1, api=True, ok_status=(200,)),
    Case("api_figures_community", lambda t: "/api/figures/?unit=C1", SEE_C1, api=True, ok_status=(200,)),
    Case("api_series_community", lambda t: "/api/figures/series/?key=supervision.visits&unit=C1&year=2026",
         SEE_C1, api=True, ok_status=(200,)),
    Case("api_series_own_scope", lambda t: "/api/figures/series/?key=supervision.cases_by_state", SCOPED,
         api=True, ok_status=(200,)),
]
if HAS_DOCX:
    MATRIX.append(Case("report_docx_community", page("report", "?unit=C1&year=2026&format=docx"), SEE_C1,
                       ok_status=(200,)))


class TestCockpitMatrix:
    matrix_cases = MATRIX

    def test_matrix(self, client, tree, persona, case):
        run_matrix_case(client, tree, persona, case)
