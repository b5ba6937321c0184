"""Writes to tickets: opening (from a 差评 or a complaint) and every step of the workflow.

Each function runs in one transaction, locks the ticket row, checks the state and who acts, appends one timeline
event and one audit entry. Refusals raise ``TicketError`` with a message in Chinese for the person who acted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Role, User
from pingyi.accounts.roles import (
    CITIZEN,
    SYSTEM,
    Actor,
    Someone,
    SystemActor,
    as_actor,
    is_inspector,
    is_operator,
    is_superuser,
    is_system,
    is_unit_admin,
    person,
)
from pingyi.audit.services import audit_record
from pingyi.catalog.models import Unit
from pingyi.derived.choices import Source as ChangeSource
from pingyi.derived.feed import days_changed
from pingyi.lib.uploads import Upload, UploadRefused, checked_name
from pingyi.ratings.models import Rating, ReasonTag, new_tracking_code
from pingyi.tickets.choices import Source, State, Verdict
from pingyi.tickets.models import Ticket, TicketEvent, TicketFile
from pingyi.tickets.workflow import ACTIONS, FIELD_LABELS, INSPECTOR, UNIT, target_state
from pingyi.workdays import days


class TicketError(Exception):
    """A refused action; ``str(error)`` is the Chinese message to show."""


def _label(actor: Actor) -> str:
    return actor.name if isinstance(actor, SystemActor) else str(actor.get_username())


def _deadlines(opened_at: datetime) -> tuple[datetime | None, datetime | None, str]:
    try:
        return (
            days.due_at(opened_at, settings.PINGYI_TICKET_VISIT_DAYS),
            days.due_at(opened_at, settings.PINGYI_TICKET_RECTIFY_DAYS),
            "",
        )
    except days.UnknownYear as exc:
        # The ticket opens anyway; the deadlines follow once the year's notice is entered (deadlines_fill).
        return None, None, str(exc)


def _event(
    ticket: Ticket,
    actor: Actor,
    action: str,
    before: str,
    note: str = "",
    data: Any = None,
    public: bool = False,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if isinstance(actor, User) else None,
        actor_label=_label(actor),
        action=action,
        from_state=before,
        to_state=ticket.state,
        note=note,
        data=data or {},
        public=public,
    )


# Who may open a ticket from which source: the pages offer each role its own; Open311 relays help, hotline and board.
OPENERS: dict[str, frozenset[str]] = {
    Role.OPERATOR: frozenset({Source.HOTLINE, Source.BOARD, Source.HELP}),
    Role.INSPECTOR: frozenset({Source.INSPECTOR, Source.HOTLINE, Source.BOARD, Source.HELP}),
    Role.SUPERUSER: frozenset({Source.INSPECTOR, Source.HOTLINE, Source.BOARD, Source.HELP}),
}


def opener_sources(who: Someone | None) -> frozenset[str]:
    """The sources a person may open tickets from, in their own district (none for anyone else)."""
    if is_superuser(who):
        return OPENERS[Role.SUPERUSER]
    if is_inspector(who):
        return OPENERS[Role.INSPECTOR]
    if is_operator(who):
        return OPENERS[Role.OPERATOR]
    return frozenset()


def _check_opener(actor: Actor, source: str, unit: Unit) -> None:
    if is_system(actor):  # the intake (SYSTEM) and the citizen's own form (CITIZEN)
        if actor == CITIZEN and source != Source.HELP:
            raise TicketError(gettext("群众只能通过“不满意请找我”提出诉求"))
        return
    if source not in opener_sources(actor):
        raise TicketError(gettext("无权登记此类投诉"))
    if not (is_inspector(actor, unit.district_id) or is_operator(actor, unit.district_id)):
        raise TicketError(gettext("只能登记本辖区单位的投诉"))


def ticket_open(
    *,
    actor: Actor,
    unit: Unit,
    source: str,
    summary: str,
    window: Any = None,
    staff: Any = None,
    rating: Rating | None = None,
    record: Any = None,
    phone: str = "",
    opened_at: datetime | None = None,
) -> Ticket:
    """Open a ticket routed to the unit that served (谁办理谁负责), with its return-visit and rectification deadlines."""
    actor = as_actor(actor)  # untyped callers still pass None or a name
    _check_opener(actor, source, unit)
    summary = summary.strip()
    if not summary:
        raise TicketError(gettext("请填写问题描述"))
    opened = opened_at or timezone.now()
    visit_due, rectify_due, calendar_note = _deadlines(opened)
    ticket = Ticket(
        tracking_code=(rating.tracking_code if rating and rating.tracking_code else new_tracking_code()),
        district_id=unit.district_id,
        unit=unit,
        window=window,
        staff=staff,
        rating=rating,
        record=record,
        source=source,
        summary=summary[:5000],
        opened_at=opened,
        visit_due=visit_due,
        rectify_due=rectify_due,
    )
    if rating is not None and rating.phone_ciphertext:
        ticket.phone_ciphertext, ticket.phone_index = rating.phone_ciphertext, rating.phone_index
        ticket.phone_masked = rating.phone_masked
    elif phone.strip():
        try:
            ticket.set_phone(phone)
        except ValueError:
            raise TicketError(gettext("电话号码格式不正确")) from None
    with transaction.atomic():
        ticket.save()
        _event(ticket, actor, "open", "", calendar_note, {"source": source}, public=True)
        audit_record(
            actor=actor,
            action="ticket.open",
            obj=ticket,
            after={"source": source, "unit": unit.pk, "rating": rating.pk if rating else None},
        )
    return ticket


def _rating_summary(rating: Rating) -> str:
    labels = dict(
        ReasonTag.objects.filter(version=rating.tag_version, code__in=rating.tags).values_list(
            "code", "label"
        )
    )
    parts = [labels.get(code, code) for code in rating.tags]
    if rating.comment:
        parts.append(rating.comment)
    return "；".join(parts) or f"{rating.get_channel_display()}差评（未填写原因）"


def ticket_open_for_rating(rating: Rating) -> Ticket | None:
    """The ticket of a 差评 (idempotent: a rating has at most one ticket; a follow-up joins its first rating's)."""
    if not rating.negative or rating.is_default:
        return None
    if rating.follows_id and Ticket.objects.filter(rating_id=rating.follows_id).exists():
        return None
    try:
        with transaction.atomic():
            return ticket_open(
                actor=SYSTEM,
                unit=rating.unit,
                source=Source.RATING,
                summary=_rating_summary(rating),
                window=rating.window,
                staff=rating.staff,
                rating=rating,
                record=rating.record,
                opened_at=rating.received_at,
            )
    except IntegrityError:
        return Ticket.objects.filter(rating=rating).first()  # opened by a concurrent sweep


def tickets_open_pending(limit: int = 500) -> int:
    """Open the tickets of 差评 that have none yet (run every minute by the worker, and right after intake)."""
    pending = (
        Rating.objects.filter(negative=True, is_default=False, ticket__isnull=True)
        .exclude(follows__ticket__isnull=False)
        .select_related("unit", "window", "staff", "record")
        .order_by("id")[:limit]
    )
    return sum(1 for rating in pending if ticket_open_for_rating(rating))


def may_act(who: Someone | None, ticket: Ticket, side: str) -> bool:
    """The unit side is the ticket's unit admin (or a superuser), the inspector side the district's inspectors."""
    if side == UNIT:
        return is_superuser(who) or is_unit_admin(who, ticket.unit_id)
    return is_inspector(who, ticket.district_id)


SIDE_NAMES = {UNIT: _("承办单位管理员"), INSPECTOR: _("纪检监察人员")}


def _clean(action: str, fields: dict[str, Any]) -> dict[str, Any]:
    spec = ACTIONS[action]
    data: dict[str, Any] = {}
    for name in spec.required:
        value = fields.get(name)
        if isinstance(value, str):
            value = value.strip()
        if name == "evidence" and fields.get("verdict") in (Verdict.TRUE, Verdict.PARTLY) and not value:
            value = ""  # a complaint found true needs no defence
        elif value in (None, ""):
            raise TicketError(gettext("请填写%(field)s") % {"field": FIELD_LABELS[name]})
        if name == "verdict" and value not in Verdict.values:
            raise TicketError(gettext("核实结论应为：属实、部分属实、不属实或解释说明"))
        if name == "called_at":
            if not isinstance(value, datetime):
                raise TicketError(gettext("回访时间格式不正确"))
            if value > timezone.now():
                raise TicketError(gettext("回访时间不能晚于现在"))
            value = value.isoformat()
        if isinstance(value, str) and len(value) > 5000:
            raise TicketError(gettext("%(field)s不能超过 5000 字") % {"field": FIELD_LABELS[name]})
        data[name] = value
    if fields.get("cctv_ref"):
        data["cctv_ref"] = str(fields["cctv_ref"]).strip()[:200]
    return data


def ticket_act(
    *, actor: Actor, ticket_id: int, action: str, files: Sequence[Upload] = (), **fields: Any
) -> Ticket:
    """Take one workflow step on a ticket (see ``workflow.py``); refused with ``TicketError`` when not allowed.

    ``files`` (evidence of a verification, proof of a rectification) are stored with the step, all or none.
    """
    spec = ACTIONS.get(action)
    if spec is None:
        raise TicketError(gettext("未知的操作"))
    data = _clean(action, fields)
    if files and action not in FILE_ACTIONS:
        raise TicketError(gettext("该步骤不需要附件"))
    try:
        names = [checked_name(upload) for upload in files]
    except UploadRefused as exc:
        raise TicketError(str(exc)) from None
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None:
            raise TicketError(gettext("工单不存在"))
        user = person(actor) if may_act(actor, ticket, spec.side) else None
        if user is None:
            raise TicketError(
                gettext("只有%(who)s可以%(action)s") % {"who": SIDE_NAMES[spec.side], "action": spec.title}
            )
        if ticket.state not in spec.sources:
            raise TicketError(
                gettext("工单当前状态为“%(state)s”，不能%(action)s")
                % {"state": ticket.get_state_display(), "action": spec.title}
            )
        if action == "revoke" and ticket.appeal_reviewer_id == user.pk:
            raise TicketError(gettext("申诉复核须由初审以外的另一名纪检监察人员进行"))
        before = ticket.state
        ticket.state = target_state(action, data.get("verdict", ""))
        now = timezone.now()
        if action == "visit":
            ticket.visited_at = now
        elif action == "verify":
            ticket.verdict = data["verdict"]
        elif action in ("review_fail", "appeal_reject", "reopen"):
            ticket.reopened += 1
            if action == "appeal_reject":
                ticket.verdict = Verdict.TRUE
        elif action == "appeal_accept":
            ticket.appeal_reviewer = user
        if action == "revoke":
            ticket.revoked = True
            if ticket.rating is not None:  # the verified rate of the rating's day changes
                day = timezone.localtime(ticket.rating.rated_at).date()
                days_changed(ticket.district_id, [day], source=ChangeSource.TICKETS)
        ticket.closed_at = now if ticket.state == State.CLOSED else None
        ticket.save()
        note = data.pop("note", "")
        if ticket.state == State.CLOSED and ticket.phone_ciphertext:
            _ask_citizen(ticket)
        public = action in ("visit", "verify", "review_pass", "revoke", "reopen")
        event = _event(ticket, actor, action, before, note, data, public=public)
        stored = _store_files(ticket, event, actor, names, files)
        audit_record(
            actor=actor,
            action=f"ticket.{action}",
            obj=ticket,
            before={"state": before},
            after={
                "state": ticket.state,
                "verdict": ticket.verdict,
                "revoked": ticket.revoked,
                "files": stored,
            },
        )
    return ticket


FILE_ACTIONS = frozenset({"verify", "rectify", "appeal_accept", "review_fail"})


def _store_files(
    ticket: Ticket, event: TicketEvent, actor: Actor, names: list[str], files: Sequence[Upload]
) -> list[dict[str, Any]]:
    rows = [
        TicketFile(
            ticket=ticket,
            event=event,
            name=name,
            size=len(upload.content),
            sha256=upload.sha256,
            content=upload.content,
            uploaded_by=actor if isinstance(actor, User) else None,
        )
        for name, upload in zip(names, files, strict=True)
    ]
    TicketFile.objects.bulk_create(rows)
    return [{"name": row.name, "sha256": row.sha256} for row in rows]


def _ask_citizen(ticket: Ticket) -> None:
    """When a ticket closes, the citizen who left a phone is asked by SMS to rate the handling (the page asks too)."""
    from pingyi.sms.models import SmsMessage
    from pingyi.sms.services import message_queue, ticket_closed_text

    message_queue(
        phone=ticket.phone_plain(),
        body=ticket_closed_text(ticket.tracking_code, ticket.unit.name),
        kind=SmsMessage.Kind.TICKET,
    )


def handling_rate(*, tracking_code: str, level: int) -> Ticket:
    """The citizen rates how the closed ticket was handled: 1 满意, 2 基本满意, 3 不满意 (once)."""
    if level not in (1, 2, 3):
        raise TicketError("请选择满意、基本满意或不满意")
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update().filter(tracking_code=tracking_code.strip().upper()).first()
        )
        if ticket is None:
            raise TicketError("查询码不存在")
        if ticket.state != State.CLOSED:
            raise TicketError("工单办结后才能评价处理结果")
        if ticket.handling_level is not None:
            raise TicketError("您已评价过处理结果")
        ticket.handling_level = level
        ticket.save(update_fields=["handling_level"])
        _event(ticket, CITIZEN, "handling_rate", ticket.state, data={"level": level}, public=True)
        audit_record(actor=CITIZEN, action="ticket.handling_rate", obj=ticket, after={"level": level})
    return ticket


