"""The catalogue of matters handled in grids (入格事项). The grids themselves and the people on them
(``Grid``, ``GridAssignment``) live with the tree (``org.models.tree``)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import Action, ScopedQuerySet, model_scope_q, scope_nodes

__all__ = ["GridMatter", "GridMatterQuerySet"]


class GridMatterQuerySet(ScopedQuerySet):
    def pickable_by(self, user, action: str = Action.VIEW, *, active_only: bool = True):
        """Active matters a user may attach to a grid: those of the catalogue kept at an ancestor-or-self of
        one of their grant nodes (the district's catalogue) and those kept below. Two queries."""
        from .tree import OrgUnit

        qs = self.filter(is_active=True) if active_only else self.all()
        nodes = scope_nodes(user, Action.VIEW)
        if nodes is not None:
            ancestors = Q(pk__in=[])
            for n in nodes:
                ancestors |= Q(tree_id=n.tree_id, lft__lte=n.lft, rght__gte=n.rght)
            ancestor_ids = list(OrgUnit.objects.filter(ancestors).values_list("pk", flat=True))
            qs = qs.filter(Q(registered_at_id__in=ancestor_ids) | model_scope_q(self.model, user, Action.VIEW))
        return qs.order_by("sort_order", "code")


class GridMatter(TimeStampedModel):
    """One matter of the catalogue handled in grids (入格事项: safety checks, elderly visits, sanitation,
    dispute mediation…), kept at a unit (the district's catalogue, or a street's additions) and attached
    to grids (``grids``; read from a grid as ``grid.matters``)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, default="")
    department = models.ForeignKey("org.OutsideUnit", verbose_name=_("responsible department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="grid_matters")
    registered_at = models.ForeignKey("org.OrgUnit", verbose_name=_("kept by"), on_delete=models.PROTECT,
                                      related_name="grid_matters")
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    grids = models.ManyToManyField("org.Grid", verbose_name=_("grids"), blank=True, related_name="matters")

    objects = models.Manager.from_queryset(GridMatterQuerySet)()
    scope_unit_path = "registered_at"

    class Meta:
        verbose_name = _("grid matter")
        verbose_name_plural = _("grid matters")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(name="gridmatter_code_not_blank", condition=~Q(code="")),
            models.CheckConstraint(name="gridmatter_name_not_blank", condition=~Q(name="")),
        ]

    def __str__(self):
        return self.name
