"""Year-end assessment 年终考核: the set-based computation, the year-end review and 述职评议 votes, the
excellence quota (proposals refused above it, the district's override of the cut), finalisation and
reopening."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.audit import snapshot
from core.scoping import Action, ScopeDenied, require_scope

from ..choices import VOTE_POINTS, Vote, YearCloseAction, YearCloseState, YearGrade
from ..models import (
    IndicatorScore,
    Lapse,
    QuotaOverride,
    RegularAssessment,
    Scheme,
    YearClose,
    YearCloseEvent,
    YearResult,
)
from .common import audit, not_blank, refuse_if_finalised, require_root


def _tables():
    return {m.__name__: m._meta.db_table for m in (YearResult, RegularAssessment, Scheme)}


def year_compute_sql(*, owner_id: int, year: int) -> dict:
    """The year-end computation for one tree and year, set-based: one INSERT … SELECT … GROUP BY for the
    missing results and one UPDATE per derived column, each writing only rows whose value changes (so a
    second run writes nothing). Frozen (finalised) results are never touched. Returns rows written per
    step."""
    t = _tables()
    yr, ra, sc = t["YearResult"], t["RegularAssessment"], t["Scheme"]
    schemes = f"(SELECT id FROM {sc} WHERE owner_id = %s AND year = %s)"
    p = [owner_id, year]
    g, fg, av, po = (VOTE_POINTS[v] for v in (Vote.GOOD, Vote.FAIRLY_GOOD, Vote.AVERAGE, Vote.POOR))
    votes = "(votes_good + votes_fairly_good + votes_average + votes_poor)"
    vote_expr = (f"ROUND(CAST({g} * votes_good + {fg} * votes_fairly_good + {av} * votes_average + {po} * votes_poor"
                 f" AS NUMERIC) / (1.0 * {votes}), 2)")
    total_expr = ("ROUND(CAST(regular_avg * s.regular_weight + review_score * s.review_weight"
                  " + COALESCE(vote_score, 0) * s.vote_weight AS NUMERIC) / 100.0, 2)")
    grade_expr = (f"CASE WHEN total >= s.excellent_min THEN '{YearGrade.EXCELLENT}'"
                  f" WHEN total >= s.competent_min THEN '{YearGrade.COMPETENT}'"
                  f" WHEN total >= s.basic_min THEN '{YearGrade.BASIC}' ELSE '{YearGrade.FAILED}' END")
    final_expr = (f"CASE WHEN person_id IS NOT NULL AND score_grade = '{YearGrade.EXCELLENT}'"
                  f" AND NOT excellent_proposed THEN '{YearGrade.COMPETENT}' ELSE score_grade END")
    steps = {
        "inserted": (
            f"INSERT INTO {yr} (scheme_id, year, assessee_key, unit_id, department_id, person_id, reviewer_unit_id,"
            f" regular_count, review_comment, review_evidence, debrief_report, votes_good, votes_fairly_good,"
            f" votes_average, votes_poor, score_grade, grade, excellent_proposed, frozen)"
            f" SELECT r.scheme_id, MAX(r.year), r.assessee_key, MAX(r.unit_id), MAX(r.department_id),"
            f" MAX(r.person_id), MAX(r.reviewer_unit_id), 0, '', '', '', 0, 0, 0, 0, '', '', %s, %s"
            f" FROM {ra} r WHERE r.scheme_id IN {schemes} AND NOT EXISTS (SELECT 1 FROM {yr} y"
            f" WHERE y.scheme_id = r.scheme_id AND y.assessee_key = r.assessee_key)"
            f" GROUP BY r.scheme_id, r.assessee_key", [False, False, *p]),
        "regular": (
            f"UPDATE {yr} SET regular_avg = a.avg_score, regular_count = a.n FROM (SELECT scheme_id, assessee_key,"
            f" ROUND(CAST(AVG(score) AS NUMERIC), 2) AS avg_score, COUNT(*) AS n FROM {ra}"
            f" WHERE state = 'completed' AND scheme_id IN {schemes} GROUP BY scheme_id, assessee_key) a"
            f" WHERE {yr}.scheme_id = a.scheme_id AND {yr}.assessee_key = a.assessee_key AND NOT {yr}.frozen"
            f" AND ({yr}.regular_avg IS NULL OR {yr}.regular_avg <> a.avg_score OR {yr}.regular_count <> a.n)", p),
        "votes": (
            f"UPDATE {yr} SET vote_score = {vote_expr} WHERE scheme_id IN {schemes} AND NOT frozen AND {votes} > 0"
            f" AND (vote_score IS NULL OR vote_score <> {vote_expr})", p),
        "total": (
            f"UPDATE {yr} SET total = {total_expr} FROM {sc} s WHERE s.id = {yr}.scheme_id AND s.owner_id = %s"
            f" AND s.year = %s AND NOT {yr}.frozen AND regular_avg IS NOT NULL AND review_score IS NOT NULL"
            f" AND (s.vote_weight = 0 OR vote_score IS NOT NULL) AND (total IS NULL OR total <> {total_expr})", p),
        "score_grade": (
            f"UPDATE {yr} SET score_grade = {grade_expr} FROM {sc} s WHERE s.id = {yr}.scheme_id AND s.owner_id = %s"
            f" AND s.year = %s AND NOT {yr}.frozen AND total IS NOT NULL AND score_grade <> {grade_expr}", p),
        "unproposed": (
            f"UPDATE {yr} SET excellent_proposed = %s WHERE scheme_id IN {schemes} AND NOT frozen"
            f" AND excellent_proposed AND score_grade <> '{YearGrade.EXCELLENT}'", [False, *p]),
        "grade": (
            f"UPDATE {yr} SET grade = {final_expr} WHERE scheme_id IN {schemes} AND NOT frozen"
            f" AND score_grade <> '' AND grade <> {final_expr}", p),
    }
    written = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in steps.items():
            cursor.execute(sql, params)
            written[name] = max(cursor.rowcount, 0)
    return written


@transaction.atomic
def year_compute(*, actor, owner, year: int) -> dict:
    """Compute the year-end results of ``year`` in ``owner``'s tree (the district root); refused once the
    year is finalised. A second run writes nothing (and leaves no audit row)."""
    owner = require_root(owner)
    if actor is not None:
        require_scope(actor, Action.CHANGE, owner)
    refuse_if_finalised(owner.pk, year)
    written = year_compute_sql(owner_id=owner.pk, year=year)
    if any(written.values()):
        audit(actor, "year.compute", None, after={"year": year, **written}, unit=owner)
    return written


def _result_for_reviewer(actor, result: YearResult) -> YearResult:
    result = (YearResult.objects.select_for_update(of=("self",))
              .select_related("scheme", "scheme__owner", "reviewer_unit", "unit").get(pk=result.pk))
    require_scope(actor, Action.CHANGE, result.reviewer_unit)
    if result.person_id is not None and result.person_id == getattr(actor, "pk", None):
        raise ScopeDenied("own result")
    refuse_if_finalised(result.scheme.owner_id, result.year)
    return result


def _score(value, field: str) -> Decimal:
    try:
        value = Decimal(str(value)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({field: ValidationError(_("Enter a number."), code="invalid")}) from None
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError({field: ValidationError(_("The score lies between 0 and 100."), code="out_of_range")})
    return value


@transaction.atomic
def year_review_enter(*, actor, result: YearResult, review_score, evidence: str, comment: str = "") -> YearResult:
    """The year-end review 年终考核 of the reviewer unit: a score 0–100 with evidence and a comment."""
    result = _result_for_reviewer(actor, result)
    before = snapshot(result, ["review_score", "review_evidence", "review_comment"])
    result.review_score = _score(review_score, "review_score")
    result.review_evidence = not_blank(evidence, "review_evidence")
    result.review_comment = (comment or "").strip()
    result.save(update_fields=["review_score", "review_evidence", "review_comment"])
    audit(actor, "year.review", result, before=before,
          after=snapshot(result, ["review_score", "review_evidence", "review_comment"]), unit=result.reviewer_unit)
    return result


@transaction.atomic
def debrief_record(*, actor, result: YearResult, report: str, good: int, fairly_good: int, average: int,
                   poor: int) -> YearResult:
    """The 述职评议 of an assessee: the report, then the evaluators' votes 好/较好/一般/差 (counted)."""
    result = _result_for_reviewer(actor, result)
    counts = {"votes_good": good, "votes_fairly_good": fairly_good, "votes_average": average, "votes_poor": poor}
    for field, value in counts.items():
        if not isinstance(value, int) or value < 0:
            raise ValidationError({field: ValidationError(_("Enter a whole number, 0 or more."), code="invalid")})
    if not sum(counts.values()):
        raise ValidationError({"votes_good": ValidationError(_("Record at least one vote."), code="no_votes")})
    fields = ["debrief_report", *counts]
    before = snapshot(result, fields)
    result.debrief_report = not_blank(report, "debrief_report")
    for field, value in counts.items():
        setattr(result, field, value)
    result.save(update_fields=fields)
    audit(actor, "year.debrief", result, before=before, after=snapshot(result, fields), unit=result.reviewer_unit)
    return result


