"""Inspections (监督检查): plans, auditable draws, inspections, findings, rectification, feedback forms.

A confirmed ``Finding`` is the basis an accountability record (问责处理, pingyi.accountability) points to; nothing here
decides on accountability.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pingyi.inspections.choices import Kind, Status, method_labels


class InspectionPlan(models.Model):
    """A plan of inspections for a period (e.g. 2026年第四季度随机查), owned by the district's inspectors."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("计划名称"), max_length=200)
    kind = models.CharField(_("检查方式"), max_length=12, choices=Kind.choices)
    methods = models.JSONField(_("检查方法"), default=list)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def methods_display(self) -> str:
        return method_labels(self.methods)


class Draw(models.Model):
    """One draw of units for a plan, stored so that anyone can redo it and get the same picks.

    ``candidates`` is the population in the order it was listed (by unit code); the picks are the ``count``
    candidates with the smallest SHA-256 of ``f"{seed}:{code}"`` (see ``pingyi.inspections.draw``).
    """

    class Population(models.TextChoices):
        ALL = "all", _("全部参评单位（随机）")
        QUIET = "quiet", _("长期未录入台账的单位（重点）")
        ANOMALY = "anomaly", _("有未处理比对异常的单位（定点）")

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("检查计划"), on_delete=models.PROTECT, related_name="draws"
    )
    population = models.CharField(_("抽取范围"), max_length=10, choices=Population.choices)
    params = models.JSONField(_("范围参数"), default=dict, blank=True)
    seed = models.CharField(_("随机种子"), max_length=64)
    candidates = models.JSONField(_("候选单位（按顺序）"), default=list)
    count = models.PositiveIntegerField(_("抽取数量"))
    picks = models.JSONField(_("抽中单位"), default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽签")
        verbose_name_plural = _("抽签")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} 抽签 #{self.pk}"

    @property
    def district_id(self) -> int:
        return self.plan.district_id


# The unit sees its inspections from the moment the feedback form is sent (an unannounced visit stays unannounced).
VISIBLE_TO_UNIT = (Status.FEEDBACK_SENT, Status.RECTIFYING, Status.CLOSED)


def overdue_q(today: date | None = None) -> models.Q:
    """Inspections whose rectification is past its deadline and not closed (整改逾期)."""
    return models.Q(
        status__in=[Status.FEEDBACK_SENT, Status.RECTIFYING],
        rectification__closed_at__isnull=True,
        rectification__deadline__lt=today or timezone.localdate(),
    )


class Inspection(models.Model):
    """One inspection of one unit (optionally one window): planned → in progress → … → closed."""

    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("检查计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    draw = models.ForeignKey(
        Draw,
        verbose_name=_("抽签"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    unit = models.ForeignKey(
        "catalog.Unit", verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="inspections"
    )
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    anomaly = models.ForeignKey(
        "oversight.Anomaly",
        verbose_name=_("来源异常"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("检查方式"), max_length=12, choices=Kind.choices)
    methods = models.JSONField(_("检查方法"), default=list)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    planned_on = models.DateField(_("计划检查日期"), null=True, blank=True)
    started_on = models.DateField(_("开始检查日期"), null=True, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), blank=True, related_name="inspections"
    )
    feedback_sent_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["district", "status"]), models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.unit.name}"

    @property
    def number(self) -> str:
        """The form number printed on the feedback form (检查编号)."""
        year = (self.created_at or timezone.now()).year
        return f"JC{year}-{self.pk:04d}"

    @property
    def methods_display(self) -> str:
        return method_labels(self.methods)

    @property
    def is_overdue(self) -> bool:
        rect = getattr(self, "rectification", None)
        return (
            self.status in {Status.FEEDBACK_SENT, Status.RECTIFYING} and rect is not None and rect.is_overdue
        )


