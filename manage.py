#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys

# Environment variables that only a deployment sets (.env.example, docker compose, the Dockerfile).
DEPLOYMENT_VARS = ("SECRET_KEY", "DATABASE_URL", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suxian.settings")
    # settings.py is secure by default (DEBUG off unless set, real keys required). A bare `manage.py` on a
    # development machine, with none of a deployment's variables set, runs as `make` does, with DEBUG=1;
    # once any of them is set the secure default applies (gunicorn and celery never get this default).
    if not any(os.environ.get(name) for name in DEPLOYMENT_VARS):
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
