"""Matrix cases the other org matrices leave out: the API's dual registration and part-time member
detail and end endpoints, and confirming a background roster preview.

In scope succeeds, out of scope and a sibling get 404 like a missing id, anonymous is refused, and a
refused write changes nothing. tests/test_url_matrix_coverage.py keeps every URL pattern covered.
"""
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core.testing import Case, run_matrix_case
from org import services
from org.models import DualRegistration, ImportRecord, ImportState, OutsideUnit, PartTimeMember

from .member_factories import new_id_number
from .test_member_views import CHANGE_C1, SEE_C1, WRITTEN, build_world, roster_row, roster_xlsx

pytestmark = pytest.mark.django_db

API = "/api/org/"
SEE_S1 = {"district", "leader", "street"}
CHANGE_S1 = {"district", "street"}
IMPORT_TABLES = (ImportRecord, *WRITTEN)


@pytest.fixture
def world(tree):
    """``build_world`` plus the registration of m1 at C1 (``dr1``), the seat at S1 (``pt_s1``), a seat
    at C1 (``pt_c1``) and a successful background preview of a roster for C1 (``preview``)."""
    build_world(tree)
    admin = tree.users["district"]
    tree.dr1 = DualRegistration.objects.get(member=tree.m1)
    tree.pt_s1 = PartTimeMember.objects.get(seat=tree.s1)
    tree.pt_c1 = services.part_time_member_create(actor=admin, seat=tree.c1, person_name="钱科长",
                                                  home_unit=OutsideUnit.objects.get(code="QZ1"),
                                                  term_from=date(2022, 1, 1))
    content = roster_xlsx([roster_row(new_id_number(1961 + i), name=f"预览{i}") for i in range(2)])
    tree.preview = ImportRecord(unit=tree.c1, file_name="c1.xlsx", created_by=tree.users["community"],
                                state=ImportState.PREVIEWED, dry_run=True, total=2)
    tree.preview.file.save("c1.xlsx", ContentFile(content))  # saves the record too
    return tree


def ended(t):
    return {"ended_on": timezone.localdate().isoformat()}


class TestOrgMatrixExtra:
    matrix_cases = [
        Case("api_dual_registration_dr1", lambda t: f"{API}dual-registrations/{t.dr1.pk}/", SEE_C1, api=True,
             ok_status=(200,)),
        Case("api_dual_registration_end_dr1", lambda t: f"{API}dual-registrations/{t.dr1.pk}/end/", CHANGE_C1,
             method="post", api=True, data=ended, ok_status=(200,), models=WRITTEN),
        Case("api_part_time_pt_s1", lambda t: f"{API}part-time-members/{t.pt_s1.pk}/", SEE_S1, api=True,
             ok_status=(200,)),
        Case("api_part_time_pt_c1", lambda t: f"{API}part-time-members/{t.pt_c1.pk}/", SEE_C1, api=True,
             ok_status=(200,)),
        # a seat on the street's committee: the community secretaries below it may not end it
        Case("api_part_time_end_pt_s1", lambda t: f"{API}part-time-members/{t.pt_s1.pk}/end/", CHANGE_S1,
             method="post", api=True, data=ended, ok_status=(200,), models=WRITTEN),
        Case("api_part_time_end_pt_c1", lambda t: f"{API}part-time-members/{t.pt_c1.pk}/end/", CHANGE_C1,
             method="post", api=True, data=ended, ok_status=(200,), models=WRITTEN),
        # confirming C1's preview imports into C1: IMPORT scope over C1 only (the sibling community
        # secretary, who may import elsewhere, gets 404 like a missing id)
        Case("confirm_preview_c1", lambda t: reverse("org:roster_import_record_confirm", args=[t.preview.pk]),
             CHANGE_C1, method="post", data=lambda t: {}, ok_status=(302,), models=IMPORT_TABLES),
    ]

    def test_matrix(self, client, world, persona, case):
        run_matrix_case(client, world, persona, case)
