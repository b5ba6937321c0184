"""The ticket state machine as data: each action, the states it starts from, who may take it, the fields it needs.

    open ──visit──> visited ──verify──> 属实/部分属实: rectifying ──rectify──> review ──review_pass──> closed
                                        解释说明:      review                        └─review_fail──> rectifying
                                        不属实:        appeal ──appeal_accept──> appeal_second ──revoke──> closed (revoked)
                                                         └──appeal_reject──> rectifying <──appeal_reject──┘
    closed ──reopen──> rectifying   (an inspector, e.g. when the citizen is not satisfied with the handling)

The second reviewer of an appeal must be another inspector than the first (``revoke`` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

from pingyi.tickets.models import State, Verdict

UNIT = "unit"  # the admin of the unit that served (谁办理谁负责)
INSPECTOR = "inspector"  # an inspector of the ticket's district


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    side: str
    required: tuple[str, ...] = ()


ACTIONS = {
    a.name: a
    for a in (
        Action("visit", "记录回访", frozenset({State.OPEN}), UNIT, ("caller", "called_at", "citizen_said")),
        Action("verify", "核实", frozenset({State.VISITED}), UNIT, ("verdict", "evidence")),
        Action("rectify", "提交整改", frozenset({State.RECTIFYING}), UNIT, ("plan", "proof")),
        Action("review_pass", "审核通过", frozenset({State.REVIEW}), INSPECTOR),
        Action("review_fail", "审核退回", frozenset({State.REVIEW}), INSPECTOR, ("note",)),
        Action("appeal_accept", "申诉初审同意", frozenset({State.APPEAL}), INSPECTOR, ("note",)),
        Action(
            "appeal_reject", "申诉驳回", frozenset({State.APPEAL, State.APPEAL_SECOND}), INSPECTOR, ("note",)
        ),
        Action("revoke", "复核撤销差评", frozenset({State.APPEAL_SECOND}), INSPECTOR, ("note",)),
        Action("reopen", "重新整改", frozenset({State.CLOSED}), INSPECTOR, ("note",)),
    )
}

FIELD_LABELS = {
    "caller": "回访人",
    "called_at": "回访时间",
    "citizen_said": "群众反映",
    "verdict": "核实结论",
    "evidence": "核实依据",
    "plan": "整改措施",
    "proof": "整改佐证",
    "note": "意见",
}

EVENT_LABELS = {
    "open": "立单",
    "remind": "期限提醒",
    "escalate": "督办",
    "handling_rate": "群众评价处理结果",
}

AFTER_VERDICT = {
    Verdict.TRUE: State.RECTIFYING,
    Verdict.PARTLY: State.RECTIFYING,
    Verdict.EXPLAINED: State.REVIEW,
    Verdict.UNTRUE: State.APPEAL,
}

TARGET = {
    "visit": State.VISITED,
    "rectify": State.REVIEW,
    "review_pass": State.CLOSED,
    "review_fail": State.RECTIFYING,
    "appeal_accept": State.APPEAL_SECOND,
    "appeal_reject": State.RECTIFYING,
    "revoke": State.CLOSED,
    "reopen": State.RECTIFYING,
}


def target_state(action: str, verdict: str = "") -> str:
    if action == "verify":
        return AFTER_VERDICT[Verdict(verdict)]
    return TARGET[action]


def actions_from(state: str) -> list[Action]:
    return [a for a in ACTIONS.values() if state in a.sources]
