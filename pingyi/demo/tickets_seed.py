"""The demo year's closed loop: a ticket for every 差评, in every state — most closed, some revoked after appeal, some
overdue and escalated — with accountability decisions, a 纪检监察建议书 and the mechanism a unit built in reply.

Steps run through the real services (every one audited); afterwards the timeline's times are moved back to when they
would have happened, so the demo reads like a year of work rather than one minute of seeding.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from pingyi.accountability.models import AccountabilityRecord, SanctionType
from pingyi.accountability.services import accountability_record, mechanism_record, suggestion_issue
from pingyi.accounts.models import Role, User
from pingyi.catalog.models import District, Unit
from pingyi.demo import names
from pingyi.demo.seed import DEMO_END, Summary, step
from pingyi.ratings.models import Rating
from pingyi.tickets.choices import State, Verdict
from pingyi.tickets.escalation import tickets_escalate
from pingyi.tickets.models import Ticket, TicketEvent
from pingyi.tickets.services import ticket_act, ticket_open_for_rating

VISITS = [
    "已电话回访，群众反映等候时间过长",
    "已回访，群众对窗口人员态度不满",
    "已回访，群众称材料被要求重复提交",
]
PLANS = [
    ("开展窗口服务礼仪培训，增设导办员", "培训签到表及导办排班表"),
    ("梳理材料清单并公示，杜绝重复提交", "公示照片"),
]


def _unit_actor(ticket: Ticket, admin: User) -> User:
    return User.objects.filter(role=Role.UNIT_ADMIN, unit=ticket.unit).first() or admin


def _play(ticket: Ticket, plan: str, rng: random.Random, unit: User, inspector: User, admin: User) -> None:
    def act(who: User, action: str, **fields: Any) -> None:
        ticket_act(actor=who, ticket_id=ticket.pk, action=action, **fields)

    if plan == "open":
        return
    act(
        unit,
        "visit",
        caller="评议专干",
        called_at=min(ticket.opened_at + timedelta(hours=20), timezone.now() - timedelta(minutes=1)),
        citizen_said=rng.choice(VISITS),
    )
    if plan == "visited":
        return
    if plan in ("revoked", "appeal", "appeal_second"):
        verdict = Verdict.UNTRUE
    elif plan == "explained":
        verdict = Verdict.EXPLAINED
    else:
        verdict = rng.choice([Verdict.TRUE, Verdict.TRUE, Verdict.PARTLY])
    evidence = (
        "调取 3 号窗口监控录像，窗口人员按规定办理" if verdict == Verdict.UNTRUE else "该事项法定须现场核验"
    )
    act(
        unit,
        "verify",
        verdict=verdict,
        evidence=evidence if verdict in (Verdict.UNTRUE, Verdict.EXPLAINED) else "",
    )
    if plan in ("rectifying", "appeal"):
        return
    if plan in ("revoked", "appeal_second"):
        act(inspector, "appeal_accept", note="录像显示窗口按时接待、一次告知")
        if plan == "revoked":
            act(admin, "revoke", note="复核同意撤销")
        return
    if verdict != Verdict.EXPLAINED:
        measures, proof = rng.choice(PLANS)
        act(unit, "rectify", plan=measures, proof=proof)
    if plan == "reworked":
        act(inspector, "review_fail", note="整改佐证不足，请补充")
        act(unit, "rectify", plan="补充整改：建立差评当日回访制度", proof="制度文件")
    if plan == "review":
        return
    act(inspector, "review_pass", note="整改到位")
    if rng.random() < 0.7:
        ticket.refresh_from_db()
        Ticket.objects.filter(pk=ticket.pk).update(handling_level=rng.choice([1, 1, 1, 2, 3]))


# The newest tickets are still in hand, one in each state; older ones mostly closed, a few stuck and escalated.
RECENT = ["open", "visited", "review", "appeal", "appeal_second", "rectifying"]
OLDER = ["closed", "closed", "explained", "revoked", "reworked", "closed", "rectifying", "closed", "closed"]


def _plan_for(newest_first: int) -> str:
    if newest_first < len(RECENT):
        return RECENT[newest_first]
    return OLDER[newest_first % len(OLDER)]


def _backdate(ticket: Ticket) -> None:
    """Spread the timeline after the opening: a day for the visit, a few days per later step."""
    at = ticket.opened_at
    for n, event in enumerate(ticket.events.order_by("id")):
        if n:
            at = at + timedelta(hours=20 if n == 1 else 70)
        TicketEvent.objects.filter(pk=event.pk).update(at=at)
    fields: dict[str, datetime | None] = {
        "visited_at": ticket.opened_at + timedelta(hours=20) if ticket.visited_at else None
    }
    if ticket.closed_at:
        fields["closed_at"] = at
    Ticket.objects.filter(pk=ticket.pk).update(**fields)


@step
def seed_tickets(rng: random.Random, summary: Summary) -> None:
    district = District.objects.get(code=names.DISTRICT[0])
    if not Ticket.objects.filter(district=district).exists():
        _seed(random.Random(rng.random()), district)
    tickets = Ticket.objects.filter(district=district)
    summary.counts["工单"] = tickets.count()
    open_count = tickets.exclude(state=State.CLOSED).count()
    summary.lines.append(
        f"  工单：{tickets.filter(state=State.CLOSED).count()} 件办结（{tickets.filter(revoked=True).count()} 件申诉撤销），"
        f"{open_count} 件在办，{tickets.filter(escalation__gt=0).count()} 件督办；"
        f"问责 {AccountabilityRecord.objects.filter(district=district).count()} 人次"
    )


def _seed(rng: random.Random, district: District) -> None:
    admin = User.objects.get(username="admin")
    inspector = User.objects.get(username="jijian")
    end = timezone.make_aware(datetime.combine(DEMO_END, datetime.max.time()))
    ratings = Rating.objects.filter(
        district=district, negative=True, is_default=False, kind=Rating.Kind.FIRST
    )
    newest_first = list(ratings.select_related("unit", "window", "staff", "record").order_by("-rated_at"))
    for n, rating in enumerate(reversed(newest_first)):
        ticket = ticket_open_for_rating(rating)
        if ticket is None:
            continue
        plan = _plan_for(len(newest_first) - 1 - n)
        _play(ticket, plan, rng, _unit_actor(ticket, admin), inspector, admin)
        ticket.refresh_from_db()
        _backdate(ticket)
    tickets_escalate(end)
    _accountability(district, inspector)


def _accountability(district: District, inspector: User) -> None:
    market = Unit.objects.filter(district=district, name="区市场监管局").first()
    true_ones = Ticket.objects.filter(
        district=district, verdict__in=[Verdict.TRUE, Verdict.PARTLY], revoked=False
    )
    sanctions = {s.code: s for s in SanctionType.objects.all()}
    for ticket, code in zip(
        true_ones.select_related("unit", "staff")[:3], ["OR02", "OR03", "OR04"], strict=False
    ):
        accountability_record(
            actor=inspector,
            unit=ticket.unit,
            staff=ticket.staff,
            person_name=ticket.staff.name if ticket.staff else "窗口负责人",
            person_title="窗口工作人员" if ticket.staff else "窗口负责人",
            sanction=sanctions[code],
            reason=f"群众差评（查询码 {ticket.tracking_code}）经核实属实",
            decided_on=min(
                timezone.localdate(), timezone.localtime(ticket.opened_at).date() + timedelta(days=20)
            ),
            tickets=[ticket],
        )
    first = true_ones.first()
    unit = market or (first.unit if first else None)
    grounds = list(true_ones.filter(unit=unit)[:3]) if unit else []
    if unit is None or not grounds:
        return
    suggestion = suggestion_issue(
        actor=inspector,
        unit=unit,
        number=f"经纪建〔{DEMO_END.year}〕1号",
        issues="部分窗口服务态度生硬、一次性告知不到位，群众差评经核实属实。",
        suggestions="一、开展服务规范专项培训；二、建立差评当日回访制度；三、每月通报差评整改情况。",
        reply_by=timezone.localdate() + timedelta(days=30),
        tickets=grounds,
    )
    mechanism_record(
        actor=User.objects.filter(role=Role.UNIT_ADMIN, unit=unit).first() or inspector,
        unit=unit,
        title="差评当日回访、一周整改制度",
        description="差评由科室负责人当日回访，一周内完成整改并报评议专干备案；每月通报。",
        adopted_on=timezone.localdate(),
        suggestion=suggestion,
        tickets=grounds,
    )
