"""The worker's schedules: each app that runs periodic jobs declares them idempotently; the worker ensures them."""

from __future__ import annotations


def ensure_schedules() -> None:
    from pingyi.alerts.tasks import ensure_schedules as alert_schedules
    from pingyi.derived.tasks import ensure_schedules as derived_schedules
    from pingyi.insight.tasks import ensure_schedules as insight_schedules
    from pingyi.ops.tasks import ensure_schedules as ops_schedules
    from pingyi.oversight.tasks import ensure_schedules as oversight_schedules
    from pingyi.ratings.seals.services import ensure_schedules as seal_schedules
    from pingyi.sms.tasks import ensure_schedules as sms_schedules
    from pingyi.tickets.tasks import ensure_schedules as ticket_schedules
    from pingyi.workdays.tasks import ensure_schedules as workday_schedules

    seal_schedules()
    sms_schedules()
    workday_schedules()
    oversight_schedules()
    ticket_schedules()
    insight_schedules()
    alert_schedules()
    ops_schedules()
    derived_schedules()
