"""The tickets' choices: where a ticket comes from, its state, the verification's verdict.

Models, the workflow and the pages all need them; here they depend on nothing of the app, so ``models`` and
``workflow`` import them without importing each other.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    RATING = "rating", _("差评")
    HELP = "help", _("不满意请找我")
    HOTLINE = "hotline", _("12345热线")
    BOARD = "board", _("留言板")
    INSPECTOR = "inspector", _("纪检交办")


class State(models.TextChoices):
    OPEN = "open", _("待回访")
    VISITED = "visited", _("待核实")
    RECTIFYING = "rectifying", _("整改中")
    REVIEW = "review", _("待审核")
    APPEAL = "appeal", _("申诉待初审")
    APPEAL_SECOND = "appeal_second", _("申诉待复核")
    CLOSED = "closed", _("已办结")


class Verdict(models.TextChoices):
    TRUE = "true", _("属实")
    PARTLY = "partly", _("部分属实")
    UNTRUE = "untrue", _("不属实")
    EXPLAINED = "explained", _("解释说明")
