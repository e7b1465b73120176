"""The deployment files agree with each other and with the settings (no Docker engine needed)."""
import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (it comes with drf-spectacular)")

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"db", "redis", "web", "worker", "beat"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _command(service: dict) -> str:
    cmd = service.get("command", "")
    return " ".join(cmd) if isinstance(cmd, list) else str(cmd)


def _settings_env_vars() -> set[str]:
    text = (ROOT / "suxian" / "settings.py").read_text(encoding="utf-8")
    pattern = r"""(?:os\.environ\.get|os\.getenv|os\.environ\[|env_bool|env_int|env_list)\(?\s*["']([A-Z][A-Z0-9_]*)["']"""
    return set(re.findall(pattern, text))


def _example_env_vars() -> set[str]:
    """Variables in .env.example, set (``X=…``) or shown commented out (``# X=…``)."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_five_services_each_with_a_healthcheck(compose):
    services = compose["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        test = service.get("healthcheck", {}).get("test")
        assert test and test != ["NONE"], f"{name} has no healthcheck"


def test_app_services_wait_for_healthy_dependencies(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert "redis" in depends, name
        assert all(dep["condition"] == "service_healthy" for dep in depends.values()), name
        assert services[name]["env_file"] in (".env", [".env"]), name
    assert "db" in services["web"]["depends_on"]
    assert "db" in services["worker"]["depends_on"]


def test_web_migrates_then_serves_and_checks_healthz(compose):
    web = compose["services"]["web"]
    command = _command(web)
    assert command.index("manage.py migrate") < command.index("gunicorn suxian.wsgi")
    assert "http://127.0.0.1:8000/healthz" in " ".join(web["healthcheck"]["test"])


def test_exactly_one_beat(compose):
    services = compose["services"]
    beats = [name for name, s in services.items() if re.search(r"celery .*\bbeat\b", _command(s))]
    assert beats == ["beat"]
    beat = services["beat"]
    assert beat.get("deploy", {}).get("replicas", beat.get("scale")) == 1
    workers = [name for name, s in services.items() if re.search(r"celery .*\bworker\b", _command(s))]
    assert workers == ["worker"]
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])


def test_env_example_matches_settings(compose):
    in_settings = _settings_env_vars()
    in_example = _example_env_vars()
    compose_text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    compose_only = {name for name in in_example if "${" + name in compose_text}
    assert in_settings, "no environment variables found in settings.py: the pattern needs updating"
    assert in_settings - in_example == set(), "read by settings.py but not documented in .env.example"
    assert in_example - in_settings - compose_only == set(), ".env.example lists variables nothing reads"


def test_dockerfile_production_shape():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert "requirements.lock" in text
    assert "collectstatic" in text and "DEBUG=0" in text
    users = re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "suxian.wsgi" in text
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", ".git", "db.sqlite3"} <= set(ignored)
