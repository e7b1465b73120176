"""Writes of committee terms and seats. A seat of a party member takes the person's data from the
``org.Member`` record (picked by ID number or mobile within the actor's scope), as it is at the
election; ``age_at_election`` is always derived here from the birth date and the term's election date."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.scoping import Action, ScopeDenied, recheck_scope, unit_in_scope
from org.models import Member, OrgUnit

from ..choices import PartyPost, ResidentsPost
from ..models import Seat, Term, age_on
from .common import audit, field_error, load_for_update, require, snapshot

__all__ = ["seat_create", "seat_end", "seat_update", "term_create", "term_update", "seat_fields_from_member"]

TERM_FIELDS = ["number", "elected_on", "starts_on", "ends_on", "note"]


@transaction.atomic
def term_create(*, actor, community: OrgUnit, number: int, elected_on, starts_on=None, ends_on=None,
                note: str = "") -> Term:
    require(actor, Action.CHANGE, community)
    community = OrgUnit.objects.get(pk=community.pk)
    term = Term(community=community, number=number, elected_on=elected_on, starts_on=starts_on or elected_on,
                ends_on=ends_on, note=(note or "").strip())
    term.full_clean()
    term.save()
    recheck_scope(actor, Action.CHANGE, unit_id=term.community_id)
    audit(actor, "term.create", term)
    return term


@transaction.atomic
def term_update(*, actor, term: Term, **changes) -> Term:
    """Edit a term's number, dates or note; a new election date re-derives every seat's age."""
    term = load_for_update(Term, term, actor, Action.CHANGE)
    before = snapshot(term)
    unknown = set(changes) - set(TERM_FIELDS)
    if unknown:
        raise field_error("__all__", _("These fields cannot be changed here."), "not_editable")
    for field, value in changes.items():
        setattr(term, field, value.strip() if isinstance(value, str) else value)
    term.full_clean()
    term.save(update_fields=[*changes, "updated_at"])
    if "elected_on" in changes:
        seats = list(term.seats.select_for_update())
        for seat in seats:
            seat.age_at_election = age_on(seat.birth_date, term.elected_on)
        Seat.objects.bulk_update(seats, ["age_at_election"])
    recheck_scope(actor, Action.CHANGE, unit_id=term.community_id)
    audit(actor, "term.update", term, before=before, after=snapshot(term))
    return term


def seat_fields_from_member(member: Member) -> dict:
    """The person's data a seat copies from the member record (never the ID number)."""
    if not member.education:
        raise field_error("member", _("The member record has no education: complete it first."), "no_education")
    return {"person_name": member.name, "birth_date": member.birth_date, "gender": member.gender,
            "education": member.education}


def _check_posts(party_post: str, residents_post: str) -> None:
    if party_post not in PartyPost.values:
        raise field_error("party_post", _("Unknown party committee post."), "bad_post")
    if residents_post not in ResidentsPost.values:
        raise field_error("residents_post", _("Unknown residents' committee post."), "bad_post")
    if not party_post and not residents_post:
        raise field_error("party_post", _("A seat holds a post on at least one committee."), "no_post")


def _check_unique_posts(term: Term, party_post: str, residents_post: str, member_id, exclude_pk=None) -> None:
    others = Seat.objects.filter(term=term)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if party_post == PartyPost.SECRETARY and others.filter(party_post=PartyPost.SECRETARY).exists():
        raise field_error("party_post", _("This term already has a party secretary."), "secretary_taken")
    if residents_post == ResidentsPost.DIRECTOR and others.filter(residents_post=ResidentsPost.DIRECTOR).exists():
        raise field_error("residents_post", _("This term already has a director."), "director_taken")
    if member_id and others.filter(member_id=member_id).exists():
        raise field_error("member", _("This member already holds a seat in this term."), "member_taken")


def _member_in_scope(actor, member: Member | None) -> Member | None:
    if member is None:
        return None
    fresh = Member.objects.select_related("unit").filter(pk=getattr(member, "pk", member)).first()
    if fresh is None or fresh.unit is None or not unit_in_scope(actor, Action.VIEW, fresh.unit, fresh=True):
        raise ScopeDenied(Action.VIEW)
    return fresh


