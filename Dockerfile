# 苏仙党建 / suxian: one image for web (gunicorn), worker (celery worker) and beat (celery beat).
# Build:  docker build -t suxian .
# Run:    docker compose up -d   (see docker-compose.yml and .env.example)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=suxian.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/var/lib/suxian/media \
    WEB_CONCURRENCY=3

WORKDIR /app

# An unprivileged user owns nothing but the writable data directories.
RUN groupadd --system --gid 10001 suxian \
 && useradd --system --uid 10001 --gid suxian --home-dir /app --no-create-home --shell /usr/sbin/nologin suxian \
 && mkdir -p /var/lib/suxian/media /var/lib/suxian/beat \
 && chown -R suxian:suxian /var/lib/suxian

# Dependencies first (their layer is cached while only the code changes). Every wheel in the lock
# (psycopg-binary, cryptography, python-calamine, …) is manylinux: no compiler needed.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# Static files are collected at build time with the production storage (hashed names, compressed),
# which WhiteNoise serves. The keys below exist only for this step: settings refuse DEBUG=0 without
# them, and the real ones come from the environment at run time.
RUN DEBUG=0 \
    SECRET_KEY=build-only-dummy-secret-key \
    PII_ENCRYPTION_KEYS=YnVpbGQtb25seS1kdW1teS1rZXktbm90LXNlY3JldCE= \
    PII_HASH_KEY=build-only-dummy-hash-key \
    python manage.py collectstatic --noinput \
 && python -m compileall -q .

USER suxian
EXPOSE 8000

# Workers default to WEB_CONCURRENCY (gunicorn reads it); more flags via GUNICORN_CMD_ARGS.
CMD ["gunicorn", "suxian.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--timeout", "60", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
