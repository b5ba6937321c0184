"""The demo's bulletins: a 典型问题通报 of the confirmed inspection findings and a 月度通报 of the accountability
decisions, drafted by the demo inspector (jijian), reviewed by the superuser (another person), published.

Registered as a demo step when imported (``pingyi.demo.seed`` imports the seed modules in order).
"""

from __future__ import annotations

import random
from typing import Any

from pingyi.accountability.models import AccountabilityRecord
from pingyi.accounts.models import User
from pingyi.catalog.models import District
from pingyi.demo import names
from pingyi.demo.seed import Summary, step
from pingyi.disclosure.models import Bulletin
from pingyi.disclosure.services import bulletin_draft, bulletin_publish, bulletin_review
from pingyi.inspections.models import Finding, Inspection


def _typical_body(inspections: list[Inspection]) -> str:
    lines = [
        "为严肃“双评议”工作纪律，区纪检监察工委通过数据比对、回访抽查、现场核查等方式开展监督检查。"
        "现将查实的违反评议纪律典型问题通报如下："
    ]
    for number, inspection in enumerate(inspections, start=1):
        kinds = sorted(
            {
                f.type.name
                for f in Finding.objects.filter(inspection=inspection, confirmed=True).select_related("type")
            }
        )
        lines.append(f"{number}. {inspection.unit.name}存在{'、'.join(kinds)}问题，已责令限期整改。")
    lines.append("各参评单位要引以为戒，举一反三，主动接受群众监督。")
    return "\n".join(lines)


def _monthly_body(records: list[AccountabilityRecord]) -> str:
    units = "、".join(sorted({r.unit.name for r in records}))
    return (
        f"经调查核实，群众对{units}窗口服务的不满意评价反映的问题属实。"
        f"区纪检监察工委依规依纪对{len(records)}人次作出问责处理，具体情况如下。"
    )


def _publish(inspector: User, reviewer: User, district: District, **fields: Any) -> None:
    bulletin = bulletin_draft(actor=inspector, district=district, **fields)
    bulletin_review(actor=reviewer, bulletin_id=bulletin.pk)
    bulletin_publish(actor=inspector, bulletin_id=bulletin.pk)


@step
def bulletins(rng: random.Random, summary: Summary) -> None:
    district = District.objects.get(code=names.DISTRICT[0])
    if not Bulletin.objects.filter(district=district).exists():
        inspector = User.objects.get(username="jijian")
        reviewer = User.objects.get(username="admin")
        inspections = list(
            Inspection.objects.filter(district=district, findings__confirmed=True)
            .select_related("unit")
            .distinct()
            .order_by("id")[:3]
        )
        records = list(
            AccountabilityRecord.objects.filter(district=district)
            .select_related("unit")
            .order_by("decided_on")
        )
        if inspections:
            _publish(
                inspector,
                reviewer,
                district,
                kind="typical",
                title="关于违反评议纪律典型问题的通报",
                body=_typical_body(inspections),
                inspections=inspections,
            )
        if records:
            _publish(
                inspector,
                reviewer,
                district,
                kind="monthly",
                title="关于群众评价不满意问题查处情况的通报",
                body=_monthly_body(records),
                accountability=records,
            )
    published = Bulletin.objects.filter(district=district, state="published").count()
    summary.lines.append(
        f"  通报：已发布 {published} 期（公开页面 /public/，大厅屏 /public/screen/<大厅编号>/）"
    )
