"""The one error the inspection services raise for a refused step; its message (Chinese) is shown as is."""

from __future__ import annotations

from django.utils.translation import gettext


class Refused(Exception):
    """An illegal transition or invalid input, e.g. “当前状态（待检查）不能提交整改方案”."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else gettext("操作被拒绝")
