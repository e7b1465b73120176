"""How the cockpit names and groups the figure keys. Keys come from ``core.figures.compute_figures``:
a key is grouped by its prefix (``org.``, ``governance.`` ...), so a key an app adds appears without
editing the cockpit; a key without a label here is shown by its key."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The four systems of the article plus the assessment, in the article's order.
SYSTEMS: tuple[tuple[str, object], ...] = (
    ("org", _("Organisation system")),
    ("governance", _("Governance system")),
    ("supervision", _("Work system")),
    ("assessment", _("Assessment")),
    ("resources", _("Guarantee system")),
)
SYSTEM_KEYS = tuple(code for code, _label in SYSTEMS)
OTHER = "other"

LABELS: dict[str, object] = {
    "org.streets": _("Streets and towns"),
    "org.urban_streets": _("Urban streets"),
    "org.communities": _("Communities and villages"),
    "org.urban_communities": _("Urban communities"),
    "org.compounds": _("Residential compounds"),
    "org.compound_party_orgs": _("Compounds with a party organisation"),
    "org.compound_coverage_pct": _("Compound party coverage (%)"),
    "org.buildings": _("Residential buildings"),
    "org.building_party_groups": _("Buildings with a party group"),
    "org.office_building_party_orgs": _("Party organisations in office buildings"),
    "org.property_company_party_orgs": _("Party organisations in property companies"),
    "org.urban_members": _("Urban party members"),
    "org.part_time_members": _("Part-time committee members"),
    "org.dual_registered_in_service": _("In-service members registered at their residence"),
    "org.dual_registered_retired": _("Retired members registered at their residence"),
    "org.transfer_batches_soe": _("State-owned enterprises whose retirees were transferred"),
    "org.transferred_retired_members": _("Retired members transferred"),
    "org.joint_conference_member_units": _("Member units of the joint party-building conferences"),
    "org.joint_conference_meetings": _("Joint conference meetings held"),
    "org.joint_needs_matched": _("Residents' needs matched with a resource"),
    "org.joint_projects_completed": _("Joint projects completed"),
    "governance.social_organisations": _("Community social organisations incubated"),
    "governance.instructors": _("Party-building instructors and liaisons"),
    "governance.meetings": _("1+N deliberation meetings"),
    "governance.topics": _("Topics raised"),
    "governance.resolutions_adopted": _("Resolutions adopted"),
    "governance.resolutions_done_pct": _("Resolutions implemented (%)"),
    "governance.compounds_with_owners_committee": _("Compounds with an owners' committee"),
    "governance.owners_committee_party_member_pct": _("Owners'-committee seats held by party members (%)"),
    "governance.floating_members": _("Floating party members"),
    "governance.floating_registered_pct": _("Floating members reported and registered (%)"),
    "governance.brands": _("Communities with a brand"),
    "governance.cross_posted_seats": _("Branch committee members also seated on an owners' committee or in the "
                                       "property company"),
    "supervision.cases_resolved": _("Disputes and difficulties resolved"),
    "supervision.delegated_service_items": _("Service items delegated"),
    "supervision.key_tasks": _("Key tasks"),
    "supervision.task_areas": _("Task areas"),
    "supervision.assigned_departments": _("Departments given an assignment letter"),
    "supervision.assigned_streets": _("Streets given an assignment letter"),
    "assessment.units_assessed": _("Units assessed"),
    "assessment.individuals_assessed": _("Individuals assessed"),
    "assessment.regular_completion_pct": _("Regular assessments completed on time (%)"),
    "assessment.units_with_cut": _("Units with an excellence-quota cut"),
    "assessment.excellent_individuals": _("Individuals graded excellent"),
    "assessment.excellent_pct": _("Share graded excellent (%)"),
    "resources.committee_members": _("Community two-committee members"),
    "resources.committee_avg_age": _("Average age of the two committees"),
    "resources.committee_avg_age_change": _("Change in average age (years)"),
    "resources.committee_under_35": _("Two-committee members under 35"),
    "resources.committee_under_35_change_pct": _("Change in members under 35 (%)"),
    "resources.committee_college": _("Two-committee members with college education"),
    "resources.committee_college_change_pct": _("Change in college-educated members (%)"),
    "resources.one_shoulder": _("Secretaries who also chair the residents' committee"),
    "resources.one_shoulder_pct": _("One-shoulder share of urban communities (%)"),
    "resources.operating_funds_per_community_yuan": _("Operating funds per urban community (yuan)"),
    "resources.renovation_funds_yuan": _("Office renovation funds (yuan)"),
    "resources.renovated_offices": _("Offices renovated"),
    "resources.revived_offices": _("Idle offices revived"),
    "resources.revived_area_m2": _("Area revived (m²)"),
    "resources.cadres_to_civil_service": _("Community cadres recruited as civil servants"),
    "resources.paired_units": _("District units paired with communities"),
    "resources.pairing_difficulties_solved": _("Difficulties solved by pairing"),
}


def label(key: str):
    return LABELS.get(key, key)


def system_of(key: str) -> str:
    prefix = key.split(".", 1)[0]
    return prefix if prefix in SYSTEM_KEYS else OTHER
