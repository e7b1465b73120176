"""Writes of 党建大比武: set a competition up (weighted criteria, judges), a community secretary's entry,
a judge's scores, and publishing the grades. The result is computed from the scores
(``entry_result``): the weighted mean per judge, the mean over judges, the highest and the lowest
judge's totals dropped when there are ``TRIM_FROM_JUDGES`` or more. No ranking, no running points."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleGrant
from accounts.roles import Role
from core.scoping import Action, ScopeDenied, recheck_scope, unit_in_scope
from org.choices import Level
from org.models import OrgUnit

from ..choices import GRADE_BANDS, TRIM_FROM_JUDGES
from ..models import Competition, Criterion, Entry, Score
from .common import audit, error, fresh_unit, not_blank, require, unit_at

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def judge_candidates(actor):
    """Users who may be named judges by ``actor``: holders of a current grant at a unit in its scope."""
    units = OrgUnit.objects.for_user(actor, Action.VIEW)
    user_ids = RoleGrant.objects.active().filter(unit__in=units).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("username")


def secretary_units(user):
    """Communities where ``user`` holds a current community-secretary grant (where they may enter)."""
    if not getattr(user, "pk", None):
        return OrgUnit.objects.none()
    ids = RoleGrant.objects.active().filter(user_id=user.pk, role=Role.COMMUNITY_SECRETARY).values("unit_id")
    return OrgUnit.objects.filter(pk__in=ids).order_by("tree_id", "lft")


def _under(unit, top) -> bool:
    return unit.tree_id == top.tree_id and top.lft <= unit.lft and unit.rght <= top.rght


@transaction.atomic
def competition_create(*, actor, unit, year: int, title: str, criteria, judges, round_no: int = 1) -> Competition:
    """A round of a competition organised by a district or street: ``criteria`` are (name, weight[,
    full marks]) rows, ``judges`` users among ``judge_candidates``."""
    unit = unit_at(unit, (Level.DISTRICT, Level.STREET))
    require(actor, unit)
    rows = [tuple(c) for c in criteria]
    if not rows:
        raise error("criteria", _("Give at least one criterion."), "required")
    names = [not_blank(r[0], "criteria") for r in rows]
    if len(set(names)) != len(names):
        raise error("criteria", _("Each criterion needs its own name."), "duplicate")
    for r in rows:
        if int(r[1]) < 1 or (len(r) > 2 and int(r[2]) < 1):
            raise error("criteria", _("Weights and full marks are whole numbers of at least 1."), "invalid")
    judge_ids = {getattr(j, "pk", j) for j in judges}
    if not judge_ids:
        raise error("judges", _("Name at least one judge."), "required")
    found = list(judge_candidates(actor).filter(pk__in=judge_ids))
    if len(found) != len(judge_ids):
        raise ScopeDenied(Action.VIEW)
    if Competition.objects.filter(unit=unit, year=year, round=round_no).exists():
        raise error("round", _("This round of the year exists already."), "duplicate")
    competition = Competition(unit=unit, year=year, round=round_no, title=not_blank(title, "title"))
    competition.full_clean()
    competition.save()
    Criterion.objects.bulk_create([
        Criterion(competition=competition, position=i, name=names[i - 1], weight=int(r[1]),
                  max_score=int(r[2]) if len(r) > 2 else 100)
        for i, r in enumerate(rows, start=1)])
    competition.judges.set(found)
    recheck_scope(actor, Action.CHANGE, unit_id=competition.unit_id)
    audit(actor, "governance.competition.create", competition,
          after={"year": year, "round": round_no, "title": competition.title,
                 "criteria": [[n, int(r[1])] for n, r in zip(names, rows)], "judges": sorted(judge_ids)})
    return competition


def _open_competition(competition) -> Competition:
    competition = Competition.objects.select_for_update().select_related("unit").filter(
        pk=getattr(competition, "pk", competition)).first()
    if competition is None:
        raise ScopeDenied(Action.CHANGE)
    if competition.is_published:
        raise error(None, _("The grades are published; the competition is closed."), "published")
    return competition


@transaction.atomic
def entry_submit(*, actor, competition, unit, title: str, summary: str) -> Entry:
    """A community secretary enters their own community (one entry per community and competition)."""
    unit = fresh_unit(unit)
    if not secretary_units(actor).filter(pk=unit.pk).exists():
        raise ScopeDenied(Action.CHANGE)
    require(actor, unit)
    competition = _open_competition(competition)
    if not _under(unit, competition.unit):
        raise ScopeDenied(Action.CHANGE)
    if Entry.objects.filter(competition=competition, unit=unit).exists():
        raise error("unit", _("This community has entered already."), "duplicate")
    entry = Entry(competition=competition, unit=unit, entrant=actor, title=not_blank(title, "title"),
                  summary=not_blank(summary, "summary"))
    entry.full_clean()
    entry.save()
    recheck_scope(actor, Action.CHANGE, unit_id=entry.unit_id)
    audit(actor, "governance.entry.submit", entry)
    return entry


def is_judge(user, competition) -> bool:
    return bool(getattr(user, "pk", None)) and competition.judges.filter(pk=user.pk).exists()


@transaction.atomic
def score_record(*, actor, entry, values: dict) -> list[Score]:
    """A judge scores every criterion of an entry (0 to full marks); scoring again replaces their scores."""
    entry = Entry.objects.select_related("competition").filter(pk=getattr(entry, "pk", entry)).first()
    if entry is None or not is_judge(actor, entry.competition):
        raise ScopeDenied(Action.CHANGE)
    _open_competition(entry.competition)
    if entry.entrant_id == actor.pk:
        raise error(None, _("A judge does not score their own entry."), "own_entry")
    criteria = list(entry.competition.criteria.all())
    errors = {}
    clean = {}
    for c in criteria:
        raw = values.get(c.pk, values.get(str(c.pk)))
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.1"))
        except Exception:
            errors[f"c{c.pk}"] = error(None, _("Give a score for every criterion."), "required")
            continue
        if not (0 <= value <= c.max_score):
            errors[f"c{c.pk}"] = error(None, _("The score must lie between 0 and full marks."), "out_of_range")
            continue
        clean[c.pk] = value
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError(errors)
    before = dict(Score.objects.filter(entry=entry, judge=actor).values_list("criterion_id", "value"))
    Score.objects.filter(entry=entry, judge=actor).delete()
    rows = Score.objects.bulk_create([Score(entry=entry, criterion_id=cid, judge=actor, value=v)
                                      for cid, v in clean.items()])
    audit(actor, "governance.score.record", entry, unit=entry.unit,
          before={str(k): str(v) for k, v in before.items()} or None,
          after={"judge": actor.pk, "scores": {str(k): str(v) for k, v in clean.items()}})
    return rows


def trimmed_mean(totals) -> Decimal | None:
    """The mean of the judges' totals; with ``TRIM_FROM_JUDGES`` or more, one highest and one lowest dropped."""
    totals = sorted(Decimal(t) for t in totals)
    if not totals:
        return None
    if len(totals) >= TRIM_FROM_JUDGES:
        totals = totals[1:-1]
    return (sum(totals) / len(totals)).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_of(total: Decimal):
    for floor, grade in GRADE_BANDS:
        if total >= floor:
            return grade
    return GRADE_BANDS[-1][1]


