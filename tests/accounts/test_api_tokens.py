"""API tokens expire and are revoked (issue 15, item 3): a new token at each log-in, idle and absolute
expiry, revoked by the API log-out, the page log-out, a password change and the end of the last grant."""
import datetime as dt

import pytest
from django.utils import timezone
from knox.models import AuthToken

from accounts.services import role_grant_end
from core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    from django.core.cache import cache

    cache.clear()  # the log-in throttle counts in the cache

TOKEN = "/api/auth/token/"
LOGOUT = "/api/auth/logout/"
API = "/api/org/units/"


def _token(client, tree, persona="district"):
    r = client.post(TOKEN, {"username": persona, "password": tree.password})
    assert r.status_code == 200
    return r.json()["token"]


DENIED = 403  # DRF answers 403 to a failed token when the session authenticator comes first


def _get(client, key):
    return client.get(API, HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_each_login_issues_a_new_token_and_both_work(client, tree):
    first, second = _token(client, tree), _token(client, tree)
    assert first != second
    assert AuthToken.objects.filter(user=tree.users["district"]).count() == 2
    assert _get(client, first) == _get(client, second) == 200


def test_api_logout_revokes_only_the_calling_token(client, tree):
    first, second = _token(client, tree), _token(client, tree)
    assert client.post(LOGOUT, HTTP_AUTHORIZATION=f"Token {first}").status_code == 204
    assert _get(client, first) == DENIED and _get(client, second) == 200
    row = AuditLog.objects.get(action="api_token.revoke")
    assert (row.actor_id, row.after["reason"], row.after["revoked"]) == (tree.users["district"].pk, "logout", 1)


def test_page_logout_revokes_all_of_the_users_tokens(client, tree):
    key = _token(client, tree)
    other = _token(client, tree, "street")
    client.force_login(tree.users["district"])
    assert client.post("/accounts/logout/").status_code == 302
    assert _get(client, key) == DENIED and _get(client, other) == 200


def test_idle_and_absolute_expiry(client, tree, settings):
    key = _token(client, tree)
    token = AuthToken.objects.get()
    token.expiry = timezone.now() - dt.timedelta(seconds=1)  # idle past TOKEN_TTL
    token.save(update_fields=["expiry"])
    assert _get(client, key) == DENIED and not AuthToken.objects.exists()
    key = _token(client, tree)
    token = AuthToken.objects.get()
    lifetime = settings.REST_KNOX["AUTO_REFRESH_MAX_TTL"]
    AuthToken.objects.filter(pk=token.pk).update(created=timezone.now() - lifetime + dt.timedelta(minutes=1))
    assert _get(client, key) == 200  # within its lifetime, however recently used
    AuthToken.objects.filter(pk=token.pk).update(created=timezone.now() - lifetime)
    assert _get(client, key) == DENIED and not AuthToken.objects.exists()  # past it, even if used a second ago


def test_use_pushes_the_idle_expiry_out(client, tree):
    key = _token(client, tree)
    AuthToken.objects.update(expiry=timezone.now() + dt.timedelta(minutes=5))
    assert _get(client, key) == 200
    assert AuthToken.objects.get().expiry > timezone.now() + dt.timedelta(minutes=25)


def test_password_change_revokes_older_tokens(client, tree):
    key = _token(client, tree)
    user = tree.users["district"]
    user.set_password("Lotus-Lake-4-Branch!")
    user.save()
    assert _get(client, key) == DENIED and not AuthToken.objects.exists()


def test_the_end_of_the_last_grant_revokes(client, tree):
    key = _token(client, tree, "community")
    user = tree.users["community"]
    user.grants.update(valid_from=timezone.localdate() - dt.timedelta(days=10))  # granted earlier
    for grant in user.grants.all():
        role_grant_end(actor=tree.users["district"], grant=grant, on=timezone.localdate() - dt.timedelta(days=1))
    assert _get(client, key) == DENIED and not AuthToken.objects.filter(user=user).exists()
