"""``make bench BENCH_ARGS="--scale 1"`` = ``.venv/bin/python -m bench --scale 1``: run every benchmark.

generate → tree → http (+ bench/import_roster.py and bench/cycle.py when present, as subprocesses; a missing
or failing one is recorded, not fatal), then write ``bench/results/<date>-s<S>.json`` and refresh the
results table of that scale in ``bench/README.md`` (between the ``results:s<S>`` markers; the analysis
around it is kept).

Options: ``--reuse`` keeps an existing ``suxian_bench_s<S>`` instead of regenerating it; ``--drop`` drops
the bench database at the end; ``--skip http,cycle,…`` leaves steps out; ``--quick`` shortens the runs.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import (
    BASE_DIR,
    RESULTS_DIR,
    database_exists,
    db_name_for,
    drop_database,
    machine_info,
    versions,
    write_json,
)

README = Path(__file__).resolve().parent / "README.md"
def _markers(scale: int) -> tuple[str, str]:
    return f"<!-- results:s{scale}:start -->", f"<!-- results:s{scale}:end -->"
STEPS = ("generate", "tree", "http", "import_roster", "cycle", "assessment")


def _py(module_args: list[str], json_path: Path | None, env=None, timeout=None) -> tuple[int, dict | None, str]:
    cmd = [sys.executable, *module_args] + (["--json", str(json_path)] if json_path else [])
    print("$", " ".join(cmd[1:]), flush=True)
    proc = subprocess.run(cmd, cwd=BASE_DIR, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=timeout)
    print(proc.stdout, flush=True)
    data = json.loads(json_path.read_text()) if json_path and json_path.exists() and proc.returncode == 0 else None
    return proc.returncode, data, proc.stdout


def _other(script: str, args: list[str]) -> dict:
    path = BASE_DIR / "bench" / script
    if not path.exists():
        return {"status": "absent"}
    env = dict(os.environ, DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres")
    print("$", script, " ".join(args), flush=True)
    proc = subprocess.run([sys.executable, str(path), *args], cwd=BASE_DIR, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    print(proc.stdout[-4000:], flush=True)
    out = {"status": "ok" if proc.returncode == 0 else f"failed ({proc.returncode})", "output_tail": proc.stdout[-6000:]}
    try:  # cycle.py prints a JSON report
        start = proc.stdout.index("{")
        out["report"] = json.loads(proc.stdout[start:proc.stdout.rindex("}") + 1])
    except ValueError:
        pass
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="reuse an existing bench database")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    parser.add_argument("--skip", default="", help=f"comma-separated steps to skip: {','.join(STEPS)}")
    parser.add_argument("--quick", action="store_true", help="fewer samples, shorter HTTP runs")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    scale, dbname = args.scale, db_name_for(args.scale)
    today = dt.date.today().isoformat()
    report: dict = {"date": today, "scale": scale, "database": dbname, "machine": machine_info(),
                    "versions": versions(), "loadavg_start": os.getloadavg()}
    tmp = Path(tempfile.mkdtemp(prefix="suxian_bench_"))
    failures = []
    if "generate" not in skip and not (args.reuse and database_exists(dbname)):
        rc, data, _ = _py(["-m", "bench.generate", "--scale", str(scale), "--seed", str(args.seed)], tmp / "g.json")
        report["generate"] = data or {"status": f"failed ({rc})"}
        if rc:
            failures.append("generate")
    elif database_exists(dbname):
        prev = RESULTS_DIR / f"generate-s{scale}.json"
        report["generate"] = {"status": "reused", **(json.loads(prev.read_text()) if prev.exists() else {})}
    if "tree" not in skip and "generate" not in failures:
        extra = ["--samples", "8", "--repeats", "2", "--plain-sample", "60"] if args.quick else []
        rc, data, _ = _py(["-m", "bench.tree", "--scale", str(scale), *extra], tmp / "t.json")
        report["tree"] = data or {"status": f"failed ({rc})"}
        if rc:
            failures.append("tree")
    if "http" not in skip and "generate" not in failures:
        extra = ["--duration", "20", "--closed-duration", "10"] if args.quick else []
        rc, data, _ = _py(["-m", "bench.http_load", "--scale", str(scale), *extra], tmp / "h.json")
        report["http"] = data or {"status": f"failed ({rc})"}
        if rc:
            failures.append("http")
    if "import_roster" not in skip:
        rows = ["--rows", "20000"] if scale < 10 or args.quick else []
        report["import_roster"] = _other("import_roster.py", rows)
    if "cycle" not in skip:
        report["cycle"] = _other("cycle.py", ["--districts", str(scale), "--visits", str(10_000 * scale),
                                              "--cases", str(2_000 * scale)])
    if "assessment" not in skip:
        report["assessment"] = _other("assessment.py", ["--scale", str(scale)])
    report["loadavg_end"] = os.getloadavg()
    if args.drop:
        drop_database(dbname)
    out = RESULTS_DIR / f"{today}-s{scale}.json"
    write_json(out, report)
    update_readme(report, out)
    print(f"wrote {out.relative_to(BASE_DIR)} and the table in bench/README.md")
    return 1 if failures else 0


def _get(d, *path, default="–"):
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def table(report: dict) -> str:
    s = report["scale"]
    g, t, h = report.get("generate", {}), report.get("tree", {}), report.get("http", {})
    m, v = report["machine"], report["versions"]
    lines = [f"Latest `make bench BENCH_ARGS=\"--scale {s}\"` ({report['date']}, `{report['database']}`): "
             f"{m['cores']} cores, {m['memory_gb']} GB RAM, {m['cpu']}; Python {v.get('python')}, Django "
             f"{v.get('django')}, PostgreSQL {v.get('postgresql')}, psycopg {v.get('psycopg')}, django-mptt "
             f"{v.get('mptt')}, gunicorn {v.get('gunicorn')}, {v.get('wrk') or 'no wrk'}. Load average at start "
             f"{', '.join(f'{x:.1f}' for x in report['loadavg_start'])} (the machine is shared).", "",
             "| measure | goal | result |", "|---|---|---|"]
    rows = _get(g, "rows", default={}) or {}
    lines.append(f"| generate: units / members / visits / cases | S=100: >500k units, millions of members and visits, "
                 f"200k+ cases | {rows.get('org_orgunit', '–'):,} / {rows.get('org_member', '–'):,} / "
                 f"{rows.get('supervision_visitrecord', '–'):,} / {rows.get('supervision_case', '–'):,} |"
                 if rows else "| generate | | – |")
    lines.append(f"| generate: total time, tree check | S=100 < 30 min; tree consistent | {_get(g, 'total_s')} s; "
                 f"tree_problems() = [] ({_get(g, 'verification', 'sampled_units')} sampled units agree) |")
    for label in ("district", "street", "community", "compound"):
        p = _get(t, "unit_pages", label, default={})
        if isinstance(p, dict) and p:
            lines.append(f"| unit page, {label} (test client) | p95 < 100 ms, queries independent of S | median "
                         f"{p['median_ms']} ms, p95 {p['p95_ms']} ms, {p['queries_min']}–{p['queries_max']} queries "
                         f"({p['n']} samples; CPU app {p.get('app_cpu_ms_median')} + db {p.get('db_cpu_ms_mean')} ms) |")
    ml = _get(t, "member_list_street", default={})
    if isinstance(ml, dict) and ml:
        lines.append(f"| member list filtered to a street | constant queries | median {ml['median_ms']} ms, p95 "
                     f"{ml['p95_ms']} ms, {ml['queries_min']}–{ml['queries_max']} queries ({ml['path']}) |")
    r, pl = _get(t, "rollup", default={}), _get(t, "plain", default={})
    if isinstance(r, dict) and r:
        lines.append(f"| roll-up of every district/street/community (GROUPING SETS) | < 1 s | median {r['median_ms']} ms"
                     f" (first {r['first_ms']} ms; CPU: server {r.get('server_cpu_ms')} ms + client {r.get('client_cpu_ms')} ms),"
                     f" {r['queries']} queries, {r['units_reported']:,} units |")
    if isinstance(pl, dict) and pl:
        lines.append(f"| same roll-up, plain walk (2 queries/unit, extrapolated from {pl['sampled_units']}) | – | "
                     f"{pl['extrapolated_s']} s = {pl['ratio_plain_to_rollup']}× the roll-up; "
                     f"{pl['mismatches_vs_rollup']} mismatches |")
    rj = _get(t, "range_join_members_only", default={})
    if isinstance(rj, dict) and rj:
        lines.append(f"| same member roll-up, one MPTT range-join query | – | {rj['seconds']} s |")
    mx = _get(h, "mixed", default={})
    if isinstance(mx, dict) and mx:
        visit = _get(mx, "by_action", "visit_create", default={})
        lines.append(f"| HTTP mixed: {mx['users']} users, think {mx['think_mean_s']} s, {mx['duration_s']} s | "
                     f"0 errors | {mx['requests_per_s']} req/s, median {mx['http']['median_ms']} ms, p95 "
                     f"{mx['http']['p95_ms']} ms, {mx['errors']} errors; visit form posts "
                     f"{_get(visit, 'n')} × median {_get(visit, 'median_ms')} ms |")
    cl = _get(h, "closed_loop", default={})
    if isinstance(cl, dict) and cl:
        lines.append(f"| HTTP closed loop, {cl['connections']} connections, no think time ({cl['tool']}) | p95 < 200 ms,"
                     f" ≥ 150 req/s, 0 errors | {cl['requests_per_s']} req/s, median {cl['median_ms']} ms, p95 "
                     f"{cl['p95_ms']} ms, {cl['errors']} errors; server CPU {cl.get('server_cpu_ms_per_request')} ms/request"
                     f" → ~{cl.get('capacity_req_per_s_on_idle_cores')} req/s on idle cores |")
    for name in ("import_roster", "cycle", "assessment"):
        o = report.get(name, {})
        lines.append(f"| bench/{name}.py | see its issue | {o.get('status', 'skipped')} (output in the JSON) |")
    return "\n".join(lines)


def update_readme(report: dict, json_path: Path) -> None:
    START, END = _markers(report["scale"])
    block = f"{START}\n{table(report)}\n\nFull figures: `{json_path.relative_to(BASE_DIR)}`.\n{END}"
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text += "\n" + block + "\n"
    README.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
