"""Training entry pages: a new session (organised by a unit the user may edit) and a session with its
attendance, recorded by picking the seated committee members of the organiser's subtree."""
from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import require_any_scope, run_service

from .. import selectors, services
from ..forms import AttendanceForm, TrainingSessionForm
from ..models import TrainingSession
from .common import render_form


class TrainingCreateView(View):
    template_name = "resources/training_form.html"

    def get(self, request):
        require_any_scope(request.user, Action.CHANGE)
        return render_form(request, self.template_name, {}, TrainingSessionForm(user=request.user))

    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = TrainingSessionForm(request.POST, user=request.user)
        session = None
        if form.is_valid():
            data = dict(form.cleaned_data)
            # the service's ``form`` (of training) would clash with run_service's own argument
            create = partial(services.training_session_create, form=data.pop("form"))
            session = run_service(form, create, actor=request.user, **data)
        if not session:
            return render_form(request, self.template_name, {}, form)
        messages.success(request, _("Saved."))
        return redirect("resources:training_detail", pk=session.pk)


class TrainingDetailView(View):
    """GET: the session and who attended (VIEW over the organiser). POST: record attendance (CHANGE
    over the organiser, else 404)."""

    template_name = "resources/training_detail.html"

    def get(self, request, pk, form=None):
        session = selectors.training_session_get(user=request.user, pk=pk)
        if form is None and unit_in_scope(request.user, Action.CHANGE, session.organiser):
            form = AttendanceForm(user=request.user, session=session)
        return render(request, self.template_name, {
            "session": session, "attendances": list(session.attendances.all()), "form": form,
        }, status=400 if form is not None and form.is_bound else 200)

    def post(self, request, pk):
        session = get_object_for_user(TrainingSession.objects.select_related("organiser"), request.user,
                                      Action.CHANGE, pk=pk)
        form = AttendanceForm(request.POST, user=request.user, session=session)
        if form.is_valid() and run_service(form, services.training_attendance_record, actor=request.user,
                                           session=session, seats=form.cleaned_data["seats"]) is not None:
            messages.success(request, _("Saved."))
            return redirect("resources:training_detail", pk=session.pk)
        return self.get(request, pk, form=form)
