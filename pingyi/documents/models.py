"""The districts' Word templates of the official documents: versioned, at most one active per district and kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.documents import kinds


class DocumentTemplate(models.Model):
    """An uploaded Word template (docxtpl placeholders) replacing the shipped default; version 0 is the default."""

    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("文书类型"), max_length=32)  # a registered kind (documents.kinds)
    version = models.PositiveIntegerField(_("版本"))
    content = models.BinaryField(_("模板文件"))
    original_name = models.CharField(_("文件名"), max_length=255)
    active = models.BooleanField(_("启用"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        db_table = (
            "inspections_documenttemplate"  # its table from when it lived in inspections (no rows copied)
        )
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "version"], name="doc_template_version_unique"
            ),
            models.UniqueConstraint(
                fields=["district", "kind"], condition=models.Q(active=True), name="doc_template_one_active"
            ),
        ]

    def __str__(self) -> str:
        spec = kinds.get(self.kind)
        return f"{spec.label if spec else self.kind}模板 第 {self.version} 版"
