"""The yearly report of a unit, from live data: the seed article's four parts (一、组织体系 … 四、保障体系),
each sentence filled from ``compute_figures`` for the unit and year (a sentence whose keys no app computes
yet is left out, never filled with a constant), the named examples read from records. The HTML page and
the .docx download are built from the same ``build_report``."""
from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.scoping import subtree_q
from supervision.choices import DONE_STATES
from supervision.models import Case

# (part number, title, [(sentence msgid with %(key)s placeholders, keys it needs)]). Placeholders name
# the figure keys with "." replaced by "__".
PARTS = (
    ("一", gettext_lazy("The organisation system"), (
        (gettext_lazy("%(unit)s has %(org__streets)s streets and towns (%(org__urban_streets)s of them urban streets) "
                      "and %(org__communities)s communities and villages (%(org__urban_communities)s urban "
                      "communities), with %(org__urban_members)s urban party members."),
         ("org.streets", "org.urban_streets", "org.communities", "org.urban_communities", "org.urban_members")),
        (gettext_lazy("Party organisations were built in %(org__compound_party_orgs)s of %(org__compounds)s "
                      "residential compounds (%(org__compound_coverage_pct)s%%), with party groups in "
                      "%(org__building_party_groups)s of %(org__buildings)s buildings."),
         ("org.compound_party_orgs", "org.compounds", "org.compound_coverage_pct", "org.building_party_groups",
          "org.buildings")),
        (gettext_lazy("%(org__office_building_party_orgs)s party organisations in office buildings and "
                      "%(org__property_company_party_orgs)s in property companies have been set up."),
         ("org.office_building_party_orgs", "org.property_company_party_orgs")),
        (gettext_lazy("%(org__part_time_members)s part-time committee members sit on street and community "
                      "committees; %(org__dual_registered_in_service)s in-service members and "
                      "%(org__dual_registered_retired)s retired members registered at their residence."),
         ("org.part_time_members", "org.dual_registered_in_service", "org.dual_registered_retired")),
    )),
    ("二", gettext_lazy("The governance system"), (
        (gettext_lazy("%(governance__meetings)s 1+N deliberation meetings were held, %(governance__topics)s topics "
                      "raised and %(governance__resolutions_adopted)s resolutions adopted, "
                      "%(governance__resolutions_done_pct)s%% of them implemented."),
         ("governance.meetings", "governance.topics", "governance.resolutions_adopted",
          "governance.resolutions_done_pct")),
        (gettext_lazy("%(governance__social_organisations)s community social organisations were incubated and "
                      "%(governance__instructors)s party-building instructors and liaisons posted."),
         ("governance.social_organisations", "governance.instructors")),
        (gettext_lazy("%(governance__floating_members)s floating members are recorded, "
                      "%(governance__floating_registered_pct)s%% of them reported and registered."),
         ("governance.floating_members", "governance.floating_registered_pct")),
        (gettext_lazy("%(org__transfer_batches_soe)s state-owned enterprises transferred "
                      "%(org__transferred_retired_members)s retired members to their residence."),
         ("org.transfer_batches_soe", "org.transferred_retired_members")),
        (gettext_lazy("%(governance__brands)s communities carry a party-building brand."), ("governance.brands",)),
    )),
    ("三", gettext_lazy("The work system"), (
        (gettext_lazy("%(supervision__cases_resolved)s disputes and difficulties were resolved; "
                      "%(supervision__delegated_service_items)s service items were delegated to streets and "
                      "communities."),
         ("supervision.cases_resolved", "supervision.delegated_service_items")),
        (gettext_lazy("The task list sets %(supervision__key_tasks)s key tasks in %(supervision__task_areas)s "
                      "areas; assignment letters went to %(supervision__assigned_departments)s departments and "
                      "%(supervision__assigned_streets)s streets."),
         ("supervision.key_tasks", "supervision.task_areas", "supervision.assigned_departments",
          "supervision.assigned_streets")),
        (gettext_lazy("%(assessment__units_assessed)s units and %(assessment__individuals_assessed)s individuals "
                      "were assessed; %(assessment__excellent_pct)s%% were graded excellent and "
                      "%(assessment__units_with_cut)s units had their excellence quota cut."),
         ("assessment.units_assessed", "assessment.individuals_assessed", "assessment.excellent_pct",
          "assessment.units_with_cut")),
    )),
    ("四", gettext_lazy("The guarantee system"), (
        (gettext_lazy("%(resources__committee_members)s community two-committee members were elected, average age "
                      "%(resources__committee_avg_age)s (%(resources__committee_avg_age_change)s years); "
                      "%(resources__committee_under_35)s under 35 and %(resources__committee_college)s with "
                      "college education; %(resources__one_shoulder)s one-shoulder secretaries "
                      "(%(resources__one_shoulder_pct)s%%)."),
         ("resources.committee_members", "resources.committee_avg_age", "resources.committee_avg_age_change",
          "resources.committee_under_35", "resources.committee_college", "resources.one_shoulder",
          "resources.one_shoulder_pct")),
        (gettext_lazy("Operating funds reach %(resources__operating_funds_per_community_yuan)s yuan per urban "
                      "community a year; %(resources__renovation_funds_yuan)s yuan renovated "
                      "%(resources__renovated_offices)s offices."),
         ("resources.operating_funds_per_community_yuan", "resources.renovation_funds_yuan",
          "resources.renovated_offices")),
        (gettext_lazy("%(resources__paired_units)s district units are paired with communities and solved "
                      "%(resources__pairing_difficulties_solved)s difficulties."),
         ("resources.paired_units", "resources.pairing_difficulties_solved")),
    )),
)
EXAMPLES = 3


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "—" if value is None else str(value)


def largest_resolved_cases(unit, year: int) -> list:
    """The resolved cases of the year in the subtree that concerned the most households. One query."""
    return list(Case.objects.filter(subtree_q(unit, "unit"), state__in=DONE_STATES, resolved_on__year=year)
                .select_related("unit").order_by("-households_affected", "-amount_yuan", "pk")[:EXAMPLES])


def build_report(unit, year: int, figures: dict) -> dict:
    """``{"unit", "year", "parts": [{"number", "title", "paragraphs": [...], "keys": [...]}]}``: a sentence
    appears when every key it needs is computed; ``keys`` lists those used (the tests check them)."""
    values = {key.replace(".", "__"): _fmt(v) for key, v in figures.items()}
    values["unit"] = unit.name
    parts = []
    for number, title, sentences in PARTS:
        paragraphs, used = [], []
        for msgid, keys in sentences:
            if all(k in figures for k in keys):
                paragraphs.append(str(msgid) % values)
                used += keys
        if number == "三":
            for case in largest_resolved_cases(unit, year):
                paragraphs.append(_("For example, “%(title)s” at %(unit)s, concerning %(households)s households, "
                                    "was resolved on %(date)s.") % {
                    "title": case.title, "unit": case.unit.name, "households": case.households_affected,
                    "date": case.resolved_on.isoformat()})
        parts.append({"number": number, "title": str(title), "paragraphs": paragraphs, "keys": used})
    return {"unit": unit, "year": year, "parts": parts}


def report_docx(report: dict) -> bytes:
    """The report as a Word document (python-docx), A4."""
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    doc.add_heading(_("%(unit)s: urban grassroots party building in %(year)s") % {
        "unit": report["unit"].name, "year": report["year"]}, level=1)
    for part in report["parts"]:
        doc.add_heading(f"{part['number']}、{part['title']}", level=2)
        for text in part["paragraphs"] or [_("No figures yet.")]:
            doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
