"""An alert's one-line summary in the reader's language, rebuilt from the evidence stored with the alert.

Evaluation stores a Chinese summary (``Alert.summary``): it goes out by SMS and e-mail and stays as written. Pages
show ``summary_text`` instead, built from the same numbers with the same Chinese wording as msgids, so an English
reader sees English. An alert whose evidence lacks a number (stored by an older version) shows its stored summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext, gettext_noop

# The ticket phases that ticket_due_soon stores in Chinese (conditions.py); listed here for the catalogue.
PHASES = (gettext_noop("回访"), gettext_noop("整改"))


def _subject(alert: Any) -> str:
    if alert.window_id:  # as conditions._names names a window
        return f"{alert.window.unit.name} {alert.window}"
    if alert.unit_id:
        return str(alert.unit.name)
    return gettext("全区")


def _month_day(moment: str) -> str:
    """'09-13' from the stored local ISO time '2026-09-13T10:00+08:00'."""
    return moment[5:10]


def _negative_share(alert: Any, e: dict[str, Any]) -> str:
    return gettext(
        "%(name)s：近 %(hours)s 小时主动评价 %(ratings)s 条、差评 %(negative)s 条（%(share)s%%），达到 %(percent)s%% 的阈值"
    ) % {
        "name": _subject(alert),
        "hours": e["hours"],
        "ratings": e["ratings"],
        "negative": e["negative"],
        "share": f"{e['share']:.1f}",
        "percent": f"{e['percent']:g}",
    }


def _silent_window(alert: Any, e: dict[str, Any]) -> str:
    return gettext("%(name)s：近 %(days)s 个工作日（自 %(start)s）办件 %(records)s 件、评价 0 条") % {
        "name": _subject(alert),
        "days": e["working_days"],
        "start": _month_day(e["from"]),
        "records": e["records"],
    }


def _stalled_level(alert: Any, e: dict[str, Any]) -> str:
    return gettext(
        "%(name)s：近 %(days)s 个工作日评价 %(ratings)s 条，“%(level)s”0 条（按此前 %(history_days)s 个工作日的比例应约 %(expected)s 条）"
    ) % {
        "name": _subject(alert),
        "days": e["working_days"],
        "ratings": e["span_ratings"],
        "level": gettext(e["level_label"]),
        "history_days": e["history_working_days"],
        "expected": f"{e['expected']:.1f}",
    }


def _ticket_due_soon(alert: Any, e: dict[str, Any]) -> str:
    due = e["due"]
    return gettext("工单 %(code)s（%(unit)s）%(phase)s期限 %(due)s 将到，剩余 %(left)s 小时") % {
        "code": e["tracking_code"],
        "unit": alert.unit.name if alert.unit_id else "",
        "phase": gettext(e["phase"]),
        "due": f"{due[5:10]} {due[11:16]}",
        "left": f"{e['hours_left']:.1f}",
    }


BUILDERS: dict[str, Callable[[Any, dict[str, Any]], str]] = {
    "negative_share": _negative_share,
    "silent_window": _silent_window,
    "stalled_level": _stalled_level,
    "ticket_due_soon": _ticket_due_soon,
}


def summary_text(alert: Any) -> str:
    builder = BUILDERS.get(alert.kind)
    try:
        return builder(alert, alert.evidence or {}) if builder else alert.summary
    except (KeyError, TypeError, ValueError):
        return str(alert.summary)
