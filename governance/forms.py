"""Input forms of the governance pages (filters are FilterSets). They parse input; choices are limited
to what the user may pick (``pickable_by`` / ``for_user``); the services validate and write."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import Action
from org.choices import Level
from org.models import OrgUnit
from supervision.choices import CaseKind, Category, Satisfaction

from .choices import OPEN_TOPIC_STATES, Outcome, TopicSource, WorkKind
from .models import Committee, Participant, PropertyService, SocialOrganisation, Topic

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'· ' * max(obj.level - 2, 0)}{obj.name} ({obj.code})"


def units(user, levels):
    return OrgUnit.objects.for_user(user, Action.CHANGE).filter(level__in=levels).order_by("tree_id", "lft")


class TopicRaiseForm(forms.Form):
    """A topic: from a visit or a case (hidden ids; text and unit come from the record, editable), or a
    resident proposal."""

    visit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)
    unit = UnitField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    proposer = forms.CharField(label=_("Proposed by (resident)"), max_length=64, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units(user, (Level.COMMUNITY, Level.COMPOUND, Level.BUILDING))

    @property
    def source(self) -> str:
        data = self.cleaned_data
        if data.get("visit"):
            return TopicSource.VISIT
        if data.get("case"):
            return TopicSource.CASE
        return TopicSource.PROPOSAL


class MeetingForm(forms.Form):
    unit = UnitField(label=_("Convened by"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=120)
    held_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    topics = forms.ModelMultipleChoiceField(label=_("Agenda"), queryset=Topic.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    committees = forms.ModelMultipleChoiceField(label=_("Committees"), queryset=Committee.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    property_services = forms.ModelMultipleChoiceField(label=_("Property companies"),
                                                       queryset=PropertyService.objects.none(), required=False,
                                                       widget=forms.CheckboxSelectMultiple)
    social_orgs = forms.ModelMultipleChoiceField(label=_("Social organisations"),
                                                 queryset=SocialOrganisation.objects.none(), required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    residents = forms.CharField(label=_("Resident representatives (one name a line)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units(user, (Level.COMMUNITY, Level.COMPOUND))
        self.fields["topics"].queryset = (Topic.objects.for_user(user, Action.CHANGE)
                                          .filter(state__in=OPEN_TOPIC_STATES).exclude(state="scheduled")
                                          .select_related("unit").order_by("-raised_on"))
        self.fields["committees"].queryset = Committee.objects.for_user(user).select_related("unit")
        self.fields["property_services"].queryset = (PropertyService.objects.for_user(user)
                                                     .filter(ended_on__isnull=True).select_related("company"))
        self.fields["social_orgs"].queryset = SocialOrganisation.objects.for_user(user)

    def clean_topics(self):
        return list(self.cleaned_data["topics"])

    def participants(self) -> list[dict]:
        data = self.cleaned_data
        rows = [{"role": "owners_committee" if c.kind == "owners" else "supervisory_committee", "committee": c}
                for c in data["committees"]]
        rows += [{"role": "property_company", "property_service": p} for p in data["property_services"]]
        rows += [{"role": "social_organisation", "social_org": s} for s in data["social_orgs"]]
        rows += [{"role": "resident_representative", "person_name": n.strip()[:64]}
                 for n in (data.get("residents") or "").splitlines() if n.strip()]
        return rows


class MeetingRecordForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))
    absent = forms.ModelMultipleChoiceField(label=_("Absent"), queryset=Participant.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absent"].queryset = meeting.participants.all()


class ResolutionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason (rejected or deferred)"), required=False)
    votes_for = forms.IntegerField(label=_("For"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstain"), min_value=0, required=False)
    notice_from = forms.DateField(label=_("Public notice from"), required=False, widget=DATE)
    notice_to = forms.DateField(label=_("Public notice to"), required=False, widget=DATE)


class ImplementForm(forms.Form):
    """An adopted resolution becomes a case in the work system or a task for one of the community's
    actors (``c:<committee>``, ``p:<property service>``, ``s:<social organisation>``)."""

    kind = forms.ChoiceField(label=_("Becomes"), choices=WorkKind.choices)
    case_kind = forms.ChoiceField(label=_("Case kind"), choices=CaseKind.choices, initial=CaseKind.DIFFICULTY)
    category = forms.ChoiceField(label=_("Topic"), choices=Category.choices, initial=Category.OTHER)
    assignee = forms.ChoiceField(label=_("Carried out by"), required=False)
    task = forms.CharField(label=_("Task"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Deadline"), required=False, widget=DATE)

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        community = unit.community_anc_id or unit.pk
        choices = [("", "---------")]
        choices += [(f"c:{c.pk}", str(c)) for c in Committee.objects.for_user(user).filter(
            unit__community_anc_id=community)]
        choices += [(f"p:{p.pk}", str(p)) for p in PropertyService.objects.for_user(user).filter(
            unit__community_anc_id=community, ended_on__isnull=True).select_related("company")]
        choices += [(f"s:{s.pk}", str(s)) for s in SocialOrganisation.objects.for_user(user).filter(
            unit__community_anc_id=community)]
        self.fields["assignee"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("kind") == WorkKind.TASK:
            if not data.get("due_on"):
                self.add_error("due_on", forms.ValidationError(_("This field is required."), code="required"))
            if not data.get("assignee"):
                self.add_error("assignee", forms.ValidationError(_("Name who carries the task out."),
                                                                 code="assignee_required"))
        return data

    def assignee_kwargs(self) -> dict:
        value = self.cleaned_data.get("assignee") or ""
        prefix, _sep, pk = value.partition(":")
        model, key = {"c": (Committee, "committee"), "p": (PropertyService, "property_service"),
                      "s": (SocialOrganisation, "social_org")}[prefix]
        return {key: model.objects.get(pk=int(pk))}


class WorkUpdateForm(forms.Form):
    progress_pct = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    progress_note = forms.CharField(label=_("Progress"), required=False)
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DATE)


class FollowUpForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Resident satisfaction"), choices=Satisfaction.choices)
    note = forms.CharField(label=_("Note"), required=False)
