"""Writes of the work system (one module per topic; all re-exported here). Every service takes the
acting user, runs in one transaction, checks scope before and after, and writes one audit row."""
from .cases import *  # noqa: F401,F403
from .consultation import (  # noqa: F401
    agenda_candidates,
    build_consultation,
    consultation_build,
    consultation_decide,
    consultation_record,
)
from .cycle import (  # noqa: F401
    CYCLE_RUNNERS,
    claim,
    daily_cycle_run,
    draft_overdue_notices,
    monthly_cycle_run,
    quarterly_cycle_run,
    run_job,
    weekly_cycle_run,
)
from .dispatch import *  # noqa: F401,F403
from .inspections import *  # noqa: F401,F403
from .notifications import notification_create, notification_deliver, notification_mark_read  # noqa: F401
from .tasklist import (  # noqa: F401
    assignment_letter_issue,
    key_task_create,
    progress_report_create,
    task_area_create,
)
from .timelimits import time_limit_delete, time_limit_set  # noqa: F401
from .visits import visit_record_create, visit_records_bulk_create  # noqa: F401
