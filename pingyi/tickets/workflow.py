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

from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pingyi.tickets.choices import State, Verdict

UNIT = "unit"  # the admin of the unit that served (谁办理谁负责)
INSPECTOR = "inspector"  # an inspector of the ticket's district


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    side: str
    required: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The label in the reader's language (``label`` stays the Chinese msgid)."""
        return gettext(self.label)


ACTIONS = {
    a.name: a
    for a in (
        Action(
            "visit",
            gettext_noop("记录回访"),
            frozenset({State.OPEN}),
            UNIT,
            ("caller", "called_at", "citizen_said"),
        ),
        Action("verify", gettext_noop("核实"), frozenset({State.VISITED}), UNIT, ("verdict", "evidence")),
        Action("rectify", gettext_noop("提交整改"), frozenset({State.RECTIFYING}), UNIT, ("plan", "proof")),
        Action("review_pass", gettext_noop("审核通过"), frozenset({State.REVIEW}), INSPECTOR),
        Action("review_fail", gettext_noop("审核退回"), frozenset({State.REVIEW}), INSPECTOR, ("note",)),
        Action(
            "appeal_accept", gettext_noop("申诉初审同意"), frozenset({State.APPEAL}), INSPECTOR, ("note",)
        ),
        Action(
            "appeal_reject",
            gettext_noop("申诉驳回"),
            frozenset({State.APPEAL, State.APPEAL_SECOND}),
            INSPECTOR,
            ("note",),
        ),
        Action(
            "revoke", gettext_noop("复核撤销差评"), frozenset({State.APPEAL_SECOND}), INSPECTOR, ("note",)
        ),
        Action("reopen", gettext_noop("重新整改"), frozenset({State.CLOSED}), INSPECTOR, ("note",)),
    )
}

FIELD_LABELS = {
    "caller": _("回访人"),
    "called_at": _("回访时间"),
    "citizen_said": _("群众反映"),
    "verdict": _("核实结论"),
    "evidence": _("核实依据"),
    "plan": _("整改措施"),
    "proof": _("整改佐证"),
    "note": _("意见"),
}

EVENT_LABELS = {
    "open": pgettext_lazy("ticket event", "立单"),
    "remind": pgettext_lazy("ticket event", "期限提醒"),
    "escalate": pgettext_lazy("ticket event", "督办"),
    "handling_rate": pgettext_lazy("ticket event", "群众评价处理结果"),
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
