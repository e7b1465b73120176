"""The yearly report: four parts like the article, every number from compute_figures, the named examples
from records, audited as an export (HTML and docx), scoped like the figures."""
import io

import pytest
from django.urls import reverse

from cockpit.report import PARTS, build_report
from core.figures import compute_figures
from core.models import AuditLog

from .conftest import YEAR

pytestmark = pytest.mark.django_db
URL = reverse("cockpit:report")


def exports():
    return AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT, action="cockpit.report")


def test_report_html_is_audited_and_has_four_parts(client, work):
    client.force_login(work.users["street"])
    response = client.get(f"{URL}?unit=S1&year={YEAR}")
    assert response.status_code == 200
    parts = response.context["report"]["parts"]
    assert [p["number"] for p in parts] == ["一", "二", "三", "四"]
    row = exports().get()
    assert (row.unit_id, row.after) == (work.s1.pk, {"year": YEAR, "format": "html"})


def test_every_number_comes_from_the_figures(work):
    figures = compute_figures(work.s1, YEAR)
    report = build_report(work.s1, YEAR, figures)
    used = [k for p in report["parts"] for k in p["keys"]]
    assert used and set(used) <= set(figures)
    every_key = {k for _n, _t, sentences in PARTS for _m, keys in sentences for k in keys}
    # A sentence is left out exactly when one of its keys is not computed yet.
    assert set(used) == {k for _n, _t, sentences in PARTS for _m, keys in sentences
                         if all(x in figures for x in keys) for k in keys}
    assert every_key  # the parts name their keys
    work_part = report["parts"][2]
    assert str(figures["supervision.cases_resolved"]) in work_part["paragraphs"][0]
    # The named example is the largest resolved case of the subtree.
    assert any("漏水0" in p for p in work_part["paragraphs"])
    assert not any("漏水0" in p for p in build_report(work.s2, YEAR, compute_figures(work.s2, YEAR))["parts"][2][
        "paragraphs"])


def test_report_docx(client, work):
    docx = pytest.importorskip("docx")
    client.force_login(work.users["community"])
    response = client.get(f"{URL}?unit=C1&year={YEAR}&format=docx")
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 2")]
    assert [h[0] for h in headings] == ["一", "二", "三", "四"]
    assert exports().get().after == {"year": YEAR, "format": "docx"}


def test_out_of_scope_report_is_404_and_not_exported(client, work):
    client.force_login(work.users["other_street"])
    assert client.get(f"{URL}?unit=S1").status_code == 404
    assert client.get(f"{URL}?unit=C1&format=docx").status_code == 404
    assert client.get(f"{URL}?unit=NOPE").status_code == 404
    assert not exports().exists()
