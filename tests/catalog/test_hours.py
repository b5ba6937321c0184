"""Posted office hours as text: parse_hours and format_hours are each other's inverse."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingyi.catalog.hours import HoursError, Session, format_hours, parse_hours


def sessions(days: range | list[int], *spans: tuple[str, str]) -> list[Session]:
    return sorted(
        Session(day, time.fromisoformat(opens), time.fromisoformat(closes))
        for day in days
        for opens, closes in spans
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "周一至周五 08:30-12:00,14:00-17:30；周六 09:00-12:00",
            sessions(range(5), ("08:30", "12:00"), ("14:00", "17:30")) + sessions([5], ("09:00", "12:00")),
        ),
        ("工作日 09:00-17:00", sessions(range(5), ("09:00", "17:00"))),
        ("每天 08:00-20:00", sessions(range(7), ("08:00", "20:00"))),
        ("08:30-12:00", sessions(range(5), ("08:30", "12:00"))),  # no day range: Monday to Friday
        (
            "星期一到星期三 8:30-12:00、14:00-17:00",
            sessions(range(3), ("08:30", "12:00"), ("14:00", "17:00")),
        ),
        (
            "周六至周日 09:00－12:00",
            sessions([5, 6], ("09:00", "12:00")),
        ),  # full-width dashes, as IMEs type them
        ("周一－周五 8:30～12:00", sessions(range(5), ("08:30", "12:00"))),
        (
            "周一~周五 08：30-12：00；周六 09:00至12:00",
            sessions(range(5), ("08:30", "12:00")) + sessions([5], ("09:00", "12:00")),
        ),
        (
            "周一至周五 08:30 - 12:00, 14:00 - 17:30",
            sessions(range(5), ("08:30", "12:00"), ("14:00", "17:30")),
        ),
        ("周一至周五：08:30-12:00", sessions(range(5), ("08:30", "12:00"))),
        ("周日 18:00-24:00", sessions([6], ("18:00", "23:59"))),
    ],
)
def test_specs_people_type_are_read(spec, expected):
    if expected is None:
        with pytest.raises(HoursError):
            parse_hours(spec)
        return
    assert parse_hours(spec) == expected


@pytest.mark.parametrize(
    ("spec", "text"),
    [
        (
            "周一至周五 08:30-12:00,14:00-17:30；周六 09:00-12:00",
            "周一至周五 08:30-12:00,14:00-17:30；周六 09:00-12:00",
        ),
        ("工作日 09:00-17:00；周六至周日 10:00-12:00", "周一至周五 09:00-17:00；周六至周日 10:00-12:00"),
        ("周一至周五 09:00-12:00；周六至周日 09:00-12:00", "周一至周日 09:00-12:00"),
        ("周一 08:00-12:00；周三 08:00-12:00", "周一 08:00-12:00；周三 08:00-12:00"),
        ("周一至周四 08:30-17:00；周五 08:30-12:00", "周一至周四 08:30-17:00；周五 08:30-12:00"),
        ("周六 09:00-12:00,13:00-16:00；周日 09:00-12:00", "周六 09:00-12:00,13:00-16:00；周日 09:00-12:00"),
    ],
)
def test_format_writes_what_parse_reads(spec, text):
    parsed = parse_hours(spec)
    assert format_hours(parsed) == text
    assert parse_hours(format_hours(parsed)) == parsed


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("周一至周五 08:30-25:00", "时间“25:00”无效"),
        ("周一至周五 08:70-12:00", "时间“08:70”无效"),
        ("12:00-08:00", "时间段“12:00-08:00”的结束时间应晚于开始时间"),
        ("周一 09:00-09:00", "结束时间应晚于开始时间"),
        ("周一至周五 08:00-12:00,11:30-13:00", "周一的时间段重叠：08:00-12:00 与 11:30-13:00"),
        ("周五至周一 08:00-12:00", "星期范围“周五至周一”无效"),
        ("周一至周五", "缺少时间段"),
        ("上午八点到十二点", "格式不对"),
        ("", "办公时间不能为空"),
    ],
)
def test_bad_specs_are_refused_with_a_reason(spec, message):
    with pytest.raises(HoursError) as caught:
        parse_hours(spec)
    assert message in str(caught.value)


def test_format_of_nothing_is_empty():
    assert format_hours([]) == ""


# --- properties ------------------------------------------------------------------------------------------------

DAY_WORDS = ["一", "二", "三", "四", "五", "六", "日"]


@st.composite
def day_sessions(draw: st.DrawFn) -> list[tuple[time, time]]:
    """One to three non-overlapping sessions inside one day, as (opens, closes)."""
    points = draw(st.lists(st.integers(0, 24 * 60 - 1), min_size=2, max_size=6, unique=True).map(sorted))
    if len(points) % 2:
        points = points[:-1]
    return [
        (time(a // 60, a % 60), time(b // 60, b % 60)) for a, b in zip(points[::2], points[1::2], strict=True)
    ]


def _clock(t: time, draw: st.DrawFn) -> str:
    hour = f"{t.hour}" if t.hour < 10 and draw(st.booleans()) else f"{t.hour:02d}"
    return f"{hour}{draw(st.sampled_from([':', '：']))}{t.minute:02d}"


@st.composite
def specs(draw: st.DrawFn) -> str:
    """A spec as people write it: day ranges in several spellings, varied separators, colons and dashes."""
    clauses = []
    first = 0
    while first < 7:
        last = draw(st.integers(first, 6))
        if draw(st.booleans()):  # leave these days closed
            first = last + 1
            continue
        if first == last:
            label = draw(st.sampled_from(["周", "星期"])) + DAY_WORDS[first]
        else:
            joiner = draw(st.sampled_from(["至", "到", "-", "~", " 至 ", "－", "～"]))
            label = f"周{DAY_WORDS[first]}{joiner}周{DAY_WORDS[last]}"
            if (first, last) == (0, 4) and draw(st.booleans()):
                label = "工作日"
            if (first, last) == (0, 6) and draw(st.booleans()):
                label = "每天"
        dash = draw(st.sampled_from(["-", "–", "~", "至", " - ", "－", "～"]))
        parts = [f"{_clock(a, draw)}{dash}{_clock(b, draw)}" for a, b in draw(day_sessions())]
        colon = draw(st.sampled_from([" ", "", "：", ": "]))
        clauses.append(label + colon + draw(st.sampled_from([",", "，", "、", " "])).join(parts))
        first = last + 1
    if not clauses:
        clauses.append("周一 " + "08:00-12:00")
    return draw(st.sampled_from(["；", ";", "\n"])).join(clauses)


@given(specs())
def test_any_spec_people_write_is_read_and_its_formatted_form_reads_the_same(spec):
    parsed = parse_hours(spec)
    assert parsed, spec
    text = format_hours(parsed)
    assert parse_hours(text) == parsed
    assert format_hours(parse_hours(text)) == text


@given(st.dictionaries(st.integers(0, 6), day_sessions(), min_size=1))
def test_format_then_parse_gives_back_the_sessions(by_day):
    original = sorted(Session(day, a, b) for day, spans in by_day.items() for a, b in spans)
    assert parse_hours(format_hours(original)) == original
