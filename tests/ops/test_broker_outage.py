"""Broker outage (issue 15, item 8), with a real unreachable broker (nothing listens on port 1) and, for the
recovery, a real Redis started by the test: a roster upload answers a clear 503 and writes nothing, a visit
post is saved, a beat job run by a worker completes with its pushes logged, and a periodic job the broker
refused is sent again by beat once the broker is back. Nothing about our broker is mocked."""
from __future__ import annotations

import datetime as dt
import logging
import shutil
import socket
import subprocess
import time

import pytest
from celery import Celery
from celery.schedules import schedule
from django.urls import reverse

from core.beat import RetryingScheduler
from core.testing import in_ci, table_fingerprint
from org.models import ImportRecord, ImportState, Member, Membership
from supervision.choices import CaseKind, Category
from supervision.models import Case, CycleRun, Notification, VisitGap, VisitRecord
from tests.org.test_members_import import ids, row, xlsx

CLOSED = "redis://127.0.0.1:1/0"
FAST_FAIL = {"max_retries": 0, "socket_connect_timeout": 0.5, "socket_timeout": 0.5}


@pytest.fixture
def broker_down(settings, monkeypatch):
    """The project's Celery app publishing to an unreachable broker (as in production with Redis down)."""
    from suxian.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its own configuration (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED)
    keys = ("task_always_eager", "broker_url", "broker_transport_options", "broker_connection_retry",
            "broker_connection_max_retries", "task_publish_retry", "broker_connection_timeout")
    saved = {k: app.conf[k] for k in keys}
    saved_pools = (app._pool, app.amqp._producer_pool)
    app.conf.update(task_always_eager=False, broker_url=CLOSED, broker_transport_options=FAST_FAIL,
                    broker_connection_retry=False, broker_connection_max_retries=0, task_publish_retry=False,
                    broker_connection_timeout=1)
    app._pool = app.amqp._producer_pool = None  # pools made for the eager runs
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = CLOSED
    yield app
    app.conf.update(saved)
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool, app.amqp._producer_pool = saved_pools