@transaction.atomic
def excellent_propose(*, actor, result: YearResult, excellent: bool = True) -> YearResult:
    """The reviewer unit proposes (or withdraws) an 优秀 grade for a person it assesses. Refused above the
    unit's quota under the scheme (``over_quota``, naming the quota) and below the excellent threshold."""
    from ..selectors import quota_for

    result = _result_for_reviewer(actor, result)
    if result.person_id is None:
        raise ValidationError(_("Units are graded by their score."), code="not_a_person")
    if excellent:
        if result.score_grade != YearGrade.EXCELLENT:
            raise ValidationError(_("The score does not reach the excellent grade."), code="score_too_low")
        # lock the unit's results under the scheme so two proposals cannot both take the last place
        list(YearResult.objects.select_for_update().filter(scheme_id=result.scheme_id,
                                                           reviewer_unit_id=result.reviewer_unit_id,
                                                           person__isnull=False).values_list("pk", flat=True))
        quota = quota_for(unit=result.reviewer_unit, scheme=result.scheme)
        taken = YearResult.objects.filter(scheme_id=result.scheme_id, reviewer_unit_id=result.reviewer_unit_id,
                                          excellent_proposed=True).exclude(pk=result.pk).count()
        if taken + 1 > quota["quota"]:
            raise ValidationError(
                _("%(unit)s may give %(quota)s excellent grade(s) (%(headcount)s assessed × (%(base)s − %(cut)s) %%); "
                  "%(taken)s already given.") % {**quota, "unit": result.reviewer_unit.name, "taken": taken},
                code="over_quota", params={"quota": quota["quota"]})
    before = {"excellent_proposed": result.excellent_proposed, "grade": result.grade}
    result.excellent_proposed = excellent
    if result.score_grade:
        result.grade = YearGrade.EXCELLENT if excellent else (
            YearGrade.COMPETENT if result.score_grade == YearGrade.EXCELLENT else result.score_grade)
    result.save(update_fields=["excellent_proposed", "grade"])
    audit(actor, "year.propose_excellent", result, before=before,
          after={"excellent_proposed": excellent, "grade": result.grade}, unit=result.reviewer_unit)
    return result


