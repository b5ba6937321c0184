"""Window devices (evaluation pads and terminals): registering, deactivating, authenticating by token.

The token is shown once when the device is registered; only its SHA-256 is kept (Device.token_digest).
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pingyi.accounts.roles import Actor
from pingyi.accounts.scopes import can_edit, restrict
from pingyi.audit.services import audit_record
from pingyi.catalog.models import Window
from pingyi.lib.crypto import token_digest
from pingyi.ratings.models import Device

TOKEN_PREFIX = "dev_"


def _check_window(actor: Actor, window: Window) -> None:
    if not can_edit(actor, Device):
        raise PermissionDenied("无权登记评价设备")
    if not restrict(Window.objects.filter(pk=window.pk), actor).exists():
        raise PermissionDenied("该窗口不在您的管理范围内")


def device_register(
    *, actor: Actor, window: Window, name: str, kind: str = Device.Kind.PAD
) -> tuple[Device, str]:
    """Register a device at ``window``; returns it and its plain token (shown once, never stored)."""
    _check_window(actor, window)
    name = (name or "").strip()[:100]
    if not name:
        raise ValueError("设备名称不能为空")
    if kind not in Device.Kind.values:
        raise ValueError("设备类型不正确")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        device = Device.objects.create(window=window, name=name, kind=kind, token_digest=token_digest(token))
        audit_record(
            actor=actor,
            action="device.register",
            obj=device,
            after={"window": window.pk, "name": name, "kind": kind},
        )
    return device, token


def device_deactivate(*, actor: Actor, device: Device) -> Device:
    """Stop a device: its token is refused from now on (HTTP 401). Deactivating twice changes nothing."""
    if not can_edit(actor, Device) or not restrict(Device.objects.filter(pk=device.pk), actor).exists():
        raise PermissionDenied("无权停用该评价设备")
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if locked.active:
            locked.active = False
            locked.save(update_fields=["active"])
            audit_record(
                actor=actor,
                action="device.deactivate",
                obj=locked,
                before={"active": True},
                after={"active": False},
            )
    return locked


def device_by_token(token: str) -> Device | None:
    """The device a token belongs to (active or not), or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return (
        Device.objects.select_related("window__unit", "window__hall")
        .filter(token_digest=token_digest(token))
        .first()
    )
