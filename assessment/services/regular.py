"""Regular (quarterly) assessment 平时考核: opening the quarter's rows (the quarterly job), filling the
computed indicators from the quarter's records, the reviewer's entries, completion, and the lapses of
units that did not complete theirs by the deadline."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleGrant
from accounts.roles import Role
from core.audit import snapshot
from core.scoping import Action, ScopeDenied, recheck_scope, require_scope
from org.choices import COMMUNITY_KINDS, STREET_KINDS
from org.models import OrgUnit, OutsideUnit, OutsideUnitKind
from supervision.cycles import Period, parse_period, resolve_period

from ..choices import AssesseeKind, IndicatorKind, RegularGrade, RegularState, SchemeState
from ..models import IndicatorScore, Lapse, RegularAssessment, Scheme
from ..models.base import department_key, person_key, unit_key
from ..rules import RULES, Target
from .common import audit, not_blank, refuse_if_finalised, today, year_finalised

K = AssesseeKind
SECRETARY_ROLES = {Role.STREET_SECRETARY: STREET_KINDS, Role.COMMUNITY_SECRETARY: COMMUNITY_KINDS}
CADRE_ROLES = {Role.STREET_STAFF: STREET_KINDS, Role.COMMUNITY_CADRE: COMMUNITY_KINDS}


def assessees(scheme: Scheme, period: Period) -> list[dict]:
    """Who ``scheme`` assesses in ``period`` and who assesses them, from the tree and the role grants
    (a constant number of queries). A person is a user holding a secretary's or cadre's grant at a street
    or community during the period; a cadre is assessed by their own unit, a secretary by the unit above."""
    owner = scheme.owner
    units = OrgUnit.objects.filter(tree_id=owner.tree_id)
    kind = scheme.assessee_kind
    if kind == K.STREET:
        return [dict(assessee_key=unit_key(u.pk), unit=u, reviewer_unit_id=owner.pk)
                for u in units.filter(kind__in=STREET_KINDS).order_by("lft")]
    if kind == K.COMMUNITY:
        return [dict(assessee_key=unit_key(u.pk), unit=u, reviewer_unit_id=u.parent_id)
                for u in units.filter(kind__in=COMMUNITY_KINDS).order_by("lft")]
    if kind == K.DEPARTMENT:
        depts = OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, is_active=True,
                                           registered_at__tree_id=owner.tree_id).order_by("code")
        return [dict(assessee_key=department_key(d.pk), unit_id=d.registered_at_id, department=d,
                     reviewer_unit_id=owner.pk) for d in depts]
    roles = SECRETARY_ROLES if kind == K.SECRETARY else CADRE_ROLES
    q = Q(pk__in=[])
    for role, kinds in roles.items():
        q |= Q(role=role, unit__kind__in=kinds)
    grants = (RoleGrant.objects.filter(q, unit__tree_id=owner.tree_id, valid_from__lte=period.end)
              .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
              .select_related("unit").order_by("unit__lft", "user_id", "pk"))
    seen, rows = set(), []
    for g in grants:
        key = person_key(g.user_id, g.unit_id)
        if key in seen:
            continue
        seen.add(key)
        reviewer = g.unit_id if kind == K.CADRE else (g.unit.parent_id or g.unit_id)
        rows.append(dict(assessee_key=key, unit=g.unit, person_id=g.user_id, reviewer_unit_id=reviewer))
    return rows


def _fill_computed(assessment: RegularAssessment, indicators, period: Period) -> int:
    """(Re)compute the computed indicators of one open assessment from the quarter's records; returns
    the number of scores written (unchanged ones are not written)."""
    target = Target.of(assessment)
    existing = {s.indicator_id: s for s in assessment.scores.all()}
    written = 0
    for ind in indicators:
        if ind.kind != IndicatorKind.COMPUTED:
            continue
        result = RULES[ind.rule_kind](target, period, ind.params)
        value = Decimal(str(result.value)).quantize(Decimal("0.01"))
        score = ind.score_for(value)
        records = result.records_json()
        row = existing.get(ind.pk)
        if row is None:
            IndicatorScore.objects.create(assessment=assessment, indicator=ind, value=value, score=score,
                                          records=records, detail=result.detail)
            written += 1
        elif (row.value, row.score, row.records, row.detail) != (value, score, records, result.detail):
            row.value, row.score, row.records, row.detail = value, score, records, result.detail
            row.save(update_fields=["value", "score", "records", "detail"])
            written += 1
    return written


@transaction.atomic
def regular_open(*, actor=None, period: str | None = None, owner=None) -> dict:
    """Open the regular assessments of ``period`` (a quarter; default: the one that just ended) for every
    scheme in use of its year (in ``owner``'s tree, default every tree), and fill their computed
    indicators. Idempotent: the unique (scheme, assessee, quarter) constraint lets a rerun add only what
    is missing. The quarterly job calls it with no actor; a person calling it needs CHANGE at the root."""
    quarter = resolve_period("quarterly", period)
    schemes = Scheme.objects.filter(year=quarter.start.year, state=SchemeState.IN_USE).select_related("owner")
    if owner is not None:
        schemes = schemes.filter(owner=owner)
    created = filled = skipped = 0
    for scheme in schemes:
        if actor is not None:
            require_scope(actor, Action.CHANGE, scheme.owner)
        if year_finalised(scheme.owner_id, scheme.year):  # a finalised year takes no new rows
            skipped += 1
            continue
        deadline = quarter.end + dt.timedelta(days=scheme.deadline_days)
        have = set(RegularAssessment.objects.filter(scheme=scheme, period=quarter.key)
                   .values_list("assessee_key", flat=True))
        new = [RegularAssessment(scheme=scheme, year=scheme.year, period=quarter.key, deadline=deadline, **row)
               for row in assessees(scheme, quarter) if row["assessee_key"] not in have]
        RegularAssessment.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
        indicators = list(scheme.indicators.all())
        fresh = (RegularAssessment.objects.filter(scheme=scheme, period=quarter.key, state=RegularState.OPEN,
                                                  assessee_key__in=[n.assessee_key for n in new])
                 .select_related("unit", "scheme").prefetch_related("scores"))
        for assessment in fresh:
            filled += _fill_computed(assessment, indicators, quarter)
    result = {"period": quarter.key, "schemes": len(schemes), "skipped": skipped, "opened": created,
              "scores": filled}
    if created:
        audit(actor, "regular.open", None, after=result)
    return result


def _open_for_reviewer(actor, assessment: RegularAssessment) -> RegularAssessment:
    assessment = (RegularAssessment.objects.select_for_update(of=("self",))
                  .select_related("scheme", "scheme__owner", "unit", "reviewer_unit").get(pk=assessment.pk))
    require_scope(actor, Action.CHANGE, assessment.reviewer_unit)
    if assessment.person_id is not None and assessment.person_id == getattr(actor, "pk", None):
        raise ScopeDenied("own assessment")
    refuse_if_finalised(assessment.scheme.owner_id, assessment.year)
    if assessment.state != RegularState.OPEN:
        raise ValidationError(_("This regular assessment is completed."), code="completed")
    return assessment


@transaction.atomic
def regular_refresh(*, actor, assessment: RegularAssessment) -> int:
    """Recompute the computed indicators of an open assessment (records may have changed)."""
    assessment = _open_for_reviewer(actor, assessment)
    written = _fill_computed(assessment, list(assessment.scheme.indicators.all()),
                             parse_period("quarterly", assessment.period))
    audit(actor, "regular.refresh", assessment, after={"scores": written}, unit=assessment.reviewer_unit)
    return written


@transaction.atomic
def regular_score_enter(*, actor, assessment: RegularAssessment, indicator, score, evidence: str,
                        comment: str = "") -> IndicatorScore:
    """The reviewer unit's score of a reviewed indicator, with its evidence and a comment."""
    assessment = _open_for_reviewer(actor, assessment)
    if indicator.scheme_id != assessment.scheme_id or indicator.kind != IndicatorKind.REVIEWED:
        raise ValidationError({"indicator": ValidationError(_("Choose a reviewed indicator of this scheme."),
                                                            code="not_reviewed")})
    try:
        score = Decimal(str(score)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({"score": ValidationError(_("Enter a number."), code="invalid")}) from None
    if not Decimal(0) <= score <= indicator.maximum:
        raise ValidationError({"score": ValidationError(
            _("The score lies between 0 and %(max)s.") % {"max": indicator.maximum}, code="out_of_range")})
    evidence = not_blank(evidence, "evidence")
    row = IndicatorScore.objects.select_for_update().filter(assessment=assessment, indicator=indicator).first()
    before = snapshot(row)
    if row is None:
        row = IndicatorScore(assessment=assessment, indicator=indicator)
    row.score, row.value, row.evidence, row.comment = score, score, evidence, (comment or "").strip()
    row.entered_by, row.entered_at = actor, timezone.now()
    row.full_clean()
    row.save()
    recheck_scope(actor, Action.CHANGE, unit_id=assessment.reviewer_unit_id)
    audit(actor, "regular.score", row, before=before, after=snapshot(row), unit=assessment.reviewer_unit)
    return row


def grade_for(scheme: Scheme, score: Decimal) -> str:
    if score >= scheme.good_min:
        return RegularGrade.GOOD
    if score >= scheme.fairly_good_min:
        return RegularGrade.FAIRLY_GOOD
    if score >= scheme.average_min:
        return RegularGrade.AVERAGE
    return RegularGrade.POOR


def total_of(indicators, scores: dict) -> Decimal:
    """Σ score × weight / Σ maximum × weight × 100, two decimals."""
    top = sum((scores[i.pk] * i.weight for i in indicators), Decimal(0))
    bottom = sum((i.maximum * i.weight for i in indicators), Decimal(0))
    return (top * 100 / bottom).quantize(Decimal("0.01")) if bottom else Decimal(0)


@transaction.atomic
def regular_complete(*, actor, assessment: RegularAssessment, on: dt.date | None = None) -> RegularAssessment:
    """Complete the quarter: computed indicators refreshed, every reviewed one entered, the score and
    the grade by the scheme's thresholds. ``on`` (default today) is the completion date: after the
    deadline the quarter stays a lapse of the reviewer unit."""
    assessment = _open_for_reviewer(actor, assessment)
    indicators = list(assessment.scheme.indicators.all())
    _fill_computed(assessment, indicators, parse_period("quarterly", assessment.period))
    scores = {s.indicator_id: s.score for s in assessment.scores.all() if s.score is not None}
    missing = [i.code for i in indicators if i.pk not in scores]
    if missing:
        raise ValidationError(_("Enter every reviewed indicator first (%(codes)s).") % {"codes": ", ".join(missing)},
                              code="scores_missing")
    before = snapshot(assessment)
    assessment.score = total_of(indicators, scores)
    assessment.grade = grade_for(assessment.scheme, assessment.score)
    assessment.state = RegularState.COMPLETED
    assessment.completed_on = on or today()
    assessment.completed_by = actor
    assessment.full_clean()
    assessment.save(update_fields=["score", "grade", "state", "completed_on", "completed_by", "updated_at"])
    audit(actor, "regular.complete", assessment, before=before, after=snapshot(assessment),
          unit=assessment.reviewer_unit)
    return assessment


@transaction.atomic
def lapses_record(*, actor=None, period: str | None = None, on: dt.date | None = None) -> dict:
    """Record a lapse for every unit that did not complete all the regular assessments of ``period`` it is
    responsible for by their deadline, once that deadline has passed (``on``, default today). One row per
    (unit, quarter) with the deadline and the assessments behind it; a rerun adds nothing."""
    quarter = resolve_period("quarterly", period)
    day = on or today()
    late = (RegularAssessment.objects.filter(period=quarter.key, deadline__lt=day)
            .filter(Q(state=RegularState.OPEN) | Q(completed_on__gt=F("deadline")))
            .order_by("reviewer_unit_id", "pk").values_list("reviewer_unit_id", "pk", "deadline"))
    by_unit: dict[int, list] = {}
    for unit_id, pk, deadline in late:
        by_unit.setdefault(unit_id, []).append((pk, deadline))
    have = set(Lapse.objects.filter(period=quarter.key, unit_id__in=by_unit).values_list("unit_id", flat=True))
    created = []
    for unit_id, rows in by_unit.items():
        if unit_id in have:
            continue
        lapse = Lapse.objects.create(unit_id=unit_id, year=quarter.start.year, period=quarter.key,
                                     deadline=min(d for _pk, d in rows), recorded_on=day, late_count=len(rows))
        lapse.assessments.set([pk for pk, _d in rows])
        created.append(lapse.pk)
    result = {"period": quarter.key, "lapses": len(created)}
    if created:
        audit(actor, "lapse.record", None, after={**result, "ids": created})
    return result
