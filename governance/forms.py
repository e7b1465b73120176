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

from .choices import OPEN_TOPIC_STATES, Outcome, PostingRole, SeatRole, TopicSource, WorkKind
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


# -- competitions 党建大比武 ------------------------------------------------------------------------------

class CompetitionForm(forms.Form):
    """Set a competition up: criteria one a line as "名称 权重 [满分]", judges picked from users."""

    unit = UnitField(label=_("Organised by"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    round = forms.IntegerField(label=_("Round"), min_value=1, max_value=99, initial=1)
    title = forms.CharField(label=_("Title"), max_length=120)
    criteria = forms.CharField(label=_("Criteria (one a line: name, weight, optional full marks)"),
                               widget=forms.Textarea(attrs={"rows": 5}))
    judges = forms.ModelMultipleChoiceField(label=_("Judges"), queryset=OrgUnit.objects.none(),
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        from .services import judge_candidates

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units(user, (Level.DISTRICT, Level.STREET))
        self.fields["judges"].queryset = judge_candidates(user)
        self.fields["judges"].label_from_instance = lambda u: getattr(u, "full_name", "") or u.username

    def clean_criteria(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            parts = line.replace("|", " ").replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) not in (2, 3) or not all(p.isdigit() and int(p) >= 1 for p in parts[1:]):
                raise forms.ValidationError(
                    _("Line %(n)s: give a name and a whole-number weight (and optionally full marks)."),
                    code="invalid", params={"n": n})
            rows.append((parts[0], *(int(p) for p in parts[1:])))
        if not rows:
            raise forms.ValidationError(_("Give at least one criterion."), code="required")
        return rows


class EntryForm(forms.Form):
    unit = UnitField(label=_("Community"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, user, competition, **kwargs):
        from .services import secretary_units

        super().__init__(*args, **kwargs)
        top = competition.unit
        self.fields["unit"].queryset = (secretary_units(user)
                                        .filter(tree_id=top.tree_id, lft__gte=top.lft, rght__lte=top.rght)
                                        .exclude(governance_entries__competition=competition))


class ScoreForm(forms.Form):
    """One number per criterion of the competition (0 to its full marks)."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for c in criteria:
            self.fields[f"c{c.pk}"] = forms.DecimalField(
                label=f"{c.name}（{c.weight}）", min_value=0, max_value=c.max_score, decimal_places=1,
                max_digits=5)

    def values(self) -> dict:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class SocialOrgImportForm(forms.Form):
    """The register file and the unit whose subtree it covers (community codes resolve only inside it)."""

    unit = UnitField(label=_("Import into (with its subtree)"), queryset=OrgUnit.objects.none())
    file = forms.FileField(label=_("File (xlsx or csv)"))

    def __init__(self, *args, user, **kwargs):
        from .imports import import_units

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = import_units(user)

    def clean_file(self):
        from org.forms.common import clean_import_file

        return clean_import_file(self.cleaned_data["file"])


# -- seats and postings: a party member is picked by ID number or mobile within scope -----------------

class MemberPickMixin:
    """A ``member`` text field: a full ID number or an 11-digit mobile, resolved to the member's record
    in the user's scope (``selectors.member_lookup``); nothing typed here is stored."""

    def clean_member(self):
        from .selectors import member_lookup

        text = (self.cleaned_data.get("member") or "").strip()
        if not text:
            return None
        found = list(member_lookup(user=self.user, text=text)[:2])
        if len(found) != 1:
            raise forms.ValidationError(_("No party member in your scope has this ID number or mobile."),
                                        code="member_not_found")
        return found[0]


MEMBER_HELP = _("A party member: their ID number or mobile. Leave empty for someone who is not a member.")


class SeatForm(MemberPickMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=SeatRole.choices, initial=SeatRole.MEMBER)
    member = forms.CharField(label=_("ID number or mobile"), max_length=18, required=False, help_text=MEMBER_HELP)
    person_name = forms.CharField(label=_("Name (not a party member)"), max_length=64, required=False)
    started_on = forms.DateField(label=_("From"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("member") is None and not (data.get("person_name") or "").strip():
            self.add_error("person_name", forms.ValidationError(
                _("Find the member by ID number or mobile, or give the name."), code="required"))
        return data


class PostingForm(MemberPickMixin, forms.Form):
    unit = UnitField(label=_("Posted by"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=PostingRole.choices)
    member = forms.CharField(label=_("ID number or mobile"), max_length=18, required=False, help_text=MEMBER_HELP)
    person_name = forms.CharField(label=_("Name of the outside cadre"), max_length=64, required=False)
    home_unit = forms.ModelChoiceField(label=_("Home unit of the outside cadre"), queryset=OrgUnit.objects.none(),
                                       required=False)
    social_org = forms.ModelChoiceField(label=_("Social organisation"), queryset=SocialOrganisation.objects.none(),
                                        required=False)
    new_domain_org = forms.ModelChoiceField(label=_("New-domain organisation"), queryset=OrgUnit.objects.none(),
                                            required=False)
    started_on = forms.DateField(label=_("From"), initial=timezone.localdate, widget=DATE)
    ended_on = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        from org.models import NewDomainOrg, OutsideUnit

        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units(user, (Level.DISTRICT, Level.STREET, Level.COMMUNITY))
        self.fields["home_unit"].queryset = OutsideUnit.objects.pickable_by(user).order_by("name")
        self.fields["social_org"].queryset = (SocialOrganisation.objects.for_user(user, Action.CHANGE)
                                              .select_related("unit").order_by("unit__lft", "name"))
        self.fields["new_domain_org"].queryset = NewDomainOrg.objects.for_user(user, Action.CHANGE).order_by("name")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if (data.get("social_org") is None) == (data.get("new_domain_org") is None):
            self.add_error("social_org", forms.ValidationError(
                _("Choose one social organisation or new-domain organisation."), code="target"))
        if data.get("member") is None and not ((data.get("person_name") or "").strip() and data.get("home_unit")):
            self.add_error("member", forms.ValidationError(
                _("Find the member by ID number or mobile, or give the outside cadre's name and home unit."),
                code="required"))
        return data
