"""The cockpit's panels on the start page (found by ``core.views.home_panels``): for a user whose work is
in a community (a community secretary or cadre) the work comes first — the visit button and their open
cases — then their community's figures, grouped like the cockpit. District and street staff land on the
cockpit itself: ``landing`` answers the start page with it (drill-down links are relative, so they
stay on the start page; ``/cockpit/`` is the same view)."""
from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from core.scoping import Action, cached_grants, has_any_scope
from org.choices import Level
from supervision import selectors as supervision_selectors
from supervision.choices import OPEN_STATES

from . import selectors

OPEN_CASES_SHOWN = 5
# Grants at these tree levels make the cockpit the user's landing page.
COCKPIT_LEVELS = (Level.DISTRICT, Level.STREET)


def lands_on_cockpit(user) -> bool:
    """District and street staff: a tree grant at the district or at a street."""
    return any(not g.is_department_grant and g.unit.level in COCKPIT_LEVELS for g in cached_grants(user))


def landing(request):
    if lands_on_cockpit(request.user):
        from .views import CockpitView

        return CockpitView.as_view()(request)
    return None


def _community_units(user) -> list:
    seen, units = set(), []
    for grant in cached_grants(user):
        unit = grant.unit
        if not grant.is_department_grant and unit.level >= Level.COMMUNITY and unit.pk not in seen:
            seen.add(unit.pk)
            units.append(unit)
    return units


def _url(name: str) -> str | None:
    """A page of another app by name, when that app serves it (governance is built in parallel)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def home_panels(request) -> list[str]:
    user = request.user
    units = _community_units(user)
    if not units:
        return []
    unit = units[0]
    year = selectors.default_year()
    counts = supervision_selectors.case_counts(user=user)
    open_cases = list(supervision_selectors.case_list(user=user).filter(state__in=OPEN_STATES)[:OPEN_CASES_SHOWN])
    figures = selectors.figures_for(unit, year)
    ctx = {
        "unit": unit, "year": year, "counts": counts, "open_cases": open_cases,
        "can_record": has_any_scope(user, Action.RECORD),
        "sections": selectors.grouped(figures, {}, unit=unit, year=year),
        "topics_url": _url("governance:topic_list"),
    }
    return [render_to_string("cockpit/_home_work.html", ctx, request=request),
            render_to_string("cockpit/_home_figures.html", ctx, request=request)]
