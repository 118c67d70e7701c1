"""Base models shared by every app. Core imports no domain app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class BilingualNameMixin(models.Model):
    """Arabic and English (Latin) names, with `name` giving the one for the active language."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "ar")[:2]
        return self.name_en if lang == "en" and self.name_en else self.name_ar


def localized(obj: object, field: str) -> str:
    """The `<field>_en` or `<field>_ar` attribute of obj, for the active language, falling back to Arabic."""
    lang = (get_language() or "ar")[:2]
    value = getattr(obj, f"{field}_{lang}", "") or ""
    return value or getattr(obj, f"{field}_ar", "") or ""


# --- The ledger (the logic is in mahatat.core.ledger) ---------------------------------------------------------

GENESIS_HASH = "0" * 64


class LedgerIsAppendOnly(Exception):
    """A ledger row was about to be changed or deleted through the ORM."""


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk changes are refused: `update()` and `delete()` raise (and so do bulk_update and the admin's delete)."""

    def update(self, **kwargs: object) -> int:
        raise LedgerIsAppendOnly(f"{self.model._meta.label} rows cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerIsAppendOnly(f"{self.model._meta.label} rows cannot be deleted.")

    def bulk_update(self, objs: object, fields: object, batch_size: int | None = None) -> int:
        raise LedgerIsAppendOnly(f"{self.model._meta.label} rows cannot be updated.")


class AppendOnlyModel(models.Model):
    """A row is written once: save() only inserts, delete() raises."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise LedgerIsAppendOnly(f"{self._meta.label} rows cannot be changed once written.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise LedgerIsAppendOnly(f"{self._meta.label} rows cannot be deleted.")


class LedgerEntry(AppendOnlyModel):
    """One link of the hash chain: it seals the canonical JSON of a record (see docs/architecture.md)."""

    seq = models.PositiveBigIntegerField(_("sequence number"), primary_key=True)
    created_at = models.DateTimeField(_("sealed at"))
    kind = models.CharField(_("kind"), max_length=100, help_text=_("For example training.certificate."))
    record_type = models.CharField(_("record type"), max_length=100, help_text=_("app_label.model"))
    record_id = models.CharField(_("record id"), max_length=64)
    payload = models.TextField(_("payload (canonical JSON)"))
    payload_hash = models.CharField(_("payload hash"), max_length=64)
    prev_hash = models.CharField(_("previous entry's hash"), max_length=64)
    entry_hash = models.CharField(_("entry hash"), max_length=64)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["record_type", "record_id", "seq"], name="ledger_record_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="ledger_seq_from_one"),
            # Two entries can never follow the same one: the chain cannot fork.
            models.UniqueConstraint(fields=["prev_hash"], name="ledger_no_fork"),
            models.UniqueConstraint(fields=["entry_hash"], name="ledger_entry_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.record_label}"

    @property
    def record_label(self) -> str:
        return f"{self.record_type}#{self.record_id}"


class LedgerHead(models.Model):
    """The one row (pk=1) that says where the chain ends. Appending locks it, so writers take turns."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("ledger head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="ledger_head_single_row")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.entry_hash}"


class LedgerCheckpoint(AppendOnlyModel):
    """The head of the chain at a moment, signed with the platform's Ed25519 key."""

    seq = models.PositiveBigIntegerField(_("sequence number"))
    entry_hash = models.CharField(_("entry hash"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    day = models.DateField(_("day"), help_text=_("The signing day in Amman time."))
    key_id = models.CharField(_("key id"), max_length=16)
    public_key = models.CharField(_("public key (base64)"), max_length=64)
    signature = models.CharField(_("signature (base64)"), max_length=128)

    class Meta:
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")
        ordering = ["seq", "id"]
        indexes = [models.Index(fields=["day"], name="ledger_checkpoint_day_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.signed_at:%Y-%m-%d %H:%M}"
