"""Import kind of duty rosters (排班), in the two shapes halls keep them in, into ``DutyShift``.

- A long list: one shift a row — 窗口, 工作人员 (工号 or name), 开始, 结束 (a date and time each; or a 日期 column and
  times only). A 大厅 column tells windows of the same number in two halls apart.
- A week grid: one window a row, one column a half day, headed by its date and 上午 or 下午 ("2026-12-07 上午"; a date
  alone is the whole day), or by its weekday ("周一上午") with a 周 column giving any day of the row's week; a cell names whoever sits there (工号 or name), an empty cell nobody. A half day runs
  over the window's posted hours of that weekday (its sessions before noon, or from noon), 08:30–12:00 and
  14:00–17:30 for a window without posted hours.

Importing replaces, window by window, the shifts stored within the period the file gives that window (a grid: its
days, whole; a list: from the window's first start to its last end): a corrected week imported again is that week's
roster, and weeks outside it stay. Two shifts of one window, or of one person,
that overlap in the file are row errors, like everything else all or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from pingyi.catalog.importers.common import AMBIGUOUS, CatalogKind, by_code_and_name, staff_by_reference
from pingyi.catalog.models import DutyShift, Hall, Staff, Window, WindowHours
from pingyi.imports.kinds import Column, RowErrors, normalize_header, register_kind

MORNING, AFTERNOON, WHOLE_DAY = "上午", "下午", "全天"
NOON = time(12, 0)
DEFAULT_HOURS = {MORNING: (time(8, 30), time(12, 0)), AFTERNOON: (time(14, 0), time(17, 30))}
GRID_HEADER = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*(上午|下午|全天)?$")
WEEKDAY_HEADER = re.compile(r"^(?:周|星期)([一二三四五六日天])\s*(上午|下午|全天)?$")
WEEKDAY_NUMBER = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEK_COLUMN = ("周", "本周日期", "周起始日期", "起始日期", "日期", "week")
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d")
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H：%M")
LONGEST_SHIFT = timedelta(hours=24)


@dataclass(frozen=True)
class Shift:
    row_no: int
    window: Window
    staff: Staff
    starts_at: datetime
    ends_at: datetime


def _parse(text: str, formats: tuple[str, ...]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


def _grid_weekday(header: str) -> tuple[int, str] | None:
    found = WEEKDAY_HEADER.match(re.sub(r"\s+", "", header.strip()))
    return (WEEKDAY_NUMBER[found.group(1)], found.group(2) or WHOLE_DAY) if found else None


def _grid_day(header: str) -> tuple[date, str] | None:
    found = GRID_HEADER.match(re.sub(r"\s+", " ", header.strip()))
    if not found:
        return None
    year, month, day, part = found.groups()
    try:
        return date(int(year), int(month), int(day)), part or WHOLE_DAY
    except ValueError:
        return None


@register_kind
class RosterImport(CatalogKind):
    key, label, model = "rosters", "排班", DutyShift
    columns = (
        Column("window", "窗口", ("窗口编号", "windowCode", "windowNo"), help="窗口编号"),
        Column(
            "hall",
            "大厅",
            ("所在大厅", "hallCode"),
            required=False,
            help="大厅编码或名称；窗口编号在各大厅不重复时可省略",
        ),
        Column(
            "staff",
            "工作人员",
            ("工号", "姓名", "人员", "值班人员", "staffNo"),
            help="窗口所属单位人员的工号或姓名",
        ),
        Column(
            "date", "日期", ("排班日期", "值班日期"), required=False, help="有此列时，开始和结束可只写时间"
        ),
        Column(
            "starts",
            "开始",
            ("开始时间", "上岗时间", "上岗", "startTime"),
            help="如 2026-12-07 08:30，或 08:30",
        ),
        Column(
            "ends", "结束", ("结束时间", "离岗时间", "离岗", "endTime"), help="如 2026-12-07 12:00，或 12:00"
        ),
    )

    notes = (
        "这是“一行一个班次”的格式。也可以按周排班表导入：第一列“窗口”（可加“大厅”列），",
        "其后每列是半天，列名为日期加上午或下午，如“2026-12-07 上午”“2026-12-07 下午”（只写日期为全天）；",
        "或列名为星期加上午或下午（“周一上午”），并加一列“周”，填该行所排那一周的任意一天；",
        "格子里填坐这个窗口的人的工号或姓名，空格子表示无人。半天的起止取窗口该日公布的办公时间。",
        "导入会替换文件所涉时段内这些窗口原有的排班。",
    )

    def prepare(self) -> None:
        super().prepare()
        windows = list(self.scoped(Window).filter(unit__district=self.district).select_related("unit"))
        self.halls = by_code_and_name(self.scoped(Hall).filter(district=self.district))
        self.windows: dict[Any, Any] = {}
        for window in windows:
            self.windows[(window.hall_id, window.code)] = window
            key = ("any", window.code)
            self.windows[key] = AMBIGUOUS if key in self.windows else window
        self.staff = staff_by_reference(Staff.objects.filter(unit_id__in={w.unit_id for w in windows}))
        self.hours: dict[int, list[Any]] = {}
        for window in windows:
            self.hours[window.pk] = []
        for session in WindowHours.objects.filter(window_id__in=list(self.hours)):
            self.hours[session.window_id].append(session)
        self.by_window: dict[int, list[Shift]] = {}
        self.by_staff: dict[int, list[Shift]] = {}
        self.grid: dict[str, tuple[date, str]] = {}  # the grid's position keys → (day, 上午/下午/全天)
        self.weekly: dict[str, tuple[int, str]] = {}  # a weekday grid's keys → (weekday, 上午/下午/全天)
        self.replaced = 0

    # ---- the week grid ---------------------------------------------------------------------------------------
    def map_headers(self, headers: list[str]) -> tuple[dict[str, int], list[dict[str, Any]]] | None:
        days = {i: _grid_day(h) for i, h in enumerate(headers)}
        weekdays = {i: _grid_weekday(h) for i, h in enumerate(headers)}
        if not any(days.values()) and not any(weekdays.values()):
            return None  # a long list: the runner maps the declared columns
        positions: dict[str, int] = {}
        errors: list[dict[str, Any]] = []
        names = {
            "window": {normalize_header(a) for a in ("窗口", "窗口编号", "windowCode", "windowNo")},
            "hall": {normalize_header(a) for a in ("大厅", "所在大厅", "hallCode")},
            "week": {normalize_header(a) for a in WEEK_COLUMN},
        }
        for i, header in enumerate(headers):
            day, weekday = days[i], weekdays[i]
            key = ""
            if day is not None:
                key = f"grid:{day[0].isoformat()}:{day[1]}"
                self.grid[key] = day
            elif weekday is not None:
                key = f"week:{weekday[0]}:{weekday[1]}"
                self.weekly[key] = weekday
            if key:
                if key in positions:
                    errors.append({"row": 1, "column": header, "message": f"表头中“{header}”出现了多次"})
                positions[key] = i
                continue
            for key, accepted in names.items():
                if normalize_header(header) in accepted and key not in positions:
                    positions[key] = i
        if self.grid and self.weekly:
            errors.append(
                {"row": 1, "column": "", "message": "表头不能同时用日期（2026-12-07 上午）和星期（周一上午）"}
            )
        elif self.weekly and "week" not in positions:
            errors.append(
                {
                    "row": 1,
                    "column": "周",
                    "message": "按星期排班须有“周”列：填该周任意一天的日期，如 2026-12-07",
                }
            )
        if "window" not in positions:
            errors.append(
                {"row": 1, "column": "窗口", "message": "缺少必填列“窗口”（排班表第一列为窗口编号）"}
            )
        return positions, errors

    def _half_day(self, window: Window, day: date, part: str) -> tuple[datetime, datetime] | None:
        sessions = [s for s in self.hours.get(window.pk, []) if s.weekday == day.weekday()]
        if not self.hours.get(window.pk):
            bounds = [DEFAULT_HOURS[MORNING], DEFAULT_HOURS[AFTERNOON]]
            if part != WHOLE_DAY:
                bounds = [DEFAULT_HOURS[part]]
        else:
            if part == MORNING:
                sessions = [s for s in sessions if s.opens < NOON]
            elif part == AFTERNOON:
                sessions = [s for s in sessions if s.opens >= NOON]
            bounds = [(s.opens, s.closes) for s in sessions]
        if not bounds:
            return None
        opens, closes = min(b[0] for b in bounds), max(b[1] for b in bounds)
        return (
            timezone.make_aware(datetime.combine(day, opens)),
            timezone.make_aware(datetime.combine(day, closes)),
        )

    # ---- rows --------------------------------------------------------------------------------------------------
    def _window(self, values: dict[str, str], errors: RowErrors) -> Window | None:
        code = values.get("window", "").strip()
        if not code:
            errors.add("窗口", "不能为空")
            return None
        hall_text = values.get("hall", "").strip()
        if hall_text:
            hall = self.lookup(self.halls, hall_text, "大厅", "大厅", errors)
            if hall is None:
                return None
            window = self.windows.get((hall.pk, code))
            if window is None:
                errors.add("窗口", f"{hall.name}没有编号为“{code}”的窗口，或不在您的管理范围内")
            return window
        window = self.windows.get(("any", code))
        if window is AMBIGUOUS:
            errors.add("窗口", f"多个大厅有编号为“{code}”的窗口，请加“大厅”列")
            return None
        if window is None:
            errors.add("窗口", f"找不到窗口“{code}”，或不在您的管理范围内")
        return window

    def _when(self, values: dict[str, str], key: str, label: str, errors: RowErrors) -> datetime | None:
        text = values.get(key, "").strip()
        if not text:
            errors.add(label, "不能为空")
            return None
        found = _parse(text, _DATETIME_FORMATS)
        day_text = values.get("date", "").strip()
        if found is None and day_text:
            day, clock = _parse(day_text, _DATE_FORMATS), _parse(text, _TIME_FORMATS)
            if day is not None and clock is not None:
                found = datetime.combine(day.date(), clock.time())
            elif day is None:
                errors.add("日期", f"“{day_text}”不是有效的日期，应为 2026-12-07 这样的格式")
                return None
        if found is None:
            errors.add(
                label, f"“{text}”不是有效的时间，应为 2026-12-07 08:30 这样的格式（有“日期”列时可只写 08:30）"
            )
            return None
        return timezone.make_aware(found)

    def _check_overlaps(self, shift: Shift, label: str, errors: RowErrors) -> None:
        for other in self.by_window.get(shift.window.pk, []):
            if other.starts_at < shift.ends_at and shift.starts_at < other.ends_at:
                errors.add(label, f"与第 {other.row_no} 行同一窗口的排班时间重叠")
                return
        for other in self.by_staff.get(shift.staff.pk, []):
            if other.starts_at < shift.ends_at and shift.starts_at < other.ends_at:
                errors.add(label, f"{shift.staff.name}在第 {other.row_no} 行同一时间排在另一个窗口")
                return

    def _keep(self, shift: Shift) -> None:
        self.by_window.setdefault(shift.window.pk, []).append(shift)
        self.by_staff.setdefault(shift.staff.pk, []).append(shift)

    def validate(self, row_no: int, values: dict[str, str]) -> Any:
        errors = RowErrors()
        window = self._window(values, errors)
        shifts: list[Shift] = []
        covered: tuple[date, date] | None = None  # the days a grid row gives its window, whole
        cells = list((key, day, part) for key, (day, part) in self.grid.items())
        if self.weekly:
            week_text = values.get("week", "").strip()
            week = _parse(week_text, _DATE_FORMATS) if week_text else None
            if week is None:
                errors.add(
                    "周",
                    f"“{week_text}”不是有效的日期，应为该周任意一天，如 2026-12-07"
                    if week_text
                    else "不能为空",
                )
            else:
                monday = week.date() - timedelta(days=week.weekday())
                cells = [(key, monday + timedelta(days=wd), part) for key, (wd, part) in self.weekly.items()]
        if cells:
            covered = (min(c[1] for c in cells), max(c[1] for c in cells))
        if self.grid or self.weekly:
            for key, day, part in cells:
                text = values.get(key, "").strip()
                if not text or window is None:
                    continue
                label = f"{day.isoformat()} {part}"
                person = self.referenced_staff(values, key, label, window.unit, self.staff, errors)
                bounds = self._half_day(window, day, part)
                if bounds is None:
                    errors.add(label, f"窗口“{window.code}”这天{part if part != WHOLE_DAY else ''}不办公")
                if person is not None and bounds is not None:
                    shift = Shift(row_no, window, person, *bounds)
                    self._check_overlaps(shift, label, errors)
                    shifts.append(shift)
        else:
            person = None
            if window is not None:
                if values.get("staff", "").strip():
                    person = self.referenced_staff(
                        values, "staff", "工作人员", window.unit, self.staff, errors
                    )
                else:
                    errors.add("工作人员", "不能为空")
            starts, ends = (
                self._when(values, "starts", "开始", errors),
                self._when(values, "ends", "结束", errors),
            )
            if starts is not None and ends is not None:
                if ends <= starts:
                    errors.add("结束", "应晚于开始")
                elif ends - starts > LONGEST_SHIFT:
                    errors.add("结束", "一个班次不能超过24小时")
            if window is not None and person is not None and starts is not None and ends is not None:
                shift = Shift(row_no, window, person, starts, ends)
                if not errors.problems:
                    self._check_overlaps(shift, "开始", errors)
                shifts.append(shift)
        if errors.problems:
            raise errors
        for shift in shifts:
            self._keep(shift)
        return window, shifts, covered

    def done_message(self, created: int, updated: int) -> str:
        replaced = f"，替换了原有的 {self.replaced} 个" if self.replaced else ""
        return f"已导入 {created} 个班次{replaced}"

    def commit(self, prepared: list[Any]) -> tuple[int, int, dict[str, Any]]:
        shifts = [shift for _window, row, _covered in prepared for shift in row]
        spans: dict[int, tuple[datetime, datetime]] = {}
        for window, _row, covered in prepared:  # a grid row covers its days whole: an empty cell is nobody
            if covered is not None:
                start = timezone.make_aware(datetime.combine(covered[0], time(0)))
                end = timezone.make_aware(datetime.combine(covered[1] + timedelta(days=1), time(0)))
                before = spans.get(window.pk, (start, end))
                spans[window.pk] = (min(before[0], start), max(before[1], end))
        for shift in shifts:
            start, end = spans.get(shift.window.pk, (shift.starts_at, shift.ends_at))
            spans[shift.window.pk] = (min(start, shift.starts_at), max(end, shift.ends_at))
        for window_id, (start, end) in spans.items():
            deleted, _ = DutyShift.objects.filter(
                window_id=window_id, starts_at__lt=end, ends_at__gt=start
            ).delete()
            self.replaced += deleted
        DutyShift.objects.bulk_create(
            (
                DutyShift(window=s.window, staff=s.staff, starts_at=s.starts_at, ends_at=s.ends_at)
                for s in shifts
            ),
            batch_size=1000,
        )
        first = min((s.starts_at for s in shifts), default=None)
        last = max((s.ends_at for s in shifts), default=None)
        summary = {
            "shifts": len(shifts),
            "replaced": self.replaced,
            "windows": len(spans),
            "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None,
        }
        return len(shifts), 0, summary
