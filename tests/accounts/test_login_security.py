"""Log-in security: anonymous access, the log-in lock, audit rows, idle timeout, passwords, API tokens."""
import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from knox.models import AuthToken as Token

from core.models import AuditLog

LOGIN = "/accounts/login/"
TOKEN = "/api/auth/token/"
API_ENDPOINT = "/api/org/units/"  # any authenticated API endpoint
IP_A = "10.1.1.1"
IP_B = "10.2.2.2"

# The only pages served to anonymous users (API views authenticate themselves, see below).
PUBLIC_PAGES = {"accounts:login", "admin:login", "healthz"}
# Only the token endpoint is open; the schema and its docs page need a log-in (SERVE_PERMISSIONS).
PUBLIC_API = {"api_token"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The token endpoint's rate throttle counts in the cache: start every test from zero."""
    cache.clear()
    yield
    cache.clear()


def _routes(patterns=None, prefix="", namespace=None):
    """Every (route, name, callback) of the URLconf, with namespaced names."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from _routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p.callback


def _concrete(route: str) -> str | None:
    """A URL for a route with its converters and regex groups filled in; None for format suffixes."""
    if "format>" in route:
        return None
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).replace("^", "").replace("$", "")
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)


def _form_login(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


# ---------------------------------------------------------------------------------------- anonymous


@pytest.mark.django_db
def test_login_page_is_reachable_anonymously(client):
    assert client.get(LOGIN).status_code == 200


def test_only_the_listed_pages_are_public():
    public = {
        name
        for route, name, callback in _routes()
        if not route.startswith("api/") and getattr(callback, "login_required", True) is False
    }
    assert public == PUBLIC_PAGES


@pytest.mark.django_db
def test_every_other_page_redirects_anonymous_users_to_login(client):
    login_pages = (reverse("accounts:login"), reverse("admin:login"))
    checked = 0
    for route, name, _callback in _routes():
        url = _concrete(route)
        if url is None or route.startswith("api/") or name in PUBLIC_PAGES:
            continue
        response = client.get(url)
        assert response.status_code == 302, f"{url} ({name}) answered {response.status_code} to anonymous"
        assert response["Location"].startswith(login_pages), f"{url} ({name}) redirects to {response['Location']}"
        checked += 1
    assert checked >= 10


@pytest.mark.django_db
def test_api_refuses_anonymous_users(client):
    checked = 0
    for route, name, _callback in _routes():
        url = _concrete(route)
        if url is None or not route.startswith("api/") or name in PUBLIC_API:
            continue
        status = client.get(url).status_code
        assert status in (401, 403), f"{url} ({name}) answered {status} to anonymous"
        checked += 1
    assert checked >= 3
    assert client.get(API_ENDPOINT).status_code in (401, 403)


# ------------------------------------------------------------------------------------ lock (axes)


@pytest.mark.axes
@pytest.mark.django_db
def test_five_failures_lock_username_and_ip(client, tree):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(4):
        response = _form_login(client, "street", "wrong-password", IP_A)
        assert response.status_code == 200, attempt  # the form again, with an error
    _form_login(client, "street", "wrong-password", IP_A)  # the fifth failure engages the lock
    assert AccessAttempt.objects.get(username="street", ip_address=IP_A).failures_since_start == 5

    sixth = _form_login(client, "street", tree.password, IP_A)
    assert sixth.status_code == 429
    assert _logged_in_as(client) is None

    # The lock is per username + IP: the same user from another address still logs in ...
    other_ip = _form_login(client, "street", tree.password, IP_B)
    assert other_ip.status_code == 302
    assert _logged_in_as(client) == str(tree.users["street"].pk)
    client.logout()
    # ... and another user from the locked address too.
    assert _form_login(client, "community", tree.password, IP_A).status_code == 302


@pytest.mark.django_db
def test_failed_and_successful_logins_are_audited_with_ip(client, tree):
    before = AuditLog.objects.count()
    _form_login(client, "community", "wrong-password", IP_A)
    _form_login(client, "community", "wrong-password", IP_A)
    failed = AuditLog.objects.filter(kind=AuditLog.Kind.LOGIN_FAILED, actor_username="community")
    assert failed.count() == 2
    assert set(failed.values_list("ip", flat=True)) == {IP_A}

    assert _form_login(client, "community", tree.password, IP_B).status_code == 302
    login = AuditLog.objects.get(kind=AuditLog.Kind.LOGIN)
    assert login.actor_id == tree.users["community"].pk
    assert login.ip == IP_B
    assert AuditLog.objects.count() == before + 3


# ------------------------------------------------------------------------------------ idle timeout


@pytest.mark.django_db
def test_idle_session_timeout(client, tree, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"  # inspect the stored expiry
    age = settings.SESSION_COOKIE_AGE
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < age <= 8 * 3600

    response = _form_login(client, "community", tree.password, IP_A)
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == age
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    assert abs((expiry() - timezone.now()).total_seconds() - age) < 30

    # Almost idle for the whole period: one more request restarts the clock.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(seconds=60))
    response = client.get("/")
    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == age
    assert abs((expiry() - timezone.now()).total_seconds() - age) < 30

    # Idle past the period: the session is gone and the page asks for a log-in.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# ------------------------------------------------------------------------------------ passwords


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, code",
    [
        ("Ab1-x", "password_too_short"),
        ("password123", "password_too_common"),
        ("83920571046213", "password_entirely_numeric"),
        ("community-secretary", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(tree, password, code):
    user = tree.users["community"]
    user.email = "community-secretary@example.cn"
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password, user=user)
    assert code in {e.code for e in excinfo.value.error_list}


@pytest.mark.django_db
def test_a_strong_password_is_accepted(tree):
    assert validate_password("Lotus-Lake-4-Branch!", user=tree.users["community"]) is None


# ------------------------------------------------------------------------------------ API tokens


@pytest.mark.django_db
def test_token_login_then_token_authenticates(client, tree):
    response = client.post(TOKEN, {"username": "district", "password": tree.password}, REMOTE_ADDR=IP_A)
    assert response.status_code == 200
    key = response.json()["token"]
    stored = Token.objects.get(user=tree.users["district"])
    assert key.startswith(stored.token_key) and key not in stored.digest  # only a digest is kept

    login = AuditLog.objects.get(kind=AuditLog.Kind.LOGIN)
    assert (login.actor_id, login.ip) == (tree.users["district"].pk, IP_A)

    assert client.get(API_ENDPOINT).status_code in (401, 403)
    assert client.get(API_ENDPOINT, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.get(API_ENDPOINT, HTTP_AUTHORIZATION="Token not-a-real-token").status_code in (401, 403)


@pytest.mark.django_db
def test_token_wrong_password_is_refused_and_audited(client, tree):
    response = client.post(TOKEN, {"username": "district", "password": "wrong-password"}, REMOTE_ADDR=IP_A)
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()
    failed = AuditLog.objects.get(kind=AuditLog.Kind.LOGIN_FAILED)
    assert (failed.actor_username, failed.ip) == ("district", IP_A)


@pytest.mark.axes
@pytest.mark.django_db
def test_token_failures_lock_like_the_login_page(client, tree):
    for _ in range(5):
        client.post(TOKEN, {"username": "street", "password": "wrong-password"}, REMOTE_ADDR=IP_A)
    assert AccessAttempt.objects.get(username="street", ip_address=IP_A).failures_since_start == 5

    locked = client.post(TOKEN, {"username": "street", "password": tree.password}, REMOTE_ADDR=IP_A)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert not Token.objects.exists()
    # The lock is shared with the log-in page ...
    assert _form_login(client, "street", tree.password, IP_A).status_code == 429
    assert _logged_in_as(client) is None
    # ... and limited to this username + IP.
    other_ip = client.post(TOKEN, {"username": "street", "password": tree.password}, REMOTE_ADDR=IP_B)
    assert other_ip.status_code == 200
    assert "token" in other_ip.json()


@pytest.mark.axes
@pytest.mark.django_db
def test_page_and_token_failures_add_up(client, tree):
    for _ in range(3):
        _form_login(client, "leader", "wrong-password", IP_A)
    for _ in range(2):
        client.post(TOKEN, {"username": "leader", "password": "wrong-password"}, REMOTE_ADDR=IP_A)
    assert client.post(TOKEN, {"username": "leader", "password": tree.password}, REMOTE_ADDR=IP_A).status_code == 429


@pytest.mark.axes
@pytest.mark.django_db
def test_successful_token_login_resets_the_failure_count(client, tree):
    for _ in range(4):
        client.post(TOKEN, {"username": "street", "password": "wrong-password"}, REMOTE_ADDR=IP_A)
    assert client.post(TOKEN, {"username": "street", "password": tree.password}, REMOTE_ADDR=IP_A).status_code == 200
    assert not AccessAttempt.objects.filter(username="street", ip_address=IP_A).exists()
