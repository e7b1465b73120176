"""Writes of the operating-fund standard, fund allocations and spending. Allocations are recorded by
the level above the community (CHANGE over its street); the community records its spending, never more
than was allocated."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.scoping import Action, recheck_scope
from org.models import OrgUnit

from ..choices import CommunityClass, FundKind, FundSource
from ..models import FundAllocation, FundSpending, FundStandard
from .common import audit, field_error, load_for_update, money, require, snapshot

__all__ = ["fund_allocation_create", "fund_spending_create", "fund_standard_set"]


@transaction.atomic
def fund_standard_set(*, actor, owner: OrgUnit, year: int, community_class: str, amount_yuan) -> FundStandard:
    """Set (or change) the yuan per community per year for a class of community. The standard is the
    district's (a root of the tree: CHANGE over it)."""
    require(actor, Action.CHANGE, owner)
    owner = OrgUnit.objects.get(pk=owner.pk)
    if owner.parent_id is not None:
        raise field_error("owner", _("The operating-fund standard is set by the district."), "not_district")
    if community_class not in CommunityClass.values:
        raise field_error("community_class", _("Choose a class of community."), "bad_class")
    if not 2000 <= int(year) <= 2100:
        raise field_error("year", _("Enter a year between 2000 and 2100."), "bad_year")
    amount = money(amount_yuan, "amount_yuan")
    if amount <= 0:
        raise field_error("amount_yuan", _("The standard must be more than zero."), "not_positive")
    row = FundStandard.objects.select_for_update().filter(owner=owner, year=year,
                                                         community_class=community_class).first()
    before = snapshot(row)
    if row is None:
        row = FundStandard(owner_id=owner.pk, year=year, community_class=community_class, amount_yuan=amount)
        row.full_clean()
        row.save()
    else:
        row.amount_yuan = amount
        row.full_clean()
        row.save(update_fields=["amount_yuan", "updated_at"])
    recheck_scope(actor, Action.CHANGE, unit_id=row.owner_id)
    audit(actor, "fund_standard.set", row, before=before, after=snapshot(row))
    return row


@transaction.atomic
def fund_allocation_create(*, actor, community: OrgUnit, year: int, kind: str, amount_yuan, allocated_on,
                           source: str = FundSource.FINANCE, project: str = "") -> FundAllocation:
    community = OrgUnit.objects.get(pk=community.pk)
    require(actor, Action.CHANGE, community.parent)
    if kind not in FundKind.values:
        raise field_error("kind", _("Choose a kind of funds."), "bad_kind")
    if source not in FundSource.values:
        raise field_error("source", _("Choose a source."), "bad_source")
    if allocated_on.year != year:
        raise field_error("allocated_on", _("The date lies outside the year."), "outside_year")
    allocation = FundAllocation(community=community, year=year, kind=kind, source=source,
                                project=(project or "").strip(), allocated_on=allocated_on,
                                amount_yuan=money(amount_yuan, "amount_yuan"))
    allocation.full_clean()
    allocation.save()
    recheck_scope(actor, Action.CHANGE, unit_id=community.parent_id)
    audit(actor, "fund_allocation.create", allocation)
    return allocation


@transaction.atomic
def fund_spending_create(*, actor, allocation: FundAllocation, spent_on, amount_yuan, purpose: str) -> FundSpending:
    allocation = load_for_update(FundAllocation, allocation, actor, Action.CHANGE)
    require(actor, Action.CHANGE, allocation.community)
    amount = money(amount_yuan, "amount_yuan")
    spent = allocation.spendings.aggregate(s=Sum("amount_yuan"))["s"] or 0
    if spent + amount > allocation.amount_yuan:
        raise field_error("amount_yuan", _("More than is left of the allocation."), "over_allocation")
    if spent_on < allocation.allocated_on:
        raise field_error("spent_on", _("The date lies before the allocation."), "before_allocation")
    spending = FundSpending(allocation=allocation, spent_on=spent_on, amount_yuan=amount,
                            purpose=(purpose or "").strip())
    spending.full_clean()
    spending.save()
    recheck_scope(actor, Action.CHANGE, unit_id=allocation.community_id)
    audit(actor, "fund_spending.create", spending, unit=allocation.community)
    return spending
