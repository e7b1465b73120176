"""Shared helpers of the benchmarks: the bench database, Django set-up, timing statistics, machine info.

Nothing here is imported by the application; ``bench/`` is not collected by pytest (testpaths = tests).
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("BENCH_PG_PORT", "5432")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
# Used by every bench persona (one PBKDF2 hash computed once and reused by all rows).
BENCH_PASSWORD = "bench-Persona-2026"


def db_name_for(scale: int) -> str:
    return f"suxian_bench_s{scale}"


def db_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def conninfo(name: str) -> str:
    return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={name}"


# The bench's own PII keys (never the development ones, which settings refuse with DEBUG off): the
# generator and the gunicorn under test use the same, so the hashes it writes match.
BENCH_KEYS = dict(PII_ENCRYPTION_KEYS="YmVuY2gtb25seS1rZXktbmV2ZXItcHJvZHVjdGlvbiE=", PII_HASH_KEY="bench-only-hash-key-never-production")


def setup_django(dbname: str, **env) -> None:
    """Point Django at the bench database and set it up (call once, before importing models)."""
    os.environ["DATABASE_URL"] = db_url(dbname)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suxian.settings")
    os.environ.setdefault("DEBUG", "1")  # settings are secure by default; the generators are development tools
    for key, value in BENCH_KEYS.items():
        os.environ.setdefault(key, value)
    for key, value in env.items():
        os.environ[key] = value
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(values, p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2) if ms else None,
        "p95_ms": round(percentile(ms, 95), 2) if ms else None,
        "max_ms": round(max(ms), 2) if ms else None,
    }


def machine_info() -> dict:
    mem_gb = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gb": mem_gb, "cpu": cpu, "kernel": platform.release()}


def versions() -> dict:
    out = {"python": platform.python_version()}
    for mod in ("django", "psycopg", "mptt", "gunicorn"):
        try:
            from importlib.metadata import version

            out[mod] = version({"mptt": "django-mptt"}.get(mod, mod))
        except Exception:  # pragma: no cover - informational only
            out[mod] = None
    try:
        import psycopg

        with psycopg.connect(conninfo("postgres")) as conn:
            out["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            settings = {}
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "effective_cache_size"):
                settings[name] = conn.execute(f"SHOW {name}").fetchone()[0]
            out["postgresql_settings"] = settings
    except Exception:  # pragma: no cover
        out["postgresql"] = None
    try:
        out["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0] or None
    except OSError:
        out["wrk"] = None
    return out


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class Timer:
    def __init__(self):
        self.t0 = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self.t0
