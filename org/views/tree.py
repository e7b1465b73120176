"""Pages of the organisation tree: browse, search, a unit's page, create, edit, move, delete."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.concurrency import version_of
from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import filter_list, page_of, run_service

from .. import selectors, services
from ..choices import Level, NewDomainKind
from ..filtersets import OrgUnitFilter
from ..forms import OrgUnitForm, OrgUnitMoveForm
from ..models import OrgUnit
from .common import run_action

SEARCH_PAGE_SIZE = 25


def _get_unit(request, pk, action: str = Action.VIEW) -> OrgUnit:
    return get_object_for_user(OrgUnit.objects.select_related("parent"), request.user, action, pk=pk)


def _detail_url(unit: OrgUnit) -> str:
    return reverse("org:orgunit_detail", args=[unit.pk])


class OrgUnitTreeView(View):
    """The user's scope roots, each opened one level; deeper levels load on demand (htmx)."""

    template_name = "org/orgunit_tree.html"

    def get(self, request):
        roots = selectors.scope_roots(user=request.user)
        for root in roots:
            root.counts, root.child_nodes = selectors.unit_summary(root)
            root.member_count = root.counts["members"]
        return render(request, self.template_name, {"roots": roots, "q": ""})


class OrgUnitChildrenView(View):
    """The children of a unit with their cumulative counts: a partial for htmx, a page otherwise."""

    def get(self, request, pk):
        unit = _get_unit(request, pk)
        ctx = {"unit": unit, "children": selectors.children_with_counts(unit)}
        if request.htmx:
            return render(request, "org/_children.html", ctx)
        ctx["crumbs"] = selectors.breadcrumbs(user=request.user, unit=unit)
        return render(request, "org/orgunit_children.html", ctx)


class OrgUnitSearchView(View):
    """Units in the user's scope whose name or code contains the query. Paginated, constant queries."""

    def get(self, request):
        q = request.GET.get("q", "").strip()[:100]
        page = None
        if q:
            _filters, qs = filter_list(request, OrgUnitFilter,
                                       selectors.org_unit_list(user=request.user).select_related("parent"))
            page = page_of(request, qs, SEARCH_PAGE_SIZE)
        ctx = {"q": q, "page": page, "base_url": reverse("org:orgunit_search")}
        template = "org/_search_results.html" if request.htmx else "org/orgunit_search.html"
        return render(request, template, ctx)


class OrgUnitDetailView(View):
    """A unit: its fields, cumulative counts and coverage, new-domain orgs, children, grids."""

    def get(self, request, pk):
        unit = _get_unit(request, pk)
        user = request.user
        nd_counts = selectors.new_domain_counts(unit)
        counts, children = selectors.unit_summary(unit)
        grids = []
        if unit.level == Level.COMMUNITY:
            today = timezone.localdate()
            active = Q(assignments__valid_from__lte=today) & (
                Q(assignments__valid_to__isnull=True) | Q(assignments__valid_to__gte=today)
            )
            grids = list(unit.grids.annotate(people=Count("assignments", filter=active)).order_by("code"))
        can_change = unit_in_scope(user, Action.CHANGE, unit)
        ctx = {
            "unit": unit,
            "crumbs": selectors.breadcrumbs(user=user, unit=unit),
            "counts": counts,
            "new_domain": [(kind.value, kind.label, nd_counts.get(kind.value, 0)) for kind in NewDomainKind],
            "new_domain_total": sum(nd_counts.values()),
            "children": children,
            "member_count": counts["members"],
            "grids": grids,
            "is_community": unit.level == Level.COMMUNITY,
            "can_add_child": can_change and unit.level < Level.BUILDING,
            "can_change": can_change,
            "can_move": unit.parent_id is not None and unit_in_scope(user, Action.MOVE, unit),
            "can_delete": unit.parent_id is not None and unit.is_leaf_node()
            and unit_in_scope(user, Action.DELETE, unit),
        }
        return render(request, "org/orgunit_detail.html", ctx)


class OrgUnitCreateView(View):
    """A new unit under ``parent_pk``; the kind is limited to the kinds of the child level."""

    template_name = "org/orgunit_form.html"

    def get_parent(self, request, parent_pk) -> OrgUnit:
        parent = _get_unit(request, parent_pk, Action.CHANGE)
        if parent.level >= Level.BUILDING:  # nothing sits under a building
            raise Http404
        return parent

    def _render(self, request, form, parent):
        ctx = {"form": form, "parent": parent, "unit": None,
               "crumbs": selectors.breadcrumbs(user=request.user, unit=parent)}
        return render(request, self.template_name, ctx)

    def get(self, request, parent_pk):
        parent = self.get_parent(request, parent_pk)
        return self._render(request, OrgUnitForm(level=parent.level + 1), parent)

    def post(self, request, parent_pk):
        parent = self.get_parent(request, parent_pk)
        form = OrgUnitForm(request.POST, level=parent.level + 1)
        if form.is_valid():
            unit = run_service(form, services.org_unit_create, actor=request.user, parent=parent, **form.cleaned_data)
            if unit is not None:
                messages.success(request, _("The unit “%(name)s” was created.") % {"name": unit.name})
                return redirect(_detail_url(unit))
        return self._render(request, form, parent)


