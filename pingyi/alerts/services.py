"""Writes of the alerts app: default rules, rule edits, acknowledging and closing alerts, subscriptions.

Each function runs in one transaction and writes one audit entry per changed row. Refusals raise ``AlertError``
with a Chinese message for the person who acted. Raising and clearing alerts is ``evaluate.alerts_evaluate``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingyi.accounts.models import User
from pingyi.accounts.roles import SYSTEM, Actor, is_inspector, is_system, person
from pingyi.accounts.scopes import restrict
from pingyi.alerts.defaults import DEFAULTS, KIND_FIELDS, THRESHOLD_FIELDS
from pingyi.alerts.models import NOTIFIABLE_ROLES, Alert, AlertKind, AlertRule, AlertSubscription, Channel
from pingyi.audit.services import audit_record, snapshot
from pingyi.catalog.models import District, Unit, Window
from pingyi.lib import crypto


class AlertError(ValueError):
    """A refused action; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ------------------------------------------------------------------------------------------------------- rules
# (low, high, message) per threshold; the forms show these messages.
LIMITS: dict[str, tuple[float, float, Any]] = {
    "percent": (0.1, 100, gettext_lazy("差评占比阈值应在 0.1% 到 100% 之间")),
    "hours": (1, 720, gettext_lazy("小时数应在 1 到 720 之间")),
    "min_ratings": (1, 1_000_000, gettext_lazy("最少评价数应为 1 以上的整数")),
    "working_days": (1, 60, gettext_lazy("工作日数应在 1 到 60 之间")),
    "min_records": (1, 1_000_000, gettext_lazy("最少办件数应为 1 以上的整数")),
    "history_working_days": (5, 250, gettext_lazy("基线工作日数应在 5 到 250 之间")),
    "min_expected": (0.5, 1_000_000, gettext_lazy("最少应有条数应不小于 0.5")),
}


def threshold_errors(kind: str, values: dict[str, Any]) -> dict[str, str]:
    """Chinese messages by field for the thresholds ``kind`` reads that are missing or out of range."""
    errors: dict[str, str] = {}
    for name in KIND_FIELDS[kind]:
        value = values.get(name)
        low, high, message = LIMITS[name]
        if value is None:
            errors[name] = _("此类预警必须填写该项")
        elif not low <= value <= high:
            errors[name] = message
    roles = values.get("notify_roles") or []
    if any(role not in NOTIFIABLE_ROLES for role in roles):
        errors["notify_roles"] = _("通知角色只能是纪检监察、大厅管理或单位管理员")
    return errors


def rules_ensure_defaults(*, district: District) -> list[AlertRule]:
    """Create the district's rule of every kind that has none yet, with the defaults (``defaults.DEFAULTS``)."""
    existing = set(
        AlertRule.objects.filter(district=district, unit__isnull=True, window__isnull=True).values_list(
            "kind", flat=True
        )
    )
    created = []
    for kind in AlertKind.values:
        if kind in existing:
            continue
        try:
            with transaction.atomic():
                rule = AlertRule.objects.create(district=district, kind=kind, **DEFAULTS[kind])
                audit_record(actor=SYSTEM, action="alert_rule.create", obj=rule, after=snapshot(rule))
        except IntegrityError:
            continue  # another process created it first
        created.append(rule)
    return created


def _check_rule_editor(actor: Actor, district_id: int) -> None:
    if not is_inspector(actor, district_id):
        raise AlertError(_("只有本区纪检监察人员可以修改预警规则"))


def _apply_values(rule: AlertRule, values: dict[str, Any]) -> None:
    errors = threshold_errors(rule.kind, values)
    if errors:
        raise AlertError(_("；").join(str(e) for e in errors.values()))
    for name in THRESHOLD_FIELDS:
        setattr(rule, name, values.get(name) if name in KIND_FIELDS[rule.kind] else None)
    rule.notify_roles = [role for role in NOTIFIABLE_ROLES if role in (values.get("notify_roles") or [])]
    rule.enabled = bool(values.get("enabled"))


def rule_update(*, actor: Actor, rule: AlertRule, values: dict[str, Any]) -> AlertRule:
    """Change a rule's thresholds, notified roles and whether it is enabled."""
    _check_rule_editor(actor, rule.district_id)
    with transaction.atomic():
        locked = AlertRule.objects.select_for_update().get(pk=rule.pk)
        before = snapshot(locked)
        _apply_values(locked, values)
        locked.updated_by = person(actor)
        locked.save()
        audit_record(
            actor=actor, action="alert_rule.update", obj=locked, before=before, after=snapshot(locked)
        )
    return locked


