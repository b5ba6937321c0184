"""Posted office hours as text, both ways: "周一至周五 08:30-12:00,14:00-17:30；周六 09:00-12:00".

A spec is a list of clauses separated by ``;`` or ``；``. A clause is an optional day range (周一至周五, 周一-周五,
周六, 工作日, 每天) followed by one or more sessions ``HH:MM-HH:MM`` separated by commas; without a day range a
clause means Monday to Friday. Sessions on one day must not overlap and must lie within 00:00–24:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

DAY_NAMES = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
DAY_LABELS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
# Dashes as typed on Western and Chinese keyboards (an IME gives the full-width － and ～).
_DASH = "-–—－~～至到"
_SESSION = re.compile(rf"^(\d{{1,2}})[:：](\d{{2}})\s*[{_DASH}]\s*(\d{{1,2}})[:：](\d{{2}})$")
_DAY_RANGE = re.compile(
    rf"^(?:周|星期)([一二三四五六日天七])(?:\s*[{_DASH}]\s*(?:周|星期)?([一二三四五六日天七]))?"
)
# Spaces around the dash of a session ("08:30 - 12:00") must not split it in two.
_SPACED_DASH = re.compile(rf"(?<=\d)\s*([{_DASH}])\s*(?=\d)")


class HoursError(ValueError):
    """A spec that cannot be read; the message is for the person who typed it, in Chinese."""


@dataclass(frozen=True, order=True)
class Session:
    weekday: int
    opens: time
    closes: time


def _parse_time(hour: str, minute: str, spec: str) -> time:
    h, m = int(hour), int(minute)
    if h == 24 and m == 0:
        return time(23, 59)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise HoursError(f"时间“{hour}:{minute}”无效（小时应为0–23，分钟为0–59）")
    return time(h, m)


def _days(prefix: str) -> tuple[list[int], str]:
    prefix = prefix.strip()
    for word, days in (("工作日", list(range(5))), ("每天", list(range(7))), ("每日", list(range(7)))):
        if prefix.startswith(word):
            return days, prefix[len(word) :]
    match = _DAY_RANGE.match(prefix)
    if not match:
        return list(range(5)), prefix
    first = DAY_NAMES[match.group(1)]
    last = DAY_NAMES[match.group(2)] if match.group(2) else first
    if last < first:
        raise HoursError(f"星期范围“{match.group(0)}”无效")
    return list(range(first, last + 1)), prefix[match.end() :]


def parse_hours(spec: str) -> list[Session]:
    spec = (spec or "").strip()
    if not spec:
        raise HoursError("办公时间不能为空")
    sessions: list[Session] = []
    for clause in re.split(r"[;；\n]", spec):
        clause = clause.strip()
        if not clause:
            continue
        days, rest = _days(clause)
        rest = _SPACED_DASH.sub(r"\1", rest.strip().lstrip(":：").strip())  # "周一至周五：08:30 - 12:00"
        parts = [p.strip() for p in re.split(r"[,，、\s]+", rest) if p.strip()]
        if not parts:
            raise HoursError(f"“{clause}”缺少时间段（例如 08:30-12:00）")
        for part in parts:
            match = _SESSION.match(part)
            if not match:
                raise HoursError(f"时间段“{part}”格式不对（应为 08:30-12:00）")
            opens = _parse_time(match.group(1), match.group(2), spec)
            closes = _parse_time(match.group(3), match.group(4), spec)
            if closes <= opens:
                raise HoursError(f"时间段“{part}”的结束时间应晚于开始时间")
            sessions.extend(Session(day, opens, closes) for day in days)
    sessions.sort()
    for a, b in zip(sessions, sessions[1:], strict=False):
        if a.weekday == b.weekday and b.opens < a.closes:
            raise HoursError(
                f"{DAY_LABELS[a.weekday]}的时间段重叠：{a.opens:%H:%M}-{a.closes:%H:%M} 与 {b.opens:%H:%M}-{b.closes:%H:%M}"
            )
    return sessions


def format_hours(sessions: list[Session] | list) -> str:
    """The inverse of parse_hours, grouping consecutive days that share the same sessions."""
    by_day: dict[int, list[str]] = {}
    for s in sorted(sessions, key=lambda s: (s.weekday, s.opens)):
        by_day.setdefault(s.weekday, []).append(f"{s.opens:%H:%M}-{s.closes:%H:%M}")
    clauses: list[str] = []
    days = sorted(by_day)
    i = 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1] == days[j] + 1 and by_day[days[j + 1]] == by_day[days[i]]:
            j += 1
        label = DAY_LABELS[days[i]] if i == j else f"{DAY_LABELS[days[i]]}至{DAY_LABELS[days[j]]}"
        clauses.append(f"{label} {','.join(by_day[days[i]])}")
        i = j + 1
    return "；".join(clauses)
