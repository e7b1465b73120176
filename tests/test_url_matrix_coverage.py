"""Guard: every URL pattern of the project (pages and API) has a permission-matrix case.

Every test class under ``tests/`` that declares ``matrix_cases`` (and a ``test_matrix`` method, so the
cases run for every persona: anonymous, no role, in scope, out of scope, sibling) contributes its cases.
Each case's ``url(tree)`` is evaluated against one persona tree and resolved to a URL name; the test fails,
naming them, when a URL name, or an HTTP method its view accepts, has no case. A write method needs a
case of that method: a page that accepts POST needs a POST case, an API detail route a PATCH (or PUT)
and a DELETE case. No request is sent here: the matrix tests themselves do that.

A new page or endpoint therefore cannot land without a matrix case.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.views.generic.edit import ProcessFormView

import tests
from core.testing import PERSONAS, Case
from org.testing import build_persona_tree

# URL names that need no matrix case, each with the reason. Keep it short: a page or endpoint that
# shows or writes records of a unit is never listed here.
NO_MATRIX = {
    "accounts:login": "public by design: the log-in page (tests/accounts/test_login_security.py)",
    "accounts:logout": "ends one's own session, reads and writes no record",
    "api_token": "public by design: trades a password for a token (tests/org/test_api.py::test_token_auth)",
    "healthz": "public by design: the health check (tests/core/test_healthz.py)",
    "api_schema": "log-in only, no records (tests/org/test_api.py::test_schema_and_docs_need_a_log_in)",
    "api_docs": "log-in only, no records (tests/org/test_api.py::test_schema_and_docs_need_a_log_in)",
}
# Django's own admin site has its own scope tests (tests/core/test_admin_scope.py, tests/security/).
SKIP_APP_NAMES = {"admin"}

WRITE_METHODS = ("post", "put", "patch", "delete")
VIEW_METHODS = ("get", *WRITE_METHODS)


def _norm(method: str) -> str:
    """A PUT and a PATCH reach the same update code: a case of either covers both."""
    method = method.lower()
    return "patch" if method == "put" else method


def _join(route: str, sub: str) -> str:
    # the way django.urls.URLResolver.resolve joins ResolverMatch.route
    return route + sub.removeprefix("^") if route else sub


def _methods(callback) -> set[str]:
    actions = getattr(callback, "actions", None)  # a DRF viewset route: exactly the mapped methods
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if actions:
        allowed = set(getattr(cls, "http_method_names", VIEW_METHODS))
        return {_norm(m) for m in actions if m in allowed and m in VIEW_METHODS}
    if cls is None:
        return {"get", "post"}  # a function view: assume it reads and writes
    methods = {m for m in cls.http_method_names if m in VIEW_METHODS and hasattr(cls, m)}
    if getattr(cls, "put", None) is ProcessFormView.put:
        methods.discard("put")  # Django's form views alias PUT to POST; the POST case covers it
    return {_norm(m) for m in methods}


def project_patterns() -> list[tuple[str, str, set[str]]]:
    """(view name, route, methods) of every URL pattern, format-suffix twins of DRF routes left out."""
    found = []

    def walk(patterns, route="", namespaces=()):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name in SKIP_APP_NAMES:
                    continue
                ns = (*namespaces, p.namespace) if p.namespace else namespaces
                walk(p.url_patterns, _join(route, str(p.pattern)), ns)
            elif isinstance(p, URLPattern):
                if "format" in p.pattern.regex.groupindex:
                    continue  # DRF's ".json" twin of a route: same view, same name
                name = ":".join((*namespaces, p.name or f"<unnamed {p.lookup_str}>"))
                found.append((name, _join(route, str(p.pattern)), _methods(p.callback)))

    walk(get_resolver().url_patterns)
    return found


def pattern_keys(patterns) -> tuple[dict[str, set[str]], set[str]]:
    """{key: methods}; the key is the view name, plus the route for a name that several routes share
    (DRF's "api-root" of each router)."""
    routes = defaultdict(set)
    for name, route, _ in patterns:
        routes[name].add(route)
    shared = {name for name, r in routes.items() if len(r) > 1}
    keys = defaultdict(set)
    for name, route, methods in patterns:
        keys[f"{name} @ {route}" if name in shared else name] |= methods
    return dict(keys), shared


def _marked(fn, argname: str) -> list | None:
    for mark in getattr(fn, "pytestmark", []):
        if mark.name == "parametrize" and mark.args and mark.args[0] == argname:
            return list(mark.args[1])
    return None


def matrix_sources() -> tuple[dict[str, list], list[str]]:
    """{where: cases} of every matrix pytest runs under tests/: a class with ``matrix_cases`` and a
    ``test_matrix`` method (tests/conftest.py parametrises it over every persona), or a test function
    parametrised over ``case`` and ``persona``; and the problems found (a matrix that leaves personas out)."""
    sources, problems = {}, []
    for info in pkgutil.walk_packages(tests.__path__, prefix="tests."):
        if not info.name.rpartition(".")[2].startswith("test_"):
            continue
        try:
            module = importlib.import_module(info.name)
        except pytest.skip.Exception:
            continue
        for obj in vars(module).values():
            if isinstance(obj, type) and obj.__name__.startswith("Test") and obj.__module__ == module.__name__:
                if getattr(obj, "matrix_cases", None) and callable(getattr(obj, "test_matrix", None)):
                    sources[f"{obj.__module__}.{obj.__qualname__}"] = list(obj.matrix_cases)
            elif callable(obj) and getattr(obj, "__name__", "").startswith("test_") \
                    and getattr(obj, "__module__", None) == module.__name__:
                cases = [c for c in _marked(obj, "case") or () if isinstance(c, Case)]
                if not cases:
                    continue
                where = f"{obj.__module__}.{obj.__name__}"
                left_out = set(PERSONAS) - set(_marked(obj, "persona") or ())
                if left_out:
                    problems.append(f"{where}: not run for {sorted(left_out)}")
                sources[where] = cases
    return sources, problems


class _Stub:
    """Stands in for an object a class's own fixture adds to the tree (``t.m1``): any attribute, pk 1."""

    pk = id = 1

    def __getattr__(self, name):
        return self

    def __str__(self):
        return "1"

    __format__ = lambda self, spec: "1"  # noqa: E731
    __int__ = __index__ = lambda self: 1  # noqa: E731


class _Probe:
    """The persona tree, with a stub for anything a class's fixture would have added."""

    def __init__(self, tree):
        self._tree = tree

    def __getattr__(self, name):
        return getattr(self._tree, name, _Stub())


@pytest.mark.django_db
def test_every_url_pattern_has_a_matrix_case():
    patterns = project_patterns()
    keys, shared = pattern_keys(patterns)
    stale = sorted(set(NO_MATRIX) - {name for name, _, _ in patterns})
    assert not stale, f"NO_MATRIX names URL names that no longer exist: {stale}"

    probe = _Probe(build_persona_tree())
    covered = defaultdict(set)  # key -> methods with a case
    broken = []
    sources, problems = matrix_sources()
    assert not problems, "matrices that skip personas:\n  " + "\n  ".join(problems)
    for source, cases in sources.items():
        for case in cases:
            assert isinstance(case, Case), f"{source}: {case!r} is not a core.testing.Case"
            where = f"{source}::{case.name}"
            try:
                path = urlsplit(case.url(probe)).path
                match = resolve(path)
            except Resolver404:
                broken.append(f"{where}: {path} resolves to no URL pattern")
                continue
            key = f"{match.view_name} @ {match.route}" if match.view_name in shared else match.view_name
            covered[key].add(_norm(case.method))

    missing = []
    for key, methods in sorted(keys.items()):
        if key in NO_MATRIX:
            continue
        if key not in covered:
            missing.append(f"{key}: no case ({', '.join(m.upper() for m in sorted(methods))})")
        elif lacking := methods - covered[key]:
            missing.append(f"{key}: no {'/'.join(m.upper() for m in sorted(lacking))} case")
    assert not broken, "matrix cases with a URL that resolves to nothing:\n  " + "\n  ".join(broken)
    assert not missing, (
        f"{len(missing)} URL pattern(s) lack a permission-matrix case (add a core.testing.Case to a test class "
        "with matrix_cases, or, for an endpoint public by design, a commented entry in NO_MATRIX):\n  "
        + "\n  ".join(missing)
    )


def test_probe_resolves_without_the_fixture_data():
    """The stub stands in for pk-bearing attributes a class's own fixture adds."""
    assert f"/x/{_Probe(object()).m1.pk}/" == "/x/1/"
    assert str(_Probe(object()).t_req) == "1"
