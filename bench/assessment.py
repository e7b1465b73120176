"""Year-end assessment benchmark: the set-based computation for a province against a per-unit ORM loop.

    .venv/bin/python bench/assessment.py [--scale 100] [--json out.json]
    .venv/bin/python bench/assessment.py --database NAME   # an existing demo database (seed_demo), small

Runs on the bench database of ``bench/generate.py`` (``suxian_bench_s<S>``), or on the PostgreSQL database
named by ``--database`` (for a quick check on a seeded demo; its rows for the bench year are bench-only). It
adds, once, a community scheme for the year 2031 in every district tree and four completed quarters of
regular assessment per community (bench-only rows, bulk-loaded), then times

* ``assessment.services.yearend.year_compute_sql`` for every district (INSERT … SELECT … GROUP BY and
  UPDATEs that write only changed rows), then its rerun, which must write nothing;
* the plain per-unit loop (one aggregate query and one save per community), in a rolled-back
  transaction,

and prints (and with ``--json`` writes) the seconds and the ratio loop / set-based.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_exists, db_name_for, setup_django  # noqa: E402

YEAR = 2031


def prepare():
    import datetime as dt

    from assessment.choices import AssesseeKind, RegularGrade, RegularState, SchemeState
    from assessment.models import Indicator, RegularAssessment, Scheme
    from assessment.models.base import unit_key
    from org.choices import COMMUNITY_KINDS
    from org.models import OrgUnit

    roots = list(OrgUnit.objects.filter(parent__isnull=True).order_by("tree_id"))
    rng = random.Random(2031)
    for root in roots:
        scheme, created = Scheme.objects.get_or_create(
            owner=root, year=YEAR, assessee_kind=AssesseeKind.COMMUNITY,
            defaults={"name": "bench", "state": SchemeState.IN_USE})
        if created:
            Indicator.objects.create(scheme=scheme, number=1, code="work", name="work", kind="reviewed", maximum=100)
        if RegularAssessment.objects.filter(scheme=scheme).exists():
            continue
        rows = []
        communities = OrgUnit.objects.filter(tree_id=root.tree_id, kind__in=COMMUNITY_KINDS).values_list(
            "pk", "parent_id")
        for pk, parent in communities:
            for q in (1, 2, 3, 4):
                rows.append(RegularAssessment(
                    scheme=scheme, year=YEAR, period=f"{YEAR}-Q{q}", assessee_key=unit_key(pk), unit_id=pk,
                    reviewer_unit_id=parent, deadline=dt.date(YEAR, 3 * q, 28), state=RegularState.COMPLETED,
                    score=Decimal(rng.randint(6000, 10000)) / 100, grade=RegularGrade.GOOD,
                    completed_on=dt.date(YEAR, 3 * q, 20)))
        RegularAssessment.objects.bulk_create(rows, batch_size=5000)
    return roots


def loop_compute(roots) -> int:
    """The plain per-unit loop, writing what the set-based step "inserted"+"regular" writes: per assessee
    one aggregate of its completed quarters, one lookup and one write of its result (an assessee without
    a completed quarter keeps no average, as in SQL). Returns the results written."""
    from django.db.models import Avg, Count

    from assessment.models import RegularAssessment, YearResult

    written = 0
    for root in roots:
        groups = (RegularAssessment.objects.filter(scheme__owner=root, year=YEAR)
                  .values("scheme_id", "assessee_key", "unit_id", "department_id", "person_id", "reviewer_unit_id")
                  .order_by("scheme_id", "assessee_key").distinct())
        for g in groups:
            agg = RegularAssessment.objects.filter(scheme_id=g["scheme_id"], assessee_key=g["assessee_key"],
                                                   state="completed").aggregate(avg=Avg("score"), n=Count("pk"))
            result, _created = YearResult.objects.get_or_create(
                scheme_id=g["scheme_id"], assessee_key=g["assessee_key"],
                defaults={"year": YEAR, "unit_id": g["unit_id"], "department_id": g["department_id"],
                          "person_id": g["person_id"], "reviewer_unit_id": g["reviewer_unit_id"]})
            if result.frozen:
                continue
            avg = None if agg["avg"] is None else Decimal(agg["avg"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if result.regular_avg != avg or result.regular_count != agg["n"]:
                result.regular_avg, result.regular_count = avg, agg["n"]
                result.save(update_fields=["regular_avg", "regular_count"])
            written += 1
    return written


def _snapshot() -> dict:
    from assessment.models import YearResult

    return {(s, k): (a, n) for s, k, a, n in YearResult.objects.filter(year=YEAR).values_list(
        "scheme_id", "assessee_key", "regular_avg", "regular_count")}


def _matches(expected: dict) -> bool:
    """The loop wrote the same results as the set-based computation (same rows, same averages)."""
    return _snapshot() == expected


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--database", help="an existing PostgreSQL database instead of the bench one")
    parser.add_argument("--json")
    args = parser.parse_args()
    name = args.database or db_name_for(args.scale)
    if args.database and not database_exists(name):
        print(f"{name} does not exist")
        return 2
    if not database_exists(name):
        print(f"{name} does not exist: run `python -m bench --scale {args.scale} --skip http` first")
        return 2
    setup_django(name)
    from django.db import transaction

    from assessment.models import RegularAssessment, YearResult
    from assessment.services.yearend import year_compute_sql

    roots = prepare()
    YearResult.objects.filter(year=YEAR).delete()
    t = time.perf_counter()
    with transaction.atomic():
        first = [year_compute_sql(owner_id=r.pk, year=YEAR) for r in roots]
    set_based = time.perf_counter() - t
    t = time.perf_counter()
    with transaction.atomic():
        again = [year_compute_sql(owner_id=r.pk, year=YEAR) for r in roots]
    rerun = time.perf_counter() - t
    rerun_written = sum(sum(w.values()) for w in again)
    first_rows = _snapshot()
    with transaction.atomic():
        YearResult.objects.filter(year=YEAR).delete()  # the loop starts from nothing, like the first run
        t = time.perf_counter()
        loop_rows = loop_compute(roots)
        loop = time.perf_counter() - t
        loop_matches = _matches(first_rows)
        transaction.set_rollback(True)
    out = {"database": name, "scale": None if args.database else args.scale, "districts": len(roots),
           "regular_rows": RegularAssessment.objects.filter(year=YEAR).count(),
           "results": sum(w["inserted"] for w in first), "set_based_s": round(set_based, 3),
           "rerun_s": round(rerun, 3), "rerun_written": rerun_written, "loop_s": round(loop, 3),
           "loop_rows": loop_rows, "loop_matches_set_based": loop_matches, "ratio": round(loop / set_based, 1) if set_based else None}
    print(json.dumps(out, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0 if rerun_written == 0 and loop_matches else 1


if __name__ == "__main__":
    raise SystemExit(main())
