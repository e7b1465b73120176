"""Reads of the governance system, scoped to the user through ``for_user``; each list one query when
evaluated (related rows joined), so list pages and the API run a constant number of queries."""
from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from core.crypto import pii_hash
from core.idcard import is_valid_id_number, normalize_id_number
from core.scoping import Action, get_object_for_user
from org.models import Member

from .choices import ADOPTED_OUTCOMES
from .models import (
    AgendaItem,
    Brand,
    Committee,
    Competition,
    Entry,
    FloatingMember,
    Meeting,
    Posting,
    SocialOrganisation,
    Topic,
    WorkItem,
)
from .models.base import current_q


def member_lookup(*, user, text: str, action: str = Action.VIEW):
    """Members in ``user``'s scope matching a full ID number or an 11-digit mobile exactly, through the
    blind indexes org keeps (no plaintext stored or compared here). Empty for anything else."""
    text = (text or "").strip()
    if is_valid_id_number(text):
        q = Q(id_number_hash=pii_hash(normalize_id_number(text)))
    elif text.isdigit() and len(text) == 11:
        q = Q(phone_hash=pii_hash(text))
    else:
        return Member.objects.none()
    return Member.objects.for_user(user, action).filter(q).select_related("unit")


def topic_list(*, user, action: str = Action.VIEW):
    return (Topic.objects.for_user(user, action, by_ids=True).select_related("unit")
            .order_by("-raised_on", "-id"))


def topic_get(*, user, pk, action: str = Action.VIEW) -> Topic:
    qs = Topic.objects.select_related("unit", "visit", "case", "committee", "social_org").prefetch_related(
        "events__actor", "agenda_items__meeting", "work_items__case", "work_items__follow_ups")
    return get_object_for_user(qs, user, action, pk=pk)


def meeting_list(*, user, action: str = Action.VIEW):
    return (Meeting.objects.for_user(user, action, by_ids=True).select_related("unit")
            .annotate(topic_count=Count("items", distinct=True),
                      adopted_count=Count("items", filter=Q(items__outcome__in=ADOPTED_OUTCOMES), distinct=True))
            .order_by("-held_on", "-id"))


def meeting_get(*, user, pk, action: str = Action.VIEW) -> Meeting:
    qs = Meeting.objects.select_related("unit").prefetch_related(
        "participants__committee", "participants__property_service__company", "participants__social_org",
        "participants__department", "participants__member", "items__topic", "items__work")
    return get_object_for_user(qs, user, action, pk=pk)


def agenda_item_get(*, user, pk, action: str = Action.VIEW) -> AgendaItem:
    return get_object_for_user(AgendaItem.objects.select_related("meeting__unit", "topic"), user, action, pk=pk)


def work_list(*, user, action: str = Action.VIEW):
    return (WorkItem.objects.for_user(user, action, by_ids=True)
            .select_related("topic__unit", "case", "committee", "property_service__company", "social_org",
                            "assignee_member")
            .order_by("due_on", "id"))


def work_get(*, user, pk, action: str = Action.VIEW) -> WorkItem:
    qs = WorkItem.objects.select_related("topic__unit", "item__meeting", "case", "committee",
                                         "property_service__company", "social_org", "assignee_member")
    return get_object_for_user(qs, user, action, pk=pk)


def social_org_list(*, user, action: str = Action.VIEW):
    day = timezone.localdate()
    posted = Posting.objects.filter(current_q(day), social_org=OuterRef("pk"))
    return (SocialOrganisation.objects.for_user(user, action, by_ids=True).select_related("unit", "party_org")
            .annotate(has_instructor=Exists(posted)).order_by("unit__tree_id", "unit__lft", "name", "id"))


def social_org_get(*, user, pk, action: str = Action.VIEW) -> SocialOrganisation:
    qs = SocialOrganisation.objects.select_related("unit", "leader_member", "party_org").prefetch_related(
        "events__member", "postings")
    return get_object_for_user(qs, user, action, pk=pk)


def posting_list(*, user, action: str = Action.VIEW):
    return (Posting.objects.for_user(user, action, by_ids=True)
            .select_related("unit", "member", "home_unit", "social_org", "new_domain_org")
            .order_by("-started_on", "-id"))


def floating_list(*, user, action: str = Action.VIEW):
    """Floating members visible to the two sides (origin or destination in scope), nobody else."""
    return (FloatingMember.objects.for_user(user, action)
            .select_related("member", "origin_unit", "destination_unit")
            .order_by("-left_on", "-id"))


def committee_list(*, user, action: str = Action.VIEW):
    return (Committee.objects.for_user(user, action, by_ids=True).select_related("unit")
            .annotate(seat_count=Count("seats", filter=Q(seats__ended_on__isnull=True), distinct=True),
                      party_seats=Count("seats", filter=Q(seats__ended_on__isnull=True, seats__member__isnull=False),
                                        distinct=True))
            .order_by("unit__tree_id", "unit__lft", "kind", "-term_start"))


def brand_list(*, user, action: str = Action.VIEW):
    return Brand.objects.for_user(user, action).select_related("unit").order_by("unit__tree_id", "unit__lft",
                                                                               "-started_on")


def competition_list(*, user):
    """Competitions the user may see (``services.competition_visible_q``): one query."""
    from .services.competition import competition_visible_q

    if not getattr(user, "pk", None):
        return Competition.objects.none()
    ids = Competition.objects.filter(competition_visible_q(user)).values("pk")
    return (Competition.objects.filter(pk__in=ids).select_related("unit")
            .annotate(entry_count=Count("entries", distinct=True)).order_by("-year", "-round", "-id"))


def competition_get(*, user, pk) -> Competition:
    """A competition the user may see, else Http404 (like a missing id)."""
    from django.http import Http404

    found = competition_list(user=user).filter(pk=pk).prefetch_related("criteria", "judges").first()
    if found is None:
        raise Http404
    return found


def entry_get_for_judge(*, user, pk) -> Entry:
    """An entry of a competition ``user`` judges, else Http404."""
    from django.http import Http404

    found = (Entry.objects.select_related("competition", "unit").prefetch_related("competition__criteria")
             .filter(pk=pk, competition__judges=user).first()) if getattr(user, "pk", None) else None
    if found is None:
        raise Http404
    return found


def committee_get(*, user, pk, action: str = Action.VIEW) -> Committee:
    return get_object_for_user(Committee.objects.select_related("unit"), user, action, pk=pk)
