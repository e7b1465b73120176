"""Writes of members, memberships, dual registrations, part-time members and transfers.

Every function takes the acting user, runs in one transaction, checks the actor's scope before writing and
again on fresh rows after writing, and writes exactly one audit row. Refusals raise ``ScopeDenied`` (scope)
or ``ValidationError`` (rules, with a ``code``) and write nothing.

Scope rule for transfers (组织关系转接)
--------------------------------------
A transfer has a sending side (``from_unit``) and a receiving side (``to_unit``); the action is ``MOVE``.

- *request*: the sending side: MOVE over the member's current unit. The receiving unit may lie outside the
  requester's scope (a community sends a member to another street); no scope over it is needed to ask.
- *approve* and *complete*: the receiving side: MOVE over ``to_unit``. The sending side cannot push a member
  into a subtree it does not govern; the receiving side cannot pull a member out of one without a request.
- *return* (with a reason): either side: the receiving side refuses, or the sending side withdraws.
- Batch transfers from an outside unit (e.g. an SOE): the tree side is only the receiving side, so creating
  and completing the batch need MOVE over every receiving unit (and CHANGE over the unit that runs it).
A user covering both sides (a street secretary moving a member between two of their communities) does all
steps. Transfers are listed to both sides (``Transfer.objects.for_user``).
"""
from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.audit import audit_write, record, snapshot
from core.concurrency import check_version
from core.crypto import decrypt_pii, encrypt_pii, pii_hash
from core.idcard import id_birth_date, id_gender, mask_id_number, mask_phone, normalize_id_number
from core.models import AuditLog
from core.scoping import Action, ScopeDenied, require_scope, unit_in_scope

from ..choices import LEVEL_OF_KIND, Level
from ..models import (
    OPEN_TRANSFER_STATES,
    DualRegistration,
    Member,
    MemberCategory,
    Membership,
    MembershipReason,
    MemberStatus,
    OrgUnit,
    OutsideUnit,
    PartTimeMember,
    RegistrationKind,
    Standing,
    Transfer,
    TransferBatch,
    TransferBatchState,
    TransferEvent,
    TransferState,
)
from .tally import tally_shift

__all__ = [
    "MEMBER_EDITABLE_FIELDS", "dual_registration_create", "dual_registration_end", "member_create",
    "dual_registration_bulk_create", "member_bulk_create", "member_reveal_id", "member_reveal_phone", "member_snapshot", "member_update", "membership_change",
    "normalize_phone", "part_time_member_create", "part_time_member_end", "pii_fields_for_id",
    "pii_fields_for_phone", "transfer_approve", "transfer_batch_complete", "transfer_batch_create",
    "transfer_batch_preview", "transfer_complete", "transfer_request", "transfer_return",
]

MEMBER_EDITABLE_FIELDS = [
    "name", "id_number", "phone", "education", "ethnicity", "joined_on", "standing", "category", "work_unit",
    "status", "residence", "note",
]
# Fields written to the audit log for a member (never the ciphertexts or hashes).
_AUDIT_FIELDS = [
    "name", "id_number_masked", "gender", "birth_date", "phone_masked", "education", "ethnicity", "joined_on",
    "standing", "category", "work_unit", "status", "residence", "unit", "outside_unit", "note",
]
_PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def member_snapshot(member: Member | None) -> dict | None:
    return snapshot(member, _AUDIT_FIELDS)


# -- personal data ------------------------------------------------------------------------------

def pii_fields_for_id(id_number, *, normalized: bool = False, id_hash: str = "") -> dict:
    """Normalise and validate an ID number; the model fields derived from it. Raises ValidationError.

    ``normalized``: the caller already passed it through ``normalize_id_number`` (bulk paths), so the
    birth date and gender are read straight from the digits; ``id_hash`` reuses a hash already computed.
    """
    text = id_number if normalized else normalize_id_number(id_number)
    if normalized:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
        gender = "M" if int(text[16]) % 2 else "F"
    else:
        birth, gender = id_birth_date(text), id_gender(text)
    return {
        "id_number_encrypted": encrypt_pii(text),
        "id_number_hash": id_hash or pii_hash(text),
        "id_number_masked": mask_id_number(text),
        "birth_date": birth,
        "gender": gender,
    }


