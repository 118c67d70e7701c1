"""Certificates issued to citizens who completed a cohort, sealed in the platform ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enrolment import Enrolment


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def valid(self) -> CertificateQuerySet:
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """What was printed on a certificate, kept as printed: later renames do not change an issued certificate.

    The printed fields are sealed in the ledger (kind `training.certificate`) when issued; a revocation is
    sealed as `training.certificate_revocation`. The public page /verify/certificate/<code>/ checks both.
    """

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("enrolment")
    )
    # Unguessable, unambiguous (Crockford base32, no I/L/O/U), printed on the certificate and in its QR code.
    code = models.CharField(_("code"), max_length=16, unique=True)
    holder_name_ar = models.CharField(_("holder name (Arabic)"), max_length=150)
    holder_name_en = models.CharField(_("holder name (Latin letters)"), max_length=150, blank=True)
    programme_title_ar = models.CharField(_("programme (Arabic)"), max_length=200)
    programme_title_en = models.CharField(_("programme (English)"), max_length=200)
    station_name_ar = models.CharField(_("station (Arabic)"), max_length=200)
    station_name_en = models.CharField(_("station (English)"), max_length=200)
    hours = models.PositiveSmallIntegerField(_("hours"))
    issued_on = models.DateField(_("issued on"))
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/", blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("training:verify_certificate", kwargs={"code": self.code})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
