"""Forms of the work-system pages. They only parse input; the services validate and write.

Units and departments arrive as ids and are resolved by the views through the supervision scope (an
id outside scope is a 404 like a missing one), so the choice fields accept any integer.
"""
from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.templatetags.rows import QUICK_RENDERER
from org.models import OutsideUnit, OutsideUnitKind

from .choices import (
    LEVEL_RANK,
    AssignmentRole,
    CaseAction,
    CaseKind,
    CaseState,
    Category,
    ConsultationDecision,
    DispatchDecisionAction,
    NoticeState,
    Priority,
    ReceivingLevel,
    ResponsibleLevel,
    Satisfaction,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "---------")]
YES_NO = [("", _("All")), ("1", _("Yes")), ("0", _("No"))]


def chips(**attrs):
    """Radio buttons drawn as big tappable chips (see ``.chips`` in suxian.css)."""
    return forms.RadioSelect(attrs={"class": "chips", **attrs})


def department_queryset():
    return OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, is_active=True).order_by("code")


class DepartmentField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("District department"))
        super().__init__(queryset=department_queryset(), **kwargs)

    def label_from_instance(self, obj):
        return obj.name


class AnyChoiceField(forms.ChoiceField):
    """A choice list for convenience; any value is accepted and resolved (in scope) by the view."""

    def valid_value(self, value):
        return True


