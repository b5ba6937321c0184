"""Demo inspections: two plans, a recorded random draw, inspections in every state, findings with evidence, feedback
forms, one rectification overdue and one closed.

Everything goes through the inspection services as the demo inspector (jijian) and the unit admins, so the audit log
and the timelines are real. Only dates are moved back afterwards (started, sent, deadline) so that the overdue
rectification is overdue on the day the demo is shown; the audit entries keep the day the demo was seeded.
When the comparison step has left open anomalies, the highest-scored one becomes a 定点查 whose finding confirms it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from pingyi.accounts.models import User
from pingyi.catalog.models import District, Staff, Unit
from pingyi.demo import names
from pingyi.demo.seed import Summary, step
from pingyi.documents.render import pdf_from_html
from pingyi.inspections.attachments import Upload
from pingyi.inspections.models import FindingType, Inspection, InspectionPlan, Rectification
from pingyi.inspections.services.findings import finding_record, findings_conclude
from pingyi.inspections.services.lifecycle import feedback_send, inspection_from_anomaly, inspection_start
from pingyi.inspections.services.plans import draw_make, inspection_add, plan_create
from pingyi.inspections.services.rectification import (
    rectification_plan_submit,
    rectification_proof_submit,
    rectification_verify,
)
from pingyi.oversight.models import Anomaly

# The finding type an anomaly of each kind turns into once confirmed.
ANOMALY_FINDING = {
    "under_reporting": "under_reporting",
    "selective_reporting": "selective_reporting",
    "false_reporting": "false_reporting",
    "rating_fraud": "vote_pulling",
    "phone_swap": "phone_swap",
    "silent_window": "qr_hidden",
    "late_entry": "under_reporting",
}


# The proof the market regulator uploads: a one-page rule of its own making.
RULE_HTML = (
    '<html lang="zh-Hans"><body style="font-family: \'Noto Sans CJK SC\', sans-serif">'
    "<h1>区市场监管局“双评议”台账每日核对制度</h1>"
    "<p>一、窗口每日下班前由 AB 岗核对当日取号数与台账录入数，差额当日查明并补录。</p>"
    "<p>二、评议管理员每周一汇总上周核对记录，报分管领导签字。</p>"
    "<p>三、未按规定录入的，按评议纪律处理。</p></body></html>"
)


def _type(code: str) -> FindingType:
    return FindingType.objects.get(code=code)


def _backdate(inspection: Inspection, *, started: date, sent: date | None = None) -> None:
    Inspection.objects.filter(pk=inspection.pk).update(started_on=started, planned_on=started)
    if sent is not None:
        Inspection.objects.filter(pk=inspection.pk).update(
            feedback_sent_at=timezone.make_aware(datetime.combine(sent, time(16, 0)))
        )


def _overdue_late_arrivals(inspector: User, plan: InspectionPlan, unit: Unit, today: date) -> Inspection:
    """The source article's case: window staff arriving late and leaving early; the unit has not rectified."""
    admin = User.objects.get(username="chengguan")
    inspection = inspection_add(
        actor=inspector, plan=plan, unit=unit, window=unit.windows.order_by("code").first()
    )
    inspection_start(actor=inspector, inspection=inspection)
    people = list(Staff.objects.filter(unit=unit).order_by("employee_no")[:2])
    finding_record(
        actor=inspector,
        inspection=inspection,
        type=_type("late_early"),
        description="窗口值班人员未经批准私自调整上班时间，公示办公时间 8:30 开始，9:00 仍未到岗，且存在早退。",
        evidence="调取 10 月 14 日至 18 日窗口监控：3 个工作日 9:00 后到岗，2 个工作日 17:00 前离岗；群众扫码不满意评价 1 条。",
        staff=people,
        people_names="吴某（窗口负责人）",
        confirmed=True,
    )
    findings_conclude(
        actor=inspector,
        inspection=inspection,
        summary="根据群众不满意评价，检查组实地走访并调取监控，核实窗口人员迟到早退问题属实，单位考勤制度不健全。",
    )
    feedback_send(
        actor=inspector,
        inspection=inspection,
        deadline=today + timedelta(days=1),
        requirement="严格执行窗口考勤制度，建立值班调整审批台账，对相关人员进行教育提醒。",
    )
    rectification_plan_submit(
        actor=admin,
        inspection=inspection,
        plan_text="一、修订窗口考勤制度；二、值班调整须经分管领导审批；三、每周通报到岗情况。",
    )
    Rectification.objects.filter(inspection=inspection).update(deadline=today - timedelta(days=6))
    _backdate(inspection, started=today - timedelta(days=30), sent=today - timedelta(days=27))
    return inspection


