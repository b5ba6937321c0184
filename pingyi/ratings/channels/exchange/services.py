"""The provincial 好差评 exchange format: import (all rows or none) and export, as JSON lines or CSV.

Fields (docs/exchange-format.md): areaCode, deptCode, taskCode, projectNo, pf, satisfaction, evalDetail,
writingEvaluation, assessTime, assessNumber, evalProcess, proManager. Codes are mapped explicitly through
``pingyi.lib.scales``: satisfaction is the provincial code (1 = 非常不满意 … 5 = 非常满意) unless the file uses GB/T
39046's reversed code; pf follows the standard table or the "6 电话, 7 短信" variant.

An import validates every row first and reports every problem with its row number and field; only a file without
problems is written, in one transaction, through ``rating_submit`` (historical: the original time is kept).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pingyi.accounts.roles import SYSTEM, Actor
from pingyi.audit.services import audit_record
from pingyi.catalog.models import District, DutyShift, ServiceItem, Staff, Unit
from pingyi.derived.choices import Source
from pingyi.derived.feed import days_changed
from pingyi.imports.reader import TableError, open_table
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import scales
from pingyi.ratings.channels.exchange import adapter
from pingyi.ratings.errors import RatingError
from pingyi.ratings.intake import RatingInput
from pingyi.ratings.models import Rating, ReasonTag
from pingyi.ratings.selectors import deployment_scale
from pingyi.ratings.tagdata import CURRENT_VERSION

FIELDS = (
    *("areaCode", "deptCode", "taskCode", "projectNo", "pf", "satisfaction", "evalDetail"),
    *("writingEvaluation", "assessTime", "assessNumber", "evalProcess", "proManager"),
)
REQUIRED = ("areaCode", "deptCode", "pf", "satisfaction", "assessTime")
# Optional per-row overrides of the import options (for files that carry their own convention).
OPTION_FIELDS = ("satisfactionStandard", "pfVariant")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
PF_VARIANTS = ("standard", "phone")
GBT39046 = "gbt39046"
# The current tag set first, then the retired one still found in old data.
TAG_VERSIONS = (CURRENT_VERSION, "2019")

_NUMBER_KIND = {"1": Rating.Kind.FIRST, "2": Rating.Kind.FOLLOW_UP}
_PROCESS_STAGE = {"1": Rating.Stage.ACCEPTED, "2": Rating.Stage.FINISHED}
_KIND_NUMBER: dict[str, int] = {str(v): int(k) for k, v in _NUMBER_KIND.items()}
_STAGE_PROCESS: dict[str, int | str] = {str(v): int(k) for k, v in _PROCESS_STAGE.items()}
# RatingError.field → the exchange field it concerns.
_ERROR_FIELD = {"target": "deptCode", "level": "satisfaction", "tags": "evalDetail", "comment": "writingEvaluation",
                "rated_at": "assessTime"}  # fmt: skip


class ExchangeError(ValueError):
    """The file as a whole cannot be read (encoding, format, header)."""


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}「{self.field}」：{self.message}" if self.field else f"{where}：{self.message}"


@dataclass
class ImportResult:
    created: int = 0
    defaults: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ExportResult:
    written: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


class _RowInvalid(Exception):
    """(field, message) of the first problem of a row."""


class _Rollback(Exception):
    pass


# ------------------------------------------------------------------ reading -------------------------------------


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_cell(v) for v in value)
    return "" if value is None else str(value).strip()


def _is_jsonl(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return True
    with path.open("rb") as handle:
        return suffix != ".csv" and handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(row number, values) per data row; values is None for a JSON line that is not an object.

    JSON lines are numbered by line; CSV (UTF-8 with or without BOM, or GB18030, via the catalogue imports' reader)
    counts the header as row 1, as the catalogue imports do.
    """
    if not _is_jsonl(path):
        try:
            with open_table(path) as table:
                known = {name.lower(): name for name in (*FIELDS, *OPTION_FIELDS)}
                names = [known.get(h.lower(), h) for h in table.headers]
                missing = [name for name in REQUIRED if name not in names]
                if missing:
                    raise ExchangeError("表头缺少字段：" + "、".join(missing))
                for number, cells in enumerate(table.rows, start=2):
                    if any(cells):
                        yield number, {n: (cells[i] if i < len(cells) else "") for i, n in enumerate(names)}
        except TableError as exc:
            raise ExchangeError(str(exc)) from exc
        return
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExchangeError("无法识别文件编码：应为 UTF-8（可带 BOM）或 GB18030（GBK）编码")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                obj = None
            yield number, ({k: _cell(v) for k, v in obj.items()} if isinstance(obj, dict) else None)


