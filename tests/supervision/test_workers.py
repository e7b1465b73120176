"""Two real Celery workers on the real Redis broker, the same jobs delivered twice at once: nothing
is created twice (the CycleRun claim and the outputs' unique constraints, on PostgreSQL)."""
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from core.testing import in_ci
from supervision import services
from supervision.models import CycleRun, DispatchSheet, VisitGap

# Celery lets a CELERY_BROKER_URL in the environment override ``Celery(broker=…)``, so the sender
# and the workers use that one when it is set (CI sets it), else a test database of the local Redis.
BROKER = (
    os.environ.get("CELERY_TEST_BROKER_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/14"
)
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _need_redis():
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        if in_ci():
            pytest.fail(f"CI=true but Redis is not reachable at {BROKER}: {exc}")
        pytest.skip(f"needs Redis at {BROKER}")


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(queue: str, name: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=_database_url(), CELERY_BROKER_URL=BROKER, CELERY_RESULT_BACKEND=BROKER,
               DJANGO_SETTINGS_MODULE="suxian.settings", CI="")
    cmd = [sys.executable, "-m", "celery", "-A", "suxian", "worker", "-Q", queue, "-c", "1", "-P", "prefork",
           "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def _stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the process group this test started
            proc.wait(timeout=10)
    return proc.stdout.read().decode(errors="replace")[-3000:] if proc.stdout else ""


def test_two_workers_same_jobs_twice(tree, depts, make_case, cadre):
    _need_redis()
    from celery import Celery

    make_case(registered_on=dt.date(2026, 10, 3))
    make_case(unit=tree.p3, registered_on=dt.date(2026, 10, 9))
    queue = f"supervision-test-{uuid.uuid4().hex[:8]}"
    sender = Celery("sender", broker=BROKER, backend=BROKER)
    sender.conf.task_default_queue = queue
    workers = [_start_worker(queue, f"w{n}-{queue}") for n in (1, 2)]
    logs = []
    try:
        # wait until both workers answer
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = sender.control.ping(timeout=1.0) or []
            if sum(1 for r in replies for k in r if queue in k) >= 2:
                break
            assert all(w.poll() is None for w in workers), "a worker exited"
        else:
            pytest.fail("workers did not come up")
        jobs = [("supervision.monthly_cycle", "2026-10"), ("supervision.weekly_cycle", "2026-W47")]
        results = [sender.send_task(name, args=[period], queue=queue) for name, period in jobs for _ in range(3)]
        outcomes = [r.get(timeout=120) for r in results]
    finally:
        logs = [_stop(w) for w in workers]
        sender.close()
    targets = {"2026-10": 2 + len(depts), "2026-W47": 3}
    for period, expected in targets.items():
        runs = [o for o in outcomes if o["period"] == period]
        assert sum(o["done"] for o in runs) == expected, logs
        assert sum(o["skipped"] for o in runs) == 2 * expected
        assert sum(o["failed"] for o in runs) == 0, logs
    assert CycleRun.objects.filter(cycle="monthly", period="2026-10").count() == targets["2026-10"]
    assert DispatchSheet.objects.filter(period="2026-10").count() == targets["2026-10"]
    assert CycleRun.objects.filter(cycle="weekly", period="2026-W47").count() == 3
    assert VisitGap.objects.filter(period="2026-W47", cadre__isnull=True).count() == 3
    # and in-process afterwards: still nothing new
    again = services.monthly_cycle_run(period="2026-10")
    assert again["done"] == 0 and DispatchSheet.objects.count() == targets["2026-10"]
