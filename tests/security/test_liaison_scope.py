"""A department liaison's grant (held for a district department, sitting at the district root) gives
no subtree scope: in the organisation app they see nothing; the work system adds their department."""
import pytest

from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.scoping import Action, department_scope, scope_nodes, unit_in_scope
from org import services
from org.models import OrgUnit, OutsideUnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison(tree):
    dept = services.outside_unit_create(
        actor=tree.users["district"], registered_at=tree.district, kind=OutsideUnitKind.DISTRICT_DEPARTMENT,
        code="QZ-T", name="区民政局",
    )
    user = User.objects.create_user("liaison", password=tree.password)
    RoleGrant.objects.create(user=user, unit=tree.district, role=Role.DEPARTMENT_LIAISON, department=dept)
    return user, dept


def test_no_tree_scope(tree, liaison):
    user, dept = liaison
    assert scope_nodes(user, Action.VIEW) == ()
    assert department_scope(user, Action.VIEW) == {dept.pk}
    assert not OrgUnit.objects.for_user(user, Action.VIEW).exists()
    assert not unit_in_scope(user, Action.VIEW, tree.c1)
    assert not unit_in_scope(user, Action.VIEW, tree.c1, fresh=True)


def test_org_pages_and_api_show_nothing(client, tree, liaison):
    client.force_login(liaison[0])
    assert client.get(f"/org/units/{tree.c1.pk}/").status_code == 404
    assert client.get("/api/org/units/").json()["count"] == 0
    assert client.get("/api/org/members/").json()["count"] == 0
