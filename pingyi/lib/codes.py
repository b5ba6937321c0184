"""Official codes: the unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARS.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """True for an 18-character code whose characters are allowed and whose check character matches."""
    if len(code) != 18 or any(ch not in _CREDIT_CHARS for ch in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


# The provinces' two-digit prefixes of the 行政区划代码 (GB/T 2260), Hong Kong, Macao and Taiwan included.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


def division_code_problem(code: str) -> str:
    """Why ``code`` is not a county-level 行政区划代码 (six digits, a known province, not a province or city), or ""."""
    if len(code) != 6 or not code.isdigit() or not code.isascii():
        return "行政区划代码应为6位数字，例如 330106"
    if code[:2] not in PROVINCE_PREFIXES:
        return f"“{code[:2]}”不是省级行政区划代码"
    if code[4:] == "00":
        return "这是省或市的代码；请填写区（县）的代码，末两位不为 00"
    return ""
