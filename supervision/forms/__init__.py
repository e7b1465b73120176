"""Forms of the work-system pages, by topic like ``supervision.views``. They only parse input; the
services validate and write. The lists' filters are FilterSets (``supervision.filtersets``)."""
from .cases import ACTION_BUTTONS, CASE_ACTION_FORMS, CaseActionForm, CaseRegisterForm
from .common import DepartmentField, department_queryset
from .consultation import ConsultationBuildForm, ConsultationDecideForm, ConsultationRecordForm
from .dispatch import DispatchDecisionForm, DispatchMeetingForm, SheetGenerateForm
from .inspections import (
    FindingForm,
    InspectionForm,
    InterviewForm,
    NoticeIssueForm,
    NoticeWithdrawForm,
    RectificationFollowUpForm,
)
from .tasks import KeyTaskForm, LetterIssueForm, ProgressReportForm, TaskAreaForm
from .visits import CoverageForm, VisitCaseForm, VisitForm

__all__ = [
    "ACTION_BUTTONS", "CASE_ACTION_FORMS", "CaseActionForm", "CaseRegisterForm", "ConsultationBuildForm",
    "ConsultationDecideForm", "ConsultationRecordForm", "CoverageForm", "DepartmentField", "DispatchDecisionForm",
    "DispatchMeetingForm", "FindingForm", "InspectionForm", "InterviewForm", "KeyTaskForm", "LetterIssueForm",
    "NoticeIssueForm", "NoticeWithdrawForm", "ProgressReportForm", "RectificationFollowUpForm", "SheetGenerateForm",
    "TaskAreaForm", "VisitCaseForm", "VisitForm", "department_queryset",
]
