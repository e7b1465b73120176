"""Charts that exist as their keys exist: the two committees against the previous term are derived from
the resources keys alone (the previous term's number is the one the change was computed from)."""
from cockpit.selectors import _committee_terms


def test_committee_against_the_previous_term():
    rows = {r["key"]: (r["current"], r["previous"]) for r in _committee_terms({
        "resources.committee_under_35": 143, "resources.committee_under_35_change_pct": 69.2,
        "resources.committee_college": 376, "resources.committee_college_change_pct": 23.9,
        "resources.committee_avg_age": 39.7, "resources.committee_avg_age_change": -3.0})}
    assert rows == {"resources.committee_under_35": (143, 85), "resources.committee_college": (376, 303),
                    "resources.committee_avg_age": (39.7, 42.7)}
    assert _committee_terms({"resources.committee_under_35": 5}) == []
