"""What the org pages share: the import gate, a unit typed as a code, a service run from a button."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, has_any_scope
from core.web import filter_list, page_of, require_any_scope, run_service

from ..models import OrgUnit


class ImportAllowed(View):
    """The import pages: for users holding IMPORT somewhere (404 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        require_any_scope(request.user, Action.IMPORT)
        return super().dispatch(request, *args, **kwargs)


class ListWithCreateView(View):
    """A filtered, paged list in scope, with a create form for users who may change somewhere. Subclasses
    name the template, the FilterSet, the create form and ``rows(user)`` (a selector scoped to the user)."""

    template_name: str
    filterset_class = None
    create_form_class = None

    def rows(self, user):
        raise NotImplementedError

    def context(self, request, create_form=None) -> dict:
        user = request.user
        filters, qs = filter_list(request, self.filterset_class, self.rows(user))
        can_create = has_any_scope(user, Action.CHANGE)
        if can_create and create_form is None:
            create_form = self.create_form_class()
        return {"form": filters.form, "page": page_of(request, qs), "can_create": can_create,
                "create_form": create_form, "query": request.GET.urlencode()}

    def get(self, request):
        return render(request, self.template_name, self.context(request))


def unit_by_code(request, form, field: str, action: str = Action.CHANGE) -> OrgUnit | None:
    """The unit whose code is in ``form``'s ``field``, in the user's scope for ``action``; else a form
    error (a missing code and one outside scope read the same)."""
    try:
        return get_object_for_user(OrgUnit, request.user, action, code=form.cleaned_data[field].strip())
    except Http404:
        form.add_error(field, ValidationError(_("No unit with this code in your scope."), code="not_found"))
        return None


def run_action(fn, **kwargs) -> tuple[object, list[str]]:
    """``run_service`` for a button with no form to show errors on: returns the service's result and its
    error messages (none when it ran); ScopeDenied is a 404."""
    holder = forms.Form(data={})
    result = run_service(holder, fn, **kwargs)
    return result, list(holder.non_field_errors())