# ------------------------------------------------------------------ import --------------------------------------


@dataclass
class _Context:
    district: District
    area_code: str
    scale: scales.Scale
    gbt39046: bool
    pf_variant: str
    now: datetime
    units: dict[str, Unit]
    items: dict[str, ServiceItem]
    tags: dict[str, dict[str, int]]  # version → code → level5
    staff: dict[tuple[int, str], Staff | None] = field(default_factory=dict)
    seen_first: dict[tuple[int, str], int] = field(default_factory=dict)  # (record, stage) → row

    @classmethod
    def load(
        cls, district: District, area_code: str | None, scale: scales.Scale | None, **codes: Any
    ) -> _Context:
        if codes["pf_variant"] not in PF_VARIANTS:
            raise ExchangeError(f"pf 代码表应为 {' 或 '.join(PF_VARIANTS)}，收到 {codes['pf_variant']}")
        tags: dict[str, dict[str, int]] = {version: {} for version in TAG_VERSIONS}
        for tag in ReasonTag.objects.filter(version__in=TAG_VERSIONS):
            tags[tag.version][tag.code] = tag.level5
        units = {u.code: u for u in Unit.objects.filter(district=district)}
        items = {i.code: i for i in ServiceItem.objects.filter(district=district)}
        area, scale = area_code or district.code, scale or deployment_scale()
        return cls(
            district, area, scale, codes["gbt39046"], codes["pf_variant"], timezone.now(), units, items, tags
        )

    def staff_of(self, unit: Unit, employee_no: str) -> Staff | None:
        key = (unit.pk, employee_no)
        if key not in self.staff:
            self.staff[key] = Staff.objects.filter(unit=unit, employee_no=employee_no).first()
        return self.staff[key]


def _int_code(values: dict[str, str], name: str) -> int:
    text = values.get(name, "")
    try:
        return int(text)
    except ValueError:
        raise _RowInvalid(name, f"{name} 应为数字代码，收到“{text}”") from None


def _level(ctx: _Context, values: dict[str, str]) -> int:
    """The level on the deployment's scale of the row's satisfaction code (five: as is; three: from_five)."""
    code = _int_code(values, "satisfaction")
    standard = values.get("satisfactionStandard", "").lower().replace("/", "").replace(" ", "")
    reversed_code = ctx.gbt39046 or standard in {GBT39046, "39046"}
    try:
        five = scales.from_gbt39046(code) if reversed_code else scales.from_provincial_satisfaction(code)
    except scales.CodeError as exc:
        raise _RowInvalid("satisfaction", str(exc)) from None
    return scales.from_five(ctx.scale, five)


def _channel(ctx: _Context, values: dict[str, str]) -> scales.Channel:
    code = _int_code(values, "pf")
    variant = values.get("pfVariant", "") or ctx.pf_variant
    if variant not in PF_VARIANTS:
        raise _RowInvalid("pfVariant", f"pf 代码表应为 {' 或 '.join(PF_VARIANTS)}，收到“{variant}”")
    try:
        return scales.channel_from_pf(code, variant=variant)
    except scales.CodeError as exc:
        raise _RowInvalid("pf", str(exc)) from None


def _tags(ctx: _Context, values: dict[str, str], level: int) -> tuple[list[str], str]:
    codes = list(dict.fromkeys(c.strip() for c in values.get("evalDetail", "").replace("，", ",").split(",")))
    codes = [c for c in codes if c]
    if not codes:
        return [], ""
    for version in TAG_VERSIONS:
        table = ctx.tags[version]
        if all(code in table for code in codes):
            for code in codes:
                if scales.from_five(ctx.scale, table[code]) != level:
                    label = scales.level(ctx.scale, level).label
                    raise _RowInvalid("evalDetail", f"评价标签“{code}”不属于“{label}”")
            return codes, version
    unknown = [c for c in codes if not any(c in ctx.tags[v] for v in TAG_VERSIONS)]
    if unknown:
        raise _RowInvalid("evalDetail", "评价标签不存在：" + "、".join(unknown))
    raise _RowInvalid("evalDetail", "同一条评价的标签不能混用不同版本的标签集")


