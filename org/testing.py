"""The fixed persona tree every app's tests run the permission matrix on (``core.testing``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone


@dataclass
class PersonaTree:
    """The fixed test tree.

    district D ─┬─ street S1 ─┬─ community C1 ─ compound P1 ─ building B1
                │             └─ community C2 ─ compound P2
                └─ street S2 ─── community C3 ─ compound P3
    """

    district: object
    s1: object
    s2: object
    c1: object
    c2: object
    c3: object
    p1: object
    p2: object
    p3: object
    b1: object
    users: dict = field(default_factory=dict)

    def refresh(self):
        for name in ("district", "s1", "s2", "c1", "c2", "c3", "p1", "p2", "p3", "b1"):
            getattr(self, name).refresh_from_db()
        return self


def build_persona_tree(password: str = "pw-Persona-2026") -> PersonaTree:
    """Create the persona tree, one row at a time, through the services, and one user per persona."""
    from accounts.models import RoleGrant, User
    from accounts.roles import Role

    from . import services
    from .choices import PartyOrgType, UnitKind

    root = User.objects.create_superuser("root-setup", password=password)
    mk = services.org_unit_create
    d = mk(actor=root, parent=None, code="D", name="苏仙区委", kind=UnitKind.DISTRICT,
           party_org_type=PartyOrgType.DISTRICT_COMMITTEE)
    s1 = mk(actor=root, parent=d, code="S1", name="苏仙岭街道", kind=UnitKind.STREET,
            party_org_type=PartyOrgType.WORKING_COMMITTEE)
    s2 = mk(actor=root, parent=d, code="S2", name="南塔街道", kind=UnitKind.STREET,
            party_org_type=PartyOrgType.WORKING_COMMITTEE)
    c1 = mk(actor=root, parent=s1, code="C1", name="爱莲湖社区", kind=UnitKind.COMMUNITY,
            party_org_type=PartyOrgType.GENERAL_BRANCH)
    c2 = mk(actor=root, parent=s1, code="C2", name="六角亭社区", kind=UnitKind.COMMUNITY,
            party_org_type=PartyOrgType.GENERAL_BRANCH)
    c3 = mk(actor=root, parent=s2, code="C3", name="环城桥社区", kind=UnitKind.COMMUNITY,
            party_org_type=PartyOrgType.GENERAL_BRANCH)
    p1 = mk(actor=root, parent=c1, code="P1", name="爱莲湖小区", kind=UnitKind.COMPOUND,
            party_org_type=PartyOrgType.BRANCH)
    p2 = mk(actor=root, parent=c2, code="P2", name="六角亭小区", kind=UnitKind.COMPOUND)
    p3 = mk(actor=root, parent=c3, code="P3", name="御景湾小区", kind=UnitKind.COMPOUND,
            party_org_type=PartyOrgType.BRANCH)
    b1 = mk(actor=root, parent=p1, code="B1", name="1栋", kind=UnitKind.BUILDING, party_org_type=PartyOrgType.GROUP)
    tree = PersonaTree(d, s1, s2, c1, c2, c3, p1, p2, p3, b1)
    root.delete()

    def user(name, role=None, unit=None):
        u = User.objects.create_user(name, password=password, full_name=name)
        if role:
            RoleGrant.objects.create(user=u, unit=unit, role=role, valid_from=timezone.localdate())
        tree.users[name] = u
        return u

    user("norole")
    user("district", Role.DISTRICT_ADMIN, d)
    user("leader", Role.DISTRICT_VIEWER, d)
    user("street", Role.STREET_SECRETARY, s1)
    user("community", Role.COMMUNITY_SECRETARY, c1)
    user("community2", Role.COMMUNITY_SECRETARY, c2)
    user("other_street", Role.STREET_SECRETARY, s2)
    tree.users["anonymous"] = None
    tree.password = password
    return tree.refresh()
