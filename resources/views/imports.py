"""The roster import page of a term: upload, preview (nothing written), then import (all or nothing)."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user
from core.web import run_service

from ..forms import SeatImportForm
from ..imports import COLUMNS, roster_import
from ..models import Term


class SeatImportView(View):
    template_name = "resources/seat_import.html"

    def get(self, request, pk):
        term = get_object_for_user(Term.objects.select_related("community"), request.user, Action.IMPORT, pk=pk)
        return render(request, self.template_name, {"term": term, "form": SeatImportForm(), "columns": COLUMNS})

    def post(self, request, pk):
        term = get_object_for_user(Term.objects.select_related("community"), request.user, Action.IMPORT, pk=pk)
        form = SeatImportForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = run_service(form, roster_import, actor=request.user, term=term, source=upload,
                                 filename=upload.name, dry_run=not form.cleaned_data["confirm"])
            if result is not None and result.ok and not result.dry_run:
                messages.success(request, _("%(n)s people seated.") % {"n": result.created})
                return redirect("resources:term_detail", pk=term.pk)
        status = 200 if result is not None and result.ok else 400
        return render(request, self.template_name, {"term": term, "form": form, "result": result,
                                                    "columns": COLUMNS}, status=status)
