"""Checking one ledger record (a file row, an API record or the manual form) against lookups loaded once.

Every entry path gives the same keys (``COLUMNS``); the validator turns them into a ``StagedRow`` tuple ready for the
staging table (ids resolved, times parsed and made aware, applicant and phone encrypted, a receipt rating code), or
raises ``RowErrors`` listing every problem of the record in Chinese. No query runs per record: units, windows, staff
and items of the actor's scope are read into dicts when the validator is built.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from binascii import b2a_base64
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils import timezone

from pingyi.accounts.roles import Actor, as_actor, is_system
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import District, ServiceItem, Staff, Unit, Window
from pingyi.imports.kinds import Column, RowErrors, extras
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import crypto

COLUMNS = (
    Column("record_no", "办件编号", ("projectNo", "办件号", "业务流水号", "申报号", "受理编号", "recordNo")),
    Column(
        "unit",
        "单位",
        ("单位名称", "办理单位", "统一社会信用代码", "信用代码", "deptCode", "deptName", "creditCode"),
        required=False,
        help="统一社会信用代码、单位编码或名称；单位管理员可省略此列",
    ),  # fmt: skip
    Column("item", "事项编码", ("taskCode", "事项统一编码", "事项代码", "itemCode"), required=False),
    Column("window", "窗口", ("窗口编号", "窗口名称", "windowCode", "windowNo"), required=False),
    Column(
        "staff",
        "经办人",
        ("经办人工号", "工号", "proManager", "staffNo", "受理人"),
        required=False,
        help="工号或姓名",
    ),  # fmt: skip
    Column(
        "applicant",
        "申请人",
        ("申请人姓名", "服务对象", "办事人", "applyerName", "applicantName"),
        required=False,
    ),  # fmt: skip
    Column(
        "phone",
        "申请人电话",
        ("联系电话", "申请人手机", "手机号", "手机", "电话", "applyerMobile", "mobile", "contactPhone"),
        required=False,
    ),  # fmt: skip
    Column(
        "received_at",
        "受理时间",
        ("acceptDate", "接件时间", "收件时间", "办理时间", "acceptTime"),
        help="如 2023-12-13 09:05、2023/12/13 或 2023年12月13日",
    ),  # fmt: skip
    Column(
        "finished_at",
        "办结时间",
        ("finishDate", "resultDate", "完成时间", "办结日期", "finishTime"),
        required=False,
    ),  # fmt: skip
    Column(
        "stage",
        "环节",
        ("办理环节", "办件状态", "状态", "stage"),
        required=False,
        help="接件、受理或办结；空着时有办结时间为办结，否则为受理",
    ),  # fmt: skip
)
DATE_HELP = "应为 2023-12-13 09:05、2023/12/13 或 2023年12月13日 这样的格式"
EARLIEST_YEAR = 2000
_LOCAL = re.compile(
    r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T\s]?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?\s*分?)?$"
)
_FINISHED, _ACCEPTED = str(ServiceRecord.Stage.FINISHED), str(ServiceRecord.Stage.ACCEPTED)
_STAGES = {
    **{str(label): str(value) for value, label in ServiceRecord.Stage.choices},
    **{str(value): str(value) for value in ServiceRecord.Stage.values},
    "已办结": _FINISHED,
    "已受理": _ACCEPTED,
}

# What the staging table holds for a record, in this order (see staging.STAGE_COLUMNS).
StagedRow = tuple[Any, ...]


# The forms nearly every file uses (2023-12-13 09:05, 2023/12/13, 2023年12月13日 09:05): a subset of what ``_LOCAL``
# accepts, read to the same values (``fromisoformat`` agrees on the ISO ones), without a failed ``fromisoformat``.
_COMMON = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?(?: (\d{1,2})[:：](\d{2}))?")


def parse_when(text: str, tz: tzinfo) -> datetime:
    """A time as written in a ledger: ISO forms, 2023/12/13 [9:05], 2023年12月13日 [09:05]; raises ValueError."""
    common = _COMMON.fullmatch(text)
    if common is not None:
        year, month, day, hour, minute = common.groups()
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), tzinfo=tz)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        match = _LOCAL.match(text)
        if match is None:
            raise
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        when = datetime(year, month, day, hour, minute, second)
    if when.tzinfo is None:
        return when.replace(tzinfo=tz)
    return when


class _Sealer:
    """What a record stores of its phone and applicant, and its receipt code, with the keys set up once per batch.

    The same output as ``crypto.encrypt``, ``crypto.blind_index`` (HMAC-SHA256, here from the precomputed inner and
    outer hash states of RFC 2104), ``crypto.mask_phone`` and ``new_rating_code``; tests decrypt with
    ``crypto.decrypt`` and compare with ``crypto.blind_index``. Random bytes (two nonces and the code per record)
    are read from ``os.urandom`` in blocks.
    """

    RANDOM = 33  # bytes per record: two 12-byte nonces, 9 for the rating code

    def __init__(self) -> None:
        self.aead = AESGCM(crypto._key("field-encryption"))
        key = crypto._key("blind-index:phone").ljust(64, b"\0")  # 32 bytes, shorter than SHA-256's block
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        self.random = b""
        self.offset = 0

    def seal(self, phone: str, applicant: str) -> tuple[str, str, str, str, str]:
        """(phone ciphertext, phone blind index, masked phone, applicant ciphertext, rating code)."""
        at = self.offset
        if at + self.RANDOM > len(self.random):
            self.random, at = os.urandom(self.RANDOM * 1024), 0
        self.offset = at + self.RANDOM
        code = "R" + base64.urlsafe_b64encode(self.random[at + 24 : at + 33]).decode()
        if phone:
            nonce = self.random[at : at + 12]
            data = phone.encode()
            phone_sealed = (
                "v1:" + b2a_base64(nonce + self.aead.encrypt(nonce, data, None), newline=False).decode()
            )
            inner = self.inner.copy()
            inner.update(data)
            outer = self.outer.copy()
            outer.update(inner.digest())
            index = outer.hexdigest()
            masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else crypto.mask_phone(phone)
        else:
            phone_sealed = index = masked = ""
        if applicant:
            nonce = self.random[at + 12 : at + 24]
            sealed = self.aead.encrypt(nonce, applicant.encode(), None)
            applicant_sealed = "v1:" + b2a_base64(nonce + sealed, newline=False).decode()
        else:
            applicant_sealed = ""
        return phone_sealed, index, masked, applicant_sealed, code


class RecordValidator:
    """Validates records for one actor (a system actor, e.g. the command line: every unit of the district)."""

    def __init__(self, *, actor: Actor, district: District, source: str) -> None:
        self.district = district
        self.source = source
        self.tz = ZoneInfo(settings.TIME_ZONE)
        units = Unit.objects.filter(district=district)
        if not is_system(as_actor(actor)):  # untyped callers may still pass None for the command line
            units = restrict(units, actor)
        self.units: dict[str, int] = {}
        unit_rows = list(units.values_list("id", "code", "name", "credit_code"))
        for pk, code, name, credit in unit_rows:
            self.units.setdefault(name, pk)
            self.units.setdefault(code, pk)
            self.units[credit] = pk
        # A unit admin enters for the own unit only: the unit may be left out.
        self.default_unit = unit_rows[0][0] if len(unit_rows) == 1 else None
        unit_ids = [row[0] for row in unit_rows]
        self.windows: dict[tuple[int, str], int | None] = {}
        for pk, unit_id, code, name in Window.objects.filter(unit_id__in=unit_ids).values_list(
            "id", "unit_id", "code", "name"
        ):
            # None: two windows of the unit (in different halls) answer to the same code or name.
            for key in {(unit_id, code), (unit_id, name)}:
                self.windows[key] = None if self.windows.get(key, pk) != pk else pk
            self.windows[(unit_id, f"#{pk}")] = pk  # the manual form names the window it picked by id
        self.staff: dict[tuple[int, str], int | None] = {}
        people = list(
            Staff.objects.filter(unit_id__in=unit_ids).values_list("id", "unit_id", "employee_no", "name")
        )
        for pk, unit_id, _no, name in people:
            key = (unit_id, name)
            self.staff[key] = None if key in self.staff else pk  # None: two people share the name
        for pk, unit_id, no, _name in people:
            self.staff[(unit_id, no)] = pk  # a 工号 wins over a name
        self.items: dict[str, tuple[int, int]] = {
            code: (pk, unit_id)
            for pk, code, unit_id in ServiceItem.objects.filter(district=district).values_list(
                "id", "code", "unit_id"
            )
        }
        self.latest = timezone.now() + timedelta(hours=1)
        self.sealer = _Sealer()
        # Ledger times repeat (a day has a few hundred distinct minutes): parse each text once.
        self.parsed: dict[str, datetime | str] = {}

    def check_unit_column(self, present: set[str]) -> list[tuple[str, str]]:
        if "unit" not in present and self.default_unit is None:
            return [
                (
                    "单位",
                    "缺少“单位”列：您可为多个单位录入，请填写每条办件的单位（统一社会信用代码、编码或名称）",
                )
            ]
        return []

    def _time(self, text: str) -> datetime | str:
        """The time of a (stripped, non-empty) text, or the problem with it in Chinese; each text parsed once."""
        found = self.parsed.get(text)
        if found is None:
            found = self._parse(text)
            if len(self.parsed) > 100_000:
                self.parsed.clear()
            self.parsed[text] = found
        return found

    def _parse(self, text: str) -> datetime | str:
        try:
            when = parse_when(text, self.tz)
        except ValueError:
            return f"“{text}”不是有效的时间，{DATE_HELP}"
        if when.year < EARLIEST_YEAR:
            return f"“{text}”早于 {EARLIEST_YEAR} 年"
        if when > self.latest:
            return f"“{text}”晚于当前时间"
        return when

    def validate(self, row_no: int, values: dict[str, str]) -> StagedRow:
        """The staged row, or ``RowErrors`` with every problem of the record (one pass, no query)."""
        get = values.get
        problems: list[tuple[str, str]] = []
        record_no = get("record_no", "").strip()
        if not record_no:
            problems.append(("办件编号", "不能为空"))
        elif len(record_no) > 64:
            problems.append(("办件编号", "过长（最多 64 个字符）"))
        unit_text = get("unit", "").strip()
        unit_id = self.units.get(unit_text) if unit_text else self.default_unit
        if unit_id is None:
            if unit_text:
                problems.append(("单位", f"找不到单位“{unit_text}”，或不在您的管理范围内"))
            else:
                problems.append(("单位", "不能为空"))
        if unit_id is not None and unit_text:
            for header, other in extras(
                values, "unit"
            ):  # 统一社会信用代码 and 单位名称 both given: they must agree
                if other and self.units.get(other) != unit_id:
                    problems.append((header, f"“{other}”与同一行的“{unit_text}”不是同一个单位"))
        window_id = staff_id = item_id = None
        if unit_id is not None:
            text = get("window", "").strip()
            if text:
                window_id = _in_unit(self.windows, unit_id, text, "窗口", "同编号或同名的窗口", problems)
            text = get("staff", "").strip()
            if text:
                staff_id = _in_unit(self.staff, unit_id, text, "经办人", "同名人员，请填写工号", problems)
                for header, other in extras(values, "staff"):  # 经办人工号 and 经办人 both given: one person
                    if staff_id is not None and other and self.staff.get((unit_id, other)) != staff_id:
                        problems.append((header, f"“{other}”与同一行的“{text}”不是同一个人"))
            text = get("item", "").strip()
            if text:
                item = self.items.get(text)
                if item is None:
                    problems.append(("事项编码", f"找不到事项“{text}”"))
                elif item[1] != unit_id:
                    problems.append(("事项编码", f"事项“{text}”不属于该单位"))
                else:
                    item_id = item[0]
        received_at = finished_at = None
        text = get("received_at", "").strip()
        if not text:
            problems.append(("受理时间", "不能为空"))
        else:
            found = self._time(text)
            if isinstance(found, str):
                problems.append(("受理时间", found))
            else:
                received_at = found
        text = get("finished_at", "").strip()
        if text:
            found = self._time(text)
            if isinstance(found, str):
                problems.append(("办结时间", found))
            else:
                finished_at = found
                if received_at is not None and finished_at < received_at:
                    problems.append(("办结时间", "早于受理时间"))
        text = get("stage", "").strip()
        if text:
            stage = _STAGES.get(text)
            if stage is None:
                problems.append(("环节", f"“{text}”应为接件、受理或办结"))
                stage = _FINISHED if finished_at else _ACCEPTED
        else:
            stage = _FINISHED if finished_at else _ACCEPTED
        text = get("phone", "").strip()
        phone = ""
        if text:
            if text.isdigit() and 7 <= len(text) <= 12 and not text.startswith("0086"):
                phone = text  # what normalize_phone returns for plain digits
            else:
                try:
                    phone = crypto.normalize_phone(text)
                except ValueError:
                    problems.append(("申请人电话", f"“{text}”不是有效的电话号码"))
        applicant = get("applicant", "").strip()
        if len(applicant) > 100:
            problems.append(("申请人", "过长（最多 100 个字符）"))
        if problems:
            raise RowErrors(problems)
        return (
            row_no,
            unit_id,
            record_no,
            window_id,
            staff_id,
            item_id,
            stage,
            received_at,
            finished_at,
            *self.sealer.seal(phone, applicant),
        )


def _in_unit(
    mapping: dict[tuple[int, str], Any],
    unit_id: int,
    text: str,
    label: str,
    ambiguous: str,
    problems: list[tuple[str, str]],
) -> int | None:
    found = mapping.get((unit_id, text), 0)
    if found is None:
        problems.append((label, f"“{text}”有多个{ambiguous}"))
    elif not found:
        problems.append((label, f"该单位没有{label}“{text}”"))
    return found or None