def normalize_phone(value) -> str:
    """'' for no phone; an 11-digit mobile or a landline like 0735-2223344; else ValidationError(code=phone)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = "".join(str(value).split()).replace("（", "(").replace("）", ")")
    if text.startswith("+86"):
        text = text[3:]
    if not text:
        return ""
    if not _PHONE_RE.match(text):
        raise ValidationError(_("Not a valid mobile or landline number."), code="phone")
    return text


def pii_fields_for_phone(phone) -> dict:
    text = normalize_phone(phone)
    if not text:
        return {"phone_encrypted": "", "phone_hash": "", "phone_masked": ""}
    return {"phone_encrypted": encrypt_pii(text), "phone_hash": pii_hash(text), "phone_masked": mask_phone(text)}


# -- helpers ------------------------------------------------------------------------------------

def _field_error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _require(actor, action: str, unit: OrgUnit | None) -> None:
    require_scope(actor, action, unit)  # fresh, in the database, inside the service's transaction


def _fresh_unit(unit_id) -> OrgUnit | None:
    return OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None


def _member_scope_unit(member: Member) -> OrgUnit | None:
    """The tree unit that governs a member: its unit, or the registering unit of its outside unit."""
    if member.unit_id:
        return _fresh_unit(member.unit_id)
    if member.outside_unit_id:
        return OrgUnit.objects.filter(outside_units__pk=member.outside_unit_id).first()
    return None


def _recheck_member(actor, action: str, member_id: int) -> Member:
    member = Member.objects.get(pk=member_id)
    _require(actor, action, _member_scope_unit(member))
    return member


def _lock_member(member) -> Member:
    return Member.objects.select_for_update().get(pk=member.pk)


def _open_membership(member: Member, unit: OrgUnit, started_on: date, reason: str, note: str = "") -> Membership:
    membership = Membership(member=member, unit=unit, started_on=started_on, reason=reason, note=note)
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationError(_("This member already has an open membership."), code="open_membership") from exc
    return membership


def _close_membership(member: Member, ended_on: date, end_reason: str) -> None:
    current = Membership.objects.select_for_update().filter(member=member, ended_on__isnull=True).first()
    if current is None:
        return
    if ended_on < current.started_on:
        raise ValidationError(
            _("The new membership cannot start before the current one (%(date)s)."),
            code="date_order", params={"date": current.started_on},
        )
    current.ended_on = ended_on
    current.end_reason = end_reason
    current.save(update_fields=["ended_on", "end_reason"])


def _check_unit_for_member(unit: OrgUnit) -> None:
    if LEVEL_OF_KIND.get(unit.kind) == Level.DISTRICT:
        raise _field_error("unit", _("A member belongs to a street, community, compound or building organisation."), "unit_level")


# -- members ------------------------------------------------------------------------------------

@transaction.atomic
def member_create(
    *, actor, name: str, id_number, unit: OrgUnit | None = None, outside_unit: OutsideUnit | None = None,
    phone="", education: str = "", ethnicity: str = "", joined_on=None, standing: str = Standing.FULL,
    category: str = MemberCategory.OTHER, work_unit: OutsideUnit | None = None, status: str = MemberStatus.NORMAL,
    residence: OrgUnit | None = None, note: str = "", started_on=None, reason: str = MembershipReason.CREATED,
) -> Member:
    """Register a member in ``unit`` (opening a membership from ``started_on``, default today), or held at
    ``outside_unit`` (e.g. a department's branch; scope: the unit the outside unit is registered at)."""
    if unit is not None:
        unit = _fresh_unit(unit.pk)
        _require(actor, Action.CHANGE, unit)
        _check_unit_for_member(unit)
    elif outside_unit is not None:
        outside_unit = OutsideUnit.objects.select_related("registered_at").get(pk=outside_unit.pk)
        _require(actor, Action.CHANGE, outside_unit.registered_at)
    else:
        raise _field_error("unit", _("Choose the member's party organisation."), "required")
    try:
        pii = pii_fields_for_id(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc}) from exc
    try:
        phone_fields = pii_fields_for_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc}) from exc
    if Member.objects.filter(id_number_hash=pii["id_number_hash"]).exists():
        raise ValidationError({"id_number": ValidationError(_("A member with this ID number is already registered."),
                                                            code="duplicate")})
    member = Member(
        name=(name or "").strip(), unit=unit, outside_unit=outside_unit, education=education,
        ethnicity=(ethnicity or "").strip(), joined_on=joined_on, standing=standing, category=category,
        work_unit=work_unit, status=status, residence=residence, note=note, **pii, **phone_fields,
    )
    member.fingerprint = member.compute_fingerprint()
    member.full_clean()
    member.save()
    tally_shift(after=[(member.unit_id, member.status)])
    if unit is not None:
        _open_membership(member, unit, started_on or timezone.localdate(), reason)
    member = _recheck_member(actor, Action.CHANGE, member.pk)
    audit_write(actor=actor, action="member.create", obj=member, after=member_snapshot(member))
    return member


