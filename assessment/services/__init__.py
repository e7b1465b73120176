"""Writes of the assessment system (``<entity>_<action>(*, actor, ...)``)."""
from .regular import (  # noqa: F401
    assessees,
    lapses_record,
    regular_complete,
    regular_open,
    regular_refresh,
    regular_score_enter,
)
from .schemes import (  # noqa: F401
    indicator_create,
    indicator_delete,
    indicator_update,
    scheme_activate,
    scheme_copy,
    scheme_create,
    scheme_update,
)
from .yearend import (  # noqa: F401
    debrief_record,
    excellent_propose,
    quota_override_set,
    year_compute,
    year_compute_sql,
    year_finalise,
    year_reopen,
    year_review_enter,
)
