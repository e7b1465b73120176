"""Monthly-cycle benchmark: dispatch sheets for every street and district department of a province.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/cycle.py [--districts 100] [--visits 1000000] [--cases 200000] [--keep]

Builds, in its own database ``suxian_bench_cycle`` (created and dropped on the server of DATABASE_URL,
never touching the database named there), a province: ``--districts`` district trees (each 14 streets,
182 communities, 2 compounds per community), 31 departments per district, two cadres per community,
``--visits`` visit records and ``--cases`` cases with their events. Tree rows get MPTT values computed
in Python and are loaded with COPY — allowed ONLY here, in the benchmark database; the tree is then
verified by OrgUnit's own rebuild (sample trees recomputed by django-mptt from the parent pointers must
come out identical) and global nested-set invariants. Then it times ``monthly_cycle_run`` for all
streets and departments, its rerun (all skipped), and counts the queries of one sheet on streets and
departments of very different sizes (constant in the data size). Not a test: pytest never collects
bench/.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "suxian_bench_cycle"
STREETS, COMMUNITIES_PER_STREET, COMPOUNDS_PER_COMMUNITY, DEPARTMENTS = 14, 13, 2, 31
PERIOD = "2026-10"


def _setup_database(keep: bool) -> None:
    import dj_database_url
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("set DATABASE_URL=postgres://… (the benchmark runs on PostgreSQL)")
    cfg = dj_database_url.parse(url)
    admin = psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"],
                            password=cfg["PASSWORD"] or None, dbname=cfg["NAME"], autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    admin.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suxian.settings")
    os.environ.setdefault("DEBUG", "1")  # its own database, development keys
    os.environ.pop("CELERY_BROKER_URL", None)  # in-process: the job itself is what is timed
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


_MISSING = object()


def _default(field, now):
    from django.db import models

    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        value = field.get_default()
        return json.dumps(value) if isinstance(field, models.JSONField) else value
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    return _MISSING


def copy_rows(model, rows) -> int:
    """COPY ``rows`` (dicts by attname) into ``model``'s table; unspecified columns get their defaults."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults = {f.attname: _default(f, now) for f in fields}
    n = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cur:
        with cur.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = [row[f.attname] if f.attname in row else defaults[f.attname] for f in fields]
                if any(v is _MISSING for v in values):
                    missing = [f.attname for f, v in zip(fields, values) if v is _MISSING]
                    raise ValueError(f"no value for {model.__name__}.{missing}")
                copy.write_row(values)
                n += 1
    with connection.cursor() as cur:  # explicit ids were given: move the sequence past them
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {model._meta.db_table}), 1))")
    return n


def build_tree(districts: int):
    """Rows with MPTT values computed in Python (children in code order, as django-mptt orders them)."""
    units, next_id = [], [0]

    def new_id():
        next_id[0] += 1
        return next_id[0]

    for d in range(districts):
        tree_id = d + 1
        counter = [0]

        def node(code, name, kind, level, parent, anc):
            counter[0] += 1
            row = dict(id=new_id(), code=code, name=name, kind=kind, level=level, tree_id=tree_id,
                       parent_id=parent and parent["id"], lft=counter[0], party_org_type="", **anc)
            units.append(row)
            return row

        root = node(f"D{d:03d}", f"区委{d}", "district", 0, None,
                    dict(street_anc_id=None, community_anc_id=None, compound_anc_id=None))
        root["party_org_type"] = "district_committee"
        for s in range(STREETS):
            street = node(f"D{d:03d}S{s:02d}", f"街道{d}-{s}", "street", 1, root, {})
            street.update(street_anc_id=street["id"], community_anc_id=None, compound_anc_id=None)
            for c in range(COMMUNITIES_PER_STREET):
                community = node(f"D{d:03d}S{s:02d}C{c:02d}", f"社区{d}-{s}-{c}", "community", 2, street, {})
                community.update(street_anc_id=street["id"], community_anc_id=community["id"], compound_anc_id=None)
                for p in range(COMPOUNDS_PER_COMMUNITY):
                    compound = node(f"{community['code']}P{p}", f"小区{p}", "compound", 3, community, {})
                    compound.update(street_anc_id=street["id"], community_anc_id=community["id"],
                                    compound_anc_id=compound["id"])
                    counter[0] += 1
                    compound["rght"] = counter[0]
                counter[0] += 1
                community["rght"] = counter[0]
            counter[0] += 1
            street["rght"] = counter[0]
        counter[0] += 1
        root["rght"] = counter[0]
    return units


