"""Role grants are granted, changed and ended through the accounts services: GRANT over the unit,
checked fresh; one audit row each; ended by valid_to, never deleted; refused writes leave nothing."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.models import AuditLog
from core.scoping import Action, ScopeDenied, scope_nodes, unit_in_scope
from core.testing import table_fingerprint
from org.models import OutsideUnit, OutsideUnitKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def street_admin(tree):
    """A user holding GRANT over street S1 only."""
    user = User.objects.create_user("s1admin", password="x")
    RoleGrant.objects.create(user=user, unit=tree.s1, role=Role.DISTRICT_ADMIN, valid_from=TODAY())
    return user


def audit_actions():
    return list(AuditLog.objects.filter(action__startswith="role_grant.").order_by("pk")
                .values_list("action", "actor_username"))


def test_grant_change_and_end_each_write_one_audit_row(tree):
    admin, grantee = tree.users["district"], tree.users["norole"]
    assert scope_nodes(grantee, Action.VIEW) == ()  # cached on the object: the service must drop it
    grant = services.role_grant_create(actor=admin, user=grantee, unit=tree.c1, role=Role.COMMUNITY_CADRE,
                                       valid_from=TODAY(), note=" 兼职 ")
    assert grant.note == "兼职" and unit_in_scope(grantee, Action.VIEW, tree.p1)
    services.role_grant_update(actor=admin, grant=grant, unit=tree.c3, role=Role.COMMUNITY_SECRETARY)
    grant.refresh_from_db()
    assert grant.unit_id == tree.c3.pk and grant.role == Role.COMMUNITY_SECRETARY
    ended = services.role_grant_end(actor=admin, grant=grant)
    assert ended.valid_to == TODAY() and RoleGrant.objects.filter(pk=grant.pk, valid_to=TODAY()).exists()
    assert audit_actions() == [("role_grant.create", "district"), ("role_grant.update", "district"),
                               ("role_grant.end", "district")]
    update = AuditLog.objects.get(action="role_grant.update")
    assert update.before == {"unit_id": tree.c1.pk, "role": Role.COMMUNITY_CADRE}
    assert update.after == {"unit_id": tree.c3.pk, "role": Role.COMMUNITY_SECRETARY}
    assert AuditLog.objects.get(action="role_grant.end").after == {"valid_to": TODAY().isoformat()}
    # ending again changes nothing and writes nothing
    services.role_grant_end(actor=admin, grant=grant)
    assert len(audit_actions()) == 3


def test_an_ended_grant_gives_no_scope_and_is_kept(tree):
    admin, grantee = tree.users["district"], tree.users["norole"]
    grant = services.role_grant_create(actor=admin, user=grantee, unit=tree.c1, role=Role.GRID_WORKER,
                                       valid_from=TODAY() - dt.timedelta(days=30))
    assert unit_in_scope(grantee, Action.RECORD, tree.c1)
    services.role_grant_end(actor=admin, grant=grant, on=TODAY() - dt.timedelta(days=1))
    assert not unit_in_scope(grantee, Action.RECORD, tree.c1)  # the grantee's cached scope was dropped
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_a_grant_cannot_end_before_it_starts(tree):
    grant = RoleGrant.objects.get(user=tree.users["community"])
    before = table_fingerprint([RoleGrant, AuditLog])
    with pytest.raises(ValidationError) as exc:
        services.role_grant_end(actor=tree.users["district"], grant=grant, on=grant.valid_from - dt.timedelta(days=1))
    assert exc.value.error_dict["valid_to"][0].code == "not_started"
    assert table_fingerprint([RoleGrant, AuditLog]) == before


@pytest.mark.parametrize("actor", ["street", "community", "leader", "norole", "other_street"])
def test_without_grant_nothing_is_granted(tree, actor):
    """Street and community secretaries hold CHANGE and DELETE, not GRANT."""
    before = table_fingerprint([RoleGrant, AuditLog])
    with pytest.raises(ScopeDenied):
        services.role_grant_create(actor=tree.users[actor], user=tree.users["norole"], unit=tree.c1,
                                   role=Role.GRID_WORKER, valid_from=TODAY())
    grant = RoleGrant.objects.get(user=tree.users["community"])
    with pytest.raises(ScopeDenied):
        services.role_grant_update(actor=tree.users[actor], grant=grant, role=Role.COMMUNITY_CADRE)
    with pytest.raises(ScopeDenied):
        services.role_grant_end(actor=tree.users[actor], grant=grant)
    assert table_fingerprint([RoleGrant, AuditLog]) == before


def test_out_of_subtree_grants_are_refused_and_write_nothing(tree):
    actor = street_admin(tree)
    own = services.role_grant_create(actor=actor, user=tree.users["norole"], unit=tree.c2, role=Role.GRID_WORKER,
                                     valid_from=TODAY())
    foreign = RoleGrant.objects.get(user=tree.users["other_street"])
    before = table_fingerprint([RoleGrant, AuditLog])
    with pytest.raises(ScopeDenied):  # a grant in the other street
        services.role_grant_create(actor=actor, user=tree.users["norole"], unit=tree.c3, role=Role.GRID_WORKER,
                                   valid_from=TODAY())
    with pytest.raises(ScopeDenied):  # moving an own grant into another subtree
        services.role_grant_update(actor=actor, grant=own, unit=tree.c3)
    with pytest.raises(ScopeDenied):  # a grant at the district root, above the actor's street
        services.role_grant_update(actor=actor, grant=own, unit=tree.district)
    with pytest.raises(ScopeDenied):  # changing or ending another street's grant
        services.role_grant_update(actor=actor, grant=foreign, note="x")
    with pytest.raises(ScopeDenied):
        services.role_grant_end(actor=actor, grant=foreign)
    assert table_fingerprint([RoleGrant, AuditLog]) == before


def _department(tree, code="QMZ", kind=OutsideUnitKind.DISTRICT_DEPARTMENT, at=None):
    return OutsideUnit.objects.create(kind=kind, code=code, name=code, registered_at=at or tree.district)


def test_a_department_is_named_exactly_for_a_department_role(tree):
    admin, user = tree.users["district"], tree.users["norole"]
    dept, soe = _department(tree), _department(tree, "SOE1", OutsideUnitKind.SOE)
    before = table_fingerprint([RoleGrant, AuditLog])
    cases = [
        (dict(role=Role.DEPARTMENT_LIAISON), "required"),
        (dict(role=Role.DEPARTMENT_LIAISON, department=soe), "not_a_department"),
        (dict(role=Role.GRID_WORKER, department=dept), "not_a_department_role"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ValidationError) as exc:
            services.role_grant_create(actor=admin, user=user, unit=tree.district, valid_from=TODAY(), **kwargs)
        assert exc.value.error_dict["department"][0].code == code
    assert table_fingerprint([RoleGrant, AuditLog]) == before
    grant = services.role_grant_create(actor=admin, user=user, unit=tree.district, valid_from=TODAY(),
                                       role=Role.DEPARTMENT_LIAISON, department=dept)
    with pytest.raises(ValidationError):
        services.role_grant_update(actor=admin, grant=grant, role=Role.GRID_WORKER)
    assert RoleGrant.objects.get(pk=grant.pk).role == Role.DEPARTMENT_LIAISON


def test_a_liaison_is_granted_only_for_a_department_kept_in_scope(tree):
    """A department registered outside the actor's subtree (another district) cannot get liaisons from it."""
    from org import services as org_services
    from org.choices import PartyOrgType, UnitKind

    root = User.objects.create_superuser("root-x", password="x")
    other = org_services.org_unit_create(actor=root, parent=None, code="D2", name="北湖区委", kind=UnitKind.DISTRICT,
                                         party_org_type=PartyOrgType.DISTRICT_COMMITTEE)
    foreign = _department(tree, "QMZ2", at=other)
    before = table_fingerprint([RoleGrant, AuditLog])
    with pytest.raises(ScopeDenied):
        services.role_grant_create(actor=tree.users["district"], user=tree.users["norole"], unit=tree.district,
                                   role=Role.DEPARTMENT_LIAISON, department=foreign, valid_from=TODAY())
    assert table_fingerprint([RoleGrant, AuditLog]) == before


def test_unknown_fields_are_refused(tree):
    grant = RoleGrant.objects.get(user=tree.users["community"])
    with pytest.raises(TypeError):
        services.role_grant_update(actor=tree.users["district"], grant=grant, user=tree.users["norole"])
