"""Party members, their org relationship over time, dual registration, part-time committee members,
membership transfers (single and batch) and roster imports.

Personal data: the ID number is never stored in clear. ``id_number_encrypted`` holds a Fernet token
(``core.crypto.encrypt_pii``), ``id_number_hash`` a keyed HMAC (``core.crypto.pii_hash``) that carries the
uniqueness constraint and exact lookups, and ``id_number_masked`` the display form ``430***********123X``
(first 3 and last 4 characters only) so that lists and exports never need to decrypt. The phone number is
kept the same way.

Where a member's org relationship sits: ``unit`` (a unit of the tree) or, while it is held outside the
tree, ``outside_unit`` (e.g. a district department's party branch for in-service members who dual-register
in their residence community, or an SOE before its retirees are transferred in). Exactly one of the two is
set (a database constraint). ``unit`` is kept by the services in step with the open ``Membership`` and is
what scoping uses.
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from core.scoping import ScopedManager, ScopedQuerySet, subtree_q

from ..choices import LEVEL_OF_KIND, Level

__all__ = [
    "CURRENT_STATUSES", "DualRegistration", "Education", "Gender", "ImportKind", "ImportRecord", "ImportState",
    "Member", "MemberCategory", "MemberQuerySet", "MemberStatus", "Membership", "MembershipReason",
    "OPEN_TRANSFER_STATES", "PartTimeMember", "RegistrationKind", "Standing", "TRANSFER_TRANSITIONS", "Transfer",
    "TransferBatch", "TransferBatchState", "TransferEvent", "TransferState", "member_fingerprint",
]


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    JUNIOR_OR_BELOW = "junior", _("Junior middle school or below")
    SENIOR = "senior", _("Senior middle / vocational school")
    JUNIOR_COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class Standing(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class MemberCategory(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    RETIRED = "retired", _("Retired")
    FLOATING = "floating", _("Floating")
    OTHER = "other", _("Other")


class MemberStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DECEASED = "deceased", _("Deceased")
    LEFT = "left", _("Left the party")


# Statuses of people who still count as members (lists, counts, figures).
CURRENT_STATUSES = (MemberStatus.NORMAL, MemberStatus.LOST_CONTACT)


class MemberQuerySet(ScopedQuerySet):
    def current(self):
        """Members who still count: not deceased, not left."""
        return self.filter(status__in=CURRENT_STATUSES)

    def in_subtree(self, unit, path: str = "unit"):
        return self.filter(subtree_q(unit, path))


MemberManager = models.Manager.from_queryset(MemberQuerySet)


def member_fingerprint(
    *, name, id_number_hash, phone_hash, education, ethnicity, joined_on, standing, category, work_unit_id,
    status, residence_id, unit_id, outside_unit_id, note,
) -> str:
    """A short digest of everything a roster row can set; equal digests mean an unchanged row."""
    parts = (
        name, id_number_hash, phone_hash, education, ethnicity, joined_on.isoformat() if joined_on else "",
        standing, category, work_unit_id or "", status, residence_id or "", unit_id or "", outside_unit_id or "",
        note,
    )
    return hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=16).hexdigest()


class Member(TimeStampedModel):
    """A party member (党员). See the module docstring for how personal data and the org relationship are kept.

    ``gender`` and ``birth_date`` are derived from the ID number by the services. ``fingerprint`` is a digest
    of the importable fields (``member_fingerprint``), recomputed on every write, so that re-importing an
    unchanged roster row costs one comparison.
    """

    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), editable=False)
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True, default="", editable=False)
    phone_hash = models.CharField(_("phone hash"), max_length=64, blank=True, default="", editable=False,
                                  db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, default="", editable=False)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True, default="")
    ethnicity = models.CharField(_("ethnicity"), max_length=16, blank=True, default="")
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    standing = models.CharField(_("standing"), max_length=16, choices=Standing.choices, default=Standing.FULL)
    category = models.CharField(
        _("category"), max_length=16, choices=MemberCategory.choices, default=MemberCategory.OTHER
    )
    work_unit = models.ForeignKey(
        "org.OutsideUnit", verbose_name=_("work unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="employed_members",
    )
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.NORMAL)
    residence = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("residence (compound or building)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="residents",
    )
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("party organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )
    outside_unit = models.ForeignKey(
        "org.OutsideUnit", verbose_name=_("party organisation outside the district tree"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="held_members",
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    fingerprint = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = MemberManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                name="member_unit_xor_outside",
                condition=(Q(unit__isnull=False, outside_unit__isnull=True)
                           | Q(unit__isnull=True, outside_unit__isnull=False)),
            ),
            models.CheckConstraint(name="member_name_not_blank", condition=~Q(name="")),
            models.CheckConstraint(name="member_id_hash_not_blank", condition=~Q(id_number_hash="")),
            models.CheckConstraint(name="member_gender_valid", condition=Q(gender__in=["M", "F"])),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="member_unit_status"),
            models.Index(fields=["birth_date"], name="member_birth"),
        ]

    def __str__(self):
        return self.name

    @property
    def age(self) -> int:
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    def compute_fingerprint(self) -> str:
        return member_fingerprint(
            name=self.name, id_number_hash=self.id_number_hash, phone_hash=self.phone_hash,
            education=self.education, ethnicity=self.ethnicity, joined_on=self.joined_on, standing=self.standing,
            category=self.category, work_unit_id=self.work_unit_id, status=self.status,
            residence_id=self.residence_id, unit_id=self.unit_id, outside_unit_id=self.outside_unit_id,
            note=self.note,
        )

    def clean(self):
        super().clean()
        errors = {}
        if self.unit_id and LEVEL_OF_KIND.get(self.unit.kind) == Level.DISTRICT:
            errors["unit"] = _("A member belongs to a street, community, compound or building organisation.")
        if bool(self.unit_id) == bool(self.outside_unit_id):
            errors["unit"] = _("A member's org relationship sits either in a unit of the tree or at an outside unit.")
        if self.residence_id and LEVEL_OF_KIND.get(self.residence.kind) not in (Level.COMPOUND, Level.BUILDING):
            errors["residence"] = _("The residence is a compound or a building.")
        if errors:
            raise ValidationError(errors)


class MembershipReason(models.TextChoices):
    CREATED = "created", _("Registered")
    IMPORTED = "imported", _("Roster import")
    TRANSFER = "transfer", _("Transfer")
    BATCH_TRANSFER = "batch_transfer", _("Batch transfer")
    CORRECTION = "correction", _("Correction")
    REORGANISED = "reorganised", _("Reorganisation")


class Membership(models.Model):
    """A member's org relationship with a unit of the tree from ``started_on`` to ``ended_on``.

    History is kept: a membership is ended, never deleted or overwritten. A member has at most one open
    membership (a partial unique constraint); the services keep ``Member.unit`` equal to its unit.
    """

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=MembershipReason.choices,
                              default=MembershipReason.CREATED)
    end_reason = models.CharField(_("reason for ending"), max_length=16, choices=MembershipReason.choices,
                                  blank=True, default="")
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["member", "-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(ended_on__isnull=True),
                                    name="membership_one_open_per_member"),
            models.CheckConstraint(name="membership_valid_range",
                                   condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on"))),
        ]

    def __str__(self):
        return f"{self.member} · {self.unit}"


class RegistrationKind(models.TextChoices):
    IN_SERVICE = "in_service", _("In-service member")
    RETIRED = "retired", _("Retired member")


def _current_q(prefix_from: str, prefix_to: str, day, *, end_inclusive: bool) -> Q:
    after = f"{prefix_to}__gte" if end_inclusive else f"{prefix_to}__gt"
    return Q(**{f"{prefix_from}__lte": day}) & (Q(**{f"{prefix_to}__isnull": True}) | Q(**{after: day}))


class DualRegistrationQuerySet(ScopedQuerySet):
    def current(self, day=None):
        """Registrations running on ``day`` (``ended_on`` is the first day no longer registered)."""
        return self.filter(_current_q("started_on", "ended_on", day or timezone.localdate(), end_inclusive=False))


class DualRegistration(models.Model):
    """双报到: an in-service or retired member registers at the community where they live and commits to
    serve there, from ``started_on`` to ``ended_on``. One open registration per member."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="dual_registrations")
    community = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="dual_registrations")
    kind = models.CharField(_("kind"), max_length=16, choices=RegistrationKind.choices)
    commitment = models.TextField(_("commitment"), blank=True, default="")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    objects = models.Manager.from_queryset(DualRegistrationQuerySet)()
    scope_unit_path = "community"

    class Meta:
        verbose_name = _("dual registration")
        verbose_name_plural = _("dual registrations")
        ordering = ["community", "-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(ended_on__isnull=True),
                                    name="dualregistration_one_open_per_member"),
            models.CheckConstraint(name="dualregistration_valid_range",
                                   condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on"))),
        ]

    def __str__(self):
        return f"{self.member} → {self.community}"

    def clean(self):
        super().clean()
        if self.community_id and LEVEL_OF_KIND.get(self.community.kind) != Level.COMMUNITY:
            raise ValidationError({"community": _("A dual registration is made at a community.")})


