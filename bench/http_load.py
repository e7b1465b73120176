"""HTTP load on gunicorn: ``python -m bench.http_load --scale S`` (``bench/http.sh`` wraps it).

Starts gunicorn (2 sync workers, DEBUG=0, SECRET_KEY and PII keys set, ALLOWED_HOSTS=127.0.0.1, loopback
only) on the bench database, then:

1. **mixed run**: ``--users`` (50) simulated users, each a persona of a random district (district admin,
   street secretary or community cadre) with its own logged-in session, for ``--duration`` seconds, with
   exponential think time (mean ``--think`` s, default 5: a person reading a page) between actions: unit pages in the persona's scope, the member
   list filtered to a unit in scope, the case list, and visit creation the way a secretary does it on a
   phone: open the visit form (``visit_form``, a GET) and post it (``visit_create``, a POST with the CSRF
   token, answered by a redirect); district admins do not record visits;
2. **closed-loop run**: 20 connections without think time (``wrk`` with a Lua script when installed, else
   20 Python threads) over the GET mix, for the goal "p95 < 200 ms at 20 connections, ≥ 150 req/s, 0 errors".

Sessions are created directly in the session store for the bench personas (log-in itself is not part of
the measured mix). The client uses only the standard library (threads + http.client).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import BASE_DIR, conninfo, db_name_for, db_url, setup_django, summary_ms, write_json
    from bench.tree import BENCH_ENV, ensure_static
else:
    from .common import BASE_DIR, conninfo, db_name_for, db_url, setup_django, summary_ms, write_json
    from .tree import BENCH_ENV, ensure_static

HOST, PORT = "127.0.0.1", 8123
LUA = r"""
-- wrk script written by bench/http_load.py: each thread gets a session cookie and the paths of its persona.
local threads = {}
local counter = 1
function setup(thread)
   thread:set("id", counter)
   table.insert(threads, thread)
   counter = counter + 1
