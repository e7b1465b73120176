"""Reads of the new-domain party organisations (楼宇, 物业企业, 社会组织, 非公企业): the list in the user's
scope and its coverage per kind, "有形有效覆盖" as the article means it.

Coverage of the current organisations (ended ones are history) per kind, in one grouped query:
- **has a party organisation**: the row names one (``party_org_type``);
- **instructor or liaison posted**: a governance posting (``governance.Posting``) in force today into the
  organisation itself (``new_domain_org``) or into the social organisation it is the party organisation of
  (``social_org.party_org``);
- **active in the last quarter**: it took part in a held 1+N deliberation meeting in the last three months,
  through the actor it is the party organisation of (the property service of a property company, a social
  organisation). Only those two kinds have such a link in the records; for office buildings and
  non-public enterprises nothing can tell it, so their figure is ``None`` (shown as "not recorded").

The governance records are read through the app registry and the reverse relations the governance models
declare on ``NewDomainOrg``, so the organisation layer imports no governance module.
"""
from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from core.scoping import Action

from ..choices import NewDomainKind
from ..models import NewDomainOrg

# The kinds whose activity the records can tell (see the module docstring).
ACTIVITY_KINDS = (NewDomainKind.PROPERTY_COMPANY, NewDomainKind.SOCIAL_ORGANISATION)
QUARTER_DAYS = 92
MEETING_HELD = "held"  # governance.choices.MeetingState.HELD (the value stored on governance.Meeting.state)


def new_domain_org_list(*, user, action: str = Action.VIEW):
    """New-domain organisations in the user's scope, current and ended (``NewDomainOrgFilterSet`` keeps
    the current ones unless asked), with their unit; in kind and code order."""
    return (NewDomainOrg.objects.for_user(user, action).select_related("unit")
            .order_by("kind", "code", "id"))


def quarter_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last quarter, as the coverage reads it: the 92 days up to and including ``today``."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=QUARTER_DAYS - 1), today


def _posted_q(today: dt.date):
    if not apps.is_installed("governance"):
        return None
    Posting = apps.get_model("governance", "Posting")
    in_force = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return Exists(Posting.objects.filter(in_force).filter(
        Q(new_domain_org=OuterRef("pk")) | Q(social_org__party_org=OuterRef("pk"))))


def _active_q(since: dt.date, today: dt.date):
    if not apps.is_installed("governance"):
        return None
    Participant = apps.get_model("governance", "Participant")
    return Exists(Participant.objects.filter(
        attended=True, meeting__state=MEETING_HELD, meeting__held_on__gte=since, meeting__held_on__lte=today,
    ).filter(Q(property_service__party_org=OuterRef("pk")) | Q(social_org__party_org=OuterRef("pk"))))


def _pct(n, total):
    return round(n * 100 / total, 1) if total else None


def new_domain_coverage(rows, *, today: dt.date | None = None) -> list[dict]:
    """Coverage per kind of the current organisations among ``rows`` (a queryset, already scoped and
    filtered): one dict per kind, in the order of ``NewDomainKind``, with ``total``, ``with_party``,
    ``posted``, ``active`` (``None`` for a kind whose activity no record tells) and their percentages
    of ``total``. One query."""
    today = today or timezone.localdate()
    since, _today = quarter_window(today)
    aggregates = {"total": Count("id"), "with_party": Count("id", filter=~Q(party_org_type=""))}
    posted, active = _posted_q(today), _active_q(since, today)
    if posted is not None:
        aggregates["posted"] = Count("id", filter=Q(posted))
    if active is not None:
        aggregates["active"] = Count("id", filter=Q(active))
    grouped = {
        row["kind"]: row
        for row in rows.filter(ended_on__isnull=True).order_by().values("kind").annotate(**aggregates)
    }
    out = []
    for kind in NewDomainKind:
        row = grouped.get(kind.value, {})
        total = row.get("total", 0)
        entry = {"kind": kind.value, "label": kind.label, "total": total,
                 "with_party": row.get("with_party", 0), "posted": row.get("posted") if posted is not None else None,
                 "active": row.get("active", 0) if active is not None and kind in ACTIVITY_KINDS else None}
        if posted is not None and entry["posted"] is None:
            entry["posted"] = 0
        for key in ("with_party", "posted", "active"):
            entry[f"{key}_pct"] = _pct(entry[key], total) if entry[key] is not None else None
        out.append(entry)
    return out


__all__ = ["ACTIVITY_KINDS", "new_domain_coverage", "new_domain_org_list", "quarter_window"]
