"""Writes of the guarantee system (one module per topic; all re-exported here). Every service takes the
acting user, runs in one transaction, checks scope before and after, and writes one audit row."""
from .cadres import *  # noqa: F401,F403
from .committees import *  # noqa: F401,F403
from .funds import *  # noqa: F401,F403
from .pairing import *  # noqa: F401,F403
from .premises import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
