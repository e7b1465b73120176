"""Writes of training sessions and their attendance (committee members by seat, of communities in the
organiser's subtree)."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.scoping import Action, recheck_scope, subtree_q
from org.models import OrgUnit

from ..choices import TrainingForm
from ..models import Seat, TrainingAttendance, TrainingSession
from .common import audit, field_error, load_for_update, require

__all__ = ["training_attendance_record", "training_session_create"]


@transaction.atomic
def training_session_create(*, actor, organiser: OrgUnit, topic: str, place: str, form: str, starts_on,
                            ends_on=None) -> TrainingSession:
    require(actor, Action.CHANGE, organiser)
    if form not in TrainingForm.values:
        raise field_error("form", _("Choose a form of training."), "bad_form")
    session = TrainingSession(organiser_id=organiser.pk, topic=(topic or "").strip(), place=(place or "").strip(),
                              form=form, starts_on=starts_on, ends_on=ends_on or starts_on)
    session.full_clean()
    session.save()
    recheck_scope(actor, Action.CHANGE, unit_id=session.organiser_id)
    audit(actor, "training_session.create", session)
    return session


@transaction.atomic
def training_attendance_record(*, actor, session: TrainingSession, seats) -> int:
    """Record that ``seats`` attended ``session`` (already recorded ones are kept). Every seat must be
    of a community in the organiser's subtree and visible to the actor. One audit row."""
    session = load_for_update(TrainingSession, session, actor, Action.CHANGE)
    organiser = OrgUnit.objects.get(pk=session.organiser_id)
    require(actor, Action.CHANGE, organiser)
    ids = sorted({getattr(s, "pk", s) for s in seats})
    if not ids:
        raise field_error("seats", _("Choose who attended."), "required")
    found = set(Seat.objects.for_user(actor, Action.VIEW).filter(subtree_q(organiser, "term__community"),
                                                                  pk__in=ids).values_list("pk", flat=True))
    if found != set(ids):
        raise field_error("seats", _("Some people are not committee members in the organiser's area."),
                          "bad_seat")
    have = set(TrainingAttendance.objects.filter(session=session, seat_id__in=ids).values_list("seat_id", flat=True))
    new = [TrainingAttendance(session=session, seat_id=pk) for pk in ids if pk not in have]
    TrainingAttendance.objects.bulk_create(new)
    recheck_scope(actor, Action.CHANGE, unit_id=session.organiser_id)
    audit(actor, "training_attendance.record", session, after={"seats": [a.seat_id for a in new]})
    return len(new)
