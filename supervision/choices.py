"""Choices of the work system: categories, levels, case states and the transition table."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a visit heard about or a case is about (民情民意 / 矛盾纠纷 categories)."""

    PROPERTY_MANAGEMENT = "property_management", _("Property management")
    PROPERTY_CERTIFICATE = "property_certificate", _("Property certificates")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood dispute")
    FAMILY = "family", _("Marriage and family")
    LABOUR = "labour", _("Wages and labour")
    ENVIRONMENT = "environment", _("Environment and sanitation")
    INFRASTRUCTURE = "infrastructure", _("Roads, water, power and facilities")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance and elderly care")
    SAFETY = "safety", _("Public safety")
    OTHER = "other", _("Other")


class CaseKind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute")
    DIFFICULTY = "difficulty", _("Practical difficulty")


class CaseSource(models.TextChoices):
    VISIT = "visit", _("Weekly visit")
    MEETING = "meeting", _("1+N deliberation meeting")
    HOTLINE = "hotline", _("Hotline")
    INSPECTION = "inspection", _("Inspection")
    PAIRING = "pairing", _("Pairing difficulty")
    OTHER = "other", _("Other")


class ResponsibleLevel(models.TextChoices):
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DEPARTMENT = "department", _("District department")
    DISTRICT = "district", _("District")


# Escalation goes strictly up this order; a return goes strictly down.
LEVEL_RANK = {
    ResponsibleLevel.COMMUNITY: 1,
    ResponsibleLevel.STREET: 2,
    ResponsibleLevel.DEPARTMENT: 3,
    ResponsibleLevel.DISTRICT: 4,
}


class CaseState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    ESCALATED = "escalated", _("Escalated")
    TO_CONSULTATION = "to_consultation", _("To quarterly consultation")
    RESOLVED = "resolved", _("Resolved")
    FOLLOWED_UP = "followed_up", _("Followed up")


OPEN_STATES = (
    CaseState.REGISTERED,
    CaseState.ACCEPTED,
    CaseState.IN_PROGRESS,
    CaseState.ESCALATED,
    CaseState.TO_CONSULTATION,
)
DONE_STATES = (CaseState.RESOLVED, CaseState.FOLLOWED_UP)


class CaseAction(models.TextChoices):
    """Every kind of CaseEvent row: the state transitions plus hand-overs that keep the state."""

    REGISTER = "register", _("Registered")
    ACCEPT = "accept", _("Accepted")
    START = "start", _("Started")
    ESCALATE = "escalate", _("Escalated")
    RETURN = "return", _("Returned")
    SEND_TO_CONSULTATION = "send_to_consultation", _("Sent to consultation")
    RESOLVE = "resolve", _("Resolved")
    FOLLOW_UP = "follow_up", _("Followed up")
    REOPEN = "reopen", _("Reopened")
    ASSIGN = "assign", _("Assigned")
    REPRIORITISE = "reprioritise", _("Re-prioritised")


S = CaseState
# action -> (states it may start from, state it leads to). The only source of truth for transitions.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    CaseAction.ACCEPT: ((S.REGISTERED,), S.ACCEPTED),
    CaseAction.START: ((S.ACCEPTED,), S.IN_PROGRESS),
    CaseAction.ESCALATE: ((S.ACCEPTED, S.IN_PROGRESS, S.ESCALATED), S.ESCALATED),
    CaseAction.RETURN: ((S.ESCALATED, S.TO_CONSULTATION), S.IN_PROGRESS),
    CaseAction.SEND_TO_CONSULTATION: ((S.IN_PROGRESS, S.ESCALATED), S.TO_CONSULTATION),
    CaseAction.RESOLVE: ((S.IN_PROGRESS, S.ESCALATED, S.TO_CONSULTATION), S.RESOLVED),
    CaseAction.FOLLOW_UP: ((S.RESOLVED,), S.FOLLOWED_UP),
    CaseAction.REOPEN: ((S.FOLLOWED_UP,), S.IN_PROGRESS),  # only when the resident was not satisfied
    CaseAction.ASSIGN: (OPEN_STATES, None),  # keeps the state
    CaseAction.REPRIORITISE: (OPEN_STATES, None),  # keeps the state
}
del S


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Cycle(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class AgendaReason(models.TextChoices):
    HARD = "hard", _("Marked hard")
    SENT = "sent", _("Sent to consultation")
    LONG_OPEN = "long_open", _("Open past the threshold")
    CARRIED_OVER = "carried_over", _("Carried over from the previous quarter")


class ConsultationDecision(models.TextChoices):
    PENDING = "", _("Not decided")
    RESOLVED = "resolved", _("Resolved (closed)")
    ASSIGNED = "assigned", _("Assigned with a deadline")
    ESCALATED = "escalated", _("Escalated")
    CARRY_OVER = "carry_over", _("Carry over to next quarter")


class DispatchDecisionAction(models.TextChoices):
    ASSIGN = "assign", _("Assign")
    REPRIORITISE = "reprioritise", _("Re-prioritise")
    ESCALATE = "escalate", _("Escalate")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead (主办)")
    SUPPORT = "support", _("Support (协办)")


class LetterState(models.TextChoices):
    ISSUED = "issued", _("Issued")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class FindingDimension(models.TextChoices):
    TASKS = "tasks", _("Supervise tasks (督任务)")
    PROGRESS = "progress", _("Supervise progress (督进度)")
    RESULTS = "results", _("Supervise results (督成效)")
    AWARENESS = "awareness", _("Check awareness (查认识)")
    RESPONSIBILITY = "responsibility", _("Check responsibility (查责任)")
    CONDUCT = "conduct", _("Check work style (查作风)")


class CauseKind(models.TextChoices):
    TASK = "task", _("Key task")
    LETTER = "letter", _("Assignment letter")
    CASE = "case", _("Case")
    FINDING = "finding", _("Inspection finding")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft, for review")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NotificationKind(models.TextChoices):
    VISIT_GAP_COMMUNITY = "visit_gap_community", _("Community without a visit record")
    VISIT_GAP_CADRE = "visit_gap_cadre", _("Cadre without a visit record")
    CASE_ASSIGNED = "case_assigned", _("Case assigned")
    CASE_ESCALATED = "case_escalated", _("Case escalated")
    CASE_RETURNED = "case_returned", _("Case returned")
    CASE_REOPENED = "case_reopened", _("Case reopened")
    DISPATCH_SHEET = "dispatch_sheet", _("Dispatch sheet ready")
    CONSULTATION_AGENDA = "consultation_agenda", _("Consultation agenda built")
    NOTICE_DRAFTED = "notice_drafted", _("Supervision notice for review")
    NOTICE_ISSUED = "notice_issued", _("Supervision notice issued")
    INTERVIEW = "interview", _("Accountability interview")
    LETTER = "letter", _("Assignment letter received")
    GOVERNANCE_OVERDUE = "governance_overdue", _("Overdue deliberation resolution")
    GOVERNANCE_FLOATING = "governance_floating", _("Floating member not reported or registered")


class ReceivingLevel(models.TextChoices):
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


class DelegatedItemAction(models.TextChoices):
    CREATE = "create", _("Delegated")
    UPDATE = "update", _("Edited")
    WITHDRAW = "withdraw", _("Withdrawn")