def verify_tree(sample_trees: list[int]) -> dict:
    """django-mptt recomputes sample trees from the parent pointers: nothing may change. Plus global
    nested-set invariants in SQL."""
    from django.db import connection

    from org.models import OrgUnit

    cols = ("id", "lft", "rght", "level", "tree_id", "parent_id")
    for tree_id in sample_trees:
        before = list(OrgUnit.objects.filter(tree_id=tree_id).order_by("id").values_list(*cols))
        OrgUnit.objects.partial_rebuild(tree_id)
        after = list(OrgUnit.objects.filter(tree_id=tree_id).order_by("id").values_list(*cols))
        assert before == after, f"tree {tree_id} differs after django-mptt's rebuild"
    with connection.cursor() as cur:
        cur.execute("""
            SELECT COUNT(*) FROM org_orgunit c JOIN org_orgunit p ON p.id = c.parent_id
            WHERE NOT (c.tree_id = p.tree_id AND c.lft > p.lft AND c.rght < p.rght AND c.level = p.level + 1)""")
        bad_children = cur.fetchone()[0]
        cur.execute("""
            SELECT COUNT(*) FROM org_orgunit r WHERE r.parent_id IS NULL AND r.rght - r.lft + 1 <>
            2 * (SELECT COUNT(*) FROM org_orgunit x WHERE x.tree_id = r.tree_id)""")
        bad_roots = cur.fetchone()[0]
    assert bad_children == 0 and bad_roots == 0, (bad_children, bad_roots)
    return {"sample_trees_rebuilt_identical": len(sample_trees), "bad_children": 0, "bad_roots": 0}


