"""What the cockpit's pages and its API share: resolving ``unit`` and ``year`` in the user's scope."""
from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from core.scoping import Action
from core.web import require_any_scope

from . import selectors


class SeveralRoots(Exception):
    """No unit was given and the user's scope has several top units: the caller must choose."""

    def __init__(self, roots):
        super().__init__("several roots")
        self.roots = roots


@dataclass
class Period:
    unit: object
    year: int
    roots: list


def resolve_period(user, data: dict, *, pick_first: bool) -> Period:
    """The unit (``data["unit"]``, a code in the user's view scope: 404 otherwise, exactly like a missing
    one; without a code the user's single scope root) and the year (default: this year).

    Without a code and with several roots (a user with grants in two subtrees, a superuser over several
    trees) a page shows the first and offers the others (``pick_first``); the API raises SeveralRoots,
    like ``manage.py figures`` without ``--unit``."""
    require_any_scope(user, Action.VIEW)
    year = data.get("year") or selectors.default_year()
    code = (data.get("unit") or "").strip()
    roots = selectors.roots_for(user=user)
    if code:
        return Period(selectors.unit_for(user=user, code=code), year, roots)
    if not roots:
        raise Http404
    if len(roots) > 1 and not pick_first:
        raise SeveralRoots(roots)
    return Period(roots[0], year, roots)