@transaction.atomic
def quota_override_set(*, actor, unit, scheme: Scheme, cut_points: int, reason: str) -> QuotaOverride:
    """The district overrides the computed cut of ``unit``'s quota under ``scheme``, with a reason."""
    scheme = Scheme.objects.select_related("owner").get(pk=scheme.pk)
    require_scope(actor, Action.CHANGE, scheme.owner)
    refuse_if_finalised(scheme.owner_id, scheme.year)
    if unit.tree_id != scheme.owner.tree_id:
        raise ScopeDenied("other tree")
    if not isinstance(cut_points, int) or not 0 <= cut_points <= scheme.base_excellent_pct:
        raise ValidationError({"cut_points": ValidationError(
            _("The cut lies between 0 and %(base)s points.") % {"base": scheme.base_excellent_pct},
            code="out_of_range")})
    reason = not_blank(reason, "reason")
    row = QuotaOverride.objects.select_for_update().filter(unit=unit, scheme=scheme).first()
    before = snapshot(row)
    if row is None:
        row = QuotaOverride(unit=unit, scheme=scheme)
    row.cut_points, row.reason, row.created_by = cut_points, reason, actor
    row.full_clean()
    row.save()
    audit(actor, "quota.override", row, before=before, after=snapshot(row), unit=unit)
    return row


