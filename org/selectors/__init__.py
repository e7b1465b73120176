"""Reads of the organisation system (one module per topic; all re-exported here)."""
from .conference import *  # noqa: F401,F403
from .grids import *  # noqa: F401,F403
from .member_export import *  # noqa: F401,F403
from .members import *  # noqa: F401,F403
from .new_domain import *  # noqa: F401,F403
from .rollup import *  # noqa: F401,F403
from .tree import *  # noqa: F401,F403