def deadlines_fill() -> int:
    """Set the deadlines of tickets opened while their year had no schedule (after the notice is entered)."""
    filled = 0
    for ticket in Ticket.objects.filter(visit_due__isnull=True).exclude(state=State.CLOSED):
        visit_due, rectify_due, missing = _deadlines(ticket.opened_at)
        if missing:
            continue
        with transaction.atomic():
            Ticket.objects.filter(pk=ticket.pk).update(visit_due=visit_due, rectify_due=rectify_due)
            audit_record(
                actor=SYSTEM, action="ticket.deadlines", obj=ticket, after={"visit_due": str(visit_due)}
            )
        filled += 1
    return filled


def ticket_call_relay(*, actor: Actor, ticket_id: int) -> Any:
    """A privacy number for the unit's return-visit call (the unit never sees the citizen's phone)."""
    from pingyi.tickets.callrelay import relay

    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None or not may_act(actor, ticket, UNIT):
            raise TicketError(gettext("只有承办单位管理员可以发起回访通话"))
        if not ticket.phone_ciphertext:
            raise TicketError(gettext("群众未留电话，无法回访通话"))
        if not ticket.is_open:
            raise TicketError(gettext("工单已办结"))
        binding = relay().bind(
            citizen_phone=ticket.phone_plain(), caller_label=_label(actor), reference=ticket.tracking_code
        )
        audit_record(
            actor=actor,
            action="ticket.call_relay",
            obj=ticket,
            after={"expires": binding.expires_at.isoformat()},
        )
    return binding


def ticket_phone_reveal(*, actor: Actor, ticket_id: int) -> str:
    """Inspectors may read the citizen's full phone (e.g. to check a return visit); every read is logged."""
    with transaction.atomic():
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        if ticket is None or not may_act(actor, ticket, INSPECTOR):
            raise TicketError(gettext("无权查看该号码"))
        audit_record(actor=actor, action="personal_data.read", obj=ticket, after={"field": "phone"})
    return ticket.phone_plain()
