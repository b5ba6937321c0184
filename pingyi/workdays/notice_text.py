"""The schedule of a State Council notice as inspectors type it, one line per day or range:

    2027-01-01 休 元旦
    2027-02-06~2027-02-12 休 春节
    2027-02-14 班 春节

休 / 放假 mark holidays, 班 / 上班 mark 调休 working days (which must fall on a Saturday or Sunday); a range takes
``~``, ``～`` or ``至``; the name is optional. Blank lines and lines starting with # are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

HOLIDAY_WORDS = {"休", "放假", "holiday"}
WORKDAY_WORDS = {"班", "上班", "调休上班", "workday"}
_LINE = re.compile(r"^(\S+?)(?:\s*[~～至]\s*(\S+))?\s+(\S+)(?:\s+(.+))?$")


@dataclass(frozen=True)
class ScheduleDay:
    day: date
    kind: str  # "holiday" | "workday"
    name: str


class ScheduleError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors))


def _date(text: str) -> date:
    return date.fromisoformat(text.replace("/", "-"))


def parse_schedule(text: str, *, year: int) -> list[ScheduleDay]:
    days: dict[date, ScheduleDay] = {}
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(f"第 {number} 行：格式应为“日期 休|班 节日”或“开始~结束 休 节日”")
            continue
        first, last, word, name = match.groups()
        try:
            start = _date(first)
            end = _date(last) if last else start
        except ValueError:
            errors.append(f"第 {number} 行：日期应写成 YYYY-MM-DD")
            continue
        if word in HOLIDAY_WORDS:
            kind = "holiday"
        elif word in WORKDAY_WORDS:
            kind = "workday"
        else:
            errors.append(f"第 {number} 行：“{word}”不是“休”或“班”")
            continue
        if end < start or (end - start).days > 31:
            errors.append(f"第 {number} 行：日期范围不正确")
            continue
        day = start
        while day <= end:
            if day.year != year:
                errors.append(f"第 {number} 行：{day} 不在 {year} 年")
            elif kind == "workday" and day.weekday() < 5:
                errors.append(f"第 {number} 行：{day} 是工作日，调休上班只能在周六或周日")
            elif day in days and days[day].kind != kind:
                errors.append(f"第 {number} 行：{day} 既是放假又是上班")
            else:
                days[day] = ScheduleDay(day, kind, (name or "").strip()[:20])
            day += timedelta(days=1)
    if not errors and not any(d.kind == "holiday" for d in days.values()):
        errors.append("没有任何放假日期：请按通知逐行录入")
    if errors:
        raise ScheduleError(errors)
    return sorted(days.values(), key=lambda d: d.day)


def schedule_text(days: list[tuple[date, str, str]]) -> str:
    """The inverse of ``parse_schedule`` (one line per day), to show a saved notice in the form again."""
    word = {"holiday": "休", "workday": "班"}
    return "\n".join(f"{day.isoformat()} {word[kind]} {name}".rstrip() for day, kind, name in days)
