"""Writes of schemes and indicators: create, edit (drafts only), put in use, copy to a new year."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import snapshot
from core.scoping import Action, recheck_scope, require_scope
from supervision.models import TaskArea

from ..choices import SchemeState
from ..models import Indicator, Scheme
from .common import audit, require_root

SCHEME_FIELDS = ("name", "base_excellent_pct", "cut_tiers", "regular_weight", "review_weight", "vote_weight",
                 "deadline_days", "good_min", "fairly_good_min", "average_min", "excellent_min", "competent_min",
                 "basic_min")
INDICATOR_FIELDS = ("area", "area_name", "number", "code", "name", "kind", "rule_kind", "params", "weight",
                    "maximum", "step", "cap", "description")


def _refuse_in_use(scheme: Scheme) -> None:
    if scheme.state != SchemeState.DRAFT:
        raise ValidationError(_("A scheme in use cannot change; copy it to a new year instead."), code="scheme_in_use")


def _locked(scheme) -> Scheme:
    return Scheme.objects.select_for_update().select_related("owner").get(pk=scheme.pk)


@transaction.atomic
def scheme_create(*, actor, owner, year: int, assessee_kind: str, name: str, **fields) -> Scheme:
    owner = require_root(owner)
    require_scope(actor, Action.CHANGE, owner)
    unknown = set(fields) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"unknown scheme fields {sorted(unknown)}")
    scheme = Scheme(owner=owner, year=year, assessee_kind=assessee_kind, name=(name or "").strip(),
                    created_by=actor, **fields)
    scheme.full_clean()
    scheme.save()
    recheck_scope(actor, Action.CHANGE, unit_id=scheme.owner_id)
    audit(actor, "scheme.create", scheme, unit=owner)
    return scheme


@transaction.atomic
def scheme_update(*, actor, scheme: Scheme, **fields) -> Scheme:
    scheme = _locked(scheme)
    require_scope(actor, Action.CHANGE, scheme.owner)
    _refuse_in_use(scheme)
    unknown = set(fields) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"unknown scheme fields {sorted(unknown)}")
    before = snapshot(scheme)
    for key, value in fields.items():
        setattr(scheme, key, value)
    scheme.full_clean()
    scheme.save(update_fields=[*fields, "updated_at"])
    audit(actor, "scheme.update", scheme, before=before, after=snapshot(scheme), unit=scheme.owner)
    return scheme


@transaction.atomic
def scheme_activate(*, actor, scheme: Scheme) -> Scheme:
    """Draft → in use. From then on neither the scheme nor its indicators change."""
    scheme = _locked(scheme)
    require_scope(actor, Action.CHANGE, scheme.owner)
    _refuse_in_use(scheme)
    if not scheme.indicators.exists():
        raise ValidationError(_("A scheme needs at least one indicator."), code="no_indicators")
    scheme.state = SchemeState.IN_USE
    scheme.save(update_fields=["state", "updated_at"])
    audit(actor, "scheme.activate", scheme, before={"state": SchemeState.DRAFT}, after={"state": scheme.state},
          unit=scheme.owner)
    return scheme


@transaction.atomic
def indicator_create(*, actor, scheme: Scheme, **fields) -> Indicator:
    scheme = _locked(scheme)
    require_scope(actor, Action.CHANGE, scheme.owner)
    _refuse_in_use(scheme)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown indicator fields {sorted(unknown)}")
    if "number" not in fields:
        fields["number"] = (scheme.indicators.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    indicator = Indicator(scheme=scheme, **fields)
    indicator.full_clean()
    indicator.save()
    audit(actor, "indicator.create", indicator, unit=scheme.owner)
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, **fields) -> Indicator:
    scheme = _locked(indicator.scheme)
    require_scope(actor, Action.CHANGE, scheme.owner)
    _refuse_in_use(scheme)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = snapshot(indicator)
    for key, value in fields.items():
        if key not in INDICATOR_FIELDS:
            raise TypeError(f"unknown indicator field {key}")
        setattr(indicator, key, value)
    indicator.full_clean()
    indicator.save(update_fields=list(fields))
    audit(actor, "indicator.update", indicator, before=before, after=snapshot(indicator), unit=scheme.owner)
    return indicator


@transaction.atomic
def indicator_delete(*, actor, indicator: Indicator) -> None:
    scheme = _locked(indicator.scheme)
    require_scope(actor, Action.CHANGE, scheme.owner)
    _refuse_in_use(scheme)
    before = snapshot(indicator)
    audit(actor, "indicator.delete", indicator, before=before, after={}, unit=scheme.owner)
    indicator.delete()


@transaction.atomic
def scheme_copy(*, actor, scheme: Scheme, year: int, name: str = "") -> Scheme:
    """A draft scheme for ``year`` copied from ``scheme`` with all its indicators; an indicator's task-list
    area becomes the new year's area of the same number (or none, keeping the area name)."""
    source = Scheme.objects.select_related("owner").get(pk=scheme.pk)
    require_scope(actor, Action.CHANGE, source.owner)
    copy = Scheme(owner=source.owner, year=year, assessee_kind=source.assessee_kind, copied_from=source,
                  created_by=actor, name=(name or source.name.replace(str(source.year), str(year))).strip(),
                  **{f: getattr(source, f) for f in SCHEME_FIELDS if f != "name"})
    copy.full_clean()
    copy.save()
    areas = {a.number: a for a in TaskArea.objects.filter(owner=source.owner, year=year)}
    indicators = []
    for ind in source.indicators.select_related("area").order_by("number"):
        area = areas.get(ind.area.number) if ind.area_id else None
        new = Indicator(scheme=copy, area=area, area_name=ind.area_name or (ind.area.name if ind.area_id else ""),
                        **{f: getattr(ind, f) for f in INDICATOR_FIELDS if f not in ("area", "area_name")})
        new.full_clean()
        indicators.append(new)
    Indicator.objects.bulk_create(indicators)
    audit(actor, "scheme.copy", copy, after={**snapshot(copy), "indicators": len(indicators)}, unit=copy.owner)
    return copy
