"""The dispatch sheet as xlsx: every number equals the records (counted here independently from the
tables), formula injection neutralised, the export audited and scoped, constant queries."""
import datetime as dt
import io

import pytest
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.models import AuditLog
from supervision import services
from supervision.choices import OPEN_STATES, CaseKind, CaseSource, Category
from supervision.models import AssignmentLetter, DispatchSheet, VisitRecord
from supervision.models import Case as CaseModel

pytestmark = pytest.mark.django_db


def _last_month():
    first = timezone.localdate().replace(day=1)
    end = first - dt.timedelta(days=1)
    return end.replace(day=1), end


@pytest.fixture
def month_data(tree):
    """Last month in S1 (and S2, which must not count): cases opened, resolved, left open and
    overdue, visits by two cadres (one with a formula-like name), an overdue letter."""
    admin = tree.users["district"]
    start, end = _last_month()
    evil = User.objects.create_user("evil", password=tree.password, full_name="=HYPERLINK(\"http://x\",\"x\")")
    RoleGrant.objects.create(user=evil, unit=tree.c2, role=Role.COMMUNITY_CADRE, valid_from=start - dt.timedelta(days=40))
    RoleGrant.objects.filter(user=tree.users["community"]).update(valid_from=start - dt.timedelta(days=40))

    def case(unit, day, title, category=Category.PROPERTY_MANAGEMENT):
        return services.case_register(actor=admin, unit=unit, kind=CaseKind.DISPUTE, source=CaseSource.HOTLINE,
                                      category=category, title=title, description="d", registered_on=day)

    old = case(tree.p1, start - dt.timedelta(days=40), "旧案")  # open all month, overdue by its end
    # "新案" below is due 15 days after registration (level default): overdue by the month end too
    fixed = case(tree.p1, start + dt.timedelta(days=1), "已化解", Category.ENVIRONMENT)
    services.case_accept(actor=admin, case=fixed, on=start + dt.timedelta(days=1))
    services.case_start(actor=admin, case=fixed, on=start + dt.timedelta(days=2))
    services.case_resolve(actor=admin, case=fixed, resolution="ok", on=start + dt.timedelta(days=5))
    case(tree.c2, start + dt.timedelta(days=3), "新案")
    case(tree.p3, start + dt.timedelta(days=3), "南塔")  # S2
    for day, place, user in [(start, tree.p1, tree.users["community"]), (start + dt.timedelta(days=7), tree.b1, tree.users["community"]),
                             (start + dt.timedelta(days=8), tree.p2, evil), (start + dt.timedelta(days=8), tree.p3, admin)]:
        services.visit_record_create(actor=admin, cadre=user, place=place, visited_on=day, heard="民情",
                                     households_count=3)
    area = services.task_area_create(actor=admin, owner=tree.district, year=start.year, number=1, name="方面")
    task = services.key_task_create(actor=admin, area=area, number=1, title="=cmd|' /C calc'!A0", deadline=end)
    services.assignment_letter_issue(actor=admin, task=task, issued_on=start, deadline=start + dt.timedelta(days=10),
                                     unit=tree.s1)
    return {"start": start, "end": end, "period": f"{start.year:04d}-{start.month:02d}", "old": old}


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def _rows(ws):
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def test_dispatch_xlsx_numbers_equal_the_records(client, tree, month_data):
    start, end, period = month_data["start"], month_data["end"], month_data["period"]
    client.force_login(tree.users["street"])
    r = client.post(reverse("supervision:dispatch_generate"), {"period": period, "target": f"u{tree.s1.pk}"})
    assert r.status_code == 302
    sheet = DispatchSheet.objects.get(period=period, unit=tree.s1)
    wb = _workbook(client.get(reverse("supervision:dispatch_export", args=[sheet.pk])))
    summary = {row[0]: row[2] for row in _rows(wb.worksheets[0])}

    as_of = end + dt.timedelta(days=1)
    cases = CaseModel.objects.filter(unit__street_anc=tree.s1)
    open_at = Q(registered_on__lt=as_of) & (Q(resolved_on__isnull=True) | Q(resolved_on__gte=as_of))
    visits = VisitRecord.objects.filter(place__street_anc=tree.s1, visited_on__gte=start, visited_on__lte=end)
    expected = {
        "new_cases": cases.filter(registered_on__gte=start, registered_on__lte=end).count(),
        "resolved_cases": cases.filter(resolved_on__gte=start, resolved_on__lte=end).count(),
        "open_cases": cases.filter(open_at).count(),
        "overdue_cases": cases.filter(open_at, due_on__lt=as_of).count(),
        "visits": visits.count(),
        "households_visited": visits.aggregate(n=Sum("households_count"))["n"],
        "communities_total": 2,
        "communities_visited": visits.values("place__community_anc").distinct().count(),
        "cadres_visited": visits.values("cadre", "place__community_anc").distinct().count(),
        "tasks_due": AssignmentLetter.objects.filter(unit=tree.s1, department__isnull=True,
                                                     deadline__lte=end).exclude(state="completed").count(),
    }
    assert expected == {"new_cases": 2, "resolved_cases": 1, "open_cases": 2, "overdue_cases": 2, "visits": 3,
                        "households_visited": 9, "communities_total": 2, "communities_visited": 2,
                        "cadres_visited": 2, "tasks_due": 1}
    for key, value in expected.items():
        assert summary[key] == value == getattr(sheet, key), key
    assert summary["period"] == period
    # coverage per community and cases by category, row by row
    coverage = {row[0]: row[2:] for row in _rows(wb["Visit coverage"] if "Visit coverage" in wb.sheetnames
                                                  else wb.worksheets[2])}
    assert coverage == {"C1": [2, 6, 1], "C2": [1, 3, 1]}
    by_category = {row[0]: row[1:] for row in _rows(wb.worksheets[1])}
    assert sum(v[0] for v in by_category.values()) == expected["new_cases"]
    assert sum(v[1] for v in by_category.values()) == expected["open_cases"]


