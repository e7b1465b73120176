"""Writes of the organisation system (one module per topic; all re-exported here)."""
from .conference import *  # noqa: F401,F403
from .grids import *  # noqa: F401,F403
from .members import *  # noqa: F401,F403
from .outside import *  # noqa: F401,F403
from .tree import *  # noqa: F401,F403
