"""Placeholder: the tree import views are being written."""
from django.views.generic import TemplateView


class OrgUnitImportView(TemplateView):
    template_name = "core/home.html"


OrgUnitImportTemplateView = OrgUnitImportView
