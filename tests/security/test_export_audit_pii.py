"""The member export's audit row records the filters; a search by full ID number or mobile must not put the
plaintext into the audit log (district admins read it without a reveal)."""
import json

import pytest
from django.urls import reverse

from core.models import AuditLog
from tests.org.member_factories import MemberFactory

pytestmark = pytest.mark.django_db

ID = "430103198805170017"
PHONE = "13912345678"


@pytest.mark.parametrize("term", [ID, PHONE])
def test_export_audit_keeps_no_plaintext_search_term(client, tree, term):
    MemberFactory(actor=tree.users["district"], unit=tree.p1, name="王一", id_number=ID, phone=PHONE)
    client.force_login(tree.users["community"])
    response = client.get(reverse("org:member_export"), {"q": term})
    assert response.status_code == 200
    log = AuditLog.objects.get(kind=AuditLog.Kind.EXPORT, actor_username="community")
    assert log.after["rows"] == 1  # the search found the member
    stored = json.dumps([log.before, log.after, log.object_repr], ensure_ascii=False)
    assert term not in stored


def test_export_audit_masks_a_mistyped_id_number_too(client, tree):
    client.force_login(tree.users["community"])
    typo = ID[:-1] + "9"  # wrong check digit: not an ID search, still most of a person's ID number
    assert client.get(reverse("org:member_export"), {"q": typo}).status_code == 200
    log = AuditLog.objects.get(kind=AuditLog.Kind.EXPORT, actor_username="community")
    assert typo not in json.dumps(log.after, ensure_ascii=False)
