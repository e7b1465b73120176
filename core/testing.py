"""Test helpers shared by every app's tests: the persona tree and the permission matrix.

Lives in the package (not under tests/) so that later apps import it the same way.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from django.db import connection
from django.utils import timezone

PERSONAS = ("anonymous", "norole", "district", "leader", "street", "community", "community2", "other_street")


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
    from org import services
    from org.choices import PartyOrgType, UnitKind

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


def table_fingerprint(models: Iterable) -> str:
    """A digest of every row of the given models' tables, to prove a refused write wrote nothing."""
    h = hashlib.sha256()
    for model in models:
        rows = list(model._base_manager.order_by("pk").values_list())
        h.update(model._meta.db_table.encode())
        h.update(json.dumps(rows, default=str, sort_keys=True).encode())
    return h.hexdigest()


@dataclass
class Case:
    """One row of the permission matrix: a view or endpoint and who may use it.

    ``url`` receives the persona tree. ``allowed`` lists the personas that succeed; every other
    logged-in persona must get 404 (or 403 for a view that exists for nobody in their scope, when
    ``denied_status`` says so), anonymous gets a redirect to the log-in page (pages) or 401/403 (API).
    ``data`` (for writes) receives the tree too. ``models`` are fingerprinted around refused writes.
    """

    name: str
    url: Callable
    allowed: set
    method: str = "get"
    data: Callable | None = None
    api: bool = False
    ok_status: tuple = (200, 201, 204, 302)
    denied_status: tuple = (404,)
    models: tuple = ()
    content_type: str | None = None
    headers: dict | None = None  # extra request headers, e.g. {"HX-Request": "true"} for an htmx partial

    def __str__(self):
        return self.name


def run_matrix_case(client, tree: PersonaTree, persona: str, case: Case) -> None:
    from django.conf import settings

    from org.models import OrgUnit

    user = tree.users.get(persona)
    if user is not None:
        client.force_login(user)
    url = case.url(tree)
    data = case.data(tree) if case.data else None
    watched = tuple(case.models) or (OrgUnit,)
    before = table_fingerprint(watched)
    kwargs = {}
    if case.api and data is not None:
        kwargs["content_type"] = "application/json"
        data = json.dumps(data)
    elif case.content_type:
        kwargs["content_type"] = case.content_type
    headers = {"headers": case.headers} if case.headers else {}
    response = getattr(client, case.method)(url, data=data, **kwargs, **headers) if data is not None else getattr(
        client, case.method
    )(url, **headers)
    status = response.status_code
    if persona in case.allowed:
        assert status in case.ok_status, f"{case} as {persona}: expected success, got {status}"
        return
    if persona == "anonymous":
        if case.api:
            assert status in (401, 403), f"{case} anonymous: got {status}"
        else:
            assert status == 302 and settings.LOGIN_URL.split(":")[-1] in response["Location"], (
                f"{case} anonymous: expected redirect to log-in, got {status}"
            )
    else:
        assert status in case.denied_status, f"{case} as {persona}: expected {case.denied_status}, got {status}"
    if case.method != "get":
        assert table_fingerprint(watched) == before, f"{case} as {persona}: a refused write changed the database"


def parametrize_matrix(metafunc) -> None:
    """Hook body: classes with ``matrix_cases`` get one test per (persona, case)."""
    cases = getattr(metafunc.cls, "matrix_cases", None) if metafunc.cls else None
    if cases and "case" in metafunc.fixturenames and "persona" in metafunc.fixturenames:
        metafunc.parametrize("case", cases, ids=[c.name for c in cases])
        metafunc.parametrize("persona", PERSONAS)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
