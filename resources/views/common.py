"""What the guarantee-system pages share: the unit a statistics page is about and the year asked for."""
from __future__ import annotations

from django.http import Http404
from django.utils import timezone

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
