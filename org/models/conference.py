"""The regional joint party-building conference (区域化党建联席会议) of a street (大工委) or of the district:
its member units (outside units, represented by the part-time committee members already seated: linked,
never typed a second time), its meetings with attendance and resolutions, and the three lists that make
it work: residents' needs (需求清单), units' resources (资源清单) and joint projects (项目清单)."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager, ScopedQuerySet

from ..choices import (
    LEVEL_OF_KIND,
    JointNeedState,
    JointProjectState,
    JointResourceKind,
    Level,
)

__all__ = [
    "ConferenceMeeting", "ConferenceMemberUnit", "ConferenceResolution", "JointConference", "JointNeed",
    "JointProject", "JointProjectEvent", "JointResource",
]


class JointConference(TimeStampedModel):
    """The joint conference of one street (街道大工委) or of the district: one per unit."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("street or district"), on_delete=models.PROTECT,
                             related_name="joint_conferences")
    name = models.CharField(_("name"), max_length=120)
    established_on = models.DateField(_("established on"))
    note = models.TextField(_("note"), blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("joint party-building conference")
        verbose_name_plural = _("joint party-building conferences")
        ordering = ["unit__tree_id", "unit__lft"]
        constraints = [
            models.UniqueConstraint(fields=["unit"], name="jointconference_one_per_unit"),
            models.CheckConstraint(name="jointconference_name_not_blank", condition=~Q(name="")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.unit_id and LEVEL_OF_KIND.get(self.unit.kind) not in (Level.DISTRICT, Level.STREET):
            raise ValidationError({"unit": ValidationError(
                _("A joint conference is held by a street or by the district."), code="bad_level")})


class MemberUnitQuerySet(ScopedQuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day)))


class ConferenceMemberUnit(TimeStampedModel):
    """An outside unit (department, SOE, school, hospital, bank, police station, owners' committee, property
    company) that is a member of the conference from ``joined_on`` until ``left_on`` (the first day no
    longer a member). Its representatives are part-time committee seats (``PartTimeMember``) of people from
    that unit on the conference's committees: linked, never retyped."""

    conference = models.ForeignKey(JointConference, verbose_name=_("conference"), on_delete=models.PROTECT,
                                   related_name="member_units")
    outside_unit = models.ForeignKey("org.OutsideUnit", verbose_name=_("member unit"), on_delete=models.PROTECT,
                                     related_name="conference_memberships")
    duty = models.CharField(_("duty in the conference"), max_length=64, blank=True, default="")
    joined_on = models.DateField(_("member since"))
    left_on = models.DateField(_("member until"), null=True, blank=True)
    representatives = models.ManyToManyField("org.PartTimeMember", verbose_name=_("representatives"), blank=True,
                                             related_name="conference_memberships")

    objects = models.Manager.from_queryset(MemberUnitQuerySet)()
    scope_unit_path = "conference__unit"

    class Meta:
        verbose_name = _("conference member unit")
        verbose_name_plural = _("conference member units")
        ordering = ["conference", "outside_unit__kind", "outside_unit__code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "outside_unit"], condition=Q(left_on__isnull=True),
                                    name="conferencememberunit_one_open"),
            models.CheckConstraint(name="conferencememberunit_valid_range",
                                   condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on"))),
        ]

    def __str__(self):
        return f"{self.outside_unit} · {self.conference}"


class ConferenceMeeting(TimeStampedModel):
    """A meeting of the conference: when, the agenda, which member units attended, the minutes."""

    conference = models.ForeignKey(JointConference, verbose_name=_("conference"), on_delete=models.PROTECT,
                                   related_name="meetings")
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=120)
    location = models.CharField(_("location"), max_length=120, blank=True, default="")
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True, default="")
    attendees = models.ManyToManyField(ConferenceMemberUnit, verbose_name=_("member units present"), blank=True,
                                       related_name="meetings_attended")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()
    scope_unit_path = "conference__unit"

    class Meta:
        verbose_name = _("conference meeting")
        verbose_name_plural = _("conference meetings")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="conferencemeeting_title_not_blank", condition=~Q(title="")),
            models.CheckConstraint(name="conferencemeeting_agenda_not_blank", condition=~Q(agenda="")),
        ]

    def __str__(self):
        return f"{self.held_on} {self.title}"


class ConferenceResolution(TimeStampedModel):
    """A resolution of a meeting. One that needs work becomes a case of the work system, registered by
    ``supervision.services.case_register`` at ``unit`` (the conference's unit or one below it)."""

    meeting = models.ForeignKey(ConferenceMeeting, verbose_name=_("meeting"), on_delete=models.PROTECT,
                                related_name="resolutions")
    text = models.TextField(_("resolution"))
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("where the work is"), on_delete=models.PROTECT,
                             related_name="+")
    needs_work = models.BooleanField(_("needs work"), default=False)
    case = models.OneToOneField("supervision.Case", verbose_name=_("case"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="joint_resolution")

    objects = ScopedManager()
    scope_unit_path = "meeting__conference__unit"

    class Meta:
        verbose_name = _("conference resolution")
        verbose_name_plural = _("conference resolutions")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(name="conferenceresolution_text_not_blank", condition=~Q(text="")),
            models.CheckConstraint(name="conferenceresolution_case_needs_work",
                                   condition=Q(case__isnull=True) | Q(needs_work=True)),
        ]

    def __str__(self):
        return self.text[:40]


