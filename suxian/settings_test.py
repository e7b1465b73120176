"""Settings of the test suite (pyproject: DJANGO_SETTINGS_MODULE). suxian/settings.py is secure by default
(DEBUG off, real keys required); the suite runs with the development defaults, set here explicitly. The
environment still wins: a run with DEBUG=0 and real keys tests the production settings."""
import os

os.environ.setdefault("DEBUG", "1")

from .settings import *  # noqa: E402,F401,F403
