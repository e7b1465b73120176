"""Models of the organisation system. One module per topic; all re-exported here."""
from .conference import *  # noqa: F401,F403
from .grids import *  # noqa: F401,F403
from .members import *  # noqa: F401,F403
from .outside import OutsideUnit, OutsideUnitKind  # noqa: F401
from .tree import Grid, GridAssignment, NewDomainOrg, OrgUnit, OrgUnitQuerySet  # noqa: F401
