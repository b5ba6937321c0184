"""Writes to the catalogue. Each runs in one transaction, checks scope, and writes one audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from pingyi.accounts.roles import Actor
from pingyi.accounts.scopes import can_edit, restrict
from pingyi.audit.services import audit_record, changed_fields, snapshot
from pingyi.catalog.hours import Session
from pingyi.catalog.models import District, Staff, Window, WindowHours
from pingyi.lib.codes import division_code_problem


def _check_in_scope(actor: Actor, instance: models.Model) -> None:
    if not restrict(type(instance)._default_manager.filter(pk=instance.pk), actor).exists():
        raise PermissionDenied("对象不在您的管理范围内")


def _hours_snapshot(window: Window) -> list[str]:
    return [
        f"{h.weekday}:{h.opens:%H:%M}-{h.closes:%H:%M}" for h in window.hours.order_by("weekday", "opens")
    ]


@transaction.atomic
def catalog_object_save(
    *,
    actor: Actor,
    instance: models.Model,
    m2m: dict[str, Iterable[models.Model]] | None = None,
    hours: list[Session] | None = None,
    phone: str | None = None,
) -> models.Model:
    """Create or update one catalogue object (unit, window, staff, shift, item, hall) on behalf of ``actor``.

    ``hours`` replaces a window's posted hours; ``phone`` (plain) replaces a staff member's phone; ``m2m`` sets
    many-to-many fields such as an item's windows. The object must end up inside the actor's scope.
    """
    model = type(instance)
    if not can_edit(actor, model):
        raise PermissionDenied("您的角色不能修改此类数据")
    is_new = instance.pk is None
    before: dict[str, Any] = {}
    if not is_new:
        current = restrict(model._default_manager.filter(pk=instance.pk), actor).first()
        if current is None:
            raise PermissionDenied("对象不在您的管理范围内")
        before = snapshot(current)
        if isinstance(current, Window):
            before["hours"] = _hours_snapshot(current)
        for name in m2m or {}:
            before[name] = sorted(getattr(current, name).values_list("pk", flat=True))
    if phone is not None and isinstance(instance, Staff):
        instance.set_phone(phone)
    instance.full_clean()
    instance.save()
    after = snapshot(instance)
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(list(values))
        after[name] = sorted(getattr(instance, name).values_list("pk", flat=True))
    if hours is not None and isinstance(instance, Window):
        instance.hours.all().delete()
        WindowHours.objects.bulk_create(
            WindowHours(window=instance, weekday=s.weekday, opens=s.opens, closes=s.closes) for s in hours
        )
    if isinstance(instance, Window):
        after["hours"] = _hours_snapshot(instance)
    _check_in_scope(actor, instance)
    label = model._meta.model_name
    if is_new:
        audit_record(actor=actor, action=f"{label}.create", obj=instance, after=after)
    else:
        old, new = changed_fields(before, after)
        audit_record(actor=actor, action=f"{label}.update", obj=instance, before=old, after=new)
    return instance


@transaction.atomic
def staff_phone_reveal(*, actor: Actor, staff_id: int, reason: str) -> str:
    """Show a staff member's full phone to a person in scope; the read itself is logged."""
    staff = restrict(Staff.objects.filter(pk=staff_id), actor).first()
    if staff is None or not can_edit(actor, Staff):
        raise PermissionDenied("无权查看该号码")
    audit_record(
        actor=actor, action="personal_data.read", obj=staff, after={"field": "phone", "reason": reason[:200]}
    )
    return staff.phone_plain()


@transaction.atomic
def district_create(*, actor: Actor, code: str, name: str) -> District:
    """Create a district (its 行政区划代码 validated); a district is created once, by `pingyi init`."""
    problem = division_code_problem(code)
    if problem:
        raise ValidationError({"code": problem})
    district = District(code=code, name=name.strip())
    district.full_clean()
    district.save()
    audit_record(actor=actor, action="district.create", obj=district, after=snapshot(district))
    return district
