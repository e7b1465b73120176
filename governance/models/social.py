"""Community social organisations and their dual incubation 双孵化; instructor and liaison postings;
floating members 双报一领; community brands 一社一品."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from core.scoping import ScopedManager

from ..choices import FilingStatus, PostingRole, SocialEventKind, SocialField, Stage
from .base import choice_check


class SocialOrganisation(TimeStampedModel):
    """A community social organisation (volunteer team, 好人协会, elderly-service association …).
    ``stage`` changes only through the services; every change is a ``SocialOrgEvent``."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                             related_name="governance_social_orgs")
    name = models.CharField(_("name"), max_length=120)
    field = models.CharField(_("field"), max_length=24, choices=SocialField.choices)
    leader_member = models.ForeignKey("org.Member", verbose_name=_("leader (party member)"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="led_social_orgs")
    leader_name = models.CharField(_("leader"), max_length=64)
    filing_status = models.CharField(_("filing status"), max_length=12, choices=FilingStatus.choices,
                                     default=FilingStatus.NONE)
    filing_no = models.CharField(_("filing or registration number"), max_length=64, blank=True)
    stage = models.CharField(_("incubation stage"), max_length=12, choices=Stage.choices, default=Stage.CULTIVATING)
    stage_since = models.DateField(_("in this stage since"))
    founded_on = models.DateField(_("founded on"))
    party_org = models.ForeignKey("org.NewDomainOrg", verbose_name=_("party organisation"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="governance_social_orgs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("social organisation")
        verbose_name_plural = _("social organisations")
        ordering = ["unit_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="gov_socialorg_name_per_unit"),
            choice_check("field", SocialField, "gov_socialorg_field_valid"),
            choice_check("filing_status", FilingStatus, "gov_socialorg_filing_valid"),
            choice_check("stage", Stage, "gov_socialorg_stage_valid"),
            models.CheckConstraint(condition=~Q(name="") & ~Q(leader_name=""), name="gov_socialorg_names"),
            models.CheckConstraint(
                name="gov_socialorg_filed_has_status",
                condition=~Q(stage__in=[Stage.FILED, Stage.GRADUATED]) | ~Q(filing_status=FilingStatus.NONE),
            ),
        ]
        indexes = [models.Index(fields=["unit", "stage"], name="gov_socialorg_unit_stage")]

    def __str__(self):
        return self.name


class SocialOrgEvent(models.Model):
    """A step of a social organisation: a stage change (with the day it took effect), or one of the two
    dual-incubation pipelines: a party member became its leader; its leader applied to join the party."""

    org = models.ForeignKey(SocialOrganisation, verbose_name=_("social organisation"), on_delete=models.CASCADE,
                            related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=SocialEventKind.choices)
    from_stage = models.CharField(_("from stage"), max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=12, choices=Stage.choices, blank=True)
    on = models.DateField(_("date"))
    member = models.ForeignKey("org.Member", verbose_name=_("party member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=64, blank=True)
    reason = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()
    scope_unit_path = "org__unit"

    class Meta:
        verbose_name = _("social organisation event")
        verbose_name_plural = _("social organisation events")
        ordering = ["org_id", "on", "id"]
        constraints = [
            choice_check("kind", SocialEventKind, "gov_socialevent_kind_valid"),
            models.CheckConstraint(name="gov_socialevent_member_became_leader",
                                   condition=~Q(kind=SocialEventKind.MEMBER_BECAME_LEADER) | Q(member__isnull=False)),
            models.CheckConstraint(name="gov_socialevent_stage_has_to",
                                   condition=~Q(kind=SocialEventKind.STAGE) | ~Q(to_stage="")),
        ]


class Posting(TimeStampedModel):
    """A time-bounded posting of a party-building instructor or liaison 党建指导员/联络员 (a member, or an
    outside cadre by name and home unit) into a social organisation or a new-domain organisation, by a
    posting unit. Ended postings are kept (history)."""

    role = models.CharField(_("role"), max_length=12, choices=PostingRole.choices)
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("posted by"), on_delete=models.PROTECT,
                             related_name="governance_postings")
    member = models.ForeignKey("org.Member", verbose_name=_("party member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="governance_postings")
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    home_unit = models.ForeignKey("org.OutsideUnit", verbose_name=_("home unit"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    social_org = models.ForeignKey(SocialOrganisation, verbose_name=_("social organisation"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="postings")
    new_domain_org = models.ForeignKey("org.NewDomainOrg", verbose_name=_("new-domain organisation"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="governance_postings")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("instructor posting")
        verbose_name_plural = _("instructor postings")
        ordering = ["-started_on", "-id"]
        constraints = [
            choice_check("role", PostingRole, "gov_posting_role_valid"),
            models.CheckConstraint(name="gov_posting_one_target",
                                   condition=Q(social_org__isnull=False, new_domain_org__isnull=True)
                                   | Q(social_org__isnull=True, new_domain_org__isnull=False)),
            models.CheckConstraint(name="gov_posting_person",
                                   condition=~Q(person_name="") & (Q(member__isnull=False) | Q(home_unit__isnull=False))),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="gov_posting_dates"),
        ]
        indexes = [models.Index(fields=["unit", "ended_on"], name="gov_posting_unit_end")]

    def __str__(self):
        return self.person_name

    @property
    def target(self):
        return self.social_org or self.new_domain_org


class FloatingMember(TimeStampedModel):
    """A floating member 流动党员 (双报一领): reports to the origin organisation (where the relationship
    sits), registers at the destination (a unit of the tree, or a place outside), claims a task.
    Offline org life at the destination, online at the origin. Only the two sides see the record."""

    member = models.ForeignKey("org.Member", verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="floating_records")
    origin_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("origin organisation"), on_delete=models.PROTECT,
                                    related_name="+")
    destination_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("destination organisation"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    destination_place = models.CharField(_("destination outside the district"), max_length=120, blank=True)
    left_on = models.DateField(_("left on"))
    reported_on = models.DateField(_("reported to origin on"), null=True, blank=True)
    registered_on = models.DateField(_("registered at destination on"), null=True, blank=True)
    task = models.TextField(_("task claimed"), blank=True)
    task_case = models.ForeignKey("supervision.Case", verbose_name=_("task case"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("returned on"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = ("origin_unit", "destination_unit")

    class Meta:
        verbose_name = _("floating member")
        verbose_name_plural = _("floating members")
        ordering = ["-left_on", "-id"]
        constraints = [
            models.CheckConstraint(name="gov_floating_destination",
                                   condition=Q(destination_unit__isnull=False) | ~Q(destination_place="")),
            models.CheckConstraint(name="gov_floating_dates",
                                   condition=(Q(reported_on__isnull=True) | Q(reported_on__gte=F("left_on")))
                                   & (Q(registered_on__isnull=True) | Q(registered_on__gte=F("left_on")))
                                   & (Q(ended_on__isnull=True) | Q(ended_on__gte=F("left_on")))),
        ]

    def __str__(self):
        return str(self.member)

    @property
    def is_complete(self) -> bool:
        return self.reported_on is not None and self.registered_on is not None


class FloatingReminder(models.Model):
    """One row per (floating member, ISO week) the weekly job reminded both secretaries about."""

    floating = models.ForeignKey(FloatingMember, on_delete=models.CASCADE, related_name="reminders")
    week = models.CharField(max_length=8)  # YYYY-Www

    objects = ScopedManager()
    scope_unit_path = ("floating__origin_unit", "floating__destination_unit")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["floating", "week"], name="gov_floating_once_per_week")]


class Brand(TimeStampedModel):
    """A community's party-building brand 一社一品: name, slogan, model, its structured elements, and the
    social organisations that carry it. A new brand of a community ends the previous one (history)."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                             related_name="governance_brands")
    name = models.CharField(_("brand"), max_length=60)
    slogan = models.CharField(_("slogan"), max_length=120, blank=True)
    model = models.CharField(_("model"), max_length=60, blank=True)
    elements = models.JSONField(_("elements"), default=list, blank=True)
    social_orgs = models.ManyToManyField(SocialOrganisation, verbose_name=_("carried by"), blank=True,
                                         related_name="brands")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("community brand")
        verbose_name_plural = _("community brands")
        ordering = ["unit_id", "-started_on"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="gov_brand_name"),
            models.UniqueConstraint(fields=["unit"], condition=Q(ended_on__isnull=True), name="gov_brand_one_current"),
        ]

    def __str__(self):
        return self.name