def _snapshots(owner_id: int, year: int) -> dict[int, dict]:
    """Every input of every result of the year with the ids of the records behind it (constant queries)."""
    from ..selectors import quota_table

    regular: dict[tuple, list] = {}
    scores: dict[int, list] = {}
    for s in (IndicatorScore.objects.filter(assessment__scheme__owner_id=owner_id, assessment__year=year)
              .select_related("indicator").order_by("assessment_id", "indicator__number")):
        scores.setdefault(s.assessment_id, []).append({
            "indicator": s.indicator.code, "value": str(s.value) if s.value is not None else None,
            "score": str(s.score) if s.score is not None else None, "records": s.records,
            "evidence": s.evidence, "comment": s.comment, "entered_by": s.entered_by_id})
    for a in RegularAssessment.objects.filter(scheme__owner_id=owner_id, year=year).order_by("period"):
        regular.setdefault((a.scheme_id, a.assessee_key), []).append({
            "id": a.pk, "period": a.period, "state": a.state, "score": str(a.score) if a.score is not None else None,
            "grade": a.grade, "deadline": a.deadline.isoformat(),
            "completed_on": a.completed_on.isoformat() if a.completed_on else None, "indicators": scores.get(a.pk, [])})
    quotas = {(q["unit_id"], q["scheme_id"]): q for q in quota_table(year=year, owner_id=owner_id)}
    out = {}
    for r in YearResult.objects.filter(scheme__owner_id=owner_id, year=year):
        q = quotas.get((r.reviewer_unit_id, r.scheme_id))
        out[r.pk] = {
            "regular": regular.get((r.scheme_id, r.assessee_key), []),
            "regular_avg": str(r.regular_avg) if r.regular_avg is not None else None,
            "review": {"score": str(r.review_score) if r.review_score is not None else None,
                       "evidence": r.review_evidence, "comment": r.review_comment},
            "debrief": {"report": r.debrief_report, "good": r.votes_good, "fairly_good": r.votes_fairly_good,
                        "average": r.votes_average, "poor": r.votes_poor,
                        "score": str(r.vote_score) if r.vote_score is not None else None},
            "total": str(r.total) if r.total is not None else None, "grade": r.grade,
            "quota": {k: q[k] for k in ("headcount", "base_pct", "lapses", "lapse_ids", "cut_points", "quota",
                                        "excellent")} if q and r.person_id else None,
        }
    return out


@transaction.atomic
def year_finalise(*, actor, owner, year: int) -> YearClose:
    """The district finalises a year: results computed one last time, every input frozen into each
    result's snapshot (values with the ids of their records), further changes refused."""
    owner = require_root(owner)
    require_scope(actor, Action.CHANGE, owner)
    close = YearClose.objects.select_for_update().filter(owner=owner, year=year).first()
    if close is not None and close.is_finalised:
        raise ValidationError(_("This year is already finalised."), code="already_finalised")
    year_compute_sql(owner_id=owner.pk, year=year)
    snaps = _snapshots(owner.pk, year)
    results = list(YearResult.objects.filter(pk__in=snaps))
    for r in results:
        r.snapshot, r.frozen = snaps[r.pk], True
    YearResult.objects.bulk_update(results, ["snapshot", "frozen"], batch_size=500)
    if close is None:
        close = YearClose(owner=owner, year=year, state=YearCloseState.FINALISED)
    close.state = YearCloseState.FINALISED
    close.full_clean()
    close.save()
    YearCloseEvent.objects.create(close=close, action=YearCloseAction.FINALISE, actor=actor, results=len(results))
    audit(actor, "year.finalise", close, after={"year": year, "results": len(results)}, unit=owner)
    return close


@transaction.atomic
def year_reopen(*, actor, owner, year: int, reason: str) -> YearClose:
    """The district reopens a finalised year, with a reason (the snapshots stay as the record of what was
    finalised; the results can change again)."""
    owner = require_root(owner)
    require_scope(actor, Action.CHANGE, owner)
    close = YearClose.objects.select_for_update().filter(owner=owner, year=year).first()
    if close is None or not close.is_finalised:
        raise ValidationError(_("This year is not finalised."), code="not_finalised")
    reason = not_blank(reason, "reason")
    count = YearResult.objects.filter(scheme__owner=owner, year=year, frozen=True).update(frozen=False)
    close.state = YearCloseState.REOPENED
    close.save(update_fields=["state"])
    YearCloseEvent.objects.create(close=close, action=YearCloseAction.REOPEN, actor=actor, reason=reason,
                                  results=count)
    audit(actor, "year.reopen", close, before={"state": YearCloseState.FINALISED},
          after={"state": close.state, "reason": reason}, unit=owner)
    return close


__all__ = ["year_compute", "year_compute_sql", "year_review_enter", "debrief_record", "excellent_propose",
           "quota_override_set", "year_finalise", "year_reopen", "Lapse"]
