"""/healthz: liveness and readiness for the container healthcheck and the load balancer."""
import os

import pytest

# The real local Redis, database 15 (kept apart from anything a developer runs on database 0).
LOCAL_REDIS = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
CLOSED_PORT = "redis://127.0.0.1:1/0"


def _get(client):
    response = client.get("/healthz")
    assert response["Content-Type"].startswith("application/json")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return response


@pytest.mark.django_db
def test_anonymous_ok_without_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = _get(client)
    assert response.status_code == 200  # not a redirect to the log-in page
    assert response.json() == {"database": "ok", "broker": "not_configured", "status": "ok"}


@pytest.mark.django_db
@pytest.mark.redis
def test_ok_with_live_redis(client, settings):
    settings.CELERY_BROKER_URL = LOCAL_REDIS
    response = _get(client)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


@pytest.mark.django_db
def test_503_when_broker_unreachable(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    response = _get(client)
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "down"
    assert body["status"] == "degraded"


@pytest.mark.django_db
def test_logged_in_user_gets_the_same_answer(client, settings, tree):
    settings.CELERY_BROKER_URL = ""
    client.force_login(tree.users["community"])
    assert _get(client).status_code == 200
