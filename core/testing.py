"""Test helpers shared by every app's tests: the permission matrix and the write fingerprint.

Lives in the package (not under tests/) so that later apps import it the same way. The persona tree the
matrix runs on is the organisation's (``org.testing.build_persona_tree``).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Callable, Iterable

from django.db import connection

PERSONAS = ("anonymous", "norole", "district", "leader", "street", "community", "community2", "other_street")


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


def run_matrix_case(client, tree, persona: str, case: Case) -> None:
    from django.conf import settings

    from .scoping import unit_model

    user = tree.users.get(persona)
    if user is not None:
        client.force_login(user)
    url = case.url(tree)
    data = case.data(tree) if case.data else None
    watched = tuple(case.models) or (unit_model(),)
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
