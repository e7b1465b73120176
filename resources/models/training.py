"""Training of community cadres: sessions (topic, organiser, place, dates, form) and who attended
(committee members by their seat)."""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager

from ..choices import TrainingForm

__all__ = ["TrainingAttendance", "TrainingSession"]


class TrainingSession(TimeStampedModel):
    organiser = models.ForeignKey("org.OrgUnit", verbose_name=_("organiser"), on_delete=models.PROTECT,
                                  related_name="training_sessions")
    topic = models.CharField(_("topic"), max_length=200)
    place = models.CharField(_("place"), max_length=120)
    form = models.CharField(_("form"), max_length=12, choices=TrainingForm.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    objects = ScopedManager()
    scope_unit_path = "organiser"

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="training_valid_range", condition=Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(name="training_topic_not_blank", condition=~Q(topic="")),
            models.CheckConstraint(name="training_form_valid", condition=Q(form__in=TrainingForm.values)),
        ]

    def __str__(self):
        return self.topic


class TrainingAttendance(models.Model):
    """A committee member (by seat) attended a session. Seen by the organiser's subtree and by the
    member's community."""

    session = models.ForeignKey(TrainingSession, verbose_name=_("training session"), on_delete=models.PROTECT,
                                related_name="attendances")
    seat = models.ForeignKey("resources.Seat", verbose_name=_("committee member"), on_delete=models.PROTECT,
                             related_name="attendances")

    objects = ScopedManager()
    scope_unit_path = ("session__organiser", "seat__term__community")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "seat"]
        constraints = [models.UniqueConstraint(fields=["session", "seat"], name="attendance_once")]

    def __str__(self):
        return f"{self.session} · {self.seat}"
