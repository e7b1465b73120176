"""Admin of the organisation system, one module per topic (imported here for admin autodiscovery)."""
from . import conference, members, outside, tree  # noqa: F401
