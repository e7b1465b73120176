"""Demo steps of the organisation system, run in order by ``manage.py seed_demo``."""
from .new_domain import seed_ended_new_domain
from .tree import seed_new_domain_and_grids, seed_outside_units, seed_personas, seed_tree

STEPS = [
    (10, seed_tree),
    (11, seed_outside_units),
    (12, seed_new_domain_and_grids),
    (13, seed_personas),
    (90, seed_ended_new_domain),  # last: the other apps' demo steps pick among the orgs in force
]
from .members import STEPS as MEMBER_STEPS  # noqa: E402

STEPS += MEMBER_STEPS
from .conference import seed_grid_matters, seed_joint_conference  # noqa: E402

# Grids after the members (their people are picked from the member records); the conference after the work
# system's visits and cases (its needs are raised from them).
STEPS += [(26, seed_grid_matters), (47, seed_joint_conference)]
