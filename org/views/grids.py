"""Pages of grids (网格) and their matters (入格事项): the grids in scope (a grid worker sees the grids of the
community where they hold their role; "only my grids" narrows to those they are assigned to), one grid
with its compounds and buildings, people, matters, visits and open cases, editing a grid and its people,
and the catalogue of matters. Writes through ``org.services`` with audit rows; out of scope is a 404."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import RoleGrant, User
from core.scoping import Action, get_object_for_user, has_any_scope, object_in_scope
from core.web import require_any_scope, run_service

from .. import selectors, services
from ..filtersets import GridFilterSet
from ..forms import MAX_MEMBER_MATCHES
from ..forms.grids import GridAssignmentForm, GridCreateForm, GridForm, GridMatterForm
from ..forms.registrations import EndForm
from ..models import Grid, GridAssignment, GridMatter
from .common import ListWithCreateView, unit_by_code


class GridListView(ListWithCreateView):
    template_name = "org/grid_list.html"
    filterset_class = GridFilterSet
    create_form_class = GridCreateForm

    def rows(self, user):
        return selectors.grid_list(user=user)


class GridCreateView(View):
    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = GridCreateForm(request.POST)
        if form.is_valid():
            community = unit_by_code(request, form, "community")
            if community is not None:
                d = form.cleaned_data
                grid = run_service(form, services.grid_create, actor=request.user, community=community,
                                   code=d["code"], name=d["name"], note=d["note"])
                if grid is not None:
                    messages.success(request, _("The grid was set up."))
                    return redirect("org:grid_detail", grid.pk)
        view = GridListView()
        return render(request, view.template_name, view.context(request, create_form=form), status=400)


def _grid(request, pk, action=Action.VIEW) -> Grid:
    return get_object_for_user(Grid.objects.select_related("community"), request.user, action, pk=pk)


class GridDetailView(View):
    """A grid: its compounds and buildings, the people on it (and who was), its matters, the weekly visits at
    its units and their open cases (both in the viewer's scope)."""

    template_name = "org/grid_detail.html"

    def context(self, request, grid, assignment_form=None) -> dict:
        user = request.user
        units = selectors.grid_units(grid)
        can_change = object_in_scope(user, Action.CHANGE, grid)
        return {
            "grid": grid, "units": units, "people": list(selectors.grid_assignments(grid)),
            "matters": list(grid.matters.select_related("department").order_by("sort_order", "code")),
            "visits": selectors.grid_visits(user=user, units=units),
            "cases": selectors.grid_cases(user=user, units=units),
            "can_change": can_change,
            "assignment_form": (assignment_form or GridAssignmentForm(grid=grid)) if can_change else None,
            "end_form": EndForm() if can_change else None,
        }

    def get(self, request, pk):
        grid = _grid(request, pk)
        return render(request, self.template_name, self.context(request, grid))


class GridUpdateView(View):
    template_name = "org/grid_form.html"

    def _render(self, request, grid, form, status=200):
        return render(request, self.template_name, {"grid": grid, "form": form}, status=status)

    def get(self, request, pk):
        grid = _grid(request, pk, Action.CHANGE)
        initial = {"name": grid.name, "note": grid.note, "units": list(grid.units.all()),
                   "matters": list(grid.matters.all())}
        return self._render(request, grid, GridForm(initial=initial, user=request.user, grid=grid))

    def post(self, request, pk):
        grid = _grid(request, pk, Action.CHANGE)
        form = GridForm(request.POST, user=request.user, grid=grid)
        if form.is_valid():
            d = form.cleaned_data
            done = run_service(form, services.grid_update, actor=request.user, grid=grid, name=d["name"],
                               note=d["note"], units=list(d["units"]), matters=list(d["matters"]))
            if done is not None:
                messages.success(request, _("The grid was saved."))
                return redirect("org:grid_detail", grid.pk)
        return self._render(request, grid, form, status=400)


def _member(request, form):
    query = (form.cleaned_data.get("member_q") or "").strip()
    if not query:
        return None, True
    found = list(selectors.member_list(user=request.user, search=query)[:MAX_MEMBER_MATCHES + 1])
    if len(found) == 1:
        return found[0], True
    code = "not_found" if not found else "ambiguous"
    message = _("No member in your scope matches.") if not found else _("Several members match: enter the full ID "
                                                                        "number or mobile.")
    form.add_error("member_q", ValidationError(message, code=code))
    return None, False


def _account(request, form, grid):
    """A user account by its user name, holding a current role at the grid's community or below it."""
    name = (form.cleaned_data.get("username") or "").strip()
    if not name:
        return None, True
    c = grid.community
    user = User.objects.filter(username=name, is_active=True).first()
    if user is not None and RoleGrant.objects.active().filter(user=user, unit__tree_id=c.tree_id,
                                                              unit__lft__gte=c.lft, unit__rght__lte=c.rght).exists():
        return user, True
    form.add_error("username", ValidationError(_("No account with a role at this community has this user name."),
                                               code="not_found"))
    return None, False


class GridAssignmentCreateView(View):
    def post(self, request, pk):
        grid = _grid(request, pk, Action.CHANGE)
        form = GridAssignmentForm(request.POST, grid=grid)
        if form.is_valid():
            member, ok_member = _member(request, form)
            user, ok_user = _account(request, form, grid)
            if ok_member and ok_user:
                d = form.cleaned_data
                done = run_service(form, services.grid_assignment_create, actor=request.user, grid=grid,
                                   role=d["role"], member=member, user=user, person_name=d["person_name"],
                                   phone=d["phone"], building=d["building"], valid_from=d["valid_from"])
                if done is not None:
                    messages.success(request, _("“%(name)s” was put on the grid.") % {"name": done.person_name})
                    return redirect("org:grid_detail", grid.pk)
        view = GridDetailView()
        return render(request, view.template_name, view.context(request, grid, assignment_form=form), status=400)


class GridAssignmentEndView(View):
    def post(self, request, pk):
        assignment = get_object_for_user(GridAssignment.objects.select_related("grid__community"), request.user,
                                         Action.CHANGE, pk=pk)
        form = EndForm(request.POST, not_before=assignment.valid_from)
        if form.is_valid():
            done = run_service(form, services.grid_assignment_end, field_map={"valid_to": "ended_on"},
                               actor=request.user, assignment=assignment, valid_to=form.cleaned_data["ended_on"])
            if done is not None:
                messages.success(request, _("Ended."))
                return redirect("org:grid_detail", assignment.grid_id)
        view = GridDetailView()
        ctx = view.context(request, assignment.grid)
        ctx["end_form"] = form
        return render(request, view.template_name, ctx, status=400)


class GridMatterListView(View):
    """The catalogue of matters handled in grids, with a create form for who may change somewhere."""

    template_name = "org/grid_matters.html"

    def context(self, request, create_form=None) -> dict:
        user = request.user
        rows = list(selectors.grid_matter_list(user=user))
        for row in rows:  # no queries: the unit is loaded with the row
            row.can_change = object_in_scope(user, Action.CHANGE, row)
        can_create = has_any_scope(user, Action.CHANGE)
        if can_create and create_form is None:
            create_form = GridMatterForm(user=user)
        return {"matters": rows, "can_create": can_create, "create_form": create_form}

    def get(self, request):
        return render(request, self.template_name, self.context(request))


class GridMatterCreateView(View):
    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = GridMatterForm(request.POST, user=request.user)
        if form.is_valid():
            unit = unit_by_code(request, form, "registered_at")
            if unit is not None:
                d = form.cleaned_data
                done = run_service(form, services.grid_matter_create, actor=request.user, registered_at=unit,
                                   code=d["code"], name=d["name"], description=d["description"],
                                   department=d["department"], sort_order=d["sort_order"] or 0)
                if done is not None:
                    messages.success(request, _("The matter was added to the catalogue."))
                    return redirect("org:grid_matter_list")
        view = GridMatterListView()
        return render(request, view.template_name, view.context(request, create_form=form), status=400)


class GridMatterToggleView(View):
    """Withdraw a matter from new choices, or bring it back."""

    def post(self, request, pk):
        matter = get_object_for_user(GridMatter.objects.select_related("registered_at"), request.user,
                                     Action.CHANGE, pk=pk)
        holder = GridMatterForm(data={}, user=request.user)
        done = run_service(holder, services.grid_matter_update, actor=request.user, matter=matter,
                           is_active=not matter.is_active)
        if done is None:
            view = GridMatterListView()
            return render(request, view.template_name, view.context(request), status=400)
        messages.success(request, _("The matter was saved."))
        return redirect("org:grid_matter_list")
