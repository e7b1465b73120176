"""Placeholder: the tree browser views are being written."""
from django.views.generic import TemplateView


class _Todo(TemplateView):
    template_name = "core/home.html"


OrgUnitTreeView = OrgUnitSearchView = OrgUnitDetailView = OrgUnitChildrenView = _Todo
OrgUnitCreateView = OrgUnitUpdateView = OrgUnitMoveView = OrgUnitDeleteView = _Todo