class JointNeed(TimeStampedModel):
    """需求清单: a residents' need at a community, compound or building, put before the conference of the
    street (or district) above it. Raised by hand or, in one click, from a weekly visit record or a case
    (``source_visit`` / ``source_case``: at most one, and each source raises one need)."""

    conference = models.ForeignKey(JointConference, verbose_name=_("conference"), on_delete=models.PROTECT,
                                   related_name="needs")
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("where"), on_delete=models.PROTECT,
                             related_name="joint_needs")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, default="")
    source_visit = models.ForeignKey("supervision.VisitRecord", verbose_name=_("raised from visit"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="joint_needs")
    source_case = models.ForeignKey("supervision.Case", verbose_name=_("raised from case"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="joint_needs")
    raised_on = models.DateField(_("raised on"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=JointNeedState.choices, default=JointNeedState.OPEN)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("residents' need")
        verbose_name_plural = _("residents' needs")
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="jointneed_one_source",
                                   condition=Q(source_visit__isnull=True) | Q(source_case__isnull=True)),
            models.UniqueConstraint(fields=["source_visit"], condition=Q(source_visit__isnull=False),
                                    name="jointneed_one_per_visit"),
            models.UniqueConstraint(fields=["source_case"], condition=Q(source_case__isnull=False),
                                    name="jointneed_one_per_case"),
            models.CheckConstraint(name="jointneed_title_not_blank", condition=~Q(title="")),
            models.CheckConstraint(name="jointneed_state_valid", condition=Q(state__in=JointNeedState.values)),
        ]

    def __str__(self):
        return self.title


class JointResource(TimeStampedModel):
    """资源清单: what a member unit offers the conference (a venue, funds, volunteers, expertise)."""

    conference = models.ForeignKey(JointConference, verbose_name=_("conference"), on_delete=models.PROTECT,
                                   related_name="resources")
    member_unit = models.ForeignKey(ConferenceMemberUnit, verbose_name=_("offered by"), on_delete=models.PROTECT,
                                    related_name="resources")
    kind = models.CharField(_("kind"), max_length=12, choices=JointResourceKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, default="")
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    volunteers = models.PositiveIntegerField(_("volunteers"), null=True, blank=True)
    is_active = models.BooleanField(_("available"), default=True)

    objects = ScopedManager()
    scope_unit_path = "conference__unit"

    class Meta:
        verbose_name = _("unit resource")
        verbose_name_plural = _("unit resources")
        ordering = ["conference", "kind", "pk"]
        constraints = [
            models.CheckConstraint(name="jointresource_title_not_blank", condition=~Q(title="")),
            models.CheckConstraint(name="jointresource_kind_valid", condition=Q(kind__in=JointResourceKind.values)),
            models.CheckConstraint(name="jointresource_amount_not_negative",
                                   condition=Q(amount_yuan__isnull=True) | Q(amount_yuan__gte=0)),
        ]

    def __str__(self):
        return self.title


class JointProject(TimeStampedModel):
    """项目清单: a need matched with a resource, carried out by member units in communities. States:
    planned → in progress → completed; planned or in progress → cancelled (``JOINT_PROJECT_TRANSITIONS``),
    each step a ``JointProjectEvent``."""

    conference = models.ForeignKey(JointConference, verbose_name=_("conference"), on_delete=models.PROTECT,
                                   related_name="projects")
    title = models.CharField(_("title"), max_length=120)
    need = models.ForeignKey(JointNeed, verbose_name=_("need"), on_delete=models.PROTECT, related_name="projects")
    resource = models.ForeignKey(JointResource, verbose_name=_("resource"), on_delete=models.PROTECT,
                                 related_name="projects")
    member_units = models.ManyToManyField(ConferenceMemberUnit, verbose_name=_("member units involved"),
                                          blank=True, related_name="projects")
    communities = models.ManyToManyField("org.OrgUnit", verbose_name=_("communities involved"), blank=True,
                                         related_name="+")
    matched_on = models.DateField(_("matched on"))
    state = models.CharField(_("state"), max_length=12, choices=JointProjectState.choices,
                             default=JointProjectState.PLANNED)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    results = models.TextField(_("results"), blank=True, default="")
    households_benefited = models.PositiveIntegerField(_("households benefited"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()
    scope_unit_path = "conference__unit"

    class Meta:
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")
        ordering = ["-matched_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="jointproject_title_not_blank", condition=~Q(title="")),
            models.CheckConstraint(name="jointproject_state_valid", condition=Q(state__in=JointProjectState.values)),
            models.CheckConstraint(
                name="jointproject_completed_has_results",
                condition=~Q(state="completed") | (Q(completed_on__isnull=False) & ~Q(results="")),
            ),
            models.CheckConstraint(name="jointproject_started_has_date",
                                   condition=~Q(state__in=["in_progress", "completed"]) | Q(started_on__isnull=False)),
        ]
        indexes = [models.Index(fields=["state", "completed_on"], name="jointproject_state_done")]

    def __str__(self):
        return self.title


class JointProjectEvent(models.Model):
    """One state change of a joint project: who, when, from which state to which, and the note."""

    project = models.ForeignKey(JointProject, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_state = models.CharField(_("from state"), max_length=12, choices=JointProjectState.choices, blank=True,
                                  default="")
    to_state = models.CharField(_("to state"), max_length=12, choices=JointProjectState.choices)
    note = models.TextField(_("note"), blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "project__conference__unit"

    class Meta:
        verbose_name = _("joint project event")
        verbose_name_plural = _("joint project events")
        ordering = ["project", "at", "pk"]

    def __str__(self):
        return f"{self.from_state or '∅'} → {self.to_state}"
