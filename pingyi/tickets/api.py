"""/api/v1/tickets: the tickets in the caller's scope, one ticket with its timeline, and a workflow step.

The same scopes and the same service as the pages: another unit's ticket is a 404, a refused step a 409 with the
Chinese reason, a missing field a 422 naming it. Steps take an Idempotency-Key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from pingyi.accounts.roles import Someone, signed_in
from pingyi.accounts.scopes import restrict
from pingyi.api.errors import ApiError
from pingyi.api.idempotency import run_idempotent
from pingyi.tickets.choices import State
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import TicketError, may_act, ticket_act
from pingyi.tickets.workflow import ACTIONS, FIELD_LABELS

router = Router(tags=["tickets"])


class EventOut(Schema):
    at: datetime
    action: str
    actor: str
    from_state: str
    to_state: str
    note: str
    data: dict[str, Any]


class TicketOut(Schema):
    id: int
    tracking_code: str
    unit_id: int
    window_id: int | None
    source: str
    summary: str
    state: str
    verdict: str
    opened_at: datetime
    visit_due: datetime | None
    rectify_due: datetime | None
    closed_at: datetime | None
    revoked: bool
    escalation: int
    phone_masked: str = Field(description="群众电话（脱敏；单位管理员看不到）")


class TicketDetail(TicketOut):
    events: list[EventOut]
    actions: list[str] = Field(description="当前状态下可执行的操作（不论是否有权限）")


class StepIn(Schema):
    action: str = Field(
        description="visit / verify / rectify / review_pass / review_fail / appeal_accept / …"
    )
    caller: str = ""
    called_at: datetime | None = None
    citizen_said: str = ""
    verdict: str = Field("", description="true 属实 / partly 部分属实 / untrue 不属实 / explained 解释说明")
    evidence: str = ""
    cctv_ref: str = ""
    plan: str = ""
    proof: str = ""
    note: str = ""


def _out(ticket: Ticket, user: Someone) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "tracking_code": ticket.tracking_code,
        "unit_id": ticket.unit_id,
        "window_id": ticket.window_id,
        "source": ticket.source,
        "summary": ticket.summary,
        "state": ticket.state,
        "verdict": ticket.verdict,
        "opened_at": ticket.opened_at,
        "visit_due": ticket.visit_due,
        "rectify_due": ticket.rectify_due,
        "closed_at": ticket.closed_at,
        "revoked": ticket.revoked,
        "escalation": ticket.escalation,
        "phone_masked": ticket.phone_masked if may_act(user, ticket, "inspector") else "",
    }


def _detail(ticket: Ticket, user: Someone) -> dict[str, Any]:
    events = [
        {
            "at": e.at,
            "action": e.action,
            "actor": e.actor_label,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "note": e.note,
            "data": e.data,
        }
        for e in ticket.events.all()
    ]
    actions = [a.name for a in ACTIONS.values() if ticket.state in a.sources]
    return {**_out(ticket, user), "events": events, "actions": actions}


@router.get("", response=list[TicketOut])
def ticket_list(
    request: HttpRequest,
    state: str = Query(
        "", description="open / visited / rectifying / review / appeal / appeal_second / closed"
    ),
    limit: int = Query(100, ge=1),
    offset: int = Query(0, ge=0, le=10**9),
) -> Any:
    tickets = restrict(Ticket.objects.all(), request.user).order_by("-opened_at")
    if state:
        if state not in State.values:
            raise ApiError(422, "invalid", "状态不正确", {"state": [f"应为 {', '.join(State.values)} 之一"]})
        tickets = tickets.filter(state=state)
    return [_out(t, request.user) for t in tickets[offset : offset + min(limit, 500)]]


@router.get("/{ticket_id}", response=TicketDetail)
def ticket_detail(request: HttpRequest, ticket_id: int) -> Any:
    ticket = get_object_or_404(restrict(Ticket.objects.all(), request.user), pk=ticket_id)
    return _detail(ticket, request.user)


@router.post("/{ticket_id}/steps", response={200: TicketDetail})
def ticket_step(request: HttpRequest, ticket_id: int, payload: StepIn) -> Any:
    """Take one workflow step (see docs/tickets.md); refused steps change nothing."""
    get_object_or_404(restrict(Ticket.objects.all(), request.user), pk=ticket_id)
    spec = ACTIONS.get(payload.action)
    if spec is None:
        raise ApiError(422, "invalid", "未知的操作", {"action": [f"应为 {', '.join(ACTIONS)} 之一"]})

    def action() -> tuple[int, dict[str, Any]]:
        fields = payload.dict(exclude={"action"})
        missing = [name for name in spec.required if name != "evidence" and fields.get(name) in ("", None)]
        if missing:
            raise ApiError(422, "invalid", "缺少必填字段", {n: [f"请填写{FIELD_LABELS[n]}"] for n in missing})
        try:
            ticket = ticket_act(
                actor=signed_in(request), ticket_id=ticket_id, action=payload.action, **fields
            )
        except TicketError as exc:
            raise ApiError(409, "refused", str(exc)) from exc
        return 200, TicketDetail.model_validate(_detail(ticket, request.user)).model_dump(mode="json")

    return Status(*run_idempotent(request, f"user:{request.user.pk}", action))
