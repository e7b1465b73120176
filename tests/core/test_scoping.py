import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.models import AuditLog
from core.scoping import Action, forget_scope, get_object_for_user, scope_nodes, unit_in_scope
from org.models import OrgUnit

pytestmark = pytest.mark.django_db


def codes(user, action=Action.VIEW):
    return set(OrgUnit.objects.for_user(user, action).values_list("code", flat=True))


def test_each_persona_sees_its_subtree(tree):
    u = tree.users
    assert codes(u["district"]) == set(OrgUnit.objects.values_list("code", flat=True))
    assert codes(u["street"]) == {"S1", "C1", "C2", "P1", "P2", "B1"}
    assert codes(u["community"]) == {"C1", "P1", "B1"}
    assert codes(u["community2"]) == {"C2", "P2"}
    assert codes(u["other_street"]) == {"S2", "C3", "P3"}
    assert codes(u["norole"]) == set()


def test_actions_follow_roles(tree):
    u = tree.users
    assert codes(u["leader"], Action.CHANGE) == set()
    assert codes(u["leader"], Action.VIEW) == codes(u["district"], Action.VIEW)
    assert codes(u["community"], Action.DELETE) == set()
    assert codes(u["street"], Action.DELETE) == {"S1", "C1", "C2", "P1", "P2", "B1"}
    assert codes(u["street"], Action.AUDIT) == set()


def test_expired_and_future_grants_do_not_count(tree):
    user = User.objects.create_user("temp")
    today = timezone.localdate()
    RoleGrant.objects.create(user=user, unit=tree.c1, role=Role.COMMUNITY_CADRE,
                             valid_from=today - datetime.timedelta(days=30), valid_to=today - datetime.timedelta(days=1))
    RoleGrant.objects.create(user=user, unit=tree.c2, role=Role.COMMUNITY_CADRE,
                             valid_from=today + datetime.timedelta(days=1))
    assert codes(user) == set()
    RoleGrant.objects.create(user=user, unit=tree.c3, role=Role.COMMUNITY_CADRE, valid_from=today, valid_to=today)
    forget_scope(user)
    assert codes(user) == {"C3", "P3"}


def test_nested_grants_are_reduced_and_several_grants_add_up(tree):
    user = User.objects.create_user("multi")
    for unit in (tree.s1, tree.c1, tree.c3):
        RoleGrant.objects.create(user=user, unit=unit, role=Role.STREET_STAFF)
    nodes = scope_nodes(user, Action.VIEW)
    assert {n.unit_id for n in nodes} == {tree.s1.pk, tree.c3.pk}
    assert codes(user) == {"S1", "C1", "C2", "P1", "P2", "B1", "C3", "P3"}


def test_inactive_user_and_superuser(tree):
    u = tree.users["district"]
    u.is_active = False
    assert codes(u) == set()
    root = User.objects.create_superuser("su")
    assert scope_nodes(root) is None and unit_in_scope(root, Action.DELETE, tree.b1)


def test_scope_is_cached_per_user_object(tree, django_assert_num_queries):
    user = User.objects.get(username="community")
    with django_assert_num_queries(1):
        scope_nodes(user, Action.VIEW)
        scope_nodes(user, Action.CHANGE)
        unit_in_scope(user, Action.VIEW, tree.p1)


def test_get_object_for_user_answers_404_and_records_denial(tree):
    user = tree.users["community"]
    assert get_object_for_user(OrgUnit, user, Action.VIEW, pk=tree.p1.pk) == tree.p1
    with pytest.raises(Http404):
        get_object_for_user(OrgUnit, user, Action.VIEW, pk=tree.p2.pk)
    with pytest.raises(Http404):
        get_object_for_user(OrgUnit, user, Action.VIEW, pk=987654)
    with pytest.raises(Http404):
        get_object_for_user(OrgUnit, user, Action.VIEW, pk="not-a-number")
    denials = AuditLog.objects.filter(kind=AuditLog.Kind.DENIED)
    assert denials.count() == 1 and denials.get().object_id == str(tree.p2.pk)
