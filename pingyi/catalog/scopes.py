"""Scope rules of the catalogue's models (see pingyi.accounts.scopes)."""

from __future__ import annotations

from pingyi.accounts.models import Role
from pingyi.accounts.scopes import ALL_IN_DISTRICT, ScopeRule, register
from pingyi.catalog.models import District, DutyShift, Hall, ServiceItem, Staff, Unit, Window, WindowHours

_HALL = frozenset({Role.HALL_MANAGER})
_HALL_AND_UNIT = frozenset({Role.HALL_MANAGER, Role.UNIT_ADMIN})

register(
    District,
    ScopeRule(district="pk", hall="halls", unit="units", staff="units__staff", operator=ALL_IN_DISTRICT),
)
register(Hall, ScopeRule(district="district", hall="pk", unit="units", operator=ALL_IN_DISTRICT))
register(
    Unit,
    ScopeRule(
        district="district", hall="hall", unit="pk", staff="staff", operator=ALL_IN_DISTRICT, editors=_HALL
    ),
)
register(
    Window,
    ScopeRule(
        district="unit__district", hall="hall", unit="unit", operator=ALL_IN_DISTRICT, editors=_HALL_AND_UNIT
    ),
)
register(
    WindowHours,
    ScopeRule(
        district="window__unit__district",
        hall="window__hall",
        unit="window__unit",
        operator=ALL_IN_DISTRICT,
        editors=_HALL_AND_UNIT,
    ),
)
# Staff phones are personal data: operators have no business with the staff list.
register(
    Staff,
    ScopeRule(district="unit__district", hall="unit__hall", unit="unit", staff="pk", editors=_HALL_AND_UNIT),
)
register(
    DutyShift,
    ScopeRule(
        district="window__unit__district",
        hall="window__hall",
        unit="window__unit",
        staff="staff",
        editors=_HALL_AND_UNIT,
    ),
)
register(
    ServiceItem,
    ScopeRule(
        district="district", hall="unit__hall", unit="unit", operator=ALL_IN_DISTRICT, editors=_HALL_AND_UNIT
    ),
)
