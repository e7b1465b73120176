"""Choices and shared constants of the assessment system 考核 (defined once; import them)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssesseeKind(models.TextChoices):
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    DEPARTMENT = "department", _("District department")
    SECRETARY = "secretary", _("Secretary")
    CADRE = "cadre", _("Cadre")


UNIT_KINDS = (AssesseeKind.STREET, AssesseeKind.COMMUNITY, AssesseeKind.DEPARTMENT)
PERSON_KINDS = (AssesseeKind.SECRETARY, AssesseeKind.CADRE)


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_USE = "in_use", _("In use")


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from records")
    REVIEWED = "reviewed", _("Reviewed")


class RegularState(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")


class RegularGrade(models.TextChoices):
    GOOD = "good", _("Good (好)")
    FAIRLY_GOOD = "fairly_good", _("Fairly good (较好)")
    AVERAGE = "average", _("Average (一般)")
    POOR = "poor", _("Poor (较差)")


class YearGrade(models.TextChoices):
    """Unit grades 优秀/合格/基本合格/不合格; individuals use the same codes (see ``PERSON_GRADE_LABELS``)."""

    EXCELLENT = "excellent", _("Excellent (优秀)")
    COMPETENT = "competent", _("Competent (合格)")
    BASIC = "basic", _("Basically competent (基本合格)")
    FAILED = "failed", _("Not competent (不合格)")


# Individuals' grades of the civil-servant rules: 优秀/称职/基本称职/不称职.
PERSON_GRADE_LABELS = {
    YearGrade.EXCELLENT: _("Excellent (优秀)"),
    YearGrade.COMPETENT: _("Competent (称职)"),
    YearGrade.BASIC: _("Basically competent (基本称职)"),
    YearGrade.FAILED: _("Not competent (不称职)"),
}


class Vote(models.TextChoices):
    """An evaluator's vote in the secretaries' 述职评议."""

    GOOD = "good", _("Good (好)")
    FAIRLY_GOOD = "fairly_good", _("Fairly good (较好)")
    AVERAGE = "average", _("Average (一般)")
    POOR = "poor", _("Poor (差)")


# What a vote is worth when the votes are computed into a score (0–100).
VOTE_POINTS = {Vote.GOOD: 100, Vote.FAIRLY_GOOD: 85, Vote.AVERAGE: 70, Vote.POOR: 50}


class YearCloseState(models.TextChoices):
    FINALISED = "finalised", _("Finalised")
    REOPENED = "reopened", _("Reopened")


class YearCloseAction(models.TextChoices):
    FINALISE = "finalise", _("Finalised")
    REOPEN = "reopen", _("Reopened")


DEFAULT_CUT_TIERS = {"1": 3, "2": 4, "3": 5}  # lapses → percentage points cut (≥ the largest key: its value)
DEFAULT_BASE_PCT = 20
MAX_EXCELLENT_PCT = 25  # the civil-servant rules: never more than 25 % of those assessed