def _person(member, person_name, birth_date, gender, education) -> dict:
    if member is not None:
        return seat_fields_from_member(member)
    person_name = (person_name or "").strip()
    if not person_name:
        raise field_error("person_name", _("Enter the person's name."), "required")
    if birth_date is None:
        raise field_error("birth_date", _("Enter the birth date."), "required")
    return {"person_name": person_name, "birth_date": birth_date, "gender": gender, "education": education}


@transaction.atomic
def seat_create(*, actor, term: Term, party_post: str = "", residents_post: str = "", member: Member | None = None,
                person_name: str = "", birth_date=None, gender: str = "", education: str = "") -> Seat:
    """Seat a person in ``term``. A party member is given as ``member`` (their data is copied from the
    record); anyone else by name, birth date, gender and education."""
    term = load_for_update(Term, term, actor, Action.CHANGE)
    member = _member_in_scope(actor, member)
    _check_posts(party_post, residents_post)
    _check_unique_posts(term, party_post, residents_post, member.pk if member else None)
    person = _person(member, person_name, birth_date, gender, education)
    seat = Seat(term=term, member=member, party_post=party_post, residents_post=residents_post, **person)
    if seat.birth_date and seat.birth_date >= term.elected_on:
        raise field_error("birth_date", _("The birth date must be before the election."), "bad_birth_date")
    seat.age_at_election = age_on(seat.birth_date, term.elected_on) if seat.birth_date else 0
    seat.full_clean()
    try:
        with transaction.atomic():
            seat.save()
    except IntegrityError:
        raise field_error("party_post", _("The post was taken meanwhile."), "post_taken") from None
    recheck_scope(actor, Action.CHANGE, unit_id=term.community_id)
    audit(actor, "seat.create", seat, unit=term.community)
    return seat


@transaction.atomic
def seat_update(*, actor, seat: Seat, party_post: str | None = None, residents_post: str | None = None,
                person_name: str | None = None, birth_date=None, gender: str | None = None,
                education: str | None = None) -> Seat:
    """Change a seat's posts; a non-member's personal data may be corrected (a member's comes from the
    member record at the election and is not retyped)."""
    seat = load_for_update(Seat, seat, actor, Action.CHANGE)
    term = Term.objects.select_for_update().get(pk=seat.term_id)
    before = snapshot(seat)
    party_post = seat.party_post if party_post is None else party_post
    residents_post = seat.residents_post if residents_post is None else residents_post
    _check_posts(party_post, residents_post)
    _check_unique_posts(term, party_post, residents_post, seat.member_id, exclude_pk=seat.pk)
    seat.party_post, seat.residents_post = party_post, residents_post
    personal = {k: v for k, v in dict(person_name=person_name, birth_date=birth_date, gender=gender,
                                      education=education).items() if v is not None}
    if personal and seat.member_id:
        raise field_error("member", _("A member's data comes from the member record."), "member_data")
    for field, value in personal.items():
        setattr(seat, field, value.strip() if isinstance(value, str) else value)
    if seat.birth_date >= term.elected_on:
        raise field_error("birth_date", _("The birth date must be before the election."), "bad_birth_date")
    seat.age_at_election = age_on(seat.birth_date, term.elected_on)
    seat.full_clean()
    seat.save()
    recheck_scope(actor, Action.CHANGE, unit_id=term.community_id)
    audit(actor, "seat.update", seat, before=before, after=snapshot(seat), unit=term.community)
    return seat


@transaction.atomic
def seat_end(*, actor, seat: Seat, left_on) -> Seat:
    """Record that the person left the committee during the term (the seat stays in the term's roster
    as elected)."""
    seat = load_for_update(Seat, seat, actor, Action.CHANGE)
    term = Term.objects.get(pk=seat.term_id)
    if seat.left_on is not None:
        raise field_error("left_on", _("The person has already left."), "already_left")
    if left_on < term.starts_on:
        raise field_error("left_on", _("The date lies before the term starts."), "before_term")
    before = snapshot(seat)
    seat.left_on = left_on
    seat.save(update_fields=["left_on", "updated_at"])
    recheck_scope(actor, Action.CHANGE, unit_id=term.community_id)
    audit(actor, "seat.end", seat, before=before, after=snapshot(seat), unit=term.community)
    return seat


def validation_codes(exc: ValidationError) -> set[str]:
    """Codes of a ValidationError (tests, API)."""
    errors = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
    return {e.code for group in errors for e in group}
