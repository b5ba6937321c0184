"""Row-level scopes: the one place that decides which rows a user may see or change.

Every list, detail, export, form choice and API query runs its queryset through ``restrict(qs, user)``; a row outside
the user's scope simply is not there, so a changed id in a URL gives 404, never another unit's data.

Each model registers a ``ScopeRule``: the lookup path from the model to the district, hall, unit, staff record and
entering operator. A role whose path is ``None`` sees nothing of that model; ``ALL_IN_DISTRICT`` means the role reads
every row of its district (operators read the public catalogue to pick a unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from pingyi.accounts.models import Role
from pingyi.accounts.roles import Someone, is_superuser, person

if TYPE_CHECKING:
    from pingyi.accounts.models import User

ALL_IN_DISTRICT = "*district"
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopeRule:
    district: str | None
    hall: str | None = None
    unit: str | None = None
    staff: str | None = None
    operator: str | None = None
    inspector: bool = True  # inspectors read the whole district
    # Roles allowed to create and edit rows (always within their own scope).
    editors: frozenset[str] = frozenset()


_RULES: dict[type[models.Model], ScopeRule] = {}


def register(model: type[models.Model], rule: ScopeRule) -> None:
    _RULES[model] = rule


def rule_for(model: type[models.Model]) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(
            f"{model.__name__} has no scope rule; register one in its app's scopes module"
        ) from None


def user_district_id(user: User) -> int | None:
    return user.district_id


def hall_subtree_ids(hall_id: int) -> list[int]:
    """The hall and its sub-centres, all levels down."""
    from pingyi.catalog.models import Hall

    ids = [hall_id]
    frontier = [hall_id]
    while frontier:
        frontier = list(Hall.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return ids


def _filter(rule: ScopeRule, user: User) -> dict[str, Any] | None:
    """The filter for the user's role, or None when the role sees no row of this model."""
    role = user.role
    district_filter = {rule.district: user.district_id} if rule.district else {}
    if role == Role.INSPECTOR:
        return district_filter if rule.inspector else None
    if role == Role.HALL_MANAGER and rule.hall and user.hall_id:
        return {**district_filter, f"{rule.hall}__in": hall_subtree_ids(user.hall_id)}
    if role == Role.UNIT_ADMIN and rule.unit and user.unit_id:
        return {**district_filter, rule.unit: user.unit_id}
    if role == Role.STAFF and rule.staff and user.staff_id:
        return {**district_filter, rule.staff: user.staff_id}
    if role == Role.OPERATOR and rule.operator:
        if rule.operator == ALL_IN_DISTRICT:
            return district_filter
        return {**district_filter, rule.operator: user.pk}
    return None


def restrict(queryset: models.QuerySet[M], who: Someone | None) -> models.QuerySet[M]:
    """The rows of ``queryset`` that ``who`` may see (none for a system actor or an anonymous visitor)."""
    user = person(who)
    if user is None:
        return queryset.none()
    if is_superuser(user):
        return queryset
    rule = rule_for(queryset.model)
    if user.district_id is None:
        return queryset.none()
    lookup = _filter(rule, user)
    if lookup is None:
        return queryset.none()
    result = queryset.filter(**lookup)
    if any(_crosses_many(queryset.model, key) for key in lookup):
        result = result.distinct()
    return result


def _crosses_many(model: type[models.Model], lookup: str) -> bool:
    """True when a lookup path follows a reverse or many-to-many relation (rows could repeat)."""
    current: Any = model
    for part in lookup.split("__"):
        if part in {"in", "pk"}:
            continue
        field = current._meta.get_field(part)
        if not field.is_relation:
            return False
        if field.one_to_many or field.many_to_many:
            return True
        current = field.related_model
    return False


def can_edit(who: Someone | None, model: type[models.Model]) -> bool:
    """Whether the user's role may create and edit rows of ``model`` (inside its scope)."""
    user = person(who)
    if user is None:
        return False
    if is_superuser(user):
        return True
    return user.role in rule_for(model).editors


def can_view(who: Someone | None, model: type[models.Model]) -> bool:
    """Whether the user's role sees any row of ``model`` at all (for navigation)."""
    user = person(who)
    if user is None:
        return False
    if is_superuser(user):
        return True
    rule = rule_for(model)
    return _filter(rule, user) is not None
