import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import table_fingerprint
from org import services
from org.choices import UnitKind
from org.models import OrgUnit

pytestmark = pytest.mark.django_db


def _admin(tree):
    return tree.users["district"]


def test_persona_tree_is_consistent(tree):
    assert OrgUnit.objects.count() == 10
    OrgUnit.objects.rebuild()  # recomputing from parents gives the same ranges
    for unit in OrgUnit.objects.all():
        orig = getattr(tree, {"D": "district"}.get(unit.code, unit.code.lower()))
        assert (unit.lft, unit.rght, unit.level) == (orig.lft, orig.rght, orig.level)


def test_ancestor_columns(tree):
    b1 = tree.b1
    assert (b1.street_anc_id, b1.community_anc_id, b1.compound_anc_id) == (tree.s1.pk, tree.c1.pk, tree.p1.pk)
    assert tree.s1.street_anc_id == tree.s1.pk and tree.s1.community_anc_id is None
    assert tree.district.street_anc_id is None


@pytest.mark.parametrize(
    "parent_name,kind",
    [
        ("district", UnitKind.COMMUNITY),  # community directly under district
        ("s1", UnitKind.COMPOUND),
        ("c1", UnitKind.BUILDING),
        ("b1", UnitKind.BUILDING),  # nothing under a building
        ("p1", UnitKind.STREET),
    ],
)
def test_level_rules_refuse_wrong_parent(tree, parent_name, kind):
    before = table_fingerprint([OrgUnit])
    with pytest.raises(ValidationError) as err:
        services.org_unit_create(actor=_admin(tree), parent=getattr(tree, parent_name), code="X1", name="x", kind=kind)
    assert "parent" in err.value.message_dict
    assert table_fingerprint([OrgUnit]) == before


def test_database_constraint_backs_the_rule(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.filter(pk=tree.c1.pk).update(kind=UnitKind.COMPOUND)


def test_duplicate_code_refused(tree):
    with pytest.raises(ValidationError) as err:
        services.org_unit_create(actor=_admin(tree), parent=tree.c1, code="P1", name="dup", kind=UnitKind.COMPOUND)
    assert "code" in err.value.message_dict


def test_create_is_audited(tree):
    unit = services.org_unit_create(
        actor=tree.users["community"], parent=tree.c1, code="P9", name="新小区", kind=UnitKind.COMPOUND
    )
    log = AuditLog.objects.get(action="org_unit.create", object_id=str(unit.pk))
    assert log.actor_username == "community" and log.after["code"] == "P9"
    assert log.unit_id == unit.pk
    assert unit.compound_anc_id == unit.pk and unit.community_anc_id == tree.c1.pk


def test_create_out_of_scope_refused(tree):
    before = table_fingerprint([OrgUnit, AuditLog])
    with pytest.raises(ScopeDenied):
        services.org_unit_create(actor=tree.users["community"], parent=tree.c2, code="P9", name="x", kind="compound")
    assert table_fingerprint([OrgUnit, AuditLog]) == before


def test_move_keeps_rules_and_ancestor_columns(tree):
    admin = _admin(tree)
    moved = services.org_unit_move(actor=admin, unit=tree.c1, new_parent=tree.s2)
    assert moved.parent_id == tree.s2.pk
    b1 = OrgUnit.objects.get(pk=tree.b1.pk)
    assert b1.street_anc_id == tree.s2.pk and b1.community_anc_id == tree.c1.pk
    OrgUnit.objects.rebuild()
    assert OrgUnit.objects.get(pk=tree.b1.pk).get_ancestors().filter(pk=tree.s2.pk).exists()


def test_move_under_wrong_level_refused(tree):
    before = table_fingerprint([OrgUnit])
    with pytest.raises(ValidationError):
        services.org_unit_move(actor=_admin(tree), unit=tree.c1, new_parent=tree.c2)
    assert table_fingerprint([OrgUnit]) == before


def test_move_into_foreign_subtree_refused(tree):
    """A street secretary may not move their community into another street's subtree."""
    before = table_fingerprint([OrgUnit])
    with pytest.raises(ScopeDenied):
        services.org_unit_move(actor=tree.users["street"], unit=tree.c1, new_parent=tree.s2)
    with pytest.raises(ScopeDenied):
        services.org_unit_move(actor=tree.users["community"], unit=tree.p1, new_parent=tree.c2)
    assert table_fingerprint([OrgUnit]) == before


def test_delete_only_leaves(tree):
    admin = _admin(tree)
    with pytest.raises(ValidationError):
        services.org_unit_delete(actor=admin, unit=tree.p1)
    services.org_unit_delete(actor=admin, unit=tree.b1)
    assert not OrgUnit.objects.filter(pk=tree.b1.pk).exists()
    assert AuditLog.objects.filter(action="org_unit.delete").count() == 1


def test_audit_log_is_append_only(tree):
    entry = AuditLog.objects.first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        AuditLog.objects.all().delete()


def test_superuser_only_creates_roots(db):
    user = User.objects.create_user("x")
    with pytest.raises(ScopeDenied):
        services.org_unit_create(actor=user, parent=None, code="R", name="r", kind=UnitKind.DISTRICT)