class PartTimeMemberQuerySet(ScopedQuerySet):
    def current(self, day=None):
        """Seats held on ``day`` (``term_to`` is the last day of the term)."""
        return self.filter(_current_q("term_from", "term_to", day or timezone.localdate(), end_inclusive=True))


class PartTimeMember(TimeStampedModel):
    """兼职委员 (大工委): a person from an outside unit (member of ours or not) seated on a street or
    community committee for a term. Ending the seat sets ``term_to``."""

    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    member = models.ForeignKey(Member, verbose_name=_("member record"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="committee_seats")
    home_unit = models.ForeignKey("org.OutsideUnit", verbose_name=_("home unit"), on_delete=models.PROTECT,
                                  related_name="part_time_members")
    post = models.CharField(_("post in home unit"), max_length=64, blank=True, default="")
    seat = models.ForeignKey("org.OrgUnit", verbose_name=_("committee"), on_delete=models.PROTECT,
                             related_name="part_time_members")
    committee_post = models.CharField(_("post on the committee"), max_length=64, blank=True, default="")
    term_from = models.DateField(_("term from"))
    term_to = models.DateField(_("term to"), null=True, blank=True)

    objects = models.Manager.from_queryset(PartTimeMemberQuerySet)()
    scope_unit_path = "seat"

    class Meta:
        verbose_name = _("part-time committee member")
        verbose_name_plural = _("part-time committee members")
        ordering = ["seat", "person_name", "pk"]
        constraints = [
            models.CheckConstraint(name="parttimemember_valid_term",
                                   condition=Q(term_to__isnull=True) | Q(term_to__gte=F("term_from"))),
            models.CheckConstraint(name="parttimemember_name_not_blank", condition=~Q(person_name="")),
        ]

    def __str__(self):
        return f"{self.person_name} · {self.seat}"

    def clean(self):
        super().clean()
        if self.seat_id and LEVEL_OF_KIND.get(self.seat.kind) not in (Level.STREET, Level.COMMUNITY):
            raise ValidationError({"seat": _("A part-time member sits on a street or community committee.")})


class TransferBatchState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")


class TransferBatch(TimeStampedModel):
    """A batch transfer (组织关系移交), e.g. one SOE's retired members to their residence communities, under
    one document number. Its items are ``Transfer`` rows; it is previewed, then completed all-or-nothing.
    ``registered_at`` is the tree unit that runs the batch (scope)."""

    source = models.ForeignKey("org.OutsideUnit", verbose_name=_("source unit"), on_delete=models.PROTECT,
                               related_name="transfer_batches")
    document_no = models.CharField(_("document number"), max_length=64)
    registered_at = models.ForeignKey("org.OrgUnit", verbose_name=_("run by"), on_delete=models.PROTECT,
                                      related_name="transfer_batches")
    state = models.CharField(_("state"), max_length=16, choices=TransferBatchState.choices,
                             default=TransferBatchState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "registered_at"

    class Meta:
        verbose_name = _("batch transfer")
        verbose_name_plural = _("batch transfers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "document_no"], name="transferbatch_unique_document"),
            models.CheckConstraint(name="transferbatch_document_not_blank", condition=~Q(document_no="")),
            models.CheckConstraint(
                name="transferbatch_completed_has_time",
                condition=~Q(state="completed") | Q(completed_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.document_no}"


class TransferState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    COMPLETED = "completed", _("Completed")


OPEN_TRANSFER_STATES = (TransferState.REQUESTED, TransferState.APPROVED)
# The allowed transitions of a transfer: from state → set of next states.
TRANSFER_TRANSITIONS = {
    TransferState.REQUESTED: {TransferState.APPROVED, TransferState.RETURNED},
    TransferState.APPROVED: {TransferState.COMPLETED, TransferState.RETURNED},
    TransferState.RETURNED: set(),
    TransferState.COMPLETED: set(),
}


class Transfer(TimeStampedModel):
    """组织关系转接: moving a member's org relationship from ``from_unit`` (or, coming in from outside the
    tree, ``from_outside``) to ``to_unit``. States: requested → approved | returned; approved → completed |
    returned. Every transition is a ``TransferEvent``; completion closes the old membership and opens the
    new one. At most one open (requested/approved) transfer per member."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="transfers")
    from_unit = models.ForeignKey("org.OrgUnit", verbose_name=pgettext_lazy("unit", "from"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="transfers_out")
    from_outside = models.ForeignKey("org.OutsideUnit", verbose_name=_("from (outside unit)"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="transfers_out")
    to_unit = models.ForeignKey("org.OrgUnit", verbose_name=pgettext_lazy("unit", "to"), on_delete=models.PROTECT,
                                related_name="transfers_in")
    letter_no = models.CharField(_("letter number"), max_length=64, blank=True, default="")
    state = models.CharField(_("state"), max_length=16, choices=TransferState.choices,
                             default=TransferState.REQUESTED)
    batch = models.ForeignKey(TransferBatch, verbose_name=_("batch"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="transfers")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("returned by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    return_reason = models.TextField(_("reason for return"), blank=True, default="")
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    # A transfer concerns both sides: in scope when its sending or its receiving unit is.
    scope_unit_path = ("from_unit", "to_unit")

    class Meta:
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(state__in=["requested", "approved"]),
                                    name="transfer_one_open_per_member"),
            models.CheckConstraint(
                name="transfer_has_one_origin",
                condition=(Q(from_unit__isnull=False, from_outside__isnull=True)
                           | Q(from_unit__isnull=True, from_outside__isnull=False)),
            ),
            models.CheckConstraint(name="transfer_not_to_itself", condition=~Q(from_unit=F("to_unit"))),
            models.CheckConstraint(name="transfer_returned_has_reason",
                                   condition=~Q(state="returned") | ~Q(return_reason="")),
            models.CheckConstraint(name="transfer_completed_has_date",
                                   condition=~Q(state="completed") | Q(completed_on__isnull=False)),
        ]
        indexes = [models.Index(fields=["state"], name="transfer_state")]

    def __str__(self):
        return f"{self.member}: {self.from_unit or self.from_outside} → {self.to_unit}"


class TransferEvent(models.Model):
    """One state change of a transfer: who, when, from which state to which, and why."""

    transfer = models.ForeignKey(Transfer, verbose_name=_("transfer"), on_delete=models.CASCADE,
                                 related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_state = models.CharField(_("from state"), max_length=16, choices=TransferState.choices, blank=True,
                                  default="")
    to_state = models.CharField(_("to state"), max_length=16, choices=TransferState.choices)
    reason = models.TextField(_("reason"), blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "transfer__to_unit"

    class Meta:
        verbose_name = _("transfer event")
        verbose_name_plural = _("transfer events")
        ordering = ["transfer", "at", "pk"]

    def __str__(self):
        return f"{self.from_state or '∅'} → {self.to_state}"


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    PREVIEWED = "previewed", _("Previewed")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class ImportKind(models.TextChoices):
    ROSTER = "roster", _("Member roster")


class ImportRecord(models.Model):
    """One import run (preview or confirm): who, when, for which scope unit, which file, the counts, the
    resulting state and the row errors (``errors_report``: a list of {row, column, code, message})."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices, default=ImportKind.ROSTER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("scope unit"), on_delete=models.PROTECT,
                             related_name="import_records")
    file_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True, default="")
    dry_run = models.BooleanField(_("preview only"), default=True)
    state = models.CharField(_("state"), max_length=16, choices=ImportState.choices, default=ImportState.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    progress = models.PositiveIntegerField(_("rows processed"), default=0)
    message = models.TextField(_("message"), blank=True, default="")
    errors_report = models.JSONField(_("error report"), default=list, blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="importrecord_counts_add_up",
                condition=Q(created__lte=F("total")) & Q(updated__lte=F("total")) & Q(skipped__lte=F("total"))
                & Q(errors__lte=F("total")),
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"
