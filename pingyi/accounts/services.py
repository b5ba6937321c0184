"""Account writes: creating users with a role and scope, login lockout, API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pingyi.accounts.models import ApiToken, LoginFailure, Role, User
from pingyi.accounts.roles import SYSTEM, Actor, as_actor, is_superuser, is_system
from pingyi.audit.services import audit_record, changed_fields, snapshot
from pingyi.lib.crypto import token_digest


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    district: Any = None,
    hall: Any = None,
    unit: Any = None,
    staff: Any = None,
    phone: str = "",
    must_change_password: bool = False,
) -> User:
    """Create an account; the district is derived from the narrower anchor when not given.

    ``must_change_password``: the password is a one-time password the user replaces at its first sign-in."""
    if district is None:
        district = (
            hall.district
            if hall is not None
            else unit.district
            if unit is not None
            else staff.unit.district
            if staff is not None
            else None
        )
    user = User(
        username=username,
        role=role,
        first_name=display_name,
        district=district,
        hall=hall,
        unit=unit,
        staff=staff,
        is_superuser=(role == Role.SUPERUSER),
        is_staff=(role == Role.SUPERUSER),
        must_change_password=must_change_password,
    )
    user.set_password(password)
    if phone:
        user.set_phone(phone)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action="user.create", obj=user, after=snapshot(user, exclude=("password",)))
    return user


def _lockout_window_start() -> Any:
    return timezone.now() - timedelta(minutes=settings.PINGYI_LOCKOUT_MINUTES)


def login_is_locked(username: str) -> bool:
    recent = LoginFailure.objects.filter(username=username.lower(), at__gte=_lockout_window_start()).count()
    return recent >= settings.PINGYI_LOCKOUT_ATTEMPTS


@transaction.atomic
def login_failure_record(*, username: str, ip: str | None) -> bool:
    """Count a failed login; returns True when this failure locks the account (and logs the lockout)."""
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)
    recent = LoginFailure.objects.filter(username=username.lower(), at__gte=_lockout_window_start()).count()
    if recent == settings.PINGYI_LOCKOUT_ATTEMPTS:
        audit_record(
            actor=SYSTEM,
            action="user.lockout",
            object_type="accounts.user",
            object_id=username.lower()[:64],
            object_repr=username[:200],
            after={"failures": recent, "ip": ip},
        )
        return True
    return False


def login_success_record(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


@transaction.atomic
def api_token_create(*, actor: Actor, user: User, name: str) -> str:
    """Create a token for ``user`` and return it; only its digest is kept."""
    actor = as_actor(actor)  # untyped callers may still pass None for the system
    if not (is_system(actor) or actor == user or is_superuser(actor)):
        raise ValidationError("只能为自己创建令牌")
    token = "py_" + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, name=name[:100], prefix=token[:8], digest=token_digest(token))
    audit_record(
        actor=actor, action="api_token.create", obj=record, after={"user": user.username, "name": name}
    )
    return token


def api_token_user(token: str) -> User | None:
    record = ApiToken.objects.select_related("user").filter(digest=token_digest(token), revoked=False).first()
    if record is None or not record.user.is_active:
        return None
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record.user


@transaction.atomic
def user_update(*, actor: Actor, user: User, data: dict[str, Any], password: str = "") -> User:
    """Change an account's role, scope, name or active flag (and optionally reset its password)."""
    before = snapshot(User.objects.get(pk=user.pk), exclude=("password", "last_login"))
    for name, value in data.items():
        setattr(user, name, value)
    # A narrower anchor decides the district, so moving an admin to another district's unit moves its scope too.
    anchor: Any = user.hall or user.unit or (user.staff.unit if user.staff else None)
    if anchor is not None:
        user.district = anchor.district
    user.is_superuser = user.is_staff = user.role == Role.SUPERUSER
    if password:
        user.set_password(password)
    user.full_clean()
    user.save()
    old, new = changed_fields(before, snapshot(user, exclude=("password", "last_login")))
    if password:
        new["password"] = "<reset>"
    audit_record(actor=actor, action="user.update", obj=user, before=old, after=new)
    return user


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> None:
    record = ApiToken.objects.select_for_update().get(pk=token_id, user=actor)
    record.revoked = True
    record.save(update_fields=["revoked"])
    audit_record(actor=actor, action="api_token.revoke", obj=record, after={"revoked": True})


@transaction.atomic
def user_password_change(*, actor: User, new_password: str) -> None:
    """The signed-in user changes its own password (validated by the caller's form)."""
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    audit_record(actor=actor, action="user.password_change", obj=actor, after={"password": "<changed>"})
