"""Tree page and roll-up timings: ``python -m bench.tree --scale S [--database NAME] [--samples N]``.

Against a database built by ``bench.generate``:

1. the unit page (``org:orgunit_detail``) of a district, a street, a community and a compound, through the
   Django test client in-process (server time = the whole request/response cycle in Django, no network),
   logged in as the district admin of the unit's district; many units per level, each requested several
   times; median and p95 time, and the query count per request (min and max over the samples);
2. the member list filtered to a street (``org:member_list?unit=<code>`` when that page exists, else the
   selector ``member_list`` with a 50-row page and its count, as the page would run it — says which);
3. the cockpit roll-up ``org.selectors.org_rollup`` (every district, street and community, cumulative
   units by kind and members, GROUPING SETS over the ancestor columns) as a province-wide superuser;
4. the same roll-up the plain way: walking the units in Python with one query per unit (``subtree_counts``
   over the MPTT range + the unit's current members over the MPTT range), timed on a stratified sample and
   extrapolated to every unit; and, for reference, one big MPTT range-join query. The plain results of the
   sample are compared with the roll-up's (they must agree).

No cache is warmed with an answer: the application has no result cache; PostgreSQL's buffer cache is warm
after the first request, which is reported separately for the roll-up (first run vs median).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import BASE_DIR, BENCH_KEYS, db_name_for, setup_django, summary_ms, write_json
else:
    from .common import BASE_DIR, BENCH_KEYS, db_name_for, setup_django, summary_ms, write_json

BENCH_ENV = dict(
    DEBUG="0", SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
    # The keys the generator uses (bench.common.BENCH_KEYS), so its hashes match.
    **BENCH_KEYS,
    ALLOWED_HOSTS="127.0.0.1,testserver", SECURE_COOKIES="0", STATIC_ROOT="/tmp/suxian_bench_static",
    LOG_LEVEL="ERROR",
    # As deployed (docker-compose, .env.example): sessions and the cache in Redis. The cache holds sessions,
    # throttles and log-in lock-outs only; no page or query result is cached.
    CACHE_URL=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"),
)


def ensure_static() -> None:
    """DEBUG=0 uses the manifest static storage: collect once into a bench directory."""
    import subprocess

    manifest = Path(BENCH_ENV["STATIC_ROOT"]) / "staticfiles.json"
    if not manifest.exists():
        import os

        env = dict(os.environ, **BENCH_ENV)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR,
                       env=env, check=True)


CPU: dict[str, list[float]] = {}


def _request(client, url, cpu_key: str | None = None):
    """Time one GET; with ``cpu_key``, also record the app process's and the database backend's CPU time
    (load-independent cost; the backend's is read from /proc in 10 ms ticks, so only its mean is used)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    b0 = backend_cpu_seconds() if cpu_key else None
    with CaptureQueriesContext(connection) as ctx:
        p0 = time.process_time()
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t0
        app_cpu = time.process_time() - p0
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    if cpu_key:
        b1 = backend_cpu_seconds()
        CPU.setdefault(cpu_key + ":app", []).append(app_cpu)
        if b0 is not None and b1 is not None:
            CPU.setdefault(cpu_key + ":db", []).append(b1 - b0)
    return elapsed, len(ctx.captured_queries)


def _cpu_summary(key: str) -> dict:
    app, db = CPU.get(key + ":app", []), CPU.get(key + ":db", [])
    return {"app_cpu_ms_median": round(statistics.median(app) * 1000, 1) if app else None,
            "db_cpu_ms_mean": round(statistics.mean(db) * 1000, 1) if db else None}


def admin_client(district_tree_id: int, clients: dict):
    from django.test import Client

    from accounts.models import User

    if district_tree_id not in clients:
        client = Client()
        client.force_login(User.objects.get(username=f"b{district_tree_id}_admin"))
        clients[district_tree_id] = client
    return clients[district_tree_id]


def bench_unit_pages(samples: int, repeats: int, rng: random.Random) -> dict:
    from django.urls import reverse

    from org.models import OrgUnit

    clients: dict = {}
    out = {}
    for level, label in ((0, "district"), (1, "street"), (2, "community"), (3, "compound")):
        ids = list(OrgUnit.objects.filter(level=level).values_list("pk", flat=True))
        chosen = rng.sample(ids, k=min(samples, len(ids)))
        times, queries = [], []
        for pk in chosen:
            unit = OrgUnit.objects.get(pk=pk)
            client = admin_client(unit.tree_id, clients)
            url = reverse("org:orgunit_detail", args=[pk])
            _request(client, url)  # first request of this unit (Python/template warm-up), not counted
            for _ in range(repeats):
                t, q = _request(client, url, cpu_key=label)
                times.append(t)
                queries.append(q)
        out[label] = {**summary_ms(times), "units": len(chosen), "queries_min": min(queries),
                      "queries_max": max(queries), **_cpu_summary(label)}
        print(f"  unit page {label:10s} median {out[label]['median_ms']:7.1f} ms  p95 {out[label]['p95_ms']:7.1f} ms"
              f"  queries {min(queries)}–{max(queries)}  ({len(times)} samples; CPU app "
              f"{out[label]['app_cpu_ms_median']} ms + db {out[label]['db_cpu_ms_mean']} ms)", flush=True)
    return out


def bench_member_list(samples: int, repeats: int, rng: random.Random) -> dict:
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from org import selectors
    from org.models import OrgUnit

    streets = list(OrgUnit.objects.filter(level=1).values_list("pk", flat=True))
    chosen = rng.sample(streets, k=min(samples, len(streets)))
    try:
        url = reverse("org:member_list")
    except NoReverseMatch:
        url = None
    clients: dict = {}
    times, queries = [], []
    for pk in chosen:
        street = OrgUnit.objects.get(pk=pk)
        if url:
            client = admin_client(street.tree_id, clients)
            page_url = f"{url}?unit={street.code}"
            _request(client, page_url)
            for _ in range(repeats):
                t, q = _request(client, page_url, cpu_key="member_list")
                times.append(t)
                queries.append(q)
        else:
            user = User.objects.get(username=f"b{street.tree_id}_admin")
            for _ in range(repeats + 1):
                user = User.objects.get(pk=user.pk)  # fresh scope cache, like a new request
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    page = Paginator(selectors.member_list(user=user, unit=street), 50).get_page(1)
                    selectors.member_display(list(page.object_list), user=user)
                    page.paginator.count
                    elapsed = time.perf_counter() - t0
                times.append(elapsed)
                queries.append(len(ctx.captured_queries))
            times.pop(-repeats - 1)
            queries.pop(-repeats - 1)
    result = {**summary_ms(times), "streets": len(chosen), "queries_min": min(queries), "queries_max": max(queries),
              **_cpu_summary("member_list"),
              "path": "page org:member_list?unit=<street code>" if url else "selector member_list + 50-row page (no page yet)"}
    print(f"  member list (street) median {result['median_ms']:.1f} ms  p95 {result['p95_ms']:.1f} ms  "
          f"queries {result['queries_min']}–{result['queries_max']}  via {result['path']}", flush=True)
    return result


def _root_user():
    from accounts.models import User

    user, created = User.objects.get_or_create(username="bench_root", defaults={"is_superuser": True,
                                                                                 "is_staff": True})
    if not user.is_superuser:
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    return user


def backend_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (server on this machine), else None."""
    import os

    from django.db import connection

    try:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def bench_rollup(repeats: int, plain_sample: int, rng: random.Random, range_join: bool = True) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from org.models import Member, OrgUnit
    from org.selectors import org_rollup, subtree_counts

    user = _root_user()
    runs, server_cpu, client_cpu = [], [], []
    result = None
    for _ in range(repeats):
        user = type(user).objects.get(pk=user.pk)
        b0 = backend_cpu_seconds()
        with CaptureQueriesContext(connection) as ctx:
            p0 = time.process_time()
            t0 = time.perf_counter()
            result = org_rollup(user=user)
            runs.append(time.perf_counter() - t0)
            client_cpu.append(time.process_time() - p0)
        b1 = backend_cpu_seconds()
        if b0 is not None and b1 is not None:
            server_cpu.append(b1 - b0)
    n_queries = len([q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))])
    by_level: dict[int, int] = {}
    for row in result:
        by_level[row["level"]] = by_level.get(row["level"], 0) + 1
    rollup = {"first_ms": round(runs[0] * 1000, 1), **summary_ms(runs[1:] or runs), "queries": n_queries,
              "units_reported": len(result), "by_level": by_level,
              "server_cpu_ms": round(statistics.median(server_cpu) * 1000) if server_cpu else None,
              "client_cpu_ms": round(statistics.median(client_cpu) * 1000)}
    print(f"  roll-up (GROUPING SETS) {len(result)} units: first {rollup['first_ms']:.0f} ms, median "
          f"{rollup['median_ms']:.0f} ms (CPU: server {rollup['server_cpu_ms']} ms + client "
          f"{rollup['client_cpu_ms']} ms), {n_queries} SELECTs", flush=True)
    # the plain way, on a stratified sample, extrapolated
    by_id = {row["id"]: row for row in result}
    per_level_times: dict[int, list[float]] = {0: [], 1: [], 2: []}
    mismatches = 0
    for level in (0, 1, 2):
        ids = [row["id"] for row in result if row["level"] == level]
        k = min(len(ids), max(5, plain_sample * len(ids) // max(1, len(result))), plain_sample)
        if level == 0:
            k = min(len(ids), max(k, 10))
        for pk in rng.sample(ids, k=k):
            unit = OrgUnit.objects.get(pk=pk)
            t0 = time.perf_counter()
            counts = subtree_counts(unit)
            members = Member.objects.current().in_subtree(unit).count()
            per_level_times[level].append(time.perf_counter() - t0)
            expected = by_id[pk]["counts"]
            if counts["building"] != expected["building"] or counts["compound"] != expected["compound"] \
                    or members != expected["members"]:
                mismatches += 1
    extrapolated = sum(statistics.mean(per_level_times[lv]) * by_level.get(lv, 0) for lv in (0, 1, 2)
                       if per_level_times[lv])
    plain = {"sampled_units": sum(len(v) for v in per_level_times.values()),
             "mean_ms_per_unit": {lv: round(statistics.mean(v) * 1000, 2) for lv, v in per_level_times.items() if v},
             "queries_per_unit": 2, "extrapolated_s": round(extrapolated, 2),
             "ratio_plain_to_rollup": round(extrapolated / statistics.median(runs[1:] or runs), 1),
             "mismatches_vs_rollup": mismatches}
    print(f"  plain walk (2 queries/unit, MPTT range): {plain['sampled_units']} sampled, extrapolated "
          f"{plain['extrapolated_s']:.1f} s for {len(result)} units = {plain['ratio_plain_to_rollup']}× the roll-up; "
          f"mismatches {mismatches}", flush=True)
    if mismatches:
        raise SystemExit("the roll-up disagrees with subtree_counts on the sample")
    out = {"rollup": rollup, "plain": plain}
    if range_join:
        sql = """
            SELECT a.id, COUNT(m.id)
              FROM org_orgunit a
              JOIN org_orgunit u ON u.tree_id = a.tree_id AND u.lft >= a.lft AND u.rght <= a.rght
              JOIN org_member m ON m.unit_id = u.id AND m.status IN ('normal', 'lost_contact')
             WHERE a.level <= 2 GROUP BY a.id"""
        with transaction.atomic(), connection.cursor() as cur:
            # The same planner settings as the roll-up gets (web connections have no parallel workers).
            cur.execute("SET LOCAL statement_timeout = '120s'")
            cur.execute("SET LOCAL work_mem = '64MB'")
            cur.execute("SET LOCAL max_parallel_workers_per_gather = 2")
            t0 = time.perf_counter()
            cur.execute(sql)
            rows = cur.fetchall()
            elapsed = time.perf_counter() - t0
        out["range_join_members_only"] = {"seconds": round(elapsed, 2), "rows": len(rows)}
        print(f"  one MPTT range-join query (members only): {elapsed:.2f} s", flush=True)
    return out


def run(scale: int, database: str | None = None, samples: int = 25, repeats: int = 4, plain_sample: int = 300,
        seed: int = 5, json_out: str | None = None) -> dict:
    dbname = database or db_name_for(scale)
    ensure_static()
    setup_django(dbname, **BENCH_ENV)
    from django.conf import settings

    rng = random.Random(seed)
    from org.models import Member, OrgUnit

    sizes = {"units": OrgUnit.objects.count(), "members": Member.objects.count()}
    print(f"bench.tree on {dbname}: {sizes['units']:,} units, {sizes['members']:,} members (DEBUG={settings.DEBUG})",
          flush=True)
    import os

    result = {"scale": scale, "database": dbname, "sizes": sizes, "loadavg_before": os.getloadavg()}
    result["unit_pages"] = bench_unit_pages(samples, repeats, rng)
    result["member_list_street"] = bench_member_list(max(5, samples // 2), repeats, rng)
    result.update(bench_rollup(repeats=6, plain_sample=plain_sample, rng=rng))
    result["loadavg_after"] = os.getloadavg()
    if json_out:
        write_json(Path(json_out), result)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--database")
    parser.add_argument("--samples", type=int, default=25, help="units per level")
    parser.add_argument("--repeats", type=int, default=4, help="timed requests per unit")
    parser.add_argument("--plain-sample", type=int, default=300)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    run(args.scale, args.database, args.samples, args.repeats, args.plain_sample, json_out=args.json)


if __name__ == "__main__":
    main()
