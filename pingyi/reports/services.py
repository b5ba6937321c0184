"""Asking for a report: check the scope, record the request with its audit entry, and queue the job."""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from pingyi.accounts.roles import Actor, person
from pingyi.audit.services import audit_record
from pingyi.reports import access
from pingyi.reports.models import Report


def period_of(kind: str, year: int, month: int | None) -> tuple[date, date]:
    """The days of a month (monthly) or of a calendar year (yearly)."""
    if kind == Report.Kind.YEARLY:
        return date(year, 1, 1), date(year, 12, 31)
    if kind == Report.Kind.MONTHLY and month is not None and 1 <= month <= 12:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    raise ValidationError("请选择报告类型和期间")


def report_request(
    *,
    actor: Actor,
    kind: str,
    year: int,
    month: int | None = None,
    unit_id: int | None = None,
    enqueue: bool = True,
) -> Report:
    """Record a report request of the actor's scope (404 outside it) and queue its job for the worker."""
    district, unit = access.resolve(actor, unit_id)
    start, end = period_of(kind, year, month)
    if start > timezone.localdate():
        raise ValidationError("报告期间尚未开始")
    with transaction.atomic():
        report = Report.objects.create(
            district=district,
            unit=unit,
            kind=kind,
            period_start=start,
            period_end=end,
            requested_by=person(actor),
        )
        audit_record(
            actor=actor,
            action="report.request",
            obj=report,
            after={"kind": kind, "unit": unit.code if unit else None, "start": start, "end": end},
        )
        if enqueue:
            transaction.on_commit(lambda: report_enqueue(report))
    return report


def report_enqueue(report: Report) -> None:
    """Queue the report's job for the worker (a second task of the same report does nothing: the runner claims it)."""
    async_task("pingyi.reports.runner.build_report", report.pk, task_name=f"report-{report.pk}")


def report_retry(*, actor: Actor, report: Report) -> Report:
    """Build a failed report again: back to queued, its progress cleared, queued for the worker."""
    if report.status != Report.Status.FAILED:
        raise ValidationError("只有生成失败的报告可以重试")
    with transaction.atomic():
        before = {"status": report.status, "message": report.message}
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.QUEUED,
            steps_done=0,
            step_label="",
            message="",
            started_at=None,
            finished_at=None,
        )
        report.refresh_from_db()
        audit_record(
            actor=actor, action="report.retry", obj=report, before=before, after={"status": report.status}
        )
        transaction.on_commit(lambda: report_enqueue(report))
    return report
