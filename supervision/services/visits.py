"""Writes of weekly visit records 周纪实."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.scoping import Action, recheck_scope, require_scope
from core.validators import check_record_date
from org.models import OrgUnit

from ..choices import CaseKind, CaseSource, Category
from ..models import VisitRecord
from .cases import case_register
from .common import audit, today


@transaction.atomic
def visit_record_create(*, actor, place: OrgUnit, visited_on: dt.date, heard: str, category: str = Category.OTHER,
                        households: str = "", households_count: int = 1, needs_follow_up: bool = False,
                        cadre=None, cases: list[dict] | tuple = ()) -> VisitRecord:
    """Record a visit; each dict in ``cases`` raises a case in the same transaction (keys: ``title``,
    ``description``, ``kind``, optional ``category``, ``parties``, ``unit``, ``is_hard``…)."""
    place = OrgUnit.objects.get(pk=place.pk)
    require_scope(actor, Action.RECORD, place)
    if visited_on > today():
        raise ValidationError({"visited_on": ValidationError(_("A visit cannot be recorded for a future date."), code="future")})
    check_record_date(visited_on, "visited_on")
    visit = VisitRecord(
        cadre=cadre or actor, visited_on=visited_on, place=place, households=(households or "").strip(),
        households_count=households_count, heard=(heard or "").strip(), category=category,
        needs_follow_up=bool(needs_follow_up or cases), recorded_by=actor,
    )
    visit.full_clean()
    visit.save()
    for spec in cases:
        spec = dict(spec)
        case_register(
            actor=actor, unit=spec.pop("unit", place), kind=spec.pop("kind", CaseKind.DIFFICULTY),
            source=CaseSource.VISIT, visit=visit, category=spec.pop("category", category),
            title=spec.pop("title", ""), description=spec.pop("description", visit.heard),
            registered_on=visited_on, **spec,
        )
    recheck_scope(actor, Action.RECORD, unit_id=visit.place_id)
    audit(actor, "visit_record.create", visit)
    return visit


@transaction.atomic
def visit_records_bulk_create(*, actor, rows: list[dict], batch_size: int = 5000) -> int:
    """Bulk path (demo, benchmark, importing a paper ledger): every row is validated like a single
    record (``full_clean``, place level, scope per place), written with one INSERT per batch and one
    audit row for the batch. ``place`` must be a loaded OrgUnit."""
    checked: set[int] = set()
    objs = []
    for n, row in enumerate(rows, start=1):
        place = row["place"]
        if place.pk not in checked:
            require_scope(actor, Action.RECORD, place)
            checked.add(place.pk)
        visit = VisitRecord(recorded_by=actor if getattr(actor, "pk", None) else None, **row)
        try:
            # FKs are loaded objects; the database constraints are checked by the INSERT itself.
            visit.full_clean(exclude=["cadre", "recorded_by", "place"], validate_unique=False,
                             validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError(_("Row %(n)s: %(error)s") % {"n": n, "error": "; ".join(exc.messages)},
                                  code="bad_row") from exc
        objs.append(visit)
    VisitRecord.objects.bulk_create(objs, batch_size=batch_size)
    audit(actor, "visit_record.bulk_create", None, after={"visits": len(objs)},
          unit=rows[0]["place"] if rows else None)
    return len(objs)
