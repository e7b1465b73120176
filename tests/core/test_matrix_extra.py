"""Matrix cases for the pages and endpoints no other matrix covers: the start page and the API roots.

Both show no records of a unit: every logged-in persona gets them, anonymous is sent to the log-in
page (the start page) or refused (the API roots). tests/test_url_matrix_coverage.py keeps every URL
pattern covered.
"""
import pytest
from django.urls import reverse

from core.testing import PERSONAS, Case, run_matrix_case

pytestmark = pytest.mark.django_db

LOGGED_IN = set(PERSONAS) - {"anonymous"}


class TestCoreMatrixExtra:
    matrix_cases = [
        Case("home", lambda t: reverse("core:home"), LOGGED_IN, ok_status=(200,)),
        Case("api_root_org", lambda t: "/api/org/", LOGGED_IN, api=True, ok_status=(200,)),
        Case("api_root_supervision", lambda t: "/api/supervision/", LOGGED_IN, api=True, ok_status=(200,)),
        # Revokes the calling token (if any): every logged-in persona may, anonymous is refused.
        Case("api_logout", lambda t: "/api/auth/logout/", LOGGED_IN, method="post", api=True, ok_status=(204,)),
    ]

    def test_matrix(self, client, tree, persona, case):
        run_matrix_case(client, tree, persona, case)
