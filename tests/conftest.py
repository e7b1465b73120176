import functools
import os

import pytest

from core.testing import in_ci, is_postgres, parametrize_matrix
from org.testing import build_persona_tree

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def pytest_generate_tests(metafunc):
    parametrize_matrix(metafunc)


@pytest.fixture
def tree(db):
    return build_persona_tree()


def redis_url() -> str:
    """The Redis that redis-marked tests use: CELERY_BROKER_URL, else the local default."""
    return os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379"


@functools.cache
def _redis_answers(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@pytest.fixture
def browser():
    """Debian's chromium through Playwright's sync API (tests marked ``browser``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(autouse=True)
def _need_services(request):
    """Tests marked postgres/redis/browser run for real in CI; elsewhere they may skip with a reason."""
    if request.node.get_closest_marker("postgres") and not is_postgres():
        if in_ci():
            pytest.fail("CI=true but the database is not PostgreSQL: set DATABASE_URL")
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI runs it)")
    if request.node.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        if in_ci():
            pytest.fail(f"CI=true but {CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"needs Debian chromium at {CHROMIUM} (apt-get install chromium; CI runs it)")
    if request.node.get_closest_marker("redis") and not _redis_answers(redis_url()):
        if in_ci():
            pytest.fail(f"CI=true but Redis at {redis_url()} does not answer: start redis-server")
        pytest.skip(f"needs Redis at {redis_url()}: start redis-server or set CELERY_BROKER_URL (CI runs it)")


@pytest.fixture(autouse=True)
def _axes_off_by_default(settings, request):
    if not request.node.get_closest_marker("axes"):
        settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_tasks_in_process(request, settings):
    """Ordinary tests run Celery tasks in-process, as on the embedded default, even when the
    environment names a broker (CI does). Tests of the real broker start real workers or talk to
    Redis themselves (marked ``redis``), so nothing about the broker is mocked."""
    from suxian.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.task_always_eager = saved
