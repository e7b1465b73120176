"""What the guarantee-system pages share: the unit a statistics page is about, the year asked for, and the
shape of an entry page (``EntryView``)."""
from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views import View

from core.scoping import Action, scope_nodes
from org.models import OrgUnit


def year_of(request) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def stats_unit(request) -> OrgUnit:
    """``?unit=CODE`` among the units in the user's VIEW scope, else the user's topmost unit; 404 when the
    user has no tree scope (or the code is not theirs)."""
    code = (request.GET.get("unit") or "").strip()
    in_scope = OrgUnit.objects.for_user(request.user, Action.VIEW)
    if code:
        unit = in_scope.filter(code=code).first()
    else:
        nodes = scope_nodes(request.user, Action.VIEW)
        if nodes is None:
            unit = OrgUnit.objects.filter(parent__isnull=True).order_by("tree_id").first()
        else:
            unit = OrgUnit.objects.filter(pk=nodes[0].unit_id).first() if nodes else None
    if unit is None:
        raise Http404
    return unit


def render_form(request, template: str, ctx: dict, form):
    """A form page: 200 when fresh, 400 when it came back with errors."""
    from django.shortcuts import render

    return render(request, template, {**ctx, "form": form}, status=400 if form.is_bound else 200)


def refuse_foreign_choice(form, *fields: str) -> None:
    """404 when a picked unit is not among the form's choices (a unit out of the user's scope and a missing
    one get the same answer): only a tampered request gets here, and nothing is written."""
    for name in fields:
        if form.has_error(name, "invalid_choice"):
            raise Http404


class EntryView(View):
    """One entry page (the one template ``resources/_entry_form.html``): GET shows the form; POST binds it,
    runs the service (``core.web.run_service``: a ValidationError lands on the form with its codes and
    the page answers 400, ScopeDenied is a 404) and redirects. A page about one record fetches it in
    scope in ``get_object`` (404 otherwise)."""

    template_name = "resources/_entry_form.html"
    form_class = None
    heading = lead = ""
    choice_fields: tuple = ()

    def get_object(self, request, **kwargs):
        return None

    def get_form(self, request, obj, data=None):
        return self.form_class(data)

    def run(self, request, obj, form):
        raise NotImplementedError

    def success_url(self, obj, result) -> str:
        raise NotImplementedError

    def back_url(self, obj) -> str:
        raise NotImplementedError

    def summary(self, obj) -> list:
        return []

    def render_page(self, request, obj, form):
        ctx = {"heading": self.heading, "lead": self.lead, "back": self.back_url(obj),
               "summary": self.summary(obj), "object": obj}
        return render_form(request, self.template_name, ctx, form)

    def get(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        return self.render_page(request, obj, self.get_form(request, obj))

    def post(self, request, **kwargs):
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.utils.translation import gettext as _

        obj = self.get_object(request, **kwargs)
        form = self.get_form(request, obj, request.POST)
        if not form.is_valid():
            refuse_foreign_choice(form, *self.choice_fields)
            return self.render_page(request, obj, form)
        result = self.run(request, obj, form)
        if not result:
            return self.render_page(request, obj, form)
        messages.success(request, _("Saved."))
        return redirect(self.success_url(obj, result))
