"""Who may have which report or export.

Inspectors (and superusers): the whole district and any of its units. A unit's admin: its own unit only. Nobody else:
hall managers see neither inspections nor accountability decisions (their scope rules), so a report that counts them
is not theirs; their ratings measures are exported from the ratings export, which follows the dashboards' scope.
Asking for anything outside one's scope is a 404, exactly as for a row of another scope.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pingyi.accounts.roles import Someone, is_inspector, is_superuser, is_unit_admin, person
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import District, Unit
from pingyi.insight.metrics import Scope


def may_report(user: Someone) -> bool:
    return is_inspector(user) or is_unit_admin(user)


def may_report_district(user: Someone) -> bool:
    return is_inspector(user)


def district_of(user: Someone) -> District:
    """The district the user reports on (a superuser without one: the first district)."""
    account = person(user)
    if account is None or not may_report(account):
        raise Http404
    district = account.district if account.district_id else None
    if district is None and is_superuser(account):
        district = District.objects.order_by("code").first()
    if district is None:
        raise Http404
    return district


def units_for(user: Someone) -> QuerySet[Unit]:
    """The units whose reports the user may have."""
    if not may_report(user):
        return Unit.objects.none()
    district = district_of(user)
    return restrict(Unit.objects.filter(district=district), user).order_by("code")


def resolve(user: Someone, unit_id: int | None) -> tuple[District, Unit | None]:
    """The district and unit asked for, or 404: a unit outside the user's units, or the district without the right."""
    district = district_of(user)
    if unit_id is None:
        if not may_report_district(user):
            raise Http404
        return district, None
    unit = units_for(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return district, unit


def ratings_scope(user: Someone, unit_id: int | None) -> Scope:
    """The scope of a ratings export: the user's dashboard scope, narrowed to one of its units when asked."""
    scope = Scope.for_user(user)
    if scope is None:
        raise Http404
    if unit_id is None:
        return scope
    unit = restrict(Unit.objects.filter(district_id=scope.district_id), user).filter(pk=unit_id).first()
    if unit is None or (scope.unit_id is not None and scope.unit_id != unit.pk):
        raise Http404
    if scope.staff_id is not None:
        raise Http404  # a staff member's scope is narrower than any unit
    return Scope(district_id=scope.district_id, hall_id=scope.hall_id, unit_id=unit.pk)