class AnyIntChoiceField(forms.TypedChoiceField):
    """A choice list for convenience; any integer is accepted and resolved (in scope) by the view."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, **kwargs)

    def valid_value(self, value):
        return True


def yes_no(value):
    return {"1": True, "0": False}.get(value)


# -- visits ---------------------------------------------------------------------------------------

class VisitForm(forms.Form):
    """The quick visit form: a few fields, sensible defaults (today, the cadre's own community)."""

    place = AnyIntChoiceField(label=_("Where"))
    visited_on = forms.DateField(label=_("Date"), widget=DATE)
    households = forms.CharField(label=_("Households visited"), required=False, max_length=200,
                                 widget=forms.TextInput(attrs={"placeholder": _("e.g. 3-201, 3-202")}))
    households_count = forms.IntegerField(label=_("Number of households"), min_value=1, max_value=9999, initial=1,
                                          widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    heard = forms.CharField(label=_("What residents said"), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Topic"), choices=Category.choices, initial=Category.OTHER,
                                 widget=chips())
    needs_follow_up = forms.BooleanField(label=_("Needs follow-up"), required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(u.pk, "\u3000" * max(u.level - 2, 0) + u.name) for u in places]
        self.fields["visited_on"].initial = timezone.localdate()


class VisitCaseForm(forms.Form):
    """One case raised from the visit (blank title = no case)."""

    title = forms.CharField(label=_("Case title"), required=False, max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, initial=CaseKind.DIFFICULTY,
                             required=False, widget=chips())
    parties = forms.CharField(label=_("Parties"), required=False, max_length=200)
    is_hard = forms.BooleanField(label=_("Hard case"), required=False)

    def case_spec(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("title") or "").strip():
            return None
        return {"title": data["title"].strip(), "kind": data.get("kind") or CaseKind.DIFFICULTY,
                "parties": (data.get("parties") or "").strip(), "is_hard": bool(data.get("is_hard"))}


class VisitFilterForm(forms.Form):
    unit = forms.CharField(label=_("Unit code (with its subtree)"), required=False, max_length=32)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    category = forms.ChoiceField(label=_("Topic"), required=False, choices=BLANK + list(Category.choices))
    follow_up = forms.ChoiceField(label=_("Needs follow-up"), required=False, choices=YES_NO)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {"date_from": d.get("date_from"), "date_to": d.get("date_to"), "category": d.get("category") or None,
                "needs_follow_up": yes_no(d.get("follow_up"))}


class CoverageForm(forms.Form):
    unit = forms.CharField(label=_("Unit code (with its subtree)"), required=False, max_length=32)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)


# -- cases ----------------------------------------------------------------------------------------

class FetchedChoiceIterator(ModelChoiceIterator):
    """The options in one plain query, instead of ``QuerySet.iterator()`` (on PostgreSQL a server-side
    cursor: three round trips for a few dozen rows)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class CaseFilterForm(forms.Form):
    default_renderer = QUICK_RENDERER  # the same HTML, the options written without two includes each

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=BLANK + [("open", _("Open (all open states)"))] + list(CaseState.choices))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=BLANK + list(CaseKind.choices))
    category = forms.ChoiceField(label=_("Topic"), required=False, choices=BLANK + list(Category.choices))
    level = forms.ChoiceField(label=_("Responsible level"), required=False,
                              choices=BLANK + list(ResponsibleLevel.choices))
    unit = forms.CharField(label=_("Unit code (with its subtree)"), required=False, max_length=32)
    department = DepartmentField(label=_("Handling department"))
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES_NO)
    hard = forms.ChoiceField(label=_("Hard case"), required=False, choices=YES_NO)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        department.iterator = FetchedChoiceIterator  # set before the queryset, which hands it to the widget
        queryset = department.queryset
        if user is not None:  # the departments of the user's own district, not the whole province
            from org.selectors import outside_unit_choices

            queryset = outside_unit_choices(user=user, kind=OutsideUnitKind.DISTRICT_DEPARTMENT)
        department.queryset = queryset.only("name")  # the options show the name only

    def filters(self) -> dict:
        d = self.cleaned_data
        return {"state": d.get("state") or None, "kind": d.get("kind") or None,
                "category": d.get("category") or None, "level": d.get("level") or None,
                "department": d.get("department"), "overdue": yes_no(d.get("overdue")),
                "is_hard": yes_no(d.get("hard")), "search": (d.get("q") or "").strip() or None}


class CaseActionForm(forms.Form):
    """Base of the per-action forms on the case page; ``kwargs()`` gives the service's arguments."""

    action = ""
    reason = forms.CharField(label=_("Reason / note"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case=None, **kwargs):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.case = case

    def kwargs(self) -> dict:
        return {"reason": self.cleaned_data.get("reason", "")}


class AcceptForm(CaseActionForm):
    action = CaseAction.ACCEPT
    reason = None

    def kwargs(self):
        return {}


class StartForm(AcceptForm):
    action = CaseAction.START


def _levels(case, higher: bool, or_equal: bool = False):
    rank = LEVEL_RANK.get(getattr(case, "level", None), 1)
    out = []
    for level in ResponsibleLevel:
        r = LEVEL_RANK[level]
        if (higher and r > rank) or (not higher and (r < rank or (or_equal and r == rank))):
            out.append((level.value, level.label))
    return out


class EscalateForm(CaseActionForm):
    action = CaseAction.ESCALATE
    to_level = forms.ChoiceField(label=_("Escalate to"))
    department = DepartmentField(help_text=_("Only when escalating to a district department."))
    is_hard = forms.BooleanField(label=_("Mark as hard case"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_level"].choices = _levels(self.case, higher=True)
        self.fields["reason"].required = True

    def kwargs(self):
        d = self.cleaned_data
        return {"to_level": d["to_level"], "department": d.get("department"), "reason": d["reason"],
                "is_hard": True if d.get("is_hard") else None}


class ReturnForm(CaseActionForm):
    action = CaseAction.RETURN
    to_level = forms.ChoiceField(label=_("Return to"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        strictly = getattr(self.case, "state", None) == CaseState.ESCALATED
        self.fields["to_level"].choices = [
            c for c in _levels(self.case, higher=False, or_equal=not strictly) if c[0] != ResponsibleLevel.DEPARTMENT
        ]
        self.fields["reason"].required = True

    def kwargs(self):
        return {"to_level": self.cleaned_data["to_level"], "reason": self.cleaned_data["reason"]}


class SendToConsultationForm(CaseActionForm):
    action = CaseAction.SEND_TO_CONSULTATION

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True


class ResolveForm(CaseActionForm):
    action = CaseAction.RESOLVE
    reason = None
    resolution = forms.CharField(label=_("How it was resolved"), max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("Resolved on"), required=False, widget=DATE)
    households_affected = forms.IntegerField(label=_("Households affected"), required=False, min_value=0)
    amount_yuan = forms.DecimalField(label=_("Amount involved (yuan)"), required=False, min_value=0,
                                     max_digits=14, decimal_places=2)

    def kwargs(self):
        d = self.cleaned_data
        return {"resolution": d["resolution"], "on": d.get("on"), "households_affected": d.get("households_affected"),
                "amount_yuan": d.get("amount_yuan")}


class FollowUpForm(CaseActionForm):
    action = CaseAction.FOLLOW_UP
    satisfaction = forms.ChoiceField(label=_("Resident satisfaction"), choices=Satisfaction.choices, widget=chips())

    def kwargs(self):
        return {"satisfaction": self.cleaned_data["satisfaction"], "reason": self.cleaned_data.get("reason", "")}


class ReopenForm(CaseActionForm):
    action = CaseAction.REOPEN


class AssignForm(CaseActionForm):
    action = CaseAction.ASSIGN
    due_on = forms.DateField(label=_("New deadline"), required=False, widget=DATE)
    department = DepartmentField(help_text=_("Only for a case held by a district department."))

    def kwargs(self):
        d = self.cleaned_data
        return {"due_on": d.get("due_on"), "department": d.get("department"), "reason": d.get("reason", "")}


class ReprioritiseForm(CaseActionForm):
    action = CaseAction.REPRIORITISE
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, widget=chips())
    is_hard = forms.BooleanField(label=_("Hard case"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields["priority"].initial = self.case.priority
            self.fields["is_hard"].initial = self.case.is_hard

    def kwargs(self):
        d = self.cleaned_data
        return {"priority": d["priority"], "is_hard": bool(d.get("is_hard")), "reason": d.get("reason", "")}


# Button texts (imperative); the CaseAction labels name the recorded event instead.
ACTION_BUTTONS = {
    CaseAction.ACCEPT: _("Accept"),
    CaseAction.START: _("Start work"),
    CaseAction.ESCALATE: _("Escalate"),
    CaseAction.RETURN: _("Return"),
    CaseAction.SEND_TO_CONSULTATION: _("Send to the quarterly consultation"),
    CaseAction.RESOLVE: _("Resolve"),
    CaseAction.FOLLOW_UP: _("Record the resident's satisfaction"),
    CaseAction.REOPEN: _("Reopen"),
    CaseAction.ASSIGN: _("Assign / set a new deadline"),
    CaseAction.REPRIORITISE: _("Change priority"),
}

CASE_ACTION_FORMS: dict[str, type[CaseActionForm]] = {
    form.action: form
    for form in (AcceptForm, StartForm, EscalateForm, ReturnForm, SendToConsultationForm, ResolveForm, FollowUpForm,
                 ReopenForm, AssignForm, ReprioritiseForm)
}


class CaseRegisterForm(forms.Form):
    """A case that does not come from a visit (hotline, 1+N meeting, inspection, other)."""

    unit = AnyIntChoiceField(label=_("Unit"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, widget=chips())
    source = forms.ChoiceField(label=_("Source"), widget=chips())
    category = forms.ChoiceField(label=_("Topic"), choices=Category.choices, widget=chips())
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    parties = forms.CharField(label=_("Parties"), required=False, max_length=200)
    source_ref = forms.CharField(label=_("Source reference"), required=False, max_length=100)
    households_affected = forms.IntegerField(label=_("Households affected"), required=False, min_value=0, initial=0)
    is_hard = forms.BooleanField(label=_("Hard case"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import CaseSource

        self.fields["unit"].choices = [(u.pk, "\u3000" * max(u.level - 1, 0) + u.name) for u in units]
        self.fields["source"].choices = [c for c in CaseSource.choices if c[0] != CaseSource.VISIT]


# -- monthly dispatch -----------------------------------------------------------------------------

class PeriodField(forms.RegexField):
    def __init__(self, pattern: str, **kwargs):
        super().__init__(regex=pattern, max_length=10, **kwargs)


class SheetFilterForm(forms.Form):
    period = PeriodField(r"^\d{4}-\d{2}$", label=_("Month (YYYY-MM)"), required=False)


class SheetGenerateForm(forms.Form):
    period = PeriodField(r"^\d{4}-\d{2}$", label=_("Month (YYYY-MM)"))
    target = AnyChoiceField(label=_("Street or department"))
    regenerate = forms.BooleanField(label=_("Refresh an existing sheet from the records"), required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(targets)
        today = timezone.localdate()
        self.fields["period"].initial = f"{today.year:04d}-{today.month:02d}"


class DispatchMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    attendees = forms.CharField(label=_("Attendees"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label=_("Summary"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class DispatchDecisionForm(forms.Form):
    """The decision on one case of the sheet (prefix ``c<case id>``); no action = no decision."""

    action = forms.ChoiceField(label=_("Decision"), required=False,
                               choices=BLANK + list(DispatchDecisionAction.choices))
    due_on = forms.DateField(label=_("New deadline"), required=False, widget=DATE)
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=BLANK + list(Priority.choices))
    to_level = forms.ChoiceField(label=_("Escalate to"), required=False,
                                 choices=BLANK + list(ResponsibleLevel.choices))
    department = DepartmentField()
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def spec(self, case) -> dict | None:
        d = self.cleaned_data
        action = d.get("action")
        if not action:
            return None
        note = (d.get("note") or "").strip()
        spec = {"case": case, "action": action, "note": note}
        if action == DispatchDecisionAction.ASSIGN:
            spec.update(due_on=d.get("due_on"), department=d.get("department"), reason=note)
        elif action == DispatchDecisionAction.REPRIORITISE:
            spec.update(priority=d.get("priority") or "", reason=note)
        elif action == DispatchDecisionAction.ESCALATE:
            spec.update(to_level=d.get("to_level") or "", department=d.get("department"), reason=note)
        return spec


# -- quarterly consultation -----------------------------------------------------------------------

class ConsultationBuildForm(forms.Form):
    period = PeriodField(r"^\d{4}-Q[1-4]$", label=_("Quarter (YYYY-Qn)"))
    unit = AnyIntChoiceField(label=_("District or street"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        today = timezone.localdate()
        self.fields["period"].initial = f"{today.year:04d}-Q{(today.month - 1) // 3 + 1}"


class ConsultationRecordForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    participants = forms.CharField(label=_("Participants"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ConsultationDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[c for c in ConsultationDecision.choices if c[0]])
    note = forms.CharField(label=_("Decision note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    resolution = forms.CharField(label=_("How it was resolved"), required=False, max_length=4000)
    to_level = forms.ChoiceField(label=_("Escalate to"), required=False, choices=BLANK + list(ResponsibleLevel.choices))
    department = DepartmentField()
    due_on = forms.DateField(label=_("New deadline"), required=False, widget=DATE)

    def kwargs(self) -> dict:
        d = self.cleaned_data
        return {"decision": d["decision"], "note": d.get("note", ""), "resolution": d.get("resolution", ""),
                "to_level": d.get("to_level") or None, "department": d.get("department"), "due_on": d.get("due_on")}


# -- task list ------------------------------------------------------------------------------------

class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class LetterFilterForm(YearForm):
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES_NO)
    department = DepartmentField()


class LetterIssueForm(forms.Form):
    target = AnyChoiceField(label=_("Street or department"))
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices, initial=AssignmentRole.LEAD,
                             widget=chips())
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    requirements = forms.CharField(label=_("Requirements"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(targets)
        self.fields["issued_on"].initial = timezone.localdate()


class TaskAreaForm(forms.Form):
    """A new area of the year's task list (the district keeps the list)."""

    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999)
    name = forms.CharField(label=_("Name"), max_length=120)


class KeyTaskForm(forms.Form):
    """A new key task in one of the year's areas."""

    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Key task"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, f"{a.number}. {a.name}") for a in areas]


class ProgressReportForm(forms.Form):
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    completes = forms.BooleanField(label=_("The task is completed"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()


# -- inspections and supervision ------------------------------------------------------------------

class InspectionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    inspectors = forms.CharField(label=_("Inspectors"), max_length=1000)
    places = forms.CharField(label=_("Places visited (unit codes, comma separated)"), required=False,
                             max_length=1000)
    unannounced = forms.BooleanField(label=_("Unannounced (四不两直)"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class FindingForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Dimension"))
    description = forms.CharField(label=_("Finding"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    department = DepartmentField()
    key_task = AnyIntChoiceField(label=_("Key task"), required=False)
    rectification = forms.CharField(label=_("Rectification required"), required=False, max_length=4000)
    deadline = forms.DateField(label=_("Rectification deadline"), required=False, widget=DATE)

    def __init__(self, *args, tasks=(), **kwargs):
        from .choices import FindingDimension

        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = FindingDimension.choices
        self.fields["key_task"].choices = BLANK + [(t.pk, str(t)) for t in tasks]


class RectificationFollowUpForm(forms.Form):
    follow_up = forms.CharField(label=_("Follow-up"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)


class NoticeFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=BLANK + list(NoticeState.choices))
    period = PeriodField(r"^\d{4}-\d{2}$", label=_("Month (YYYY-MM)"), required=False)
    unit = forms.CharField(label=_("Unit code (with its subtree)"), required=False, max_length=32)
    department = DepartmentField()


class NoticeIssueForm(forms.Form):
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    text = forms.CharField(label=_("Text"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()


class NoticeWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    interviewee = forms.CharField(label=_("Interviewee"), max_length=120)
    interviewer = forms.CharField(label=_("Interviewer"), max_length=120)
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class DelegatedItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    receiving_level = forms.ChoiceField(label=_("Delegated to"), required=False,
                                        choices=BLANK + list(ReceivingLevel.choices))
    department = DepartmentField(label=_("Delegating department"))