@pytest.mark.django_db
def test_healthz_names_the_broker_while_it_is_down(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down", "status": "degraded"}


@pytest.mark.django_db
def test_roster_upload_answers_503_and_writes_nothing(client, tree, broker_down, monkeypatch):
    import org.views.imports as import_views

    monkeypatch.setattr(import_views, "BACKGROUND_BYTES", 0)  # every upload takes the background path
    client.force_login(tree.users["community"])
    before = table_fingerprint([Member, Membership])
    upload = xlsx([row(n) for n in ids(3)])
    from django.core.files.uploadedfile import SimpleUploadedFile

    started = time.monotonic()
    response = client.post(reverse("org:roster_import"),
                           {"unit": tree.c1.pk, "file": SimpleUploadedFile("roster.xlsx", upload)})
    assert time.monotonic() - started < 15  # the user is not left waiting on retries
    assert response.status_code == 503
    assert response.context["form"].non_field_errors()  # the reason is on the form, the page re-rendered
    record = ImportRecord.objects.get()
    assert record.state == ImportState.FAILED and not record.file  # no upload left waiting forever
    assert table_fingerprint([Member, Membership]) == before


@pytest.mark.django_db
def test_visit_post_is_saved_while_the_broker_is_down(client, tree, broker_down,
                                                      django_capture_on_commit_callbacks):
    client.force_login(tree.users["community"])
    data = {"place": tree.p1.pk, "visited_on": dt.date.today().isoformat(), "category": Category.ENVIRONMENT,
            "heard": "垃圾清运不及时", "households": "3-201", "households_count": "2",
            "case1-title": "垃圾清运", "case1-kind": CaseKind.DIFFICULTY}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:visit_create"), data)
    assert response.status_code == 302
    visit = VisitRecord.objects.get()
    assert visit.place_id == tree.p1.pk and Case.objects.filter(visit=visit).count() == 1


@pytest.mark.django_db
def test_beat_job_in_a_worker_completes_and_logs_the_unsent_pushes(tree, broker_down, caplog,
                                                                   django_capture_on_commit_callbacks):
    """The weekly cycle, run as the worker runs it, writes its gaps and notifications although their
    pushes cannot be queued; the push failure is logged; a rerun changes nothing."""
    from accounts.models import RoleGrant
    from supervision.tasks import weekly_cycle

    RoleGrant.objects.update(valid_from=dt.date(2026, 1, 1))
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        result = weekly_cycle.run(period="2026-W47")
    assert result["done"] >= 1
    assert VisitGap.objects.exists() and CycleRun.objects.exists()
    assert Notification.objects.exists() and not Notification.objects.filter(delivered_at__isnull=False).exists()
    assert any("not queued" in r.getMessage() for r in caplog.records)
    state = table_fingerprint([VisitGap, CycleRun, Notification])
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_cycle.run(period="2026-W47")["done"] == 0
    assert table_fingerprint([VisitGap, CycleRun, Notification]) == state


# -- beat: a job refused by the broker is retried, not lost until its next due time ---------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _beat_app(url: str, monkeypatch) -> Celery:
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # the environment wins over Celery(broker=...)
    app = Celery("beat-drill", broker=url, set_as_current=False)
    app.conf.update(broker_transport_options=FAST_FAIL, broker_connection_retry=False,
                    broker_connection_max_retries=0, task_publish_retry_policy={"max_retries": 1, "interval_start": 0,
                                                                                "interval_step": 0.1,
                                                                                "interval_max": 0.1},
                    beat_schedule={"weekly": {"task": "supervision.weekly_cycle",
                                              "schedule": schedule(dt.timedelta(hours=1))}})
    return app


def _start_redis(port: int) -> subprocess.Popen:
    import redis

    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    for _ in range(100):
        try:
            if client.ping():
                return proc
        except redis.RedisError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("redis-server did not start")


@pytest.mark.redis
def test_beat_retries_a_job_the_broker_refused(tmp_path, monkeypatch, caplog):
    if not shutil.which("redis-server"):
        if in_ci():
            pytest.fail("CI=true but redis-server is missing")
        pytest.skip("needs the redis-server binary (the outage is a Redis of the test's own, stopped then started)")
    import redis

    port = _free_port()
    app = _beat_app(f"redis://127.0.0.1:{port}/0", monkeypatch)
    scheduler = RetryingScheduler(app=app, schedule_filename=str(tmp_path / "beat"), max_interval=5)
    scheduler.retry_every = 0.2
    try:
        # Due now: the entry last ran over an hour ago. Nothing listens on the port: the send fails.
        entry = scheduler.schedule["weekly"]
        entry.last_run_at = entry.default_now() - dt.timedelta(hours=2)
        scheduler.populate_heap()
        with caplog.at_level(logging.ERROR, logger="suxian.beat"):
            started = time.monotonic()
            delay = scheduler.tick()
            assert time.monotonic() - started < 10  # beat's loop is not blocked by the outage
        assert "weekly" in scheduler.unsent and delay <= scheduler.retry_every
        assert any("not sent" in r.getMessage() for r in caplog.records)
        scheduler.tick()  # still down: still kept, exactly once
        assert list(scheduler.unsent) == ["weekly"]

        proc = _start_redis(port)  # the broker comes back
        try:
            time.sleep(scheduler.retry_every)
            scheduler.tick()
            assert scheduler.unsent == {}
            queued = redis.Redis(port=port).lrange("celery", 0, -1)
            assert len(queued) == 1 and b"supervision.weekly_cycle" in queued[0]
            scheduler.tick()  # not due again for an hour: nothing more is sent
            assert redis.Redis(port=port).llen("celery") == 1
        finally:
            scheduler.close()
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        app.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_healthz_names_the_database_while_it_is_down(client, settings):
    """The database really unreachable (its connection pointed at a closed port), then back."""
    from django.db import connection

    settings.CELERY_BROKER_URL = ""
    connection.close()
    saved = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = 1
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved
    assert response.status_code == 503
    assert response.json() == {"database": "down", "broker": "not_configured", "status": "degraded"}
    assert client.get("/healthz").status_code == 200
