"""Writes of premises, renovation projects (recorded by the street: CHANGE over the community's parent),
revived idle offices and shared venues."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scoping import Action, recheck_scope
from core.validators import check_record_date
from org.models import OrgUnit, OutsideUnit

from ..choices import PremiseKind, ProjectKind, VenueKind
from ..models import IdleRevival, Premise, RenovationProject, SharedVenue
from .common import audit, field_error, load_for_update, money, require, snapshot

__all__ = ["idle_revival_create", "premise_create", "renovation_accept", "renovation_create",
           "shared_venue_create"]


def _area(value, field: str = "area_m2", *, positive: bool = True) -> Decimal:
    try:
        area = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        raise field_error(field, _("Enter an area in square metres."), "bad_area") from None
    if area < 0 or (positive and area == 0):
        raise field_error(field, _("The area must be positive."), "bad_area")
    return area


@transaction.atomic
def premise_create(*, actor, community: OrgUnit, name: str, area_m2, kind: str = PremiseKind.OFFICE,
                   address: str = "") -> Premise:
    require(actor, Action.CHANGE, community)
    if kind not in PremiseKind.values:
        raise field_error("kind", _("Choose a kind."), "bad_kind")
    premise = Premise(community_id=community.pk, name=(name or "").strip(), kind=kind, area_m2=_area(area_m2),
                      address=(address or "").strip())
    premise.full_clean()
    premise.save()
    recheck_scope(actor, Action.CHANGE, unit_id=premise.community_id)
    audit(actor, "premise.create", premise)
    return premise


@transaction.atomic
def renovation_create(*, actor, premise: Premise, budget_yuan, started_on, kind: str = ProjectKind.RENOVATION,
                      spent_yuan=0, added_area_m2=0) -> RenovationProject:
    premise = load_for_update(Premise, premise, actor, Action.VIEW)
    community = OrgUnit.objects.get(pk=premise.community_id)
    require(actor, Action.CHANGE, community.parent)
    if kind not in ProjectKind.values:
        raise field_error("kind", _("Choose a kind."), "bad_kind")
    project = RenovationProject(premise=premise, kind=kind, budget_yuan=money(budget_yuan, "budget_yuan"),
                                spent_yuan=money(spent_yuan, "spent_yuan"), started_on=started_on,
                                added_area_m2=_area(added_area_m2, "added_area_m2", positive=False))
    project.full_clean()
    project.save()
    recheck_scope(actor, Action.CHANGE, unit_id=community.parent_id)
    audit(actor, "renovation.create", project, unit=community)
    return project


@transaction.atomic
def renovation_accept(*, actor, project: RenovationProject, accepted_on, spent_yuan) -> RenovationProject:
    """验收: the project is accepted with its final spend."""
    project = load_for_update(RenovationProject, project, actor, Action.VIEW)
    community = OrgUnit.objects.get(pk=project.premise.community_id)
    require(actor, Action.CHANGE, community.parent)
    if project.accepted_on is not None:
        raise field_error("accepted_on", _("The project has already been accepted."), "already_accepted")
    check_record_date(accepted_on, "accepted_on", latest=timezone.localdate())
    if accepted_on < project.started_on:
        raise field_error("accepted_on", _("Acceptance lies before the start."), "before_start")
    before = snapshot(project)
    project.accepted_on, project.spent_yuan = accepted_on, money(spent_yuan, "spent_yuan")
    project.full_clean()
    project.save(update_fields=["accepted_on", "spent_yuan", "updated_at"])
    recheck_scope(actor, Action.CHANGE, unit_id=community.parent_id)
    audit(actor, "renovation.accept", project, before=before, after=snapshot(project), unit=community)
    return project


@transaction.atomic
def idle_revival_create(*, actor, community: OrgUnit, name: str, new_use: str, area_m2, revived_on,
                        former_use: str = "") -> IdleRevival:
    community = OrgUnit.objects.get(pk=community.pk)
    require(actor, Action.CHANGE, community.parent)
    check_record_date(revived_on, "revived_on", latest=timezone.localdate())
    revival = IdleRevival(community=community, name=(name or "").strip(), new_use=(new_use or "").strip(),
                          former_use=(former_use or "").strip(), area_m2=_area(area_m2), revived_on=revived_on)
    revival.full_clean()
    revival.save()
    recheck_scope(actor, Action.CHANGE, unit_id=community.parent_id)
    audit(actor, "idle_revival.create", revival)
    return revival


@transaction.atomic
def shared_venue_create(*, actor, host: OutsideUnit, community: OrgUnit, name: str, kind: str,
                        opening_terms: str, starts_on, ends_on=None, area_m2=None) -> SharedVenue:
    require(actor, Action.CHANGE, community)
    host_row = OutsideUnit.objects.pickable_by(actor, Action.CHANGE).filter(pk=getattr(host, "pk", host)).first()
    if host_row is None:
        raise field_error("host", _("Choose a unit from the list."), "bad_host")
    if kind not in VenueKind.values:
        raise field_error("kind", _("Choose a kind."), "bad_kind")
    check_record_date(starts_on, "starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise field_error("ends_on", _("The end lies before the start."), "before_start")
    venue = SharedVenue(host=host_row, community_id=community.pk, name=(name or "").strip(), kind=kind,
                        opening_terms=(opening_terms or "").strip(), starts_on=starts_on, ends_on=ends_on,
                        area_m2=_area(area_m2) if area_m2 not in (None, "") else None)
    venue.full_clean()
    venue.save()
    recheck_scope(actor, Action.CHANGE, unit_id=venue.community_id)
    audit(actor, "shared_venue.create", venue)
    return venue
