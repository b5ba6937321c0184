"""Rating scales and the code tables of the standards, mapped explicitly — never by position.

Internally a rating keeps its deployment scale and its level on that scale:
- ``five`` (national, 国办发〔2019〕51号, GB/T 39734/39735): 1 非常不满意 · 2 不满意 · 3 基本满意 · 4 满意 · 5 非常满意;
- ``three`` (Wuhan): 1 不满意 · 2 基本满意 · 3 满意.
Negative ratings (差评) are 非常不满意 and 不满意.

Wuhan maps stars to its three levels: 5★ → 满意, 4–3★ → 基本满意, 2–1★ → 不满意 (``five_to_three``). The reverse
(``three_to_five``) takes the national level with the same words where that round-trips (不满意 → 2, 基本满意 → 3) and
5 for 满意, so that ``five_to_three(three_to_five(x)) == x`` for every three-level answer.

Codes of other standards:
- the provincial 好差评 upload format: ``satisfaction`` 1 = 非常不满意 … 5 = 非常满意 (same order as ours);
- GB/T 39046-2020 表9 满意度代码: 1 = 非常满意 … 5 = 非常不满意 (reversed);
- SMS replies: on the three-level scale 1 满意 / 2 基本满意 / 3 不满意 (reversed against our level numbers);
  on the five-level scale 1–5 are read as the star count (5 = 非常满意).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_noop


class Scale(StrEnum):
    FIVE = "five"
    THREE = "three"


@dataclass(frozen=True)
class Level:
    scale: Scale
    value: int
    label: str
    negative: bool


FIVE_LEVELS = (
    Level(Scale.FIVE, 5, "非常满意", False),
    Level(Scale.FIVE, 4, "满意", False),
    Level(Scale.FIVE, 3, "基本满意", False),
    Level(Scale.FIVE, 2, "不满意", True),
    Level(Scale.FIVE, 1, "非常不满意", True),
)
THREE_LEVELS = (
    Level(Scale.THREE, 3, "满意", False),
    Level(Scale.THREE, 2, "基本满意", False),
    Level(Scale.THREE, 1, "不满意", True),
)
LEVELS = {Scale.FIVE: FIVE_LEVELS, Scale.THREE: THREE_LEVELS}


class CodeError(ValueError):
    """A code outside its table."""


def levels(scale: Scale | str) -> tuple[Level, ...]:
    return LEVELS[Scale(scale)]


def level(scale: Scale | str, value: int) -> Level:
    for candidate in LEVELS[Scale(scale)]:
        if candidate.value == value:
            return candidate
    raise CodeError(f"评价等级 {value} 不在{'五' if Scale(scale) == Scale.FIVE else '三'}级评价范围内")


def is_negative(scale: Scale | str, value: int) -> bool:
    return level(scale, value).negative


_FIVE_TO_THREE = {5: 3, 4: 2, 3: 2, 2: 1, 1: 1}
_THREE_TO_FIVE = {3: 5, 2: 3, 1: 2}


def five_to_three(value: int) -> int:
    if value not in _FIVE_TO_THREE:
        raise CodeError(f"五级评价等级应为1–5，收到 {value}")
    return _FIVE_TO_THREE[value]


def three_to_five(value: int) -> int:
    if value not in _THREE_TO_FIVE:
        raise CodeError(f"三级评价等级应为1–3，收到 {value}")
    return _THREE_TO_FIVE[value]


def to_five(scale: Scale | str, value: int) -> int:
    level(scale, value)
    return value if Scale(scale) == Scale.FIVE else three_to_five(value)


def from_five(scale: Scale | str, value: int) -> int:
    level(Scale.FIVE, value)
    return value if Scale(scale) == Scale.FIVE else five_to_three(value)


# The provincial upload format's satisfaction code is our five-level value.
def provincial_satisfaction(five_value: int) -> int:
    level(Scale.FIVE, five_value)
    return five_value


def from_provincial_satisfaction(code: int) -> int:
    if code not in range(1, 6):
        raise CodeError(f"satisfaction 应为1–5（1=非常不满意 … 5=非常满意），收到 {code}")
    return code


# GB/T 39046-2020 表9: 1 = 非常满意 … 5 = 非常不满意.
_GBT39046 = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}


def from_gbt39046(code: int) -> int:
    if code not in _GBT39046:
        raise CodeError(f"GB/T 39046 满意度代码应为1–5（1=非常满意 … 5=非常不满意），收到 {code}")
    return _GBT39046[code]


def to_gbt39046(five_value: int) -> int:
    level(Scale.FIVE, five_value)
    return {v: k for k, v in _GBT39046.items()}[five_value]


_SMS_THREE = {"1": 3, "2": 2, "3": 1}


def from_sms_reply(scale: Scale | str, text: str) -> int | None:
    """The level a reply means on the scale, or None when it is not an answer (then help is sent)."""
    cleaned = text.strip().translate(str.maketrans("１２３４５", "12345"))
    if Scale(scale) == Scale.THREE:
        return _SMS_THREE.get(cleaned)
    if cleaned in {"1", "2", "3", "4", "5"}:
        return int(cleaned)
    return None


def sms_menu(scale: Scale | str) -> str:
    if Scale(scale) == Scale.THREE:
        return "回复1满意，2基本满意，3不满意"
    return "回复5非常满意，4满意，3基本满意，2不满意，1非常不满意"


class Channel(StrEnum):
    """Where a rating came from. ``pf`` codes of the provincial upload format are mapped in CHANNEL_PF."""

    PC = "pc"
    MOBILE = "mobile"
    QR = "qr"
    PAD = "pad"
    TERMINAL = "terminal"
    SMS = "sms"
    PHONE = "phone"
    DEFAULT = "default"
    HOTLINE = "hotline"  # 12345
    MESSAGE_BOARD = "message_board"  # 城市留言板
    MAYOR_LINE = "mayor_line"  # 市长专线


# The labels are Chinese (stored, exported); gettext_noop puts them in the catalogue for pages to translate.
CHANNEL_LABELS = {
    Channel.PC: gettext_noop("PC端"),
    Channel.MOBILE: gettext_noop("移动端"),
    Channel.QR: gettext_noop("二维码"),
    Channel.PAD: gettext_noop("大厅平板"),
    Channel.TERMINAL: gettext_noop("大厅其他终端"),
    Channel.SMS: gettext_noop("短信"),
    Channel.PHONE: gettext_noop("电话"),
    Channel.DEFAULT: gettext_noop("系统默认评价"),
    Channel.HOTLINE: gettext_noop("12345热线"),
    Channel.MESSAGE_BOARD: gettext_noop("城市留言板"),
    Channel.MAYOR_LINE: gettext_noop("市长专线"),
}

# pf codes (domain.md §4): 1 PC, 2 移动端, 3 二维码, 4 大厅平板, 5 大厅其他终端, 6 短信, 7 系统默认评价.
# Some specs use 6 电话, 7 短信: that variant is PF_VARIANT_PHONE.
CHANNEL_PF = {
    Channel.PC: 1,
    Channel.MOBILE: 2,
    Channel.QR: 3,
    Channel.PAD: 4,
    Channel.TERMINAL: 5,
    Channel.SMS: 6,
    Channel.DEFAULT: 7,
}
PF_VARIANT_PHONE = {
    Channel.PC: 1,
    Channel.MOBILE: 2,
    Channel.QR: 3,
    Channel.PAD: 4,
    Channel.TERMINAL: 5,
    Channel.PHONE: 6,
    Channel.SMS: 7,
}


def channel_from_pf(code: int, *, variant: str = "standard") -> Channel:
    table = PF_VARIANT_PHONE if variant == "phone" else CHANNEL_PF
    for channel, pf in table.items():
        if pf == code:
            return channel
    raise CodeError(f"评价渠道代码 pf={code} 无效")


def channel_to_pf(channel: Channel | str, *, variant: str = "standard") -> int:
    table = PF_VARIANT_PHONE if variant == "phone" else CHANNEL_PF
    try:
        return table[Channel(channel)]
    except KeyError:
        # Hotline, message board and mayor's line have no pf code of their own: exporting them as something else
        # would bring them back as another channel.
        raise CodeError(f"渠道 {channel} 在该上报格式中没有代码") from None
