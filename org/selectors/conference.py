"""Reads of the regional joint conference: the conferences, the three lists (needs, resources, projects),
one conference's page, and the visits and cases in scope that could still raise a need. Every list is
scoped through ``for_user`` and loads what its rows show in a fixed number of queries."""
from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.scoping import Action

from ..choices import JointProjectState
from ..models import (
    ConferenceMeeting,
    ConferenceMemberUnit,
    ConferenceResolution,
    JointConference,
    JointNeed,
    JointProject,
    JointResource,
    PartTimeMember,
)

__all__ = [
    "conference_figures", "conference_meetings", "conference_member_units", "joint_conference_get", "joint_conference_list", "joint_need_candidates",
    "joint_need_list", "joint_project_get", "joint_project_list", "joint_resource_list", "meeting_resolutions",
]


def _count(model, path: str, extra: Q | None = None):
    """A correlated COUNT subquery of ``model`` rows pointing at the outer row by ``path``."""
    qs = model.objects.filter(**{path: OuterRef("pk")})
    if extra is not None:
        qs = qs.filter(extra)
    return Coalesce(Subquery(qs.order_by().values(path).annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), 0)


def joint_conference_list(*, user, action: str = Action.VIEW):
    """Conferences in scope, with their current member units, meetings held and projects completed."""
    today = timezone.localdate()
    current = Q(joined_on__lte=today) & (Q(left_on__isnull=True) | Q(left_on__gt=today))
    return (JointConference.objects.for_user(user, action).select_related("unit")
            .annotate(member_count=_count(ConferenceMemberUnit, "conference", current),
                      meeting_count=_count(ConferenceMeeting, "conference", Q(held_on__lte=today)),
                      project_count=_count(JointProject, "conference"),
                      completed_count=_count(JointProject, "conference", Q(state=JointProjectState.COMPLETED)))
            .order_by("unit__tree_id", "unit__lft"))


def joint_conference_get(*, user, pk, action: str = Action.VIEW):
    from core.scoping import get_object_for_user

    return get_object_for_user(JointConference.objects.select_related("unit"), user, action, pk=pk)


def conference_member_units(conference, *, current_only: bool = False):
    """A conference's member units with their outside units and representatives (two queries)."""
    qs = ConferenceMemberUnit.objects.filter(conference=conference).select_related("outside_unit")
    if current_only:
        qs = qs.current()
    seats = PartTimeMember.objects.select_related("seat").order_by("seat__lft", "person_name")
    return qs.prefetch_related(Prefetch("representatives", queryset=seats))


def conference_meetings(conference):
    return (ConferenceMeeting.objects.filter(conference=conference)
            .annotate(present=Count("attendees", distinct=True)).order_by("-held_on", "-pk"))


def meeting_resolutions(meeting):
    return ConferenceResolution.objects.filter(meeting=meeting).select_related("unit", "case").order_by("pk")


def joint_need_list(*, user, action: str = Action.VIEW):
    """Needs at units in scope, newest first, with where they were raised from."""
    return (JointNeed.objects.for_user(user, action, by_ids=True)
            .select_related("unit", "conference", "source_visit", "source_case")
            .annotate(project_count=_count(JointProject, "need"))
            .order_by("-raised_on", "-pk"))


def joint_resource_list(*, user, action: str = Action.VIEW):
    return (JointResource.objects.for_user(user, action, by_ids=True)
            .select_related("conference", "member_unit__outside_unit").order_by("conference", "kind", "pk"))


def joint_project_list(*, user, action: str = Action.VIEW):
    """Projects of conferences in scope, with their need, resource and communities (two queries a page)."""
    from ..models import OrgUnit

    return (JointProject.objects.for_user(user, action, by_ids=True)
            .select_related("conference__unit", "need__unit", "resource__member_unit__outside_unit")
            .prefetch_related(Prefetch("communities", queryset=OrgUnit.objects.order_by("code")))
            .order_by("-matched_on", "-pk"))


def joint_project_get(*, user, pk, action: str = Action.VIEW):
    from core.scoping import get_object_for_user

    return get_object_for_user(
        JointProject.objects.select_related("conference__unit", "need__unit", "resource__member_unit__outside_unit"),
        user, action, pk=pk)


def joint_need_candidates(*, user, limit: int = 10) -> dict:
    """What could still raise a need, newest first: visit records that need follow-up and open cases, at
    units the user may change, that have raised no need yet (two queries)."""
    from supervision.choices import OPEN_STATES
    from supervision.models import Case, VisitRecord

    visits = list(VisitRecord.objects.for_user(user, Action.CHANGE).filter(needs_follow_up=True, joint_needs=None)
                  .select_related("place").order_by("-visited_on", "-pk")[:limit])
    cases = list(Case.objects.for_user(user, Action.CHANGE).filter(state__in=OPEN_STATES, joint_needs=None)
                 .select_related("unit").order_by("-registered_on", "-pk")[:limit])
    return {"visits": visits, "cases": cases}


def conference_figures(unit, year=None) -> dict:
    """The joint-conference figures of ``unit``'s subtree (conferences held by it or below): member units
    (distinct outside units, current on the year's reference day), meetings held in the year, needs
    matched in the year (with a project not cancelled) and projects completed in the year."""
    import datetime as dt

    from core.scoping import subtree_q

    today = timezone.localdate()
    year = year or today.year
    day = today if year == today.year else dt.date(year, 12, 31)
    members = (ConferenceMemberUnit.objects.filter(subtree_q(unit, "conference__unit"), joined_on__lte=day)
               .filter(Q(left_on__isnull=True) | Q(left_on__gt=day)))
    matched = (JointProject.objects.filter(subtree_q(unit, "conference__unit"), matched_on__year=year)
               .exclude(state=JointProjectState.CANCELLED))
    return {
        "org.joint_conference_member_units": members.values("outside_unit_id").distinct().count(),
        "org.joint_conference_meetings": ConferenceMeeting.objects.filter(
            subtree_q(unit, "conference__unit"), held_on__year=year, held_on__lte=today).count(),
        "org.joint_needs_matched": matched.values("need_id").distinct().count(),
        "org.joint_projects_completed": JointProject.objects.filter(
            subtree_q(unit, "conference__unit"), state=JointProjectState.COMPLETED, completed_on__year=year).count(),
    }