@transaction.atomic
def member_update(*, actor, member: Member, version: str | None = None, **changes) -> Member:
    """Edit a member's own fields. The org relationship changes through ``membership_change`` or a transfer.
    ``version`` (``core.concurrency.version_of`` as the editor read it) refuses a stale edit."""
    unknown = set(changes) - set(MEMBER_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    member = _lock_member(member)
    _require(actor, Action.CHANGE, _member_scope_unit(member))
    check_version(member, version)
    before = member_snapshot(member)
    counted_before = (member.unit_id, member.status)
    fields: set[str] = set()
    if "id_number" in changes:
        try:
            pii = pii_fields_for_id(changes.pop("id_number"))
        except ValidationError as exc:
            raise ValidationError({"id_number": exc}) from exc
        if pii["id_number_hash"] != member.id_number_hash:
            if Member.objects.filter(id_number_hash=pii["id_number_hash"]).exclude(pk=member.pk).exists():
                raise ValidationError({"id_number": ValidationError(
                    _("A member with this ID number is already registered."), code="duplicate")})
            for key, value in pii.items():
                setattr(member, key, value)
            fields.update(pii)
    if "phone" in changes:
        try:
            phone_fields = pii_fields_for_phone(changes.pop("phone"))
        except ValidationError as exc:
            raise ValidationError({"phone": exc}) from exc
        if phone_fields["phone_hash"] != member.phone_hash:
            for key, value in phone_fields.items():
                setattr(member, key, value)
            fields.update(phone_fields)
    for field, value in changes.items():
        setattr(member, field, value.strip() if isinstance(value, str) and field in ("name", "ethnicity") else value)
        fields.add(field)
    member.fingerprint = member.compute_fingerprint()
    member.full_clean()
    member.save(update_fields=sorted(fields | {"fingerprint", "updated_at"}))
    tally_shift(before=[counted_before], after=[(member.unit_id, member.status)])
    member = _recheck_member(actor, Action.CHANGE, member.pk)
    audit_write(actor=actor, action="member.update", obj=member, before=before, after=member_snapshot(member))
    return member


def _reveal(actor, member: Member, field: str) -> str:
    member = Member.objects.get(pk=member.pk)
    _require(actor, Action.REVEAL, _member_scope_unit(member))
    token = member.id_number_encrypted if field == "id_number" else member.phone_encrypted
    value = decrypt_pii(token) if token else ""
    record(kind=AuditLog.Kind.REVEAL, action=f"member.reveal_{field}", actor=actor, obj=member,
           unit=_member_scope_unit(member))
    return value


@transaction.atomic
def member_reveal_id(*, actor, member: Member) -> str:
    """The member's ID number in clear, for roles with REVEAL over the member; audited (kind reveal)."""
    return _reveal(actor, member, "id_number")


@transaction.atomic
def member_reveal_phone(*, actor, member: Member) -> str:
    return _reveal(actor, member, "phone")


@transaction.atomic
def membership_change(*, actor, member: Member, unit: OrgUnit, started_on=None,
                      reason: str = MembershipReason.CORRECTION, note: str = "") -> Member:
    """Move a member's org relationship directly, when the actor governs both the old and the new unit
    (MOVE on both; otherwise it is a transfer). Closes the open membership and opens a new one."""
    member = _lock_member(member)
    unit = _fresh_unit(unit.pk)
    _require(actor, Action.MOVE, _member_scope_unit(member))
    _require(actor, Action.MOVE, unit)
    _check_unit_for_member(unit)
    if member.unit_id == unit.pk:
        raise _field_error("unit", _("The member already belongs to this unit."), "unchanged")
    before = member_snapshot(member)
    day = started_on or timezone.localdate()
    _close_membership(member, day, reason)
    _open_membership(member, unit, day, reason, note)
    counted_before = (member.unit_id, member.status)
    member.unit = unit
    member.outside_unit = None
    member.fingerprint = member.compute_fingerprint()
    member.save(update_fields=["unit", "outside_unit", "fingerprint", "updated_at"])
    tally_shift(before=[counted_before], after=[(member.unit_id, member.status)])
    member = _recheck_member(actor, Action.MOVE, member.pk)
    audit_write(actor=actor, action="membership.change", obj=member, before=before, after=member_snapshot(member))
    return member


@transaction.atomic
def member_bulk_create(*, actor, specs: list[dict], started_on=None,
                       reason: str = MembershipReason.CREATED) -> int:
    """Register many members at once (the demo, migrations of existing rosters): the bulk sibling of
    ``member_create`` with the same rules, scope checked once per distinct unit, one audit row.

    ``specs``: dicts of ``member_create`` keyword arguments (``unit`` or ``outside_unit`` as objects).
    Raises ValidationError (naming the 1-based item) or ScopeDenied and writes nothing then.
    """
    day = started_on or timezone.localdate()
    checked: set = set()
    members: list[Member] = []
    for index, spec in enumerate(specs, start=1):
        spec = dict(spec)
        unit, outside = spec.pop("unit", None), spec.pop("outside_unit", None)
        scope_unit = unit if unit is not None else (outside.registered_at if outside is not None else None)
        key = (scope_unit.pk if scope_unit else None)
        if key not in checked:
            _require(actor, Action.CHANGE, scope_unit)
            if unit is not None:
                _check_unit_for_member(unit)
            checked.add(key)
        try:
            pii = pii_fields_for_id(spec.pop("id_number"))
            phone = pii_fields_for_phone(spec.pop("phone", ""))
        except ValidationError as exc:
            raise ValidationError(_("Item %(n)s: %(reason)s") % {"n": index, "reason": _reason_text(exc)},
                                  code="item") from exc
        member = Member(unit=unit, outside_unit=outside, **spec, **pii, **phone)
        member.name = member.name.strip()
        if not member.name or bool(member.unit_id) == bool(member.outside_unit_id):
            raise ValidationError(_("Item %(n)s: %(reason)s") % {"n": index, "reason": _("incomplete")}, code="item")
        member.fingerprint = member.compute_fingerprint()
        members.append(member)
    hashes = [m.id_number_hash for m in members]
    if len(set(hashes)) != len(hashes) or any(
        Member.objects.filter(id_number_hash__in=hashes[i:i + 1000]).exists() for i in range(0, len(hashes), 1000)
    ):
        raise ValidationError(_("A member with this ID number is already registered."), code="duplicate")
    Member.objects.bulk_create(members, batch_size=1000)
    tally_shift(after=[(m.unit_id, m.status) for m in members])
    Membership.objects.bulk_create(
        [Membership(member_id=m.pk, unit_id=m.unit_id, started_on=day, reason=reason) for m in members if m.unit_id],
        batch_size=1000)
    audit_write(actor=actor, action="member.bulk_create", obj=None,
                unit=next(iter(members)).unit if members and members[0].unit_id else None,
                after={"members": len(members)})
    return len(members)


# -- dual registration and part-time members ----------------------------------------------------

_KIND_FOR_CATEGORY = {MemberCategory.IN_SERVICE: RegistrationKind.IN_SERVICE,
                      MemberCategory.RETIRED: RegistrationKind.RETIRED}


@transaction.atomic
def dual_registration_create(*, actor, member: Member, community: OrgUnit, started_on=None, commitment: str = "",
                             kind: str | None = None) -> DualRegistration:
    """Register an in-service or retired member at the community where they live (CHANGE over it)."""
    community = _fresh_unit(community.pk)
    _require(actor, Action.CHANGE, community)
    member = _lock_member(member)
    expected = _KIND_FOR_CATEGORY.get(member.category)
    if expected is None or (kind and kind != expected):
        raise _field_error("kind", _("Only in-service and retired members dual-register, in their own category."), "category")
    if member.status not in (MemberStatus.NORMAL, MemberStatus.LOST_CONTACT):
        raise _field_error("member", _("This person is no longer a member."), "status")
    if DualRegistration.objects.filter(member=member, ended_on__isnull=True).exists():
        raise _field_error("member", _("This member is already registered at a community."), "duplicate")
    registration = DualRegistration(member=member, community=community, kind=expected, commitment=commitment,
                                    started_on=started_on or timezone.localdate())
    registration.full_clean()
    registration.save()
    _require(actor, Action.CHANGE, _fresh_unit(registration.community_id))
    audit_write(actor=actor, action="dual_registration.create", obj=registration, after=snapshot(registration))
    return registration


@transaction.atomic
def dual_registration_bulk_create(*, actor, items: list[tuple[Member, OrgUnit, str]], started_on) -> int:
    """Many registrations at once: ``items`` of (member, community, commitment); the same rules as
    ``dual_registration_create``, scope checked per distinct community, one audit row."""
    communities = {c.pk: c for c in OrgUnit.objects.filter(pk__in={c.pk for _m, c, _t in items})}
    for community in communities.values():
        _require(actor, Action.CHANGE, community)
        if LEVEL_OF_KIND.get(community.kind) != Level.COMMUNITY:
            raise _field_error("community", _("A dual registration is made at a community."), "level")
    member_ids = [m.pk for m, _c, _t in items]
    if len(set(member_ids)) != len(member_ids) or DualRegistration.objects.filter(
            member_id__in=member_ids, ended_on__isnull=True).exists():
        raise _field_error("member", _("This member is already registered at a community."), "duplicate")
    rows = []
    for member, community, commitment in items:
        kind = _KIND_FOR_CATEGORY.get(member.category)
        if kind is None or member.status not in (MemberStatus.NORMAL, MemberStatus.LOST_CONTACT):
            raise _field_error("kind", _("Only in-service and retired members dual-register, in their own "
                                             "category."), "category")
        rows.append(DualRegistration(member_id=member.pk, community_id=community.pk, kind=kind,
                                     commitment=commitment, started_on=started_on))
    DualRegistration.objects.bulk_create(rows, batch_size=1000)
    audit_write(actor=actor, action="dual_registration.bulk_create", obj=None, after={"registrations": len(rows)})
    return len(rows)


@transaction.atomic
def dual_registration_end(*, actor, registration: DualRegistration, ended_on=None) -> DualRegistration:
    registration = DualRegistration.objects.select_for_update().get(pk=registration.pk)
    _require(actor, Action.CHANGE, _fresh_unit(registration.community_id))
    if registration.ended_on is not None:
        raise ValidationError(_("This registration has already ended."), code="ended")
    before = snapshot(registration)
    registration.ended_on = ended_on or timezone.localdate()
    registration.full_clean()
    registration.save(update_fields=["ended_on"])
    audit_write(actor=actor, action="dual_registration.end", obj=registration, before=before,
                after=snapshot(registration))
    return registration


@transaction.atomic
def part_time_member_create(*, actor, seat: OrgUnit, person_name: str, home_unit: OutsideUnit, term_from,
                            post: str = "", committee_post: str = "", term_to=None,
                            member: Member | None = None) -> PartTimeMember:
    """Seat a person from an outside unit on a street or community committee (CHANGE over the seat)."""
    seat = _fresh_unit(seat.pk)
    _require(actor, Action.CHANGE, seat)
    obj = PartTimeMember(seat=seat, person_name=(person_name or "").strip(), home_unit=home_unit, post=post,
                         committee_post=committee_post, term_from=term_from, term_to=term_to, member=member)
    obj.full_clean()
    obj.save()
    _require(actor, Action.CHANGE, _fresh_unit(obj.seat_id))
    audit_write(actor=actor, action="part_time_member.create", obj=obj, after=snapshot(obj))
    return obj


@transaction.atomic
def part_time_member_end(*, actor, part_time_member: PartTimeMember, ended_on=None) -> PartTimeMember:
    obj = PartTimeMember.objects.select_for_update().get(pk=part_time_member.pk)
    _require(actor, Action.CHANGE, _fresh_unit(obj.seat_id))
    day = ended_on or timezone.localdate()
    if obj.term_to is not None and obj.term_to < day:
        raise ValidationError(_("This term has already ended."), code="ended")
    before = snapshot(obj)
    obj.term_to = day
    obj.full_clean()
    obj.save(update_fields=["term_to", "updated_at"])
    audit_write(actor=actor, action="part_time_member.end", obj=obj, before=before, after=snapshot(obj))
    return obj


# -- single transfers -----------------------------------------------------------------------------

def _refuse_transition(transfer: Transfer, to_state: str):
    return ValidationError(
        _("A transfer in state “%(state)s” cannot become “%(to)s”."),
        code="invalid_transition",
        params={"state": transfer.get_state_display(), "to": TransferState(to_state).label},
    )


def _event(transfer: Transfer, actor, from_state: str, to_state: str, reason: str = "") -> TransferEvent:
    return TransferEvent.objects.create(transfer=transfer, actor=actor if getattr(actor, "pk", None) else None,
                                        from_state=from_state, to_state=to_state, reason=reason)


def _lock_transfer(transfer) -> Transfer:
    return Transfer.objects.select_for_update().get(pk=transfer.pk)


@transaction.atomic
def transfer_request(*, actor, member: Member, to_unit: OrgUnit, letter_no: str = "", note: str = "") -> Transfer:
    """The sending side asks to move ``member`` to ``to_unit`` (MOVE over the member's unit)."""
    member = _lock_member(member)
    if member.unit_id is None:
        raise _field_error("member", _("This member's org relationship is held outside the district; "
                                           "it comes in by a batch transfer."), "outside")
    from_unit = _fresh_unit(member.unit_id)
    _require(actor, Action.MOVE, from_unit)
    to_unit = _fresh_unit(to_unit.pk)
    _check_unit_for_member(to_unit)
    if to_unit.pk == from_unit.pk:
        raise _field_error("to_unit", _("The member already belongs to this unit."), "unchanged")
    if Transfer.objects.filter(member=member, state__in=[TransferState.REQUESTED, TransferState.APPROVED]).exists():
        raise _field_error("member", _("This member already has a transfer under way."), "open_transfer")
    transfer = Transfer(member=member, from_unit=from_unit, to_unit=to_unit, letter_no=(letter_no or "").strip(),
                        note=note, state=TransferState.REQUESTED,
                        requested_by=actor if getattr(actor, "pk", None) else None)
    transfer.full_clean(validate_constraints=False)
    transfer.save()
    _event(transfer, actor, "", TransferState.REQUESTED)
    _require(actor, Action.MOVE, _fresh_unit(Member.objects.get(pk=member.pk).unit_id))
    audit_write(actor=actor, action="transfer.request", obj=transfer, after=snapshot(transfer))
    return transfer


@transaction.atomic
def transfer_approve(*, actor, transfer: Transfer, reason: str = "") -> Transfer:
    """The receiving side accepts (MOVE over ``to_unit``): requested → approved."""
    transfer = _lock_transfer(transfer)
    _require(actor, Action.MOVE, _fresh_unit(transfer.to_unit_id))
    if transfer.state != TransferState.REQUESTED:
        raise _refuse_transition(transfer, TransferState.APPROVED)
    before = snapshot(transfer)
    transfer.state = TransferState.APPROVED
    transfer.save(update_fields=["state", "updated_at"])
    _event(transfer, actor, TransferState.REQUESTED, TransferState.APPROVED, reason)
    audit_write(actor=actor, action="transfer.approve", obj=transfer, before=before, after=snapshot(transfer))
    return transfer


@transaction.atomic
def transfer_return(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """Either side sends the transfer back with a reason: requested/approved → returned."""
    transfer = _lock_transfer(transfer)
    receiving = unit_in_scope(actor, Action.MOVE, _fresh_unit(transfer.to_unit_id), fresh=True)
    sending = transfer.from_unit_id and unit_in_scope(
        actor, Action.MOVE, _fresh_unit(transfer.from_unit_id), fresh=True
    )
    if not (receiving or sending):
        raise ScopeDenied(Action.MOVE)
    if transfer.state not in (TransferState.REQUESTED, TransferState.APPROVED):
        raise _refuse_transition(transfer, TransferState.RETURNED)
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", _("Say why the transfer is returned."), "required")
    before = snapshot(transfer)
    from_state = transfer.state
    transfer.state = TransferState.RETURNED
    transfer.return_reason = reason
    transfer.returned_by = actor if getattr(actor, "pk", None) else None
    transfer.save(update_fields=["state", "return_reason", "returned_by", "updated_at"])
    _event(transfer, actor, from_state, TransferState.RETURNED, reason)
    if transfer.batch_id:
        _settle_batch(transfer.batch_id, actor)
    audit_write(actor=actor, action="transfer.return", obj=transfer, before=before, after=snapshot(transfer))
    return transfer


@transaction.atomic
def transfer_complete(*, actor, transfer: Transfer, completed_on=None) -> Transfer:
    """The receiving side completes an approved transfer (MOVE over ``to_unit``): the old membership is
    closed and a new one opened in ``to_unit``."""
    transfer = _lock_transfer(transfer)
    to_unit = _fresh_unit(transfer.to_unit_id)
    _require(actor, Action.MOVE, to_unit)
    if transfer.state != TransferState.APPROVED:
        raise _refuse_transition(transfer, TransferState.COMPLETED)
    member = _lock_member(transfer.member)
    if transfer.from_unit_id and member.unit_id != transfer.from_unit_id:
        raise ValidationError(_("The member no longer belongs to the sending unit."), code="stale")
    if transfer.from_outside_id and member.outside_unit_id != transfer.from_outside_id:
        raise ValidationError(_("The member no longer belongs to the sending unit."), code="stale")
    day = completed_on or timezone.localdate()
    before = snapshot(transfer)
    reason = MembershipReason.BATCH_TRANSFER if transfer.batch_id else MembershipReason.TRANSFER
    _close_membership(member, day, reason)
    _open_membership(member, to_unit, day, reason, note=transfer.letter_no)
    counted_before = (member.unit_id, member.status)
    member.unit = to_unit
    member.outside_unit = None
    member.fingerprint = member.compute_fingerprint()
    member.save(update_fields=["unit", "outside_unit", "fingerprint", "updated_at"])
    tally_shift(before=[counted_before], after=[(member.unit_id, member.status)])
    transfer.state = TransferState.COMPLETED
    transfer.completed_on = day
    transfer.save(update_fields=["state", "completed_on", "updated_at"])
    _event(transfer, actor, TransferState.APPROVED, TransferState.COMPLETED)
    if transfer.batch_id:
        _settle_batch(transfer.batch_id, actor)
    _require(actor, Action.MOVE, _fresh_unit(Member.objects.get(pk=member.pk).unit_id))
    audit_write(actor=actor, action="transfer.complete", obj=transfer, before=before, after=snapshot(transfer))
    return transfer


# -- batch transfers ----------------------------------------------------------------------------

_CHUNK = 1000


def _row_error(row: int, column: str, reason) -> ValidationError:
    message = _("Row %(row)s, %(column)s: %(reason)s") % {"row": row, "column": column, "reason": reason}
    return ValidationError(message, code="row")


def _reason_text(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


@transaction.atomic
def transfer_batch_create(*, actor, source: OutsideUnit, document_no: str, registered_at: OrgUnit,
                          items: list[dict], note: str = "", started_on=None) -> TransferBatch:
    """A draft batch moving people held at ``source`` (e.g. an SOE's retirees) to units of the tree.

    ``items``: dicts with ``name``, ``id_number``, ``to_unit`` (OrgUnit) and optionally ``phone``,
    ``residence``, ``education``, ``ethnicity``, ``joined_on``, ``standing``, ``category`` (default retired).
    A person not yet registered is created as a member held at ``source``; a registered one must be held
    there already. Any bad item refuses the whole batch (row-numbered errors), writing nothing.
    """
    registered_at = _fresh_unit(registered_at.pk)
    _require(actor, Action.CHANGE, registered_at)
    to_ids = {item["to_unit"].pk for item in items}
    to_units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=to_ids)}
    for unit in to_units.values():
        _require(actor, Action.MOVE, unit)
        _check_unit_for_member(unit)
    batch = TransferBatch(source=source, document_no=(document_no or "").strip(), registered_at=registered_at,
                          created_by=actor if getattr(actor, "pk", None) else None, note=note)
    batch.full_clean()
    batch.save()
    errors: list[ValidationError] = []
    seen: dict[str, int] = {}
    actor_or_none = actor if getattr(actor, "pk", None) else None
    for start in range(0, len(items), _CHUNK):
        chunk = [(item.get("row", index), item)
                 for index, item in enumerate(items[start:start + _CHUNK], start=start + 1)]
        prepared = []
        for row, item in chunk:
            try:
                pii = pii_fields_for_id(item["id_number"])
            except ValidationError as exc:
                errors.append(_row_error(row, _("ID number"), _reason_text(exc)))
                continue
            if pii["id_number_hash"] in seen:
                errors.append(_row_error(row, _("ID number"), _("same person as row %(row)s") % {
                    "row": seen[pii["id_number_hash"]]}))
                continue
            seen[pii["id_number_hash"]] = row
            prepared.append((row, item, pii))
        existing = {m.id_number_hash: m for m in Member.objects.filter(
            id_number_hash__in=[p[2]["id_number_hash"] for p in prepared])}
        open_transfers = set(Transfer.objects.filter(
            member__in=[m.pk for m in existing.values()], state__in=[TransferState.REQUESTED, TransferState.APPROVED]
        ).values_list("member_id", flat=True))
        new_members, pairs = [], []
        for row, item, pii in prepared:
            member = existing.get(pii["id_number_hash"])
            if member is not None:
                if member.outside_unit_id != source.pk or member.pk in open_transfers:
                    errors.append(_row_error(row, _("ID number"),
                                             _("this member is not held at the source unit or is being transferred")))
                    continue
            else:
                try:
                    phone = pii_fields_for_phone(item.get("phone", ""))
                except ValidationError as exc:
                    errors.append(_row_error(row, _("Phone"), _reason_text(exc)))
                    continue
                member = Member(
                    name=(item.get("name") or "").strip(), outside_unit=source, unit=None,
                    education=item.get("education", ""), ethnicity=item.get("ethnicity", ""),
                    joined_on=item.get("joined_on"), standing=item.get("standing", Standing.FULL),
                    category=item.get("category", MemberCategory.RETIRED), residence=item.get("residence"),
                    status=MemberStatus.NORMAL, note=(item.get("note") or "")[:200], **pii, **phone,
                )
                if not member.name:
                    errors.append(_row_error(row, pgettext("person", "Name"), _("required")))
                    continue
                member.fingerprint = member.compute_fingerprint()
                new_members.append(member)
            pairs.append((member, to_units[item["to_unit"].pk]))
        if errors:
            continue
        Member.objects.bulk_create(new_members, batch_size=_CHUNK)
        transfers = Transfer.objects.bulk_create([
            Transfer(member=m, from_outside=source, to_unit=u, letter_no=batch.document_no, batch=batch,
                     state=TransferState.REQUESTED, requested_by=actor_or_none) for m, u in pairs
        ], batch_size=_CHUNK)
        TransferEvent.objects.bulk_create([
            TransferEvent(transfer=t, actor=actor_or_none, from_state="", to_state=TransferState.REQUESTED)
            for t in transfers
        ], batch_size=_CHUNK)
    if errors:
        raise ValidationError(errors)
    audit_write(actor=actor, action="transfer_batch.create", obj=batch,
                after={**snapshot(batch), "items": len(items)})
    return batch


def transfer_batch_preview(*, user, batch: TransferBatch) -> dict:
    """What completing ``batch`` would do, and why it cannot (read only, a fixed number of queries).

    Items already completed or returned one by one (the receiving side acting as for a single transfer)
    are settled: completing the batch moves the open ones (requested or approved) only.
    ``{"total", "open", "by_state": {state: n}, "by_unit": [(unit, open count)], "problems":
    [(transfer_id, code)], "can_complete"}``."""
    from django.db.models import Count

    transfers = Transfer.objects.filter(batch=batch)
    by_state = {r["state"]: r["n"] for r in transfers.values("state").annotate(n=Count("id")).order_by("state")}
    open_items = transfers.filter(state__in=OPEN_TRANSFER_STATES)
    by_unit_rows = list(open_items.values("to_unit").annotate(n=Count("id")).order_by("to_unit"))
    units = OrgUnit.objects.in_bulk([r["to_unit"] for r in by_unit_rows])
    problems = []
    for row in by_unit_rows:
        if not unit_in_scope(user, Action.MOVE, units[row["to_unit"]]):
            problems.append((None, "scope"))
    for pk, unit_id, outside_id in open_items.values_list("pk", "member__unit_id", "member__outside_unit_id"):
        if outside_id != batch.source_id or unit_id is not None:
            problems.append((pk, "stale"))
    open_count = sum(r["n"] for r in by_unit_rows)
    return {
        "total": sum(by_state.values()),
        "open": open_count,
        "by_state": by_state,
        "by_unit": [(units[r["to_unit"]], r["n"]) for r in by_unit_rows],
        "problems": problems,
        "can_complete": batch.state == TransferBatchState.DRAFT and not problems and open_count > 0,
    }


def _settle_batch(batch_id, actor) -> bool:
    """After an item of a draft batch was completed or returned on its own: once no item is open and at
    least one was completed, the batch is completed (inside the caller's transaction and audit row)."""
    batch = TransferBatch.objects.select_for_update().filter(pk=batch_id, state=TransferBatchState.DRAFT).first()
    if batch is None or Transfer.objects.filter(batch_id=batch_id, state__in=OPEN_TRANSFER_STATES).exists():
        return False
    if not Transfer.objects.filter(batch_id=batch_id, state=TransferState.COMPLETED).exists():
        return False
    batch.state = TransferBatchState.COMPLETED
    batch.completed_at = timezone.now()
    batch.completed_by = actor if getattr(actor, "pk", None) else None
    batch.save(update_fields=["state", "completed_at", "completed_by", "updated_at"])
    return True


@transaction.atomic
def transfer_batch_complete(*, actor, batch: TransferBatch, completed_on=None) -> TransferBatch:
    """Complete every transfer of a draft batch at once (MOVE over every receiving unit), or none."""
    batch = TransferBatch.objects.select_for_update().get(pk=batch.pk)
    _require(actor, Action.CHANGE, _fresh_unit(batch.registered_at_id))
    if batch.state != TransferBatchState.DRAFT:
        raise ValidationError(_("This batch has already been completed."), code="invalid_transition")
    preview = transfer_batch_preview(user=actor, batch=batch)
    if any(code == "scope" for _pk, code in preview["problems"]):
        raise ScopeDenied(Action.MOVE)
    if preview["problems"] or not preview["open"]:
        raise ValidationError(_("Some transfers of this batch cannot be completed."), code="problems")
    day = completed_on or timezone.localdate()
    now = timezone.now()
    actor_or_none = actor if getattr(actor, "pk", None) else None
    transfer_ids = list(Transfer.objects.filter(batch=batch, state__in=OPEN_TRANSFER_STATES).order_by("pk")
                        .values_list("pk", flat=True))
    counted_after: list[tuple] = []  # the members' counters move once, after every chunk
    for start in range(0, len(transfer_ids), _CHUNK):
        ids = transfer_ids[start:start + _CHUNK]
        transfers = list(Transfer.objects.select_for_update().filter(pk__in=ids, state__in=OPEN_TRANSFER_STATES))
        members = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=[t.member_id for t in transfers])}
        memberships, events = [], []
        for t in transfers:
            member = members[t.member_id]
            if len(transfers) != len(ids) or member.outside_unit_id != batch.source_id or member.unit_id is not None:
                raise ValidationError(_("Some transfers of this batch cannot be completed."), code="problems")
            member.unit_id = t.to_unit_id
            member.outside_unit_id = None
            member.fingerprint = member.compute_fingerprint()
            member.updated_at = now
            memberships.append(Membership(member_id=member.pk, unit_id=t.to_unit_id, started_on=day,
                                          reason=MembershipReason.BATCH_TRANSFER, note=batch.document_no))
            if t.state == TransferState.REQUESTED:
                events.append(TransferEvent(transfer=t, actor=actor_or_none, at=now,
                                            from_state=TransferState.REQUESTED, to_state=TransferState.APPROVED))
            events.append(TransferEvent(transfer=t, actor=actor_or_none, at=now,
                                        from_state=TransferState.APPROVED, to_state=TransferState.COMPLETED))
        Member.objects.bulk_update(list(members.values()), ["unit", "outside_unit", "fingerprint", "updated_at"])
        counted_after.extend((m.unit_id, m.status) for m in members.values())  # held outside before: not counted
        Membership.objects.bulk_create(memberships)
        Transfer.objects.filter(pk__in=ids).update(state=TransferState.COMPLETED, completed_on=day, updated_at=now)
        TransferEvent.objects.bulk_create(events)
    tally_shift(after=counted_after)
    before = snapshot(batch)
    batch.state = TransferBatchState.COMPLETED
    batch.completed_at = now
    batch.completed_by = actor_or_none
    batch.save(update_fields=["state", "completed_at", "completed_by", "updated_at"])
    # Re-check on fresh rows: every receiving unit still in the actor's scope.
    for unit in OrgUnit.objects.filter(pk__in=[u.pk for u, _n in preview["by_unit"]]):
        _require(actor, Action.MOVE, unit)
    audit_write(actor=actor, action="transfer_batch.complete", obj=batch, before=before,
                after={**snapshot(batch), "members": len(transfer_ids)})
    return batch
