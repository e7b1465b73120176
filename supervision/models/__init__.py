"""Models of the work system 工作体系 (周纪实、月调度、季化解, task lists, inspections, supervision)."""
from .cases import DEFAULT_DAYS_BY_LEVEL, Case, CaseEvent, TimeLimit  # noqa: F401
from .cycle import (  # noqa: F401
    Consultation,
    ConsultationItem,
    CycleRun,
    DispatchDecision,
    DispatchMeeting,
    DispatchSheet,
    Notification,
)
from .inspections import (  # noqa: F401
    CAUSE_FIELDS,
    AccountabilityInterview,
    DelegatedServiceItem,
    DelegatedServiceItemEvent,
    Finding,
    Inspection,
    RectificationItem,
    SupervisionNotice,
)
from .tasklist import AssignmentLetter, KeyTask, ProgressReport, TaskArea  # noqa: F401
from .visits import VisitGap, VisitRecord  # noqa: F401
