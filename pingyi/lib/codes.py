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
