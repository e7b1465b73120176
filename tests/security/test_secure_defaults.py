"""Secure by default (issue 15, item 4): DEBUG is off unless set, the process refuses development and
placeholder keys with DEBUG off, `check --deploy` is clean with the production environment of
.env.example, and every response carries a Content-Security-Policy that allows no inline script."""
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
DEV_ENV_NAMES = ("DEBUG", "SECRET_KEY", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY", "DJANGO_SETTINGS_MODULE",
                 "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL",
                 "DJANGO_ALLOW_ASYNC_UNSAFE")  # set by the browser tests for Playwright, never in a deployment


def _clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in DEV_ENV_NAMES}
    env.update(DJANGO_SETTINGS_MODULE="suxian.settings", **extra)
    return env


def _django_setup(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _real_keys() -> dict:
    return {"SECRET_KEY": secrets.token_urlsafe(50), "PII_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "PII_HASH_KEY": secrets.token_urlsafe(32)}


def _example_values() -> dict:
    """The variables .env.example sets, as written there."""
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if m:
            values[m.group(1)] = m.group(2)
    return values


def _example_env() -> dict:
    """The production environment of .env.example, its placeholder keys replaced by generated ones."""
    env = {**_example_values(), **_real_keys()}
    # The compose paths do not exist on this machine; the database is not contacted by the checks.
    env.update(STATIC_ROOT=str(ROOT / "staticfiles"), MEDIA_ROOT=str(ROOT / "media"))
    return env


def test_debug_is_off_unless_set():
    proc = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                           "print(settings.DEBUG)"], cwd=ROOT, env=_clean_env(**_real_keys()), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


@pytest.mark.parametrize("case", ["no_keys", "dev_secret", "dev_pii", "dev_hash", "placeholders"])
def test_refuses_to_start_without_real_keys(case):
    from suxian import settings as s

    keys = _real_keys()
    if case == "no_keys":
        keys = {}
    elif case == "dev_secret":
        keys["SECRET_KEY"] = s.DEV_SECRET_KEY
    elif case == "dev_pii":
        keys["PII_ENCRYPTION_KEYS"] = f"{Fernet.generate_key().decode()},{s.DEV_PII_ENCRYPTION_KEY}"
    elif case == "dev_hash":
        keys["PII_HASH_KEY"] = s.DEV_PII_HASH_KEY
    else:  # copied from .env.example without replacing its placeholders
        example = _example_values()
        keys = {name: example[name] for name in ("SECRET_KEY", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY")}
    proc = _django_setup(_clean_env(DEBUG="0", **keys))
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr


@pytest.mark.parametrize("deployment_var", [None, "DATABASE_URL", "SECRET_KEY"])
def test_bare_manage_py_is_development_only_without_deployment_variables(deployment_var):
    """`manage.py` with none of a deployment's variables runs with DEBUG=1 (a fresh clone); once one is
    set, the secure default applies and the development keys are refused."""
    env = _clean_env()
    if deployment_var == "DATABASE_URL":
        env["DATABASE_URL"] = "sqlite:///" + str(ROOT / "db.sqlite3")
    elif deployment_var == "SECRET_KEY":
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    if deployment_var is None:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode != 0 and "ImproperlyConfigured" in proc.stderr


def test_starts_with_real_keys_and_debug_off():
    proc = _django_setup(_clean_env(DEBUG="0", **_real_keys()))
    assert proc.returncode == 0, proc.stderr


def test_check_deploy_is_clean_with_the_example_environment():
    env = _clean_env()
    env.update(_example_env())
    proc = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accounts:login", "core:home", "org:orgunit_tree", "admin:login", "api_docs",
                                  "supervision:case_list"])
def test_every_response_has_a_policy_without_inline_script(client, tree, name):
    if name not in ("accounts:login", "admin:login"):
        client.force_login(tree.users["district"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN host
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    for sources in policy.values():
        assert not any(src.startswith(("http:", "https:")) or "*" in src for src in sources)


@pytest.mark.django_db
def test_api_json_has_the_policy(client, tree):
    client.force_login(tree.users["district"])
    response = client.get("/api/org/units/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert _policy(response)["script-src"] == ["'self'"]


def _template_files() -> list[Path]:
    files = list((ROOT / "templates").rglob("*.html"))
    for app_dir in ROOT.iterdir():
        if (app_dir / "templates").is_dir():
            files += (app_dir / "templates").rglob("*.html")
    return files


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_no_template_has_inline_script():
    files = _template_files()
    assert len(files) > 50
    offenders = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL):
            for m in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert offenders == []


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/core/app.js" defer></script>')
    assert EVENT_HANDLER.search('<button onclick="window.print()">')
    assert not EVENT_HANDLER.search('<button data-action="print">')
    assert JS_URL.search('<a href="javascript:void(0)">')
