"""Writes of the governance system: ``<entity>_<action>(*, actor, ...)``, atomic, scoped, one audit row."""
from .actors import *  # noqa: F401,F403
from .competition import *  # noqa: F401,F403
from .deliberation import *  # noqa: F401,F403
from .social import *  # noqa: F401,F403
