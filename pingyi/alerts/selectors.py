"""Reads for the alert pages and the home page: the alerts a user may see, the home card, evidence rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import can_view, restrict
from pingyi.alerts.models import Alert, AlertRule

ACTIVE = (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED)

# Labels of the evidence numbers, in the order the detail page shows them.
EVIDENCE_LABELS = {
    "ratings": _("主动评价"),
    "negative": _("差评（不含已撤销）"),
    "share": _("差评占比（%）"),
    "percent": _("阈值（%）"),
    "min_ratings": _("最少评价数"),
    "hours": _("小时数"),
    "records": _("办件"),
    "min_records": _("最少办件数"),
    "last_rating_at": _("此前最近一条评价"),
    "level_label": _("停滞的等级"),
    "span_ratings": _("期间评价（其他等级）"),
    "span_level": _("期间该等级评价"),
    "working_days": _("工作日数"),
    "history_working_days": _("基线工作日数"),
    "history_ratings": _("基线期评价"),
    "history_level": _("基线期该等级评价"),
    "expected": _("按基线比例应有（条）"),
    "min_expected": _("最少应有条数"),
    "tracking_code": _("工单查询码"),
    "state": _("工单状态"),
    "phase": _("期限"),
    "due": _("期限截止"),
    "hours_left": _("剩余小时"),
    "escalation": _("已督办次数"),
    "history_from": _("基线起"),
    "from": _("自"),
    "to": _("至"),
}


def visible_alerts(user: Someone) -> QuerySet[Alert]:
    return restrict(
        Alert.objects.select_related(
            "unit", "window__unit", "ticket", "rule", "acknowledged_by", "closed_by"
        ),
        user,
    )


def visible_rules(user: Someone) -> QuerySet[AlertRule]:
    return restrict(AlertRule.objects.select_related("unit", "window", "updated_by"), user)


def home_card(user: Someone) -> dict[str, Any] | None:
    """For the home page: the user's open and acknowledged alerts and the five newest; None if it sees none."""
    if not can_view(user, Alert):
        return None
    counts = visible_alerts(user).aggregate(
        open=Count("id", filter=Q(status=Alert.Status.OPEN)),
        acknowledged=Count("id", filter=Q(status=Alert.Status.ACKNOWLEDGED)),
    )
    latest = list(visible_alerts(user).filter(status__in=ACTIVE).order_by("-raised_at", "-id")[:5])
    return {"open": counts["open"], "acknowledged": counts["acknowledged"], "latest": latest}


# Evidence values that are Chinese labels stored at evaluation time; shown in the reader's language.
LABEL_VALUES = {"level_label", "state", "phase"}


def evidence_rows(evidence: dict[str, Any]) -> list[tuple[str, Any]]:
    return [
        (str(label), gettext(evidence[key]) if key in LABEL_VALUES else evidence[key])
        for key, label in EVIDENCE_LABELS.items()
        if evidence.get(key) not in (None, "")
    ]