def _closed_under_reporting(inspector: User, plan: InspectionPlan, unit: Unit, today: date) -> Inspection:
    """Entered records and scans disagree (漏报); the unit rectified and the inspectors closed it."""
    admin = User.objects.get(username="shichang")
    inspection = inspection_add(actor=inspector, plan=plan, unit=unit)
    inspection_start(actor=inspector, inspection=inspection)
    finding_record(
        actor=inspector,
        inspection=inspection,
        type=_type("under_reporting"),
        description="单位“双评议”管理员因工作疏忽，9 月下旬未及时录入服务对象数据。",
        evidence="后台比对：9 月 22 日至 30 日系统录入 41 条，同期群众扫码评价 118 条；管理员周某当面说明情况并提供纸质台账。",
        people_names="周某（单位评议管理员）",
        confirmed=True,
    )
    findings_conclude(
        actor=inspector,
        inspection=inspection,
        summary="经后台数据比对和现场核查，该单位存在漏报服务对象数据问题。",
    )
    feedback_send(
        actor=inspector,
        inspection=inspection,
        deadline=today + timedelta(days=15),
        requirement="补录 9 月全部服务对象数据，建立每日录入核对制度。",
    )
    rectification_plan_submit(
        actor=admin,
        inspection=inspection,
        plan_text="三个工作日内补录；指定 AB 岗每日下班前核对录入数与取号数。",
    )
    rectification_proof_submit(
        actor=admin,
        inspection=inspection,
        proof_text="已补录 9 月服务对象 77 条；《台账每日核对制度》已印发（市监办〔2026〕12号）。",
        files=[Upload(name="台账每日核对制度.pdf", content=pdf_from_html(RULE_HTML))],
    )
    rectification_verify(
        actor=inspector, inspection=inspection, accepted=True, note="抽查补录数据，整改到位。"
    )
    Rectification.objects.filter(inspection=inspection).update(deadline=today - timedelta(days=20))
    _backdate(inspection, started=today - timedelta(days=50), sent=today - timedelta(days=45))
    return inspection


def _from_anomaly(inspector: User) -> Inspection | None:
    anomaly = Anomaly.objects.filter(status=Anomaly.Status.OPEN).order_by("-score", "id").first()
    if anomaly is None:
        return None
    inspection = inspection_from_anomaly(actor=inspector, anomaly=anomaly)
    inspection_start(actor=inspector, inspection=inspection)
    finding_record(
        actor=inspector,
        inspection=inspection,
        type=_type(ANOMALY_FINDING.get(anomaly.kind, "other")),
        description=f"数据比对异常经定点检查核实属实：{anomaly.summary}",
        evidence=(
            f"比对异常 #{anomaly.pk}（{anomaly.get_kind_display()}，{anomaly.period_start:%Y-%m-%d} 至 "
            f"{anomaly.period_end:%Y-%m-%d}）；调阅工作台账并回访抽查 5 名群众，情况与比对结果一致。"
        ),
        confirmed=True,
    )
    findings_conclude(
        actor=inspector,
        inspection=inspection,
        summary="根据数据比对异常开展定点检查，调阅工作台账并回访抽查，问题属实。",
    )
    return inspection


@step
def seed_inspections(rng: random.Random, summary: Summary) -> None:
    district = District.objects.get(code=names.DISTRICT[0])
    if InspectionPlan.objects.filter(district=district).exists():
        return
    inspector = User.objects.get(username="jijian")
    today = timezone.localdate()
    quarter = plan_create(
        actor=inspector,
        district=district,
        title="2026年第四季度“双评议”随机检查",
        kind="random",
        methods=["comparison", "callback", "onsite"],
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
    )
    targeted = plan_create(
        actor=inspector,
        district=district,
        title="2026年重点单位专项检查",
        kind="targeted",
        methods=["comparison", "onsite"],
        period_start=date(2026, 9, 1),
        period_end=date(2026, 12, 31),
    )
    market = Unit.objects.get(district=district, name="区市场监管局")
    urban = Unit.objects.get(district=district, name="区城管局")
    _closed_under_reporting(inspector, targeted, market, today)
    _overdue_late_arrivals(inspector, targeted, urban, today)
    anomaly_inspection = _from_anomaly(inspector)
    # The recorded random draw: the seed comes from the demo's own generator, so a rerun of the demo draws alike.
    drawn = draw_make(
        actor=inspector, plan=quarter, population="all", count=4, seed=f"{rng.getrandbits(128):032x}"
    )
    first = Inspection.objects.filter(draw=drawn).order_by("unit__code").first()
    assert first is not None
    inspection_start(actor=inspector, inspection=first)
    finding_record(
        actor=inspector,
        inspection=first,
        type=_type("qr_hidden"),
        description="2 号窗口评价二维码被办事指南宣传架遮挡，群众无法直接扫码。",
        evidence="现场照片 3 张（检查组存档）；该窗口近 30 天扫码评价数为 0。",
    )
    summary.lines.append(
        f"  监督检查：计划 2 个，随机抽取 1 次（种子 {drawn.seed[:8]}…），检查 "
        f"{Inspection.objects.filter(district=district).count()} 项（含整改逾期 1 项、已办结 1 项"
        f"{'、据比对异常定点检查 1 项' if anomaly_inspection else ''}）"
    )
