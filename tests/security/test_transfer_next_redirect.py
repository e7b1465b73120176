"""The transfer action pages go back to ``next`` only when it is a path on this site (no open redirect)."""
import pytest
from django.urls import reverse

from org import services
from tests.org.member_factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target", ["/\\evil.example/", "/\\/evil.example/", "//evil.example/",
                                    "https://evil.example/", "/\t/evil.example/"])
def test_transfer_action_does_not_redirect_off_site(client, tree, target):
    street = tree.users["street"]
    member = MemberFactory(actor=street, unit=tree.p1)
    transfer = services.transfer_request(actor=street, member=member, to_unit=tree.p2)
    client.force_login(street)
    response = client.post(reverse("org:transfer_approve", args=[transfer.pk]), {"next": target})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_transfer_action_goes_back_to_a_local_path(client, tree):
    street = tree.users["street"]
    member = MemberFactory(actor=street, unit=tree.p1)
    transfer = services.transfer_request(actor=street, member=member, to_unit=tree.p2)
    client.force_login(street)
    back = reverse("org:member_detail", args=[member.pk])
    response = client.post(reverse("org:transfer_approve", args=[transfer.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