def test_xlsx_neutralises_formulas_and_is_audited(client, tree, month_data):
    admin = tree.users["district"]
    sheet = services.dispatch_sheet_generate(actor=admin, period=month_data["period"], unit=tree.s1)
    client.force_login(tree.users["leader"])  # read-only + export
    before = AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).count()
    wb = _workbook(client.get(reverse("supervision:dispatch_export", args=[sheet.pk])))
    cadres = [row[0] for row in _rows(wb.worksheets[3])]
    assert "'=HYPERLINK(\"http://x\",\"x\")" in cadres
    tasks = [row[1] for row in _rows(wb.worksheets[4])]
    assert tasks == ["1. =cmd|' /C calc'!A0"]  # does not start with "=": stays as it is
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith(("=", "+", "-", "@"))), value
    entry = AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).latest("id")
    assert AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).count() == before + 1
    assert (entry.action, entry.actor_id, entry.object_id) == ("dispatch_sheet.export", tree.users["leader"].pk,
                                                               str(sheet.pk))


def test_export_is_scoped(client, tree, month_data):
    sheet = services.dispatch_sheet_generate(actor=tree.users["district"], period=month_data["period"], unit=tree.s1)
    url = reverse("supervision:dispatch_export", args=[sheet.pk])
    for persona in ("community", "community2", "other_street", "norole"):
        client.force_login(tree.users[persona])
        assert client.get(url).status_code == 404, persona
    assert not AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).exists()


def test_export_constant_queries(client, tree, month_data):
    admin = tree.users["district"]
    client.force_login(admin)

    def count(sheet):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(reverse("supervision:dispatch_export", args=[sheet.pk]))
        assert r.status_code == 200
        return len(ctx.captured_queries)

    sheet = services.dispatch_sheet_generate(actor=admin, period=month_data["period"], unit=tree.s1)
    count(sheet)
    small = count(sheet)
    start = month_data["start"]
    for i in range(20):
        services.visit_record_create(actor=admin, place=tree.b1, visited_on=start + dt.timedelta(days=i % 20),
                                     heard="x", cases=[{"title": f"案{i}"}])
    sheet = services.dispatch_sheet_generate(actor=admin, period=month_data["period"], unit=tree.s1,
                                             regenerate=True)
    assert sheet.visits == 23
    assert count(sheet) == small
    assert OPEN_STATES  # the open states the sheet counts are the model's