def _rated_at(ctx: _Context, values: dict[str, str]) -> datetime:
    text = values.get("assessTime", "")
    try:
        naive = datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        raise _RowInvalid("assessTime", f"评价时间应为“YYYY-MM-DD HH:MM:SS”，收到“{text}”") from None
    rated_at = timezone.make_aware(naive)
    if rated_at > ctx.now + timedelta(minutes=5):
        raise _RowInvalid("assessTime", "评价时间不能晚于当前时间")
    return rated_at


def _prepare(ctx: _Context, row: int, values: dict[str, str]) -> RatingInput:
    """One row as a RatingInput, or _RowInvalid naming the first field that is wrong."""
    for name in REQUIRED:
        if not values.get(name, ""):
            raise _RowInvalid(name, f"缺少必填字段 {name}")
    if values["areaCode"] != ctx.area_code:
        raise _RowInvalid("areaCode", f"区划代码“{values['areaCode']}”与导入的区（{ctx.area_code}）不一致")
    unit = ctx.units.get(values["deptCode"])
    if unit is None:
        raise _RowInvalid("deptCode", f"单位编码“{values['deptCode']}”在本区不存在")
    channel = _channel(ctx, values)
    level = _level(ctx, values)
    tags, tag_version = _tags(ctx, values, level)
    rated_at = _rated_at(ctx, values)
    kind = _NUMBER_KIND.get(values.get("assessNumber", "") or "1")
    if kind is None:
        raise _RowInvalid(
            "assessNumber", f"assessNumber 应为 1（首次）或 2（追加），收到“{values['assessNumber']}”"
        )
    process = values.get("evalProcess", "")
    stage = _PROCESS_STAGE.get(process) if process else Rating.Stage.NONE
    if stage is None:
        raise _RowInvalid("evalProcess", f"evalProcess 应为 1（受理）或 2（办结），收到“{process}”")
    item = None
    if values.get("taskCode"):
        item = ctx.items.get(values["taskCode"])
        if item is None or item.unit_id != unit.pk:
            raise _RowInvalid("taskCode", f"事项编码“{values['taskCode']}”不是单位 {unit.code} 的事项")
    staff = None
    if values.get("proManager"):
        staff = ctx.staff_of(unit, values["proManager"])
        if staff is None:
            raise _RowInvalid("proManager", f"工号“{values['proManager']}”不是单位 {unit.code} 的工作人员")
    record = None
    if values.get("projectNo"):
        record = (
            ServiceRecord.objects.select_related("window", "staff", "item")
            .filter(unit=unit, record_no=values["projectNo"])
            .first()
        )
        if record is None:
            raise _RowInvalid("projectNo", f"办件编号“{values['projectNo']}”在单位 {unit.code} 中不存在")
        if item is not None and record.item_id not in (None, item.pk):
            raise _RowInvalid("taskCode", "taskCode 与该办件的事项不一致")
        if kind == Rating.Kind.FIRST:
            key = (record.pk, str(stage))
            earlier = ctx.seen_first.get(key)
            if earlier is not None:
                raise _RowInvalid("projectNo", f"该办件该环节已在第 {earlier} 行评价，无需重复评价")
            if Rating.objects.filter(record=record, stage=stage, kind=Rating.Kind.FIRST).exists():
                raise _RowInvalid("projectNo", "该办件该环节已评价，无需重复评价")
            ctx.seen_first[key] = row
    comment = values.get("writingEvaluation", "")
    if len(comment) > settings.PINGYI_RATINGS["comment_max_chars"]:
        raise _RowInvalid(
            "writingEvaluation", f"评价内容最多 {settings.PINGYI_RATINGS['comment_max_chars']} 个字"
        )
    window = record.window if record is not None else None
    if window is None and staff is not None:
        # A scan passed on without a record: the window is where that staff member was on duty at the time.
        shift = (
            DutyShift.objects.select_related("window")
            .filter(staff=staff, starts_at__lte=rated_at, ends_at__gt=rated_at)
            .first()
        )
        window = shift.window if shift else None
    return RatingInput(
        channel=channel, scale=ctx.scale, level=level, unit=unit, window=window, record=record, item=item,
        staff=staff, stage=stage, kind=kind, tags=tags, tag_version=tag_version or CURRENT_VERSION, comment=comment,
        rated_at=rated_at, is_default=channel == scales.Channel.DEFAULT, historical=True,
    )  # fmt: skip


