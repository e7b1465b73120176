"""Settings for suxian, driven by the environment (see .env.example).

With no environment at all the application runs on a SQLite file and runs Celery tasks in-process,
so a newcomer needs nothing but Python. Production sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL
(Redis), SECRET_KEY and DEBUG=0.
"""
import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Secure by default: DEBUG is off unless the environment turns it on (`make run`, `make test` and the
# benchmarks set DEBUG=1 or their own keys explicitly). With DEBUG off the process refuses to start
# without real keys: a missing key, a development key or a placeholder from .env.example.
DEBUG = env_bool("DEBUG", False)
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
DEV_PII_ENCRYPTION_KEY = "bG9jYWwtZGV2LW9ubHkta2V5LW5vdC1mb3ItcHJvZCE="
DEV_PII_HASH_KEY = "local-dev-only-hash-key"


def _refuse_unsafe_key(name: str, value: str, dev_value: str) -> None:
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off (set DEBUG=1 for development)")
    if value == dev_value or value.startswith(("change-me", "replace-with")):
        raise ImproperlyConfigured(f"{name} is a development or placeholder value; set a real key when DEBUG is off")


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG:
    _refuse_unsafe_key("SECRET_KEY", SECRET_KEY, DEV_SECRET_KEY)
SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mptt",
    "import_export",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "csp",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "core",
    "accounts",
    "org",
    "supervision",
    "governance",
    "resources",
    "assessment",
    "cockpit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.BadParameterStatusMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "suxian.urls"
WSGI_APPLICATION = "suxian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.scope",
                "supervision.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Web requests are many small queries on a few cores: parallel workers (~2-5 ms to start, and a
        # core each) and JIT compilation cost more than they save on them (measured: a street's member
        # count 6.9 ms with a parallel worker, 2.1 ms without). The few large reads (the province roll-up)
        # ask for parallel workers themselves with SET LOCAL. DB_PARALLEL_WORKERS overrides.
        # Appended to any ``options`` given in DATABASE_URL. (Behind PgBouncer, let it ignore the
        # ``options`` startup parameter: ignore_startup_parameters = options.)
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = " ".join(filter(None, [
            _options.get("options", ""),
            f"-c max_parallel_workers_per_gather={env_int('DB_PARALLEL_WORKERS', 0)} -c jit=off",
        ]))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The scoping primitive (core.scoping) names no domain model: these name the tree's unit and the grants.
SCOPE_UNIT_MODEL = "org.OrgUnit"
SCOPE_GRANT_MODEL = "accounts.RoleGrant"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Cache: Redis in production (shared by all gunicorn workers: log-in throttles, sessions), a
# per-process memory cache on the embedded default.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "TIMEOUT": 3600}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# With a shared cache, sessions live there (no database write per request for the idle timeout).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cache" if CACHE_URL else "django.contrib.sessions.backends.db"
)

# Idle timeout: the session expires after SESSION_IDLE_SECONDS without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)

# Login throttling (django-axes): lock a username + IP pair after 5 failures.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Behind a reverse proxy that sets X-Real-IP, trust it for log-in locks and the audit log.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", False)
AXES_CLIENT_IP_CALLABLE = "core.request_context.client_ip"

# The users work in Chinese: every page is zh-hans whatever the browser's Accept-Language says
# (no LocaleMiddleware; English is the source language of the code and the catalogue).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "media/"

# Uploads: refuse big bodies before reading them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)

# Personal data: key for encrypting ID numbers (Fernet, url-safe base64 32 bytes; several keys,
# comma-separated, newest first, allow rotation) and for the keyed lookup hash.
PII_ENCRYPTION_KEYS = env_list("PII_ENCRYPTION_KEYS", [])
PII_HASH_KEY = os.environ.get("PII_HASH_KEY", "")
if not DEBUG:
    for _key in PII_ENCRYPTION_KEYS or [""]:
        _refuse_unsafe_key("PII_ENCRYPTION_KEYS", _key, DEV_PII_ENCRYPTION_KEY)
    _refuse_unsafe_key("PII_HASH_KEY", PII_HASH_KEY, DEV_PII_HASH_KEY)
# Development-only keys, so that a fresh clone runs. Never used with DEBUG off.
PII_ENCRYPTION_KEYS = PII_ENCRYPTION_KEYS or [DEV_PII_ENCRYPTION_KEY]
PII_HASH_KEY = PII_HASH_KEY or DEV_PII_HASH_KEY

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "suxian-demo-2026")

# Celery: with no broker, tasks run in-process (eager) so the embedded default needs no Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "socket_timeout": 3}
# A periodic job the broker refused is retried until it is sent (core.beat), not lost until its next run.
CELERY_BEAT_SCHEDULER = "core.beat.RetryingScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # The work cycle (Asia/Shanghai); each task defaults to the period that just ended.
    "supervision-daily": {"task": "supervision.daily_cycle", "schedule": crontab(minute=30, hour=0)},
    "assessment-quarterly-open": {"task": "assessment.quarterly_open",
                                  "schedule": crontab(minute=30, hour=3, day_of_month=1, month_of_year="1,4,7,10")},
    "assessment-lapses": {"task": "assessment.lapses_record", "schedule": crontab(minute=45, hour=0)},
    "governance-daily-overdue": {"task": "governance.daily_overdue", "schedule": crontab(minute=30, hour=6)},
    "governance-weekly-floating": {"task": "governance.weekly_floating",
                                   "schedule": crontab(minute=0, hour=7, day_of_week=1)},
    "supervision-weekly": {"task": "supervision.weekly_cycle", "schedule": crontab(minute=0, hour=1, day_of_week=1)},
    "supervision-monthly": {"task": "supervision.monthly_cycle", "schedule": crontab(minute=0, hour=2, day_of_month=1)},
    "supervision-quarterly": {"task": "supervision.quarterly_cycle",
                              "schedule": crontab(minute=0, hour=3, day_of_month=1, month_of_year="1,4,7,10")},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
    # Number of trusted reverse proxies in front of the app (0: use REMOTE_ADDR, ignore X-Forwarded-For).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
# API tokens (django-rest-knox): hashed at rest, a new one per log-in, idle timeout like the pages'
# session (renewed on use at most once a minute), an absolute lifetime, revoked at log-out.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(seconds=env_int("API_TOKEN_IDLE_SECONDS", 30 * 60)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": dt.timedelta(seconds=env_int("API_TOKEN_MAX_SECONDS", 10 * 3600)),
    "MIN_REFRESH_INTERVAL": 60,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "苏仙党建 API",
    "DESCRIPTION": "Urban grassroots party building: organisation tree, members, work cycle.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # `check --deploy` is about the deployment's security; the schema's naming warnings (enum names
    # shared between apps) are checked by `manage.py spectacular --validate`, not at every deploy.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True

# HTTPS behind the district's reverse proxy: HSTS and the redirect to HTTPS are on by default with DEBUG
# off and can be turned off (SECURE_HSTS_SECONDS=0, SECURE_SSL_REDIRECT=0) for a trial over plain HTTP.
# /healthz is exempt: the container healthcheck asks it over plain HTTP on 127.0.0.1.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The HSTS preload list is for hosts on the public internet; an intranet host cannot be submitted to it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp): everything from this origin only, nothing from a CDN, and no
# inline script (page behaviour lives in static/core/app.js; tests/core/test_csp.py scans the templates).
# Inline style attributes stay allowed ("'unsafe-inline'" in style-src only: the Swagger page and a few
# layout attributes); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
