"""Issuing QR posters of windows: a new version retires the previous one, in one transaction and one audit entry."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pingyi.accounts.models import User
from pingyi.accounts.roles import Actor, as_actor, is_system
from pingyi.accounts.scopes import can_edit, restrict
from pingyi.audit.services import audit_record, snapshot
from pingyi.catalog.models import Window
from pingyi.ratings.models import QrPoster


def _check_actor(actor: Actor, window: Window) -> None:
    """A system actor (seeding, commands) may; a person must be an editor with the window in scope."""
    if is_system(actor):
        return
    if not can_edit(actor, QrPoster):
        raise PermissionDenied("您的角色不能印发二维码海报")
    if not restrict(Window.objects.filter(pk=window.pk), actor).exists():
        raise PermissionDenied("该窗口不在您的管理范围内")


@transaction.atomic
def poster_issue(*, actor: Actor | None, window: Window) -> QrPoster:
    """Create version n+1 of the window's poster (valid ``poster_valid_days``) and retire every earlier version.

    A retired or expired poster's token rates nothing; the citizen page then points to the window's current one.
    """
    actor = as_actor(actor)  # tests still pass None for the system
    _check_actor(actor, window)
    # Lock the window row so that two managers pressing "印发新海报" at once get versions n+1 and n+2.
    Window.objects.select_for_update().filter(pk=window.pk).first()
    now = timezone.now()
    previous = list(QrPoster.objects.filter(window=window, retired_at__isnull=True).order_by("version"))
    latest = QrPoster.objects.filter(window=window).aggregate(v=Max("version"))["v"] or 0
    QrPoster.objects.filter(pk__in=[p.pk for p in previous]).update(retired_at=now)
    poster = QrPoster.objects.create(
        window=window,
        version=latest + 1,
        expires_on=timezone.localdate() + timedelta(days=settings.PINGYI_RATINGS["poster_valid_days"]),
        issued_by=actor if isinstance(actor, User) else None,
    )
    before = (
        {"retired": [{"id": p.pk, "version": p.version, "token": p.token} for p in previous]}
        if previous
        else None
    )
    audit_record(actor=actor, action="qrposter.issue", obj=poster, before=before, after=snapshot(poster))
    return poster
