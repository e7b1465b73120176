"""The organisation tree and what hangs on it: grids and new-domain party organisations."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from core.models import TimeStampedModel
from core.scoping import ScopedManager, ScopedQuerySetMixin, subtree_q

from ..choices import LEVEL_OF_KIND, URBAN_KINDS, GridRole, Level, NewDomainKind, PartyOrgType, UnitKind


class OrgUnitQuerySet(ScopedQuerySetMixin, TreeQuerySet):
    def subtree_of(self, unit, include_self: bool = True):
        """Rows in ``unit``'s subtree, by MPTT range (no subquery)."""
        if include_self:
            return self.filter(subtree_q(unit))
        return self.filter(tree_id=unit.tree_id, lft__gt=unit.lft, rght__lt=unit.rght)

    def pickable_by(self, user, action):
        """Units a user may pick in a form when acting with ``action``, in tree order."""
        return self.for_user(user, action).order_by("tree_id", "lft")


class OrgUnitManager(TreeManager.from_queryset(OrgUnitQuerySet)):
    pass


class OrgUnit(MPTTModel, TimeStampedModel):
    """A unit of the five-level tree 区委 → 街道/镇 → 社区/村 → 小区 → 楼栋, with its party organisation.

    The MPTT ``level`` is the tree level (0 district … 4 building) and must match ``kind``. The
    ``*_anc`` columns hold the ancestor-or-self at the street, community and compound levels; the
    tree services keep them right so that roll-ups group by a column instead of joining ranges.
    Tree rows are written only through ``org.services`` (serialised, audited, never bulk-created).
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = TreeForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    street_anc = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    community_anc = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    compound_anc = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    party_org_type = models.CharField(
        _("party organisation"), max_length=24, choices=PartyOrgType.choices, blank=True, default=""
    )
    party_org_name = models.CharField(_("party organisation name"), max_length=120, blank=True)
    party_org_founded = models.DateField(_("party organisation founded"), null=True, blank=True)
    party_secretary = models.CharField(_("party secretary"), max_length=64, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Current members (CURRENT_STATUSES) attached directly to this unit: a counter kept by the member
    # services (``org.services.tally``) in the same transaction as every change of a member's unit or
    # status, so that cumulative counts are a sum over the tree's ranges or ancestor columns instead of a
    # scan of every member. Nobody types it in; a plain ``save()`` of a unit that keeps its place does not
    # write it (see ``_get_user_field_names``; a save that moves the unit by changing ``parent`` or
    # ``code`` writes every column, so the services move units with ``move_to`` and edit with
    # ``update_fields``); ``org.integrity.member_count_problems`` compares it with the member rows
    # and ``manage.py recount_members`` rebuilds it from them.
    direct_members = models.PositiveIntegerField(_("current members attached directly"), default=0,
                                                  editable=False)

    objects = OrgUnitManager()
    scope_unit_path = ""

    class MPTTMeta:
        order_insertion_by = ["code"]

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            models.CheckConstraint(
                name="orgunit_kind_matches_level",
                condition=(
                    Q(kind="district", level=0)
                    | Q(kind__in=["street", "town"], level=1)
                    | Q(kind__in=["community", "village"], level=2)
                    | Q(kind="compound", level=3)
                    | Q(kind="building", level=4)
                ),
            ),
            models.CheckConstraint(
                name="orgunit_root_iff_no_parent",
                condition=Q(parent__isnull=True, level=0) | Q(parent__isnull=False, level__gt=0),
            ),
            models.CheckConstraint(name="orgunit_code_not_blank", condition=~Q(code="")),
            models.CheckConstraint(name="orgunit_mptt_range", condition=Q(rght__gt=F("lft"))),
            models.CheckConstraint(name="orgunit_direct_members_not_negative", condition=Q(direct_members__gte=0)),
        ]
        indexes = [
            models.Index(fields=["tree_id", "lft", "rght"], name="orgunit_range"),
            models.Index(fields=["kind"], name="orgunit_kind"),
            # The units of some levels in tree order (the cockpit's roll-up lists every district, street
            # and community: 19,400 of 615,000 rows in a province).
            models.Index(fields=["level", "tree_id", "lft"], name="orgunit_level"),
            # The roll-up groups every unit by its ancestor columns: on PostgreSQL an index-only scan of
            # this covering index, already in group order, instead of reading the wide unit rows.
            models.Index(fields=["tree_id", "street_anc", "community_anc"], name="orgunit_rollup",
                         include=["kind", "party_org_type", "direct_members"]),
        ]

    def __str__(self):
        return self.name

    def _get_user_field_names(self):
        """The fields a plain ``save()`` of an existing unit writes (django-mptt leaves out the tree fields
        so that a stale instance cannot undo a concurrent tree write). The member counter is left out
        for the same reason: only ``org.services.tally`` moves it, relative to the committed value."""
        return [name for name in super()._get_user_field_names() if name != "direct_members"]

    # -- derived -------------------------------------------------------------------------------
    @property
    def expected_level(self) -> int:
        return LEVEL_OF_KIND[self.kind]

    @property
    def is_urban(self) -> bool:
        return self.kind in URBAN_KINDS

    @property
    def has_party_org(self) -> bool:
        return bool(self.party_org_type)

    def level_label(self):
        return Level(self.expected_level).label

    # -- rules -----------------------------------------------------------------------------------
    def clean(self):
        super().clean()
        errors = {}
        if self.kind not in LEVEL_OF_KIND:
            errors["kind"] = _("Unknown unit kind.")
        else:
            level = LEVEL_OF_KIND[self.kind]
            parent = self.parent
            if level == Level.DISTRICT:
                if parent is not None:
                    errors["parent"] = _("A district committee is the root of the tree and has no parent.")
            elif parent is None:
                errors["parent"] = _("This kind of unit needs a parent unit.")
            elif LEVEL_OF_KIND.get(parent.kind) != level - 1:
                errors["parent"] = _("A %(kind)s must sit directly under a %(level)s unit, not under a %(parent)s.") % {
                    "kind": self.get_kind_display(),
                    "level": Level(level - 1).label,
                    "parent": parent.get_kind_display(),
                }
            elif self.pk and parent.pk == self.pk:
                errors["parent"] = _("A unit cannot be its own parent.")
            elif self.pk and parent.tree_id == self.tree_id and self.lft and self.lft <= parent.lft <= self.rght:
                errors["parent"] = _("A unit cannot be moved under its own descendant.")
        if self.code and not self.code.replace("-", "").replace("_", "").isalnum():
            errors["code"] = _("A code may contain only letters, digits, '-' and '_'.")
        if errors:
            raise ValidationError(errors)


class Grid(TimeStampedModel):
    """A management cell (网格) of a community; people and matters are assigned to it."""

    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="grids"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    units = models.ManyToManyField(OrgUnit, verbose_name=_("compounds and buildings"), blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()
    scope_unit_path = "community"

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.community_id and LEVEL_OF_KIND.get(self.community.kind) != Level.COMMUNITY:
            raise ValidationError({"community": _("A grid belongs to a community or village.")})


class GridAssignment(models.Model):
    """A person assigned to a grid for a period (history kept by ``valid_to``)."""

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A party member on the grid (building lead, volunteer) is picked from the member records, never retyped;
    # ``person_name`` is then copied from the record by the services.
    member = models.ForeignKey(
        "org.Member", verbose_name=_("member record"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="grid_assignments",
    )
    person_name = models.CharField(_("name"), max_length=64)
    role = models.CharField(_("role"), max_length=16, choices=GridRole.choices, default=GridRole.GRID_WORKER)
    building = models.ForeignKey(
        OrgUnit, verbose_name=_("building or compound led"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "grid__community"

    class Meta:
        verbose_name = _("grid assignment")
        verbose_name_plural = _("grid assignments")
        ordering = ["grid", "person_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="gridassignment_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.person_name} · {self.grid}"


class NewDomainOrg(TimeStampedModel):
    """A party organisation in a new domain (office building, property company, social organisation,
    non-public enterprise), attached to the street or community that leads it."""

    kind = models.CharField(_("kind"), max_length=24, choices=NewDomainKind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("attached to"), on_delete=models.PROTECT, related_name="new_domain_orgs"
    )
    party_org_type = models.CharField(
        _("party organisation"), max_length=24, choices=PartyOrgType.choices, blank=True, default=""
    )
    party_org_founded = models.DateField(_("party organisation founded"), null=True, blank=True)
    party_secretary = models.CharField(_("party secretary"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Ended (dissolved, merged, the enterprise closed): kept for history, out of current coverage.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("new-domain party organisation")
        verbose_name_plural = _("new-domain party organisations")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.unit_id and LEVEL_OF_KIND.get(self.unit.kind) not in (Level.STREET, Level.COMMUNITY):
            raise ValidationError({"unit": _("A new-domain organisation is attached to a street or a community.")})
