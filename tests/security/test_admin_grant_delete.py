"""Role grants are ended (deleted) in the admin only by holders of GRANT over them."""
import pytest

from accounts.models import RoleGrant
from accounts.roles import Role
from core.testing import table_fingerprint

pytestmark = pytest.mark.django_db


def staff(tree, name):
    user = tree.users[name]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_only_grant_holders_end_role_grants_in_the_admin(client, tree):
    """A street secretary holds DELETE but not GRANT: they may not delete (end) role grants."""
    client.force_login(staff(tree, "street"))
    grant = RoleGrant.objects.get(user=tree.users["community"], role=Role.COMMUNITY_SECRETARY)
    before = table_fingerprint([RoleGrant])
    assert client.get(f"/admin/accounts/rolegrant/{grant.pk}/delete/").status_code == 403
    assert client.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post("/admin/accounts/rolegrant/", {"action": "delete_selected", "_selected_action": [grant.pk],
                                                          "post": "yes"})
    assert response.status_code in (200, 302, 403)
    assert table_fingerprint([RoleGrant]) == before
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