end
function init(args)
   local n = math.floor(#args / 2)
   local k = (id - 1) % n
   cookie = args[1 + k * 2]
   paths = {}
   for p in string.gmatch(args[2 + k * 2], "[^|]+") do table.insert(paths, p) end
   math.randomseed(id * 7919)
end
function request()
   return wrk.format("GET", paths[math.random(#paths)], {["Cookie"] = cookie})
end
function done(summary, latency, requests)
   io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
      '"max_us": %d, "mean_us": %.1f, "err_connect": %d, "err_read": %d, "err_write": %d, "err_status": %d, ' ..
      '"err_timeout": %d}\n', summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), latency.max, latency.mean, summary.errors.connect, summary.errors.read,
      summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


# -- server ------------------------------------------------------------------------------------------------

def server_env(dbname: str) -> dict:
    env = dict(os.environ, **BENCH_ENV)
    env.update(DATABASE_URL=db_url(dbname), ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="suxian.settings")
    return env


def start_gunicorn(dbname: str, workers: int = 2) -> subprocess.Popen:
    gunicorn = BASE_DIR / ".venv" / "bin" / "gunicorn"
    cmd = [str(gunicorn) if gunicorn.exists() else "gunicorn", "suxian.wsgi:application", "-w", str(workers),
           "-b", f"{HOST}:{PORT}", "--timeout", "60", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=server_env(dbname), start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status < 500:
                return proc
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(proc)
    raise SystemExit("gunicorn did not come up")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the process group of the gunicorn we started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def server_cpu(proc: subprocess.Popen, dbname: str) -> float:
    """CPU seconds used so far by the gunicorn workers and by the PostgreSQL backends of the bench database
    (both on this machine): divided by the requests served, the load-independent cost of a request."""
    import psycopg

    try:
        with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as fh:
            workers = [int(p) for p in fh.read().split()]
    except OSError:
        workers = []
    with psycopg.connect(conninfo("postgres")) as conn:
        backends = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                                               "AND backend_type = 'client backend' AND pid <> pg_backend_pid()", [dbname]).fetchall()]
    return sum(_proc_cpu(p) for p in workers) + sum(_proc_cpu(p) for p in backends)


# -- personas and paths ------------------------------------------------------------------------------------

def _reverse_any(*names):
    from django.urls import NoReverseMatch, reverse

    for name in names:
        try:
            return name, reverse(name)
        except NoReverseMatch:
            continue
    return None, None


def make_session(user) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()  # the server's engine (Redis when CACHE_URL)
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def personas(n_users: int, rng: random.Random) -> list[dict]:
    """``n_users`` personas: 40% district admins, 30% street secretaries, 30% community cadres, each of a
    random district, with the GET paths of their scope."""
    from django.urls import reverse

    from accounts.models import RoleGrant
    from org.models import OrgUnit

    _, member_url = _reverse_any("org:member_list")
    _, case_url = _reverse_any("supervision:case_list", "supervision:cases")
    trees = list(OrgUnit.objects.filter(level=0).values_list("tree_id", flat=True))
    out = []
    for i in range(n_users):
        tree_id = rng.choice(trees)
        kind = "district" if i % 10 < 4 else "street" if i % 10 < 7 else "community"
        role = {"district": "district_admin", "street": "street_secretary", "community": "community_cadre"}[kind]
        grants = list(RoleGrant.objects.filter(role=role, unit__tree_id=tree_id).select_related("unit", "user"))
        grant = rng.choice(grants)
        root = grant.unit
        units = list(OrgUnit.objects.filter(tree_id=tree_id, lft__gte=root.lft, rght__lte=root.rght, level__lte=3)
                     .order_by("lft").values_list("pk", "code", "level"))
        page_units = rng.sample(units, k=min(40, len(units)))
        list_units = [u for u in units if u[2] <= 2] or units
        paths = {"unit_page": [reverse("org:orgunit_detail", args=[pk]) for pk, _c, _l in page_units]}
        if member_url:
            paths["member_list"] = [f"{member_url}?unit={code}" for _pk, code, _l in rng.sample(list_units, k=min(10, len(list_units)))]
        if case_url:
            paths["case_list"] = [case_url]
        # Visits: street secretaries and community cadres, at communities and compounds among the first
        # places the form offers (it lists the scope's communities, compounds and buildings in tree order).
        places = [pk for pk, _c, level in units if level >= 2][:20] if kind != "district" else []
        csrf = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
        out.append({"user": grant.user, "kind": kind, "paths": paths, "places": places, "csrf": csrf,
                    "cookie": f"{make_session(grant.user)}; csrftoken={csrf}",
                    "visit_url": reverse("supervision:visit_create")})
    return out, {"member_list": member_url, "case_list": case_url}


# -- the client --------------------------------------------------------------------------------------------

def _http(method: str, path: str, cookie: str, body: bytes | None = None, headers=None) -> tuple[int, float]:
    """One request on a new connection: (status, seconds); status 0 when the connection failed."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Cookie": cookie, "Host": HOST, **(headers or {})})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - t0


def http_get(path: str, cookie: str) -> tuple[int, float]:
    return _http("GET", path, cookie)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.error_samples: list[str] = []

    def add(self, action: str, seconds: float, ok: bool, detail: str = ""):
        with self.lock:
            self.times.setdefault(action, []).append(seconds)
            if not ok:
                self.errors[action] = self.errors.get(action, 0) + 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{action}: {detail}")


def http_post_form(path: str, cookie: str, fields: dict) -> tuple[int, float]:
    """POST a urlencoded form; the CSRF token is the persona's ``csrftoken`` cookie value."""
    from urllib.parse import urlencode

    return _http("POST", path, cookie, urlencode(fields).encode(),
                 {"Content-Type": "application/x-www-form-urlencoded"})


def visit_via_form(persona: dict, rng: random.Random, rec: "Recorder") -> None:
    """Open the visit form, then post one visit to a place in the persona's scope (302 = recorded)."""
    import datetime as dt

    status, elapsed = http_get(persona["visit_url"], persona["cookie"])
    rec.add("visit_form", elapsed, status == 200, f"{status} {persona['visit_url']}")
    fields = {"csrfmiddlewaretoken": persona["csrf"], "place": rng.choice(persona["places"]),
              "visited_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(), "households": "3-201, 3-202",
              "households_count": 2, "heard": "楼道灯不亮（压测）", "category": "infrastructure"}
    status, elapsed = http_post_form(persona["visit_url"], persona["cookie"], fields)
    rec.add("visit_create", elapsed, status == 302, f"{status} POST {persona['visit_url']}")


def mixed_run(people: list[dict], duration: float, think: float, seed: int) -> dict:
    rec = Recorder()
    deadline = time.time() + duration
    weights = {"unit_page": 50, "member_list": 20, "case_list": 15, "visit_create": 15}

    def user_loop(i: int, persona: dict):
        from django.db import connection

        rng = random.Random(seed * 1000 + i)
        time.sleep(rng.random() * think)  # spread the start
        actions = [a for a in weights if a in persona["paths"] or (a == "visit_create" and persona["places"])]
        w = [weights[a] for a in actions]
        while time.time() < deadline:
            action = rng.choices(actions, weights=w)[0]
            if action == "visit_create":
                visit_via_form(persona, rng, rec)
            else:
                path = rng.choice(persona["paths"][action])
                status, elapsed = http_get(path, persona["cookie"])
                rec.add(action, elapsed, status == 200, f"{status} {path}")
            time.sleep(rng.expovariate(1 / think) if think > 0 else 0)
        connection.close()

    threads = [threading.Thread(target=user_loop, args=(i, p), daemon=True) for i, p in enumerate(people)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 120)
    wall = time.perf_counter() - t0
    all_http = [s for v in rec.times.values() for s in v]
    out = {"users": len(people), "duration_s": round(wall, 1), "think_mean_s": think,
           "requests": len(all_http), "requests_per_s": round(len(all_http) / wall, 1),
           "http": summary_ms(all_http), "errors": sum(rec.errors.values()), "error_samples": rec.error_samples,
           "by_action": {a: {**summary_ms(v), "errors": rec.errors.get(a, 0)} for a, v in rec.times.items()}}
    return out


def _closed_paths(persona: dict, kinds) -> list[str]:
    return [p for k, v in persona["paths"].items() if kinds is None or k in kinds for p in v]


def closed_loop_python(people: list[dict], connections: int, duration: float, kinds=None) -> dict:
    rec = Recorder()
    deadline = time.time() + duration

    def loop(i):
        rng = random.Random(i)
        persona = people[i % len(people)]
        paths = _closed_paths(persona, kinds)
        while time.time() < deadline:
            status, elapsed = http_get(rng.choice(paths), persona["cookie"])
            rec.add("get", elapsed, status == 200, str(status))

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(connections)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 60)
    wall = time.perf_counter() - t0
    times = rec.times.get("get", [])
    return {"tool": "python threads", "connections": connections, "duration_s": round(wall, 1),
            "requests": len(times), "requests_per_s": round(len(times) / wall, 1), **summary_ms(times),
            "errors": sum(rec.errors.values())}


def closed_loop_wrk(people: list[dict], connections: int, duration: float, kinds=None) -> dict | None:
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    threads = 2
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA)
        script = fh.name
    args = []
    for persona in people[:threads]:
        paths = _closed_paths(persona, kinds)
        args += [persona["cookie"], "|".join(paths)]
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{int(duration)}s", "--timeout", "10s", "-s", script,
           f"http://{HOST}:{PORT}", "--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True)
    os.unlink(script)
    line = next((l for l in out.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {out.stdout}\n{out.stderr}")
    data = json.loads(line[len("WRKJSON "):])
    seconds = data["duration_us"] / 1e6
    errors = data["err_connect"] + data["err_read"] + data["err_write"] + data["err_status"] + data["err_timeout"]
    return {"tool": "wrk", "connections": connections, "threads": threads, "duration_s": round(seconds, 1),
            "requests": data["requests"], "requests_per_s": round(data["requests"] / seconds, 1),
            "median_ms": round(data["p50_us"] / 1000, 1), "p95_ms": round(data["p95_us"] / 1000, 1),
            "p99_ms": round(data["p99_us"] / 1000, 1), "max_ms": round(data["max_us"] / 1000, 1),
            "errors": errors, "errors_detail": {k: v for k, v in data.items() if k.startswith("err_")}}


def run(scale: int, database: str | None = None, users: int = 50, duration: float = 60, think: float = 5.0,
        connections: int = 20, closed_duration: float = 30, seed: int = 3, json_out: str | None = None,
        closed_kinds=None, skip_mixed: bool = False, exclude=(), workers: int = 2) -> dict:
    dbname = database or db_name_for(scale)
    ensure_static()
    setup_django(dbname, **BENCH_ENV)
    rng = random.Random(seed)
    people, found = personas(users, rng)
    for persona in people:  # page kinds left out of both runs (e.g. to measure the org pages alone)
        for kind in exclude:
            persona["paths"].pop(kind, None)
    print(f"bench.http_load on {dbname}: {users} personas; member list page: {found['member_list'] or 'none'}; "
          f"case list page: {found['case_list'] or 'none (left out of the mix)'}; visits: through the visit form",
          flush=True)
    proc = start_gunicorn(dbname, workers=workers)
    result = {"scale": scale, "database": dbname, "server": f"gunicorn, {workers} sync workers, DEBUG=0",
              "excluded": sorted(exclude),
              "pages_found": found, "loadavg_before": os.getloadavg()}
    try:
        # warm each worker a little (templates, URL resolver), not measured
        for persona in people[:10]:
            http_get(persona["paths"]["unit_page"][0], persona["cookie"])
        mixed = None if skip_mixed else mixed_run(people, duration, think, seed)
        result["mixed"] = mixed
        if mixed: print(f"  mixed ({users} users, think {think}s, {mixed['duration_s']} s): {mixed['requests_per_s']} req/s, "
              f"median {mixed['http']['median_ms']} ms, p95 {mixed['http']['p95_ms']} ms, errors {mixed['errors']}",
              flush=True)
        for action, s in (mixed or {}).get("by_action", {}).items():
            print(f"    {action:22s} n={s['n']:6d} median {s['median_ms']} ms  p95 {s['p95_ms']} ms  errors {s['errors']}")
        from django.db import connections as dj_connections

        dj_connections.close_all()  # the driver's own connections must not count as server backends
        cpu0 = server_cpu(proc, dbname)
        closed = (closed_loop_wrk(people, connections, closed_duration, closed_kinds)
                  or closed_loop_python(people, connections, closed_duration, closed_kinds))
        closed["paths"] = sorted(closed_kinds) if closed_kinds else "all GET paths of the personas"
        cpu = server_cpu(proc, dbname) - cpu0
        if closed["requests"]:
            closed["server_cpu_ms_per_request"] = round(cpu * 1000 / closed["requests"], 1)
            closed["capacity_req_per_s_on_idle_cores"] = round((os.cpu_count() or 1) / (cpu / closed["requests"]), 0)
        result["closed_loop"] = closed
        print(f"  closed loop ({closed['tool']}, {connections} connections, no think time): "
              f"{closed['requests_per_s']} req/s, median {closed['median_ms']} ms, p95 {closed['p95_ms']} ms, "
              f"errors {closed['errors']}; server CPU {closed.get('server_cpu_ms_per_request')} ms/request "
              f"(gunicorn + PostgreSQL) → ~{closed.get('capacity_req_per_s_on_idle_cores')} req/s on idle cores",
              flush=True)
    finally:
        stop_gunicorn(proc)
        result["loadavg_after"] = os.getloadavg()
    if json_out:
        write_json(Path(json_out), result)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--database")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--closed-duration", type=float, default=30)
    parser.add_argument("--closed-paths", help="path kinds for the closed loop, e.g. unit_page,member_list")
    parser.add_argument("--skip-mixed", action="store_true")
    parser.add_argument("--exclude", default="", help="page kinds to leave out, e.g. case_list")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (the issue's setting: 2)")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    kinds = set(args.closed_paths.split(",")) if args.closed_paths else None
    run(args.scale, args.database, args.users, args.duration, args.think, args.connections, args.closed_duration,
        json_out=args.json, closed_kinds=kinds, skip_mixed=args.skip_mixed,
        exclude=[k for k in args.exclude.split(",") if k], workers=args.workers)


if __name__ == "__main__":
    main()
