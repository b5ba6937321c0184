"""The service-record ledger (工作台账): every person a unit served, entered by the unit."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.lib.phonefields import EncryptedPhone


def new_rating_code() -> str:
    """The code printed on a receipt: it opens the rating page for this record (/r/<code>)."""
    return "R" + secrets.token_urlsafe(9)


class ServiceRecord(EncryptedPhone):
    """One case (办件) or one person served; the applicant's phone is encrypted (EncryptedPhone).

    District, unit and window have no single-column index of their own: the composite indexes below lead with them
    (every index costs the bulk ingest about as much as the insert itself, see BENCHMARKS.md P2). Item and
    entered_by have none: no read selects records by them alone.

    No foreign key is a database constraint (decision 0017): a constraint check per row and reference cost the bulk
    ingest more than the insert and all its indexes. Every id is checked against the catalogue by the validator,
    the staging write checks the referenced rows once per batch in SQL (and locks them, as a constraint check
    would), and ``on_delete=PROTECT`` still refuses, in the ORM, to delete a catalogue row that records use.
    """

    class Stage(models.TextChoices):
        RECEIVED = "received", _("接件")
        ACCEPTED = "accepted", _("受理")
        FINISHED = "finished", _("办结")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("接口上传")
        IMPORT = "import", _("文件导入")
        MANUAL = "manual", _("手工录入")
        DEMO = "demo", _("演示数据")

    id = models.BigAutoField(primary_key=True)
    district = models.ForeignKey(
        "catalog.District",
        verbose_name=_("区"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    unit = models.ForeignKey(
        "catalog.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    staff = models.ForeignKey(
        "catalog.Staff",
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        db_constraint=False,
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    record_no = models.CharField(_("办件编号"), max_length=64)
    applicant_ciphertext = models.TextField(_("申请人（密文）"), blank=True, default="")
    stage = models.CharField(_("环节"), max_length=10, choices=Stage.choices, default=Stage.FINISHED)
    received_at = models.DateTimeField(_("受理时间"))
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    rating_code = models.CharField(_("评价码"), max_length=20, unique=True, default=new_rating_code)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["unit", "record_no"], name="record_no_unique_in_unit")]
        indexes = [
            models.Index(fields=["unit", "received_at"]),
            models.Index(fields=["window", "received_at"]),
            models.Index(fields=["district", "received_at"]),
            models.Index(fields=["entered_at"]),  # the rollups' one-minute look at what was entered since
        ]

    def __str__(self) -> str:
        return self.record_no