class OrgUnitUpdateView(View):
    """Edit a unit's own fields (its place in the tree changes only through the move view)."""

    template_name = "org/orgunit_form.html"

    def _form(self, unit, data=None):
        initial = {field: getattr(unit, field) for field in services.UNIT_EDITABLE_FIELDS}
        initial["version"] = version_of(unit)
        return OrgUnitForm(data, level=unit.level, initial=initial, editing=True)

    def _render(self, request, form, unit):
        ctx = {"form": form, "unit": unit, "parent": unit.parent,
               "crumbs": selectors.breadcrumbs(user=request.user, unit=unit)}
        return render(request, self.template_name, ctx)

    def get(self, request, pk):
        unit = _get_unit(request, pk, Action.CHANGE)
        return self._render(request, self._form(unit), unit)

    def post(self, request, pk):
        unit = _get_unit(request, pk, Action.CHANGE)
        form = self._form(unit, request.POST)
        if form.is_valid():
            changes = {field: form.cleaned_data[field] for field in form.changed_data if field != "version"}
            if not changes:
                messages.info(request, _("Nothing was changed."))
                return redirect(_detail_url(unit))
            saved = run_service(form, services.org_unit_update, actor=request.user, unit=unit,
                                version=form.cleaned_data.get("version"), **changes)
            if saved is not None:
                messages.success(request, _("The unit “%(name)s” was saved.") % {"name": saved.name})
                return redirect(_detail_url(saved))
        return self._render(request, form, unit)


class OrgUnitMoveView(View):
    """Move a unit with its subtree under a new parent the user may also move into."""

    template_name = "org/orgunit_move.html"

    def _targets(self, request, unit):
        if unit.level == Level.DISTRICT:
            return OrgUnit.objects.none()
        return selectors.org_unit_list(user=request.user, action=Action.MOVE, level=unit.level - 1).exclude(
            pk=unit.parent_id
        )

    def _render(self, request, form, unit):
        ctx = {"form": form, "unit": unit, "target_level": Level(unit.level - 1).label if unit.level else None,
               "crumbs": selectors.breadcrumbs(user=request.user, unit=unit)}
        return render(request, self.template_name, ctx)

    def get(self, request, pk):
        unit = _get_unit(request, pk, Action.MOVE)
        return self._render(request, OrgUnitMoveForm(targets=self._targets(request, unit)), unit)

    def post(self, request, pk):
        unit = _get_unit(request, pk, Action.MOVE)
        form = OrgUnitMoveForm(request.POST, targets=self._targets(request, unit))
        if form.is_valid():
            target = self._resolve_target(request, form)
            if target is not None:
                moved = run_service(form, services.org_unit_move, field_map={"parent": "new_parent"},
                                    actor=request.user, unit=unit, new_parent=target)
                if moved is not None:
                    messages.success(
                        request,
                        _("“%(name)s” now sits under “%(parent)s”.") % {"name": moved.name, "parent": target.name},
                    )
                    return redirect(_detail_url(moved))
        return self._render(request, form, unit)

    @staticmethod
    def _resolve_target(request, form) -> OrgUnit | None:
        """A picked id outside the user's move scope is a 404 (like a missing id); a typed code that
        is missing or out of scope is one and the same form error."""
        if form.cleaned_data.get("new_parent"):
            return get_object_for_user(OrgUnit, request.user, Action.MOVE, pk=form.cleaned_data["new_parent"])
        code = form.cleaned_data["new_parent_code"].strip()
        try:
            return get_object_for_user(OrgUnit, request.user, Action.MOVE, code=code)
        except Http404:
            form.add_error("new_parent_code", _("No unit with this code that you may move units into."))
            return None


class OrgUnitDeleteView(View):
    """Confirm, then delete a unit that has no subordinate units and nothing attached."""

    template_name = "org/orgunit_confirm_delete.html"

    def _render(self, request, unit, errors=()):
        ctx = {"unit": unit, "errors": errors, "crumbs": selectors.breadcrumbs(user=request.user, unit=unit),
               "blocked": unit.parent_id is None or not unit.is_leaf_node()}
        return render(request, self.template_name, ctx)

    def get(self, request, pk):
        return self._render(request, _get_unit(request, pk, Action.DELETE))

    def post(self, request, pk):
        unit = _get_unit(request, pk, Action.DELETE)
        parent = unit.parent
        _none, errors = run_action(services.org_unit_delete, actor=request.user, unit=unit)
        if errors:
            return self._render(request, unit, errors=errors)
        messages.success(request, _("The unit “%(name)s” was deleted.") % {"name": unit.name})
        # The parent is in scope: a grant protects its own unit from deletion, so a deletable unit
        # lies strictly below the user's grant node.
        return redirect(_detail_url(parent) if parent is not None else reverse("org:orgunit_tree"))
