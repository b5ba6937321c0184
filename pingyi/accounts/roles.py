"""Who acts, and one answer per role question.

``Actor`` is whoever performs a change: a signed-in ``User`` or a ``SystemActor`` (a scheduled job, a command, the
rating intake, the citizen's anonymous form). Services take an ``Actor``; the audit log records its username or the
system actor's name.

The predicates answer "is this an inspector (of this district)?" and its siblings for anyone a view or a service may
be handed (``Someone``: an actor, or the anonymous visitor of a request). The rules, one per question
(docs/decisions/0029-one-policy.md):

- only an **active user** holds a role; a system actor, an anonymous visitor or a deactivated account is no role;
- a **superuser** is a user with Django's flag or the superuser role;
- the superuser answers yes to the district-wide questions (``is_inspector``, ``is_operator``) for every district,
  and no to the anchored ones (``is_unit_admin``, ``is_hall_manager``, ``is_window_staff``): a page that lets a
  superuser act for a unit says ``is_superuser(a) or is_unit_admin(a, unit)``;
- a role whose anchor is missing (an inspector without a district, a unit admin without a unit) is no role;
- an anchor argument (``district``, ``unit``, ``hall``, ``staff``) narrows the question to that anchor; ``None`` asks
  about the role in any scope. A hall manager manages its hall and the sub-centres below it.

Which *rows* someone sees is ``pingyi.accounts.scopes.restrict``; this module says who someone *is*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from pingyi.accounts.models import Role, User

if TYPE_CHECKING:
    from pingyi.catalog.models import Hall


@dataclass(frozen=True)
class SystemActor:
    """An actor that is no person; ``name`` is what the audit log and the ticket history show for it."""

    name: str

    def __str__(self) -> str:
        return self.name


SYSTEM = SystemActor("system")  # scheduled jobs, the intake, evaluations, seeding
CITIZEN = SystemActor("citizen")  # the citizen's own pages (a rating's 不满意请找我, a handling rating)
COMMAND = SystemActor("command")  # management commands run by an operator of the server

Actor: TypeAlias = User | SystemActor
Someone: TypeAlias = User | SystemActor | AnonymousUser
# An anchor given as the row or as its id.
Anchor: TypeAlias = models.Model | int | None


def as_actor(value: Actor | str | None) -> Actor:
    """The actor for a value callers used to pass: ``None`` is ``SYSTEM``, a string names a system actor."""
    if value is None:
        return SYSTEM
    if isinstance(value, str):
        return SystemActor(value)
    return value


def person(who: Someone | None) -> User | None:
    """The active user behind ``who``; ``None`` for a system actor, an anonymous visitor or a deactivated account."""
    if isinstance(who, User) and who.is_active:
        return who
    return None


def signed_in(request: HttpRequest) -> User:
    """The request's signed-in user, the actor of what the request changes (views behind ``login_required``)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def is_system(who: Someone | None) -> bool:
    return isinstance(who, SystemActor)


def is_superuser(who: Someone | None) -> bool:
    user = person(who)
    return user is not None and (user.is_superuser or user.role == Role.SUPERUSER)


def _id(anchor: Anchor) -> int | None:
    return anchor.pk if isinstance(anchor, models.Model) else anchor


def _anchored(user: User | None, role: str, own: int | None, anchor: Anchor) -> bool:
    if user is None or user.role != role or own is None:
        return False
    return anchor is None or own == _id(anchor)


def is_inspector(who: Someone | None, district: Anchor = None) -> bool:
    """A superuser, or an inspector (纪检监察) of ``district`` (of any district when ``None``)."""
    if is_superuser(who):
        return True
    user = person(who)
    return _anchored(user, Role.INSPECTOR, user.district_id if user else None, district)


def is_operator(who: Someone | None, district: Anchor = None) -> bool:
    """A superuser, or a hotline operator (热线话务员) of ``district`` (of any district when ``None``)."""
    if is_superuser(who):
        return True
    user = person(who)
    return _anchored(user, Role.OPERATOR, user.district_id if user else None, district)


def is_unit_admin(who: Someone | None, unit: Anchor = None) -> bool:
    """The rating administrator (单位管理员) of ``unit`` (of any unit when ``None``); never the superuser."""
    user = person(who)
    return _anchored(user, Role.UNIT_ADMIN, user.unit_id if user else None, unit)


def is_window_staff(who: Someone | None, staff: Anchor = None) -> bool:
    """A window staff member's account (窗口工作人员), of the staff record ``staff`` when given."""
    user = person(who)
    return _anchored(user, Role.STAFF, user.staff_id if user else None, staff)


def is_hall_manager(who: Someone | None, hall: Hall | None = None) -> bool:
    """A hall manager (大厅管理) of ``hall`` or of a hall above it (a manager's scope is its sub-centres too)."""
    user = person(who)
    if user is None or user.role != Role.HALL_MANAGER or user.hall_id is None:
        return False
    current = hall
    while current is not None:
        if current.pk == user.hall_id:
            return True
        current = current.parent
    return hall is None


def inspectors_of(district: models.Model | int) -> models.QuerySet[User]:
    """The accounts ``is_inspector(user, district)`` is true for, superusers left out: whom a team is picked from."""
    district_id = district.pk if isinstance(district, models.Model) else district
    return User.objects.filter(role=Role.INSPECTOR, district_id=district_id, is_active=True)


def has_role(who: Someone | None, roles: Iterable[str]) -> bool:
    """Whether the active user's role is one of ``roles`` (a rule's list of roles to notify, a menu entry's roles)."""
    user = person(who)
    return user is not None and user.role in set(roles)
