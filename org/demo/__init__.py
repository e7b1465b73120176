"""Demo steps of the organisation system, run in order by ``manage.py seed_demo``."""
from .tree import seed_new_domain_and_grids, seed_outside_units, seed_personas, seed_tree

STEPS = [
    (10, seed_tree),
    (11, seed_outside_units),
    (12, seed_new_domain_and_grids),
    (13, seed_personas),
]
from .members import STEPS as MEMBER_STEPS  # noqa: E402

STEPS += MEMBER_STEPS