class FindingType(models.Model):
    """A kind of violation (漏报, 虚报, 选择性上报 …); the list is data, seeded by a migration."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类型")
        verbose_name_plural = _("问题类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return gettext(self.name)  # the shipped names are in the catalogue (finding_types.py)


class Finding(models.Model):
    """A problem found in an inspection, with its evidence and the people involved.

    An accountability record (问责处理, pingyi.accountability) takes a *confirmed* finding as its basis.
    """

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("监督检查"), on_delete=models.PROTECT, related_name="findings"
    )
    type = models.ForeignKey(
        FindingType, verbose_name=_("问题类型"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("问题描述"))
    evidence = models.TextField(_("证据"), blank=True)
    staff = models.ManyToManyField(
        "catalog.Staff", verbose_name=_("涉及工作人员"), blank=True, related_name="+"
    )
    people_names = models.CharField(_("其他涉及人员"), max_length=200, blank=True)
    anomaly = models.ForeignKey(
        "oversight.Anomaly",
        verbose_name=_("关联异常"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    confirmed = models.BooleanField(_("已查实"), default=False)
    confirmed_at = models.DateTimeField(_("查实时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查发现问题")
        verbose_name_plural = _("检查发现问题")
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return gettext("%(type)s：%(description)s") % {
            "type": self.type,
            "description": self.description[:40],
        }

    @property
    def district_id(self) -> int:
        return self.inspection.district_id

    @property
    def people_display(self) -> str:
        names = [s.name for s in self.staff.all()]
        names += [n.strip() for n in self.people_names.replace("，", ",").split(",") if n.strip()]
        return "、".join(names)


class Rectification(models.Model):
    """The unit's rectification (整改) of an inspection's findings: deadline, plan, proof, verification."""

    inspection = models.OneToOneField(
        Inspection, verbose_name=_("监督检查"), on_delete=models.PROTECT, related_name="rectification"
    )
    deadline = models.DateField(_("整改期限"))
    requirement = models.TextField(_("整改要求"), blank=True)
    plan_text = models.TextField(_("整改方案"), blank=True)
    plan_submitted_at = models.DateTimeField(_("方案提交时间"), null=True, blank=True)
    proof_text = models.TextField(_("整改情况及佐证"), blank=True)
    proof_submitted_at = models.DateTimeField(_("佐证提交时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verify_note = models.TextField(_("验收意见"), blank=True)
    closed_at = models.DateTimeField(_("整改销号时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")

    def __str__(self) -> str:
        return f"{self.inspection} 整改（{self.deadline:%Y-%m-%d}）"

    @property
    def is_overdue(self) -> bool:
        return self.closed_at is None and self.deadline < timezone.localdate()


class FeedbackForm(models.Model):
    """The 检查反馈表 as sent: the .docx and the .pdf are kept, so what the unit received never changes."""

    inspection = models.OneToOneField(
        Inspection, verbose_name=_("监督检查"), on_delete=models.PROTECT, related_name="feedback_form"
    )
    template_version = models.PositiveIntegerField(_("模板版本"), default=0)
    docx = models.BinaryField(_("Word 文件"))
    pdf = models.BinaryField(_("PDF 文件"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查反馈表")
        verbose_name_plural = _("检查反馈表")

    def __str__(self) -> str:
        return f"{self.inspection.number} 检查反馈表"


class Attachment(models.Model):
    """A file kept with an inspection: evidence of a finding (inspectors only) or the unit's proof of rectification.

    The bytes live in the database with their SHA-256, so the file is saved in the same transaction as the step it
    belongs to and cannot be swapped afterwards without the digest showing it.
    """

    class Purpose(models.TextChoices):
        EVIDENCE = "evidence", _("证据")
        PROOF = "proof", _("整改佐证")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("监督检查"), on_delete=models.PROTECT, related_name="attachments"
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("检查发现问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
    purpose = models.CharField(_("用途"), max_length=10, choices=Purpose.choices)
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("内容"))
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
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def district_id(self) -> int:
        return self.inspection.district_id