def entry_result(entry, criteria=None, scores=None) -> dict:
    """The computed result of an entry: each judge's weighted total on a 0–100 scale (only judges who
    scored every criterion count), the trimmed mean and its grade. ``criteria``/``scores`` may be
    passed already fetched (lists of the competition's criteria and the entry's scores)."""
    criteria = list(criteria if criteria is not None else entry.competition.criteria.all())
    scores = list(scores if scores is not None else entry.scores.all())
    by_id = {c.pk: c for c in criteria}
    weight_sum = sum(c.weight for c in criteria)
    per_judge: dict[int, dict] = {}
    for s in scores:
        per_judge.setdefault(s.judge_id, {})[s.criterion_id] = s.value
    totals = {}
    for judge_id, marks in per_judge.items():
        if set(marks) != set(by_id) or not weight_sum:
            continue
        totals[judge_id] = (sum(Decimal(marks[cid]) * HUNDRED / by_id[cid].max_score * by_id[cid].weight
                                for cid in by_id) / weight_sum).quantize(CENT, rounding=ROUND_HALF_UP)
    total = trimmed_mean(totals.values())
    return {"judges": len(totals), "judge_totals": totals, "total": total,
            "grade": grade_of(total) if total is not None else "",
            "trimmed": len(totals) >= TRIM_FROM_JUDGES}


@transaction.atomic
def competition_publish(*, actor, competition) -> Competition:
    """Publish the grades: every judge must have scored every entry; each entry's computed total and
    grade are stored and the competition closes."""
    competition = _open_competition(competition)
    if not unit_in_scope(actor, Action.CHANGE, competition.unit, fresh=True):
        raise ScopeDenied(Action.CHANGE)
    entries = list(competition.entries.prefetch_related("scores"))
    if not entries:
        raise error(None, _("There are no entries to publish."), "no_entries")
    criteria = list(competition.criteria.all())
    judge_ids = set(competition.judges.values_list("pk", flat=True))
    results = {}
    for entry in entries:
        result = entry_result(entry, criteria, entry.scores.all())
        expected = judge_ids - {entry.entrant_id}
        if not expected <= set(result["judge_totals"]):
            raise error(None, _("Not every judge has scored every entry yet."), "incomplete")
        results[entry.pk] = result
    for entry in entries:
        entry.total, entry.grade = results[entry.pk]["total"], results[entry.pk]["grade"]
    Entry.objects.bulk_update(entries, ["total", "grade"])
    competition.published_at, competition.published_by = timezone.now(), actor
    competition.save(update_fields=["published_at", "published_by", "updated_at"])
    audit(actor, "governance.competition.publish", competition,
          after={"entries": {str(e.pk): [str(e.total), e.grade] for e in entries}})
    return competition


def competition_visible_q(user) -> Q:
    """Who sees a competition: staff of the organising unit (its scope), its judges, and community
    secretaries of communities under it (to enter, and to see their own entry)."""
    from core.scoping import scope_q

    q = scope_q(user, Action.VIEW, "unit") | Q(judges=user) | Q(entries__entrant=user)
    for unit in secretary_units(user):
        q |= Q(unit__tree_id=unit.tree_id, unit__lft__lte=unit.lft, unit__rght__gte=unit.rght)
    return q


__all__ = [
    "competition_create", "competition_publish", "competition_visible_q", "entry_result", "entry_submit",
    "grade_of", "is_judge", "judge_candidates", "score_record", "secretary_units", "trimmed_mean",
]
