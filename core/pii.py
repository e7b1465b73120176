"""Where encrypted personal data lives, and re-encrypting all of it with the newest PII key.

Every model field whose name ends in ``_encrypted`` holds a token made by ``core.crypto.encrypt_pii``
(empty string: no value). Core names no domain model: the fields are found by that name, so a new
encrypted column is rotated, backed up and checked without editing this module.

Rotation (``pii_rotate_all``, run by ``manage.py rotate_pii_keys``): with a new key prepended to
``PII_ENCRYPTION_KEYS`` (every process restarted with the new list), each token not made with the newest
key is re-encrypted with it. Rows are read in primary-key batches; each batch is one transaction that
locks its rows (``select_for_update``), so a member service writing the same row waits and nothing is
lost. A token already on the newest key is left alone: a second run changes nothing. One audit row for
the whole run carries the counts. The plaintext never changes, so neither do the lookup hashes
(``PII_HASH_KEY``), fingerprints or ``updated_at``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction

from .audit import record
from .crypto import DecryptionError, decrypt_pii, key_fingerprint, pii_keys, pii_token_is_current, rotate_pii
from .models import AuditLog

SUFFIX = "_encrypted"
ROTATE_ACTION = "pii.rotate"


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """(model, [field names]) for every concrete model with ``*_encrypted`` text columns, in a stable order."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.name for f in model._meta.concrete_fields
                 if f.name.endswith(SUFFIX) and isinstance(f, (models.TextField, models.CharField))]
        if names:
            found.append((model, names))
    return sorted(found, key=lambda item: item[0]._meta.label_lower)


@dataclass
class FieldCounts:
    scanned: int = 0      # non-empty tokens seen
    rotated: int = 0      # re-encrypted with the newest key
    current: int = 0      # already on the newest key: left alone
    undecryptable: int = 0  # no configured key opens it: left alone, reported

    def as_dict(self) -> dict:
        return {"scanned": self.scanned, "rotated": self.rotated, "current": self.current,
                "undecryptable": self.undecryptable}


@dataclass
class RotationReport:
    fields: dict[str, FieldCounts] = field(default_factory=dict)
    batches: int = 0
    undecryptable_rows: list[str] = field(default_factory=list)  # "label.field pk=…", capped
    dry_run: bool = False

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.fields.values())

    def as_dict(self) -> dict:
        return {
            "fields": {k: v.as_dict() for k, v in self.fields.items()},
            "scanned": self.total("scanned"), "rotated": self.total("rotated"), "current": self.total("current"),
            "undecryptable": self.total("undecryptable"), "batches": self.batches, "dry_run": self.dry_run,
            "newest_key": key_fingerprint(pii_keys()[0]), "keys_configured": len(pii_keys()),
        }


def _rotate_batch(model, names: list[str], after_pk, batch_size: int, report: RotationReport, dry_run: bool):
    """One transaction: lock up to ``batch_size`` rows after ``after_pk``, re-encrypt their stale tokens.
    Returns the last primary key seen (None when the table is done)."""
    with transaction.atomic():
        qs = model._base_manager.order_by("pk")
        if after_pk is not None:
            qs = qs.filter(pk__gt=after_pk)
        rows = list(qs.select_for_update().values_list("pk", *names)[:batch_size])
        if not rows:
            return None
        changed = {}
        for pk, *tokens in rows:
            for name, token in zip(names, tokens):
                counts = report.fields[f"{model._meta.label_lower}.{name}"]
                if not token:
                    continue
                counts.scanned += 1
                if pii_token_is_current(token):
                    counts.current += 1
                    continue
                try:
                    new = rotate_pii(token)
                except DecryptionError:
                    counts.undecryptable += 1
                    if len(report.undecryptable_rows) < 50:
                        report.undecryptable_rows.append(f"{model._meta.label_lower}.{name} pk={pk}")
                    continue
                counts.rotated += 1
                changed.setdefault(pk, {})[name] = new
        if changed and not dry_run:
            for name in names:
                objs = [model(pk=pk, **{name: values[name]}) for pk, values in changed.items() if name in values]
                if objs:
                    # bulk_update writes only the named column (no save(): updated_at, signals untouched).
                    model._base_manager.bulk_update(objs, [name], batch_size=batch_size)
        report.batches += 1
        return rows[-1][0]


def pii_rotate_all(*, actor=None, actor_username: str = "", batch_size: int = 500, dry_run: bool = False
                   ) -> RotationReport:
    """Re-encrypt every ``*_encrypted`` token not made with the newest key; one audit row with the counts
    (none for a dry run, which only counts)."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    report = RotationReport(dry_run=dry_run)
    for model, names in encrypted_fields():
        for name in names:
            report.fields[f"{model._meta.label_lower}.{name}"] = FieldCounts()
        after_pk = None
        while True:
            after_pk = _rotate_batch(model, names, after_pk, batch_size, report, dry_run)
            if after_pk is None:
                break
    if not dry_run:
        record(kind=AuditLog.Kind.WRITE, action=ROTATE_ACTION, actor=actor, actor_username=actor_username,
               object_type="pii", after=report.as_dict())
    return report


def pii_undecryptable(*, limit: int = 50) -> tuple[int, int, list[str]]:
    """(tokens checked, tokens no configured key opens, the first of those as "label.field pk=…")."""
    checked, bad, where = 0, 0, []
    for model, names in encrypted_fields():
        for pk, *tokens in model._base_manager.order_by("pk").values_list("pk", *names).iterator(chunk_size=2000):
            for name, token in zip(names, tokens):
                if not token:
                    continue
                checked += 1
                try:
                    decrypt_pii(token)
                except DecryptionError:
                    bad += 1
                    if len(where) < limit:
                        where.append(f"{model._meta.label_lower}.{name} pk={pk}")
    return checked, bad, where
