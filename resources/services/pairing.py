"""Writes of pairings 结对帮扶, their support records and their difficulties. A difficulty is registered
as a case of the work system through ``supervision.services.case_register`` (source ``pairing``); the
link row is all this app keeps, so whether it is solved is the case's state."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.scoping import Action, ScopeDenied, recheck_scope
from core.validators import check_record_date
from org.models import OrgUnit, OutsideUnit
from supervision.choices import CaseKind, CaseSource, Category
from supervision.services import case_register

from ..choices import SupportKind
from ..models import Pairing, PairingDifficulty, SupportRecord
from .common import audit, field_error, load_for_update, money, require, snapshot

__all__ = ["pairing_create", "pairing_difficulty_raise", "pairing_end", "support_record_create"]


def _partner(actor, partner) -> OutsideUnit:
    row = OutsideUnit.objects.pickable_by(actor, Action.CHANGE).filter(pk=getattr(partner, "pk", partner)).first()
    if row is None:
        raise field_error("partner", _("Choose a unit from the list."), "bad_partner")
    return row


@transaction.atomic
def pairing_create(*, actor, partner: OutsideUnit, community: OrgUnit, starts_on, ends_on=None,
                   focus: str = "") -> Pairing:
    require(actor, Action.CHANGE, community)
    partner = _partner(actor, partner)
    community = OrgUnit.objects.get(pk=community.pk)
    if Pairing.objects.filter(partner=partner, community=community, ends_on__isnull=True).exists():
        raise field_error("partner", _("This unit is already paired with this community."), "already_paired")
    pairing = Pairing(partner=partner, community=community, starts_on=starts_on, ends_on=ends_on,
                      focus=(focus or "").strip())
    pairing.full_clean()
    pairing.save()
    recheck_scope(actor, Action.CHANGE, unit_id=pairing.community_id)
    audit(actor, "pairing.create", pairing)
    return pairing


@transaction.atomic
def pairing_end(*, actor, pairing: Pairing, ends_on) -> Pairing:
    pairing = load_for_update(Pairing, pairing, actor, Action.CHANGE)
    require(actor, Action.CHANGE, pairing.community)
    if pairing.ends_on is not None:
        raise field_error("ends_on", _("The pairing has already ended."), "already_ended")
    check_record_date(ends_on, "ends_on")
    if ends_on < pairing.starts_on:
        raise field_error("ends_on", _("The end lies before the start."), "before_start")
    before = snapshot(pairing)
    pairing.ends_on = ends_on
    pairing.save(update_fields=["ends_on", "updated_at"])
    recheck_scope(actor, Action.CHANGE, unit_id=pairing.community_id)
    audit(actor, "pairing.end", pairing, before=before, after=snapshot(pairing))
    return pairing


@transaction.atomic
def support_record_create(*, actor, pairing: Pairing, kind: str, given_on, description: str,
                          amount_yuan=0) -> SupportRecord:
    """The community (RECORD over it) or a liaison of the paired unit records support given."""
    pairing = load_for_update(Pairing, pairing, actor, Action.RECORD)
    require(actor, Action.RECORD, pairing.community, department_id=pairing.partner_id)
    if kind not in SupportKind.values:
        raise field_error("kind", _("Choose a kind of support."), "bad_kind")
    if given_on < pairing.starts_on or (pairing.ends_on and given_on > pairing.ends_on):
        raise field_error("given_on", _("The date lies outside the pairing's period."), "outside_period")
    record = SupportRecord(pairing=pairing, kind=kind, given_on=given_on, description=(description or "").strip(),
                           amount_yuan=money(amount_yuan, "amount_yuan"))
    record.full_clean()
    record.save()
    recheck_scope(actor, Action.RECORD, unit_id=pairing.community_id, department_id=pairing.partner_id)
    audit(actor, "support_record.create", record, unit=pairing.community)
    return record


@transaction.atomic
def pairing_difficulty_raise(*, actor, pairing: Pairing, title: str, description: str,
                             category: str = Category.OTHER, kind: str = CaseKind.DIFFICULTY,
                             registered_on=None, households_affected: int = 0) -> PairingDifficulty:
    """Register a difficulty the pairing takes on as a case at the community (the case services check
    RECORD over it) and link it to the pairing."""
    pairing = load_for_update(Pairing, pairing, actor, Action.RECORD)
    if pairing.ends_on is not None:
        raise field_error("pairing", _("The pairing has ended."), "ended")
    community = OrgUnit.objects.get(pk=pairing.community_id)
    case = case_register(actor=actor, unit=community, kind=kind, source=CaseSource.PAIRING, category=category,
                         title=title, description=description, source_ref=f"pairing:{pairing.pk}",
                         registered_on=registered_on, households_affected=households_affected)
    link = PairingDifficulty.objects.create(pairing=pairing, case=case)
    if not PairingDifficulty.objects.for_user(actor, Action.RECORD).filter(pk=link.pk).exists():
        raise ScopeDenied(Action.RECORD)
    audit(actor, "pairing_difficulty.raise", link, unit=community)
    return link