def import_ratings(
    path: Path, district: District, *, gbt39046: bool = False, pf_variant: str = "standard",
    area_code: str | None = None, scale: scales.Scale | None = None, actor: Actor = SYSTEM,
) -> ImportResult:  # fmt: skip
    """Import a file into ``district``: every row, or none (then ``errors`` lists each problem).

    ``area_code`` is the areaCode the file's rows must carry (default: the district's own code); a deployment whose
    district was recoded names the old code here. A file already imported (same bytes) is refused as a whole.
    """
    result = ImportResult()
    ctx = _Context.load(district, area_code, scale, gbt39046=gbt39046, pf_variant=pf_variant)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    ref_prefix = f"file:{digest}:"
    if Rating.objects.filter(district=district, external_ref__startswith=ref_prefix).exists():
        result.errors.append(RowError(0, "", "该文件已导入过，未重复导入"))
        return result
    prepared: list[tuple[int, RatingInput]] = []
    try:
        for row, values in read_rows(path):
            if values is None:
                result.errors.append(RowError(row, "", "该行不是有效的 JSON 对象"))
                continue
            try:
                prepared.append((row, _prepare(ctx, row, values)))
            except _RowInvalid as exc:
                result.errors.append(RowError(row, *exc.args))
    except ExchangeError as exc:
        result.errors.append(RowError(0, "", str(exc)))
    if result.errors:
        return result
    if not prepared:
        result.errors.append(RowError(0, "", "文件中没有数据行"))
        return result
    try:
        with transaction.atomic():
            for row, data in prepared:
                try:
                    adapter.submit(data, external_ref=f"{ref_prefix}{row}")
                except RatingError as exc:
                    result.errors.append(RowError(row, _ERROR_FIELD.get(exc.field, "projectNo"), exc.message))
                    continue
                result.created += 1
                result.defaults += int(data.is_default)
            if result.errors:
                raise _Rollback
            days_changed(
                district.pk,
                {timezone.localtime(data.rated_at).date() for _, data in prepared},
                source=Source.RATINGS,
                added_only=True,
            )
            audit_record(
                actor=actor,
                action="ratings.import",
                obj=district,
                after={
                    "file": path.name,
                    "sha256": digest,
                    "created": result.created,
                    "defaults": result.defaults,
                },  # fmt: skip
            )
    except _Rollback:
        result.created = result.defaults = 0
    return result


# ------------------------------------------------------------------ export --------------------------------------


def export_rows(
    date_from: date, date_to: date, *, district: District | None = None, pf_variant: str = "standard",
    gbt39046: bool = False, result: ExportResult | None = None,
) -> Iterator[dict[str, Any]]:  # fmt: skip
    """The exchange rows of ratings with rated_at in [date_from, date_to] (local dates, inclusive)."""
    if pf_variant not in PF_VARIANTS:
        raise ExchangeError(f"pf 代码表应为 {' 或 '.join(PF_VARIANTS)}，收到 {pf_variant}")
    result = result if result is not None else ExportResult()
    table = scales.PF_VARIANT_PHONE if pf_variant == "phone" else scales.CHANNEL_PF
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    ratings = Rating.objects.filter(rated_at__gte=start, rated_at__lt=end)
    if district is not None:
        ratings = ratings.filter(district=district)
    ratings = ratings.select_related("district", "unit", "item", "record", "staff").order_by("rated_at", "id")
    for rating in ratings.iterator(chunk_size=2000):
        channel = scales.Channel.DEFAULT if rating.is_default else scales.Channel(rating.channel)
        # Only a channel with its own code travels: a fallback (热线 as 电话) would not come back as itself.
        pf = table.get(channel)
        if pf is None:
            result.skipped[scales.CHANNEL_LABELS[channel]] += 1
            continue
        satisfaction = (
            scales.to_gbt39046(rating.level5) if gbt39046 else scales.provincial_satisfaction(rating.level5)
        )
        result.written += 1
        yield {
            "areaCode": rating.district.code,
            "deptCode": rating.unit.code,
            "taskCode": rating.item.code if rating.item else "",
            "projectNo": rating.record.record_no if rating.record else "",
            "pf": pf,
            "satisfaction": satisfaction,
            "evalDetail": ",".join(rating.tags or []),
            "writingEvaluation": rating.comment,
            "assessTime": timezone.localtime(rating.rated_at).strftime(TIME_FORMAT),
            "assessNumber": _KIND_NUMBER.get(rating.kind, 1),
            "evalProcess": _STAGE_PROCESS.get(rating.stage, ""),
            "proManager": rating.staff.employee_no if rating.staff else "",
        }


def write_export(out: TextIO, rows: Iterator[dict[str, Any]], fmt: str = "jsonl") -> None:
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if fmt != "csv":
        raise ExchangeError(f"导出格式应为 jsonl 或 csv，收到 {fmt}")
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