def build_data(districts: int, visits: int, cases: int, seed: int = 7) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import RoleGrant, User
    from org.models import OrgUnit, OutsideUnit
    from supervision.models import Case, CaseEvent, VisitRecord

    rng = random.Random(seed)
    timings = {}
    t = time.monotonic()
    units = build_tree(districts)
    with transaction.atomic():
        copy_rows(OrgUnit, units)
    timings["tree_rows"] = len(units)
    timings["tree_s"] = round(time.monotonic() - t, 1)
    t = time.monotonic()
    timings["tree_check"] = verify_tree(sorted({1, max(1, districts // 2), districts}))
    timings["tree_check_s"] = round(time.monotonic() - t, 1)

    t = time.monotonic()
    roots = [u for u in units if u["level"] == 0]
    communities = [u for u in units if u["kind"] == "community"]
    places_of = {}
    for u in units:
        if u["level"] >= 2:
            places_of.setdefault(u["community_anc_id"], []).append(u)
    depts, dept_id = [], 0
    depts_of = {}
    for r in roots:
        for k in range(DEPARTMENTS):
            dept_id += 1
            depts.append(dict(id=dept_id, kind="district_department", code=f"{r['code']}-Q{k:02d}", name=f"部门{k}",
                              short_name=f"部门{k}", registered_at_id=r["id"], is_active=True))
            depts_of.setdefault(r["tree_id"], []).append(dept_id)
    password = make_password("bench-password-1")
    users, grants, cadres_of = [], [], {}
    for n, c in enumerate(communities):
        for k in range(2):
            uid = 2 * n + k + 1
            users.append(dict(id=uid, username=f"cadre{uid}", password=password, is_active=True, is_staff=False,
                              is_superuser=False, full_name=f"干部{uid}", date_joined=timezone.now()))
            grants.append(dict(id=uid, user_id=uid, unit_id=c["id"], role="community_cadre",
                               valid_from=dt.date(2025, 1, 1)))
            cadres_of.setdefault(c["id"], []).append(uid)
    with transaction.atomic():
        copy_rows(OutsideUnit, depts)
        copy_rows(User, users)
        copy_rows(RoleGrant, grants)
    timings["departments"], timings["cadres"] = len(depts), len(users)

    start, span = dt.date(2026, 1, 1), (dt.date(2026, 10, 31) - dt.date(2026, 1, 1)).days
    cats = ["property_management", "neighbourhood", "environment", "infrastructure", "social_assistance", "other"]

    def visit_rows():
        for i in range(visits):
            c = communities[rng.randrange(len(communities))]
            place = rng.choice(places_of[c["id"]])
            yield dict(id=i + 1, cadre_id=rng.choice(cadres_of[c["id"]]), place_id=place["id"],
                       visited_on=start + dt.timedelta(days=rng.randrange(span + 1)), households="住户",
                       households_count=rng.randint(1, 5), heard="民情民意", category=rng.choice(cats),
                       needs_follow_up=False)

    with transaction.atomic():
        copy_rows(VisitRecord, visit_rows())
    timings["visits"] = visits
    timings["visits_s"] = round(time.monotonic() - t, 1)

    t = time.monotonic()
    tz = timezone.get_current_timezone()
    case_rows, events = [], []
    for i in range(cases):
        c = communities[rng.randrange(len(communities))]
        unit = rng.choice(places_of[c["id"]])
        registered = start + dt.timedelta(days=rng.randrange(span + 1))
        dept = rng.choice(depts_of[unit["tree_id"]]) if rng.random() < 0.05 else None
        resolved = rng.random() < 0.85
        due = registered + dt.timedelta(days=45 if dept else 15)
        row = dict(id=i + 1, kind="dispute", source="hotline", category=rng.choice(cats), unit_id=unit["id"],
                   title="纠纷", description="描述", level="department" if dept else "community",
                   handler_unit_id=None if dept else c["id"], handler_department_id=dept, registered_on=registered,
                   due_on=due, state="resolved" if resolved else ("escalated" if dept else "in_progress"),
                   resolved_on=registered + dt.timedelta(days=rng.randint(1, 30)) if resolved else None,
                   resolution="已化解" if resolved else "", priority="normal", is_hard=False)
        case_rows.append(row)
        at = dt.datetime.combine(registered, dt.time(10), tz)
        events.append(dict(case_id=i + 1, action="register", at=at, from_state="", to_state="registered",
                           to_level="community", to_unit_id=c["id"]))
        if dept:
            events.append(dict(case_id=i + 1, action="escalate", at=at + dt.timedelta(days=2), from_state="in_progress",
                               to_state="escalated", from_level="community", to_level="department",
                               from_unit_id=c["id"], to_department_id=dept, reason="需部门"))
        if resolved:
            events.append(dict(case_id=i + 1, action="resolve", at=dt.datetime.combine(row["resolved_on"], dt.time(16), tz),
                               from_state="escalated" if dept else "in_progress", to_state="resolved",
                               from_department_id=dept, from_unit_id=None if dept else c["id"],
                               to_department_id=dept, to_unit_id=None if dept else c["id"]))
    for n, e in enumerate(events, start=1):
        e["id"] = n
    with transaction.atomic():
        copy_rows(Case, case_rows)
        copy_rows(CaseEvent, events)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    timings["cases"], timings["case_events"] = cases, len(events)
    timings["cases_s"] = round(time.monotonic() - t, 1)
    return timings


class QueryCounter:
    """Counts every query (unlike the debug query log, which keeps only the last 9,000)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def sheet_queries(sample: int = 12) -> dict:
    """Queries of one sheet (compute + write) on the smallest and biggest streets and departments."""
    from django.db import connection, transaction
    from django.db.models import Count

    from org.models import OrgUnit, OutsideUnit
    from supervision.cycles import parse_period
    from supervision.models import Case
    from supervision.services.dispatch import generate_sheet

    period = parse_period("monthly", PERIOD)
    streets = list(OrgUnit.objects.filter(kind="street").annotate(n=Count("id")).order_by("id"))
    by_size = sorted(streets, key=lambda s: Case.objects.filter(unit__street_anc_id=s.pk).count())
    chosen = by_size[: sample // 2] + by_size[-sample // 2:]
    depts = list(OutsideUnit.objects.select_related("registered_at").order_by("id")[:sample])
    counts = {"street": [], "department": []}

    class Rollback(Exception):
        pass

    for kind, targets in (("street", chosen), ("department", depts)):
        for target in targets:
            try:
                with transaction.atomic():
                    counter = QueryCounter()
                    with connection.execute_wrapper(counter):
                        if kind == "street":
                            generate_sheet(period=period, unit=target, regenerate=True)
                        else:
                            generate_sheet(period=period, department=target, regenerate=True)
                    counts[kind].append(counter.n)
                    raise Rollback
            except Rollback:
                pass
    small = Case.objects.filter(unit__street_anc_id=by_size[0].pk).count()
    big = Case.objects.filter(unit__street_anc_id=by_size[-1].pk).count()
    return {"street_queries": sorted(set(counts["street"])), "department_queries": sorted(set(counts["department"])),
            "street_cases_smallest_biggest": [small, big]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    _setup_database(args.keep)
    report = {"scale": vars(args)}
    report["build"] = build_data(args.districts, args.visits, args.cases)

    from django.db import connection

    from supervision.models import DispatchSheet
    from supervision.services.cycle import monthly_cycle_run

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        t = time.monotonic()
        first = monthly_cycle_run(period=PERIOD)
        elapsed = time.monotonic() - t
    jobs = first["done"] + first["skipped"] + first["failed"]
    report["monthly"] = dict(first, seconds=round(elapsed, 1), sheets=DispatchSheet.objects.count(),
                             ms_per_sheet=round(elapsed * 1000 / max(jobs, 1), 1),
                             queries_total=counter.n, queries_per_job=round(counter.n / max(jobs, 1), 2))
    t = time.monotonic()
    second = monthly_cycle_run(period=PERIOD)
    report["monthly_rerun"] = dict(second, seconds=round(time.monotonic() - t, 1),
                                   sheets=DispatchSheet.objects.count())
    report["per_sheet"] = sheet_queries()
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    if not args.keep:
        connection.close()
        import dj_database_url
        import psycopg

        cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
        admin = psycopg.connect(host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"],
                                password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.close()


if __name__ == "__main__":
    main()
