"""Anomaly status changes (open → under_inspection → confirmed | dismissed) and the comparison run.

Each change runs in one transaction, locks the anomaly row and writes one audit entry. Only inspectors and
superusers (or a system actor) act on anomalies; other people do not even see them
(scopes registered in apps.ready).
"""

from __future__ import annotations

from datetime import date
from time import monotonic
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from pingyi.accounts.models import User
from pingyi.accounts.roles import Actor, is_inspector, is_system
from pingyi.audit.services import audit_record
from pingyi.catalog.models import District
from pingyi.oversight.engine import detect, store
from pingyi.oversight.models import Anomaly, ComparisonRun
from pingyi.oversight.thresholds import thresholds

S = Anomaly.Status

# From which statuses each target may be reached. An open anomaly may be dismissed directly (a plain false alarm,
# e.g. a holiday the calendar missed) but is confirmed only after an inspection.
_ALLOWED: dict[str, frozenset[str]] = {
    S.UNDER_INSPECTION: frozenset({S.OPEN}),
    S.CONFIRMED: frozenset({S.UNDER_INSPECTION}),
    S.DISMISSED: frozenset({S.OPEN, S.UNDER_INSPECTION}),
}


class AnomalyError(ValueError):
    """A refused status change; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_actor(actor: Actor) -> None:
    if is_system(actor) or is_inspector(actor):
        return
    raise AnomalyError("只有纪检监察人员可以处理比对异常")


def _transition(*, actor: Actor, anomaly: Anomaly, target: str, note: str, action: str) -> Anomaly:
    _check_actor(actor)
    with transaction.atomic():
        locked = Anomaly.objects.select_for_update().get(pk=anomaly.pk)
        if locked.status not in _ALLOWED[target]:
            raise AnomalyError(f"异常当前状态为“{locked.get_status_display()}”，不能改为“{S(target).label}”")
        before = {"status": locked.status, "status_note": locked.status_note}
        locked.status = target
        locked.status_note = note.strip()
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = actor if isinstance(actor, User) else None
        if target == S.DISMISSED:
            locked.dismissed_count = int(locked.evidence.get("count", 0) or 0)
        locked.save(
            update_fields=[
                "status",
                "status_note",
                "status_changed_at",
                "status_changed_by",
                "dismissed_count",
            ]
        )
        audit_record(
            actor=actor,
            action=action,
            obj=locked,
            before=before,
            after={"status": locked.status, "status_note": locked.status_note},
        )
    anomaly.refresh_from_db()
    return anomaly


def anomaly_mark_under_inspection(*, actor: Actor, anomaly: Anomaly, note: str = "") -> Anomaly:
    """An inspector takes the anomaly up (核查中); an inspection usually links to it."""
    return _transition(
        actor=actor, anomaly=anomaly, target=S.UNDER_INSPECTION, note=note, action="anomaly.under_inspection"
    )


def anomaly_confirm(*, actor: Actor, anomaly: Anomaly, note: str = "") -> Anomaly:
    """The inspection found the anomaly true (已确认)."""
    return _transition(actor=actor, anomaly=anomaly, target=S.CONFIRMED, note=note, action="anomaly.confirm")


def anomaly_dismiss(*, actor: Actor, anomaly: Anomaly, reason: str) -> Anomaly:
    """The anomaly has an innocent explanation (已排除); the reason is required and kept."""
    if not (reason or "").strip():
        raise AnomalyError("排除异常必须填写理由")
    return _transition(
        actor=actor, anomaly=anomaly, target=S.DISMISSED, note=reason, action="anomaly.dismiss"
    )


# --------------------------------------------------------------------------------------------------- comparison
def comparison_start(
    *, actor: Actor, district: District, start: date, end: date, trigger: str
) -> ComparisonRun:
    """Record a run as running (shown as progress); ``comparison_run`` does the work."""
    if end < start:
        raise AnomalyError("截止日期不能早于起始日期")
    if end > timezone.localdate():
        raise AnomalyError("截止日期不能晚于今天")
    return ComparisonRun.objects.create(
        district=district,
        period_start=start,
        period_end=end,
        trigger=trigger,
        started_by=actor if isinstance(actor, User) else None,
    )


def comparison_run(*, actor: Actor, run: ComparisonRun) -> ComparisonRun:
    """Compare the run's period and store the anomalies; one transaction and one audit entry."""
    limits = thresholds()
    began = monotonic()
    try:
        with transaction.atomic():
            timings: dict[str, float] = {}
            recounted: dict[str, int] = {}
            findings = detect(run.district_id, run.period_start, run.period_end, limits, timings, recounted)
            counts = store(
                findings,
                district_id=run.district_id,
                start=run.period_start,
                end=run.period_end,
                run=run,
                limits=limits,
            )
            run.status = ComparisonRun.Status.DONE
            run.counts = {
                **counts,
                "seconds": [[name, value] for name, value in timings.items()],
                "recounted": [[name, value] for name, value in recounted.items()],
            }
            run.finished_at = timezone.now()
            run.duration_ms = round((monotonic() - began) * 1000)
            run.save(update_fields=["status", "counts", "finished_at", "duration_ms"])
            audit_record(
                actor=actor,
                action="oversight.compare",
                obj=run,
                district_id=run.district_id,
                after={"period": [run.period_start, run.period_end], "counts": counts},
            )
    except Exception as exc:
        ComparisonRun.objects.filter(pk=run.pk).update(
            status=ComparisonRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


def comparison_run_period(
    *, actor: Actor, district: District, start: date, end: date, trigger: str
) -> ComparisonRun:
    run = comparison_start(actor=actor, district=district, start=start, end=end, trigger=trigger)
    return comparison_run(actor=actor, run=run)


def comparison_retry(*, actor: Actor, run: ComparisonRun) -> ComparisonRun:
    """Compare a failed run's period again, as a new run queued for the worker (the failed one stays in the list)."""
    if run.status != ComparisonRun.Status.FAILED:
        raise AnomalyError("只有失败的比对可以重试")
    district = District.objects.get(pk=run.district_id)
    again = comparison_start(
        actor=actor,
        district=district,
        start=run.period_start,
        end=min(run.period_end, timezone.localdate()),
        trigger=ComparisonRun.Trigger.BACK_OFFICE,
    )
    user_id = actor.pk if isinstance(actor, User) else None
    transaction.on_commit(lambda: async_task("pingyi.oversight.tasks.run_queued", again.pk, user_id))
    return again


def anomaly_samples_reveal(*, actor: Actor, anomaly: Anomaly, rows: list[Any]) -> dict[int, str]:
    """The unmasked phones of an anomaly's sample rows, for the inspector checking it; the read is logged."""
    _check_actor(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="personal_data.read",
            obj=anomaly,
            after={"field": "phone", "rows": [f"{row._meta.label_lower}:{row.pk}" for row in rows]},
        )
    return {row.pk: row.phone_plain() for row in rows if row.phone_ciphertext}
