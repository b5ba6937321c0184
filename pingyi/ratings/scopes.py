"""Scope rules of ratings, posters and devices (see pingyi.accounts.scopes)."""

from __future__ import annotations

from pingyi.accounts.models import Role
from pingyi.accounts.scopes import ScopeRule, register
from pingyi.ratings.models import DailySeal, Device, QrPoster, Rating, ReasonTag

# Staff see their own ratings (never who gave them); operators see the ratings they entered.
register(
    Rating,
    ScopeRule(district="district", hall="window__hall", unit="unit", staff="staff", operator="entered_by"),
)
register(
    QrPoster,
    ScopeRule(
        district="window__unit__district",
        hall="window__hall",
        unit="window__unit",
        editors=frozenset({Role.HALL_MANAGER, Role.UNIT_ADMIN}),
    ),
)
register(
    Device,
    ScopeRule(
        district="window__unit__district",
        hall="window__hall",
        unit="window__unit",
        editors=frozenset({Role.HALL_MANAGER}),
    ),
)
register(ReasonTag, ScopeRule(district=None, inspector=True))
register(DailySeal, ScopeRule(district=None))
