"""社区两委 by term: a community's term (换届) and the people seated on its party committee and its
residents' committee.

A ``Seat`` is one person in one term with their post on each committee (either may be blank; a person
on both is 交叉任职). 一肩挑 is computed: the party secretary is also the residents' committee director.
When the person is a party member the seat links the ``org.Member`` record and copies, at the election
date, the birth date, gender and education from it (a snapshot: later edits of the member do not
rewrite history); the ID number is never copied. ``age_at_election`` (completed years on the term's
election date) is derived by the services, never typed, so that the term statistics are one grouped
query.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from core.scoping import ScopedManager, ScopedQuerySet
from org.choices import COMMUNITY_KINDS
from org.models import Education, Gender

from ..choices import COLLEGE_OR_ABOVE, YOUNG_AGE, PartyPost, ResidentsPost

__all__ = ["Seat", "SeatQuerySet", "Term", "age_on"]


def age_on(birth_date, day) -> int:
    """Completed years (周岁) on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Term(TimeStampedModel):
    """One term (届) of a community's two committees: its number, election date and period."""

    community = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="committee_terms")
    number = models.PositiveSmallIntegerField(_("term number"))
    elected_on = models.DateField(_("election date"))
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "community"

    class Meta:
        verbose_name = _("committee term")
        verbose_name_plural = _("committee terms")
        ordering = ["community__tree_id", "community__lft", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="term_one_number_per_community"),
            models.CheckConstraint(name="term_number_positive", condition=Q(number__gte=1)),
            models.CheckConstraint(name="term_starts_after_election", condition=Q(starts_on__gte=F("elected_on"))),
            models.CheckConstraint(name="term_valid_range",
                                   condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on"))),
        ]
        indexes = [models.Index(fields=["number", "community"], name="term_number_community")]

    def __str__(self):
        return f"{self.community} · {self.number}"

    def clean(self):
        super().clean()
        if self.community_id and self.community.kind not in COMMUNITY_KINDS:
            raise ValidationError({"community": ValidationError(
                _("A committee term belongs to a community or village."), code="not_community")})


class SeatQuerySet(ScopedQuerySet):
    def one_shoulder(self):
        return self.filter(party_post=PartyPost.SECRETARY, residents_post=ResidentsPost.DIRECTOR)

    def young(self):
        return self.filter(age_at_election__lt=YOUNG_AGE)

    def college(self):
        return self.filter(education__in=COLLEGE_OR_ABOVE)


class Seat(TimeStampedModel):
    """A person seated in a term of the two committees (see the module docstring)."""

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="seats")
    member = models.ForeignKey("org.Member", verbose_name=_("member record"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="committee_term_seats")
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    education = models.CharField(_("education at election"), max_length=16, choices=Education.choices)
    age_at_election = models.PositiveSmallIntegerField(_("age at election"), editable=False)
    party_post = models.CharField(_("party committee post"), max_length=16, choices=PartyPost.choices,
                                  blank=True, default="")
    residents_post = models.CharField(_("residents' committee post"), max_length=16,
                                      choices=ResidentsPost.choices, blank=True, default="")
    left_on = models.DateField(_("left the committee on"), null=True, blank=True)

    objects = models.Manager.from_queryset(SeatQuerySet)()
    scope_unit_path = "term__community"

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["term", "party_post", "residents_post", "pk"]
        constraints = [
            models.CheckConstraint(name="seat_has_a_post", condition=~Q(party_post="", residents_post="")),
            models.CheckConstraint(name="seat_name_not_blank", condition=~Q(person_name="")),
            models.CheckConstraint(name="seat_party_post_valid", condition=Q(party_post__in=PartyPost.values)),
            models.CheckConstraint(name="seat_residents_post_valid",
                                   condition=Q(residents_post__in=ResidentsPost.values)),
            models.CheckConstraint(name="seat_gender_valid", condition=Q(gender__in=Gender.values)),
            models.UniqueConstraint(fields=["term"], condition=Q(party_post=PartyPost.SECRETARY),
                                    name="seat_one_secretary_per_term"),
            models.UniqueConstraint(fields=["term"], condition=Q(residents_post=ResidentsPost.DIRECTOR),
                                    name="seat_one_director_per_term"),
            models.UniqueConstraint(fields=["term", "member"], condition=Q(member__isnull=False),
                                    name="seat_member_once_per_term"),
        ]

    def __str__(self):
        return f"{self.person_name} · {self.term}"

    @property
    def is_one_shoulder(self) -> bool:
        return self.party_post == PartyPost.SECRETARY and self.residents_post == ResidentsPost.DIRECTOR

    @property
    def is_young(self) -> bool:
        return self.age_at_election < YOUNG_AGE

    @property
    def is_college(self) -> bool:
        return self.education in COLLEGE_OR_ABOVE
