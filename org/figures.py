"""Figures of the organisation system (shared/figures.md, keys org.*), from records."""
from core.figures import pct

from .choices import NewDomainKind, UnitKind
from .selectors.conference import conference_figures
from .selectors.members import member_figures
from .selectors.tree import new_domain_counts, subtree_counts


def compute(unit, year=None) -> dict:
    counts = subtree_counts(unit)
    new_domain = new_domain_counts(unit)
    return {
        "org.streets": counts[UnitKind.STREET] + counts[UnitKind.TOWN],
        "org.urban_streets": counts[UnitKind.STREET],
        "org.communities": counts[UnitKind.COMMUNITY] + counts[UnitKind.VILLAGE],
        "org.urban_communities": counts[UnitKind.COMMUNITY],
        "org.compounds": counts[UnitKind.COMPOUND],
        "org.compound_party_orgs": counts["compound_party_orgs"],
        "org.compound_coverage_pct": pct(counts["compound_party_orgs"], counts[UnitKind.COMPOUND]),
        "org.buildings": counts[UnitKind.BUILDING],
        "org.building_party_groups": counts["building_party_groups"],
        "org.office_building_party_orgs": new_domain[NewDomainKind.OFFICE_BUILDING],
        "org.property_company_party_orgs": new_domain[NewDomainKind.PROPERTY_COMPANY],
        **member_figures(unit),
        **conference_figures(unit, year),
    }