def rule_create(
    *, actor: Actor, kind: str, unit: Unit | None = None, window: Window | None = None, values: dict[str, Any]
) -> AlertRule:
    """A rule of ``kind`` for one unit or one window; thresholds left empty are taken from the district's rule."""
    if (unit is None) == (window is None):
        raise AlertError(_("请选择一个单位或一个窗口（二选一）"))
    district = window.unit.district if window is not None else unit.district  # type: ignore[union-attr]
    _check_rule_editor(actor, district.pk)
    rules_ensure_defaults(district=district)
    default = AlertRule.objects.get(district=district, kind=kind, unit__isnull=True, window__isnull=True)
    merged = {name: getattr(default, name) for name in KIND_FIELDS[kind]}
    merged.update({k: v for k, v in values.items() if v not in (None, "")})
    merged.setdefault("notify_roles", default.notify_roles)
    rule = AlertRule(district=district, kind=kind, unit=None if window else unit, window=window)
    _apply_values(rule, {"enabled": True, **merged})
    rule.updated_by = person(actor)
    try:
        with transaction.atomic():
            rule.save()
            audit_record(actor=actor, action="alert_rule.create", obj=rule, after=snapshot(rule))
    except IntegrityError:
        raise AlertError(
            _("%(scope)s已有“%(kind)s”规则，请直接修改该规则")
            % {"scope": rule.scope_label, "kind": AlertKind(kind).label}
        ) from None
    return rule


# ------------------------------------------------------------------------------------------------------ alerts
def _check_sees(actor: Actor, alert: Alert) -> None:
    if not is_system(actor) and not restrict(Alert.objects.filter(pk=alert.pk), actor).exists():
        raise AlertError(_("您无权处理该预警"))


def alert_acknowledge(*, actor: Actor, alert: Alert, note: str = "") -> Alert:
    """Someone who sees the alert takes note of it (已知悉). It stays until its condition clears or it is closed."""
    _check_sees(actor, alert)
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != Alert.Status.OPEN:
            raise AlertError(
                _("预警当前状态为“%(status)s”，不能再标记为已知悉") % {"status": locked.get_status_display()}
            )
        locked.status = Alert.Status.ACKNOWLEDGED
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = person(actor)
        locked.note = note.strip() or locked.note
        locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "note"])
        audit_record(
            actor=actor,
            action="alert.acknowledge",
            obj=locked,
            before={"status": Alert.Status.OPEN},
            after={"status": locked.status, "note": locked.note},
        )
    return locked


def alert_close(*, actor: Actor, alert: Alert, note: str) -> Alert:
    """An inspector closes the alert by hand, with a note. Until its condition clears, no new alert is raised for
    the same rule and subject."""
    _check_sees(actor, alert)
    if not is_system(actor) and not is_inspector(actor, alert.district_id):
        raise AlertError(_("只有纪检监察人员可以关闭预警"))
    if not note.strip():
        raise AlertError(_("关闭预警必须填写处理说明"))
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status == Alert.Status.CLOSED:
            raise AlertError(_("预警已关闭"))
        before = {"status": locked.status}
        locked.status = Alert.Status.CLOSED
        locked.close_reason = Alert.CloseReason.MANUAL
        locked.closed_at = timezone.now()
        locked.closed_by = person(actor)
        locked.note = note.strip()
        locked.save(update_fields=["status", "close_reason", "closed_at", "closed_by", "note"])
        audit_record(
            actor=actor,
            action="alert.close",
            obj=locked,
            before=before,
            after={"status": locked.status, "close_reason": locked.close_reason, "note": locked.note},
        )
    return locked


# ------------------------------------------------------------------------------------------------ subscriptions
def subscription_add(*, actor: User, channel: str, address: str, kinds: list[str]) -> AlertSubscription:
    """The signed-in person adds a phone or an e-mail address where its alerts are sent."""
    if channel not in Channel.values:
        raise AlertError(_("请选择短信或电子邮件"))
    if any(kind not in AlertKind.values for kind in kinds):
        raise AlertError(_("未知的预警类型"))
    subscription = AlertSubscription(user=actor, channel=channel, kinds=list(dict.fromkeys(kinds)))
    if channel == Channel.SMS:
        try:
            subscription.set_phone(crypto.normalize_phone(address))
        except ValueError:
            raise AlertError(_("手机号码格式不正确")) from None
        duplicate = {"phone_index": subscription.phone_index}
    else:
        subscription.email = address.strip()
        try:
            validate_email(subscription.email)
        except ValidationError:
            raise AlertError(_("电子邮箱格式不正确")) from None
        duplicate = {"email__iexact": subscription.email}
    if AlertSubscription.objects.filter(user=actor, channel=channel, **duplicate).exists():
        raise AlertError(_("该地址已订阅"))
    with transaction.atomic():
        subscription.save()
        audit_record(
            actor=actor, action="alert_subscription.create", obj=subscription, after=snapshot(subscription)
        )
    return subscription


def subscription_remove(*, actor: User, subscription: AlertSubscription) -> None:
    if subscription.user_id != actor.pk:
        raise AlertError(_("只能删除自己的订阅"))
    with transaction.atomic():
        before = snapshot(subscription)
        audit_record(actor=actor, action="alert_subscription.delete", obj=subscription, before=before)
        subscription.delete()
