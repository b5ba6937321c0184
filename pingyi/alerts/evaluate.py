"""``alerts_evaluate``: judge every rule, raise new alerts, refresh the held ones, clear the rest, notify.

Per district: the conditions are computed first (reads only, ``conditions.CHECKS``), then one transaction applies
them — an alert per rule and subject whose condition holds and has no uncleared alert yet (raise: one audit entry
each), the latest numbers on the uncleared ones that still hold, and clearing where the condition no longer holds
(an open or acknowledged alert is closed as 条件已消除; one closed by hand is only marked cleared: one audit entry
each) — and queues the notifications of the raised alerts in the same transaction. Queued e-mails are sent after.

A kind that needs working days in a year without a known holiday schedule is skipped for that district (its alerts
are left as they are) and reported in the result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from pingyi.accounts.roles import SYSTEM
from pingyi.alerts.conditions import CHECKS, Hit, Rules
from pingyi.alerts.models import Alert, AlertKind, AlertRule
from pingyi.alerts.notify import email_send_pending, notify_raised
from pingyi.alerts.services import rules_ensure_defaults
from pingyi.audit.services import audit_record
from pingyi.catalog.models import District
from pingyi.workdays.days import UnknownYear


@dataclass
class EvaluationResult:
    raised: Counter[str] = field(default_factory=Counter)
    held: Counter[str] = field(default_factory=Counter)
    cleared: Counter[str] = field(default_factory=Counter)
    skipped: dict[str, str] = field(default_factory=dict)  # "<district code> <kind>" → why
    messages: int = 0
    emails_sent: int = 0

    def render(self) -> str:
        parts = [
            f"{kind}: raised={self.raised[kind]} held={self.held[kind]} cleared={self.cleared[kind]}"
            for kind in AlertKind.values
            if self.raised[kind] or self.held[kind] or self.cleared[kind]
        ]
        parts += [f"skipped {where}: {why}" for where, why in self.skipped.items()]
        parts.append(f"messages={self.messages} emails_sent={self.emails_sent}")
        return "; ".join(parts)


def alerts_evaluate(
    now: datetime | None = None, *, kinds: Iterable[str] | None = None, district: District | None = None
) -> EvaluationResult:
    now = now or timezone.now()
    kinds = list(kinds) if kinds is not None else list(AlertKind.values)
    result = EvaluationResult()
    districts = [district] if district is not None else list(District.objects.order_by("code"))
    for each in districts:
        rules_ensure_defaults(district=each)
        judged: list[tuple[list[AlertRule], list[Hit]]] = []
        for kind in kinds:
            rules = list(AlertRule.objects.filter(district=each, kind=kind).select_related("unit", "window"))
            try:
                hits = CHECKS[kind](each.pk, Rules.of(rules), now)
            except UnknownYear as exc:
                result.skipped[f"{each.code} {kind}"] = str(exc)
                continue
            judged.append((rules, hits))
        with transaction.atomic():
            raised: list[Alert] = []
            for rules, hits in judged:
                raised += _apply(rules, hits, now, result)
            result.messages += notify_raised(raised)
    result.emails_sent = email_send_pending()
    return result


def _apply(rules: list[AlertRule], hits: list[Hit], now: datetime, result: EvaluationResult) -> list[Alert]:
    """Raise, refresh and clear the alerts of these rules (all of one kind); returns the raised alerts."""
    by_pk = {rule.pk: rule for rule in rules}
    uncleared = {
        (alert.rule_id, alert.subject_key): alert
        for alert in Alert.objects.select_for_update().filter(rule__in=by_pk, cleared_at__isnull=True)
    }
    holding = {(hit.rule.pk, hit.subject_key): hit for hit in hits}
    raised, refreshed = [], []
    for key, hit in holding.items():
        alert = uncleared.get(key)
        if alert is not None:
            alert.latest, alert.last_seen_at = hit.evidence, now
            refreshed.append(alert)
            result.held[hit.rule.kind] += 1
            continue
        new = _raise(hit, now)
        if new is not None:
            raised.append(new)
            result.raised[hit.rule.kind] += 1
    Alert.objects.bulk_update(refreshed, ["latest", "last_seen_at"])
    for key, alert in uncleared.items():
        if key not in holding:
            _clear(alert, now)
            result.cleared[alert.kind] += 1
    return raised


def _raise(hit: Hit, now: datetime) -> Alert | None:
    alert = Alert(
        rule=hit.rule,
        kind=hit.rule.kind,
        district_id=hit.rule.district_id,
        unit_id=hit.unit_id,
        window_id=hit.window_id,
        ticket_id=hit.ticket_id,
        level=hit.level,
        subject_key=hit.subject_key,
        summary=hit.summary[:300],
        evidence=hit.evidence,
        latest=hit.evidence,
        raised_at=now,
        last_seen_at=now,
    )
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:
        return None  # a concurrent evaluation raised it first
    audit_record(
        actor=SYSTEM,
        action="alert.raise",
        obj=alert,
        after={
            "rule": hit.rule.pk,
            "subject": hit.subject_key,
            "summary": alert.summary,
            "evidence": hit.evidence,
        },
    )
    return alert


def _clear(alert: Alert, now: datetime) -> None:
    before = {"status": alert.status}
    alert.cleared_at = now
    fields = ["cleared_at"]
    if alert.status != Alert.Status.CLOSED:
        alert.status, alert.close_reason, alert.closed_at = (
            Alert.Status.CLOSED,
            Alert.CloseReason.CLEARED,
            now,
        )
        fields += ["status", "close_reason", "closed_at"]
    alert.save(update_fields=fields)
    audit_record(
        actor=SYSTEM,
        action="alert.close" if "status" in fields else "alert.clear",
        obj=alert,
        before=before,
        after={"status": alert.status, "close_reason": alert.close_reason, "cleared_at": now.isoformat()},
    )
