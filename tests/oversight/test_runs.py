"""Runs are idempotent per type, scope and month; a dismissal stands until clearly new evidence; the command."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.oversight.models import Anomaly, ComparisonRun
from pingyi.oversight.services import anomaly_dismiss
from tests.oversight.builders import MONTH, at, clean_hall, working_days

pytestmark = pytest.mark.django_db


def _late(hall: Any, unit: Any, day_index: int, n: int) -> None:
    day = working_days(*MONTH)[day_index]
    hall.rating(unit, at(day, 11), level5=1)
    for i in range(n):
        hall.record(unit, at(day, 9, i), entered=at(day + timedelta(days=2), 18))
    hall.save()


def test_rerun_updates_instead_of_duplicating(world: Any) -> None:
    hall = clean_hall(world)
    _late(hall, world.unit_b, 2, 2)
    first = hall.compare()
    second = hall.compare()
    [anomaly] = Anomaly.objects.all()
    assert anomaly.last_run == second
    assert first.counts["late_entry"] == {"found": 1, "new": 1}
    assert second.counts["late_entry"] == {"found": 1, "new": 0}
    assert AuditEntry.objects.filter(action="oversight.compare").count() == 2


def test_dismissed_stays_dismissed_until_the_evidence_grows(world: Any) -> None:
    hall = clean_hall(world)
    _late(hall, world.unit_b, 2, 2)
    hall.compare()
    anomaly = Anomaly.objects.get()
    anomaly_dismiss(actor=world.users["inspector"], anomaly=anomaly, reason="系统故障导致补录，已核实")
    _late(hall, world.unit_b, 4, 0)  # another complaint, no more late records: same evidence
    hall.compare()
    anomaly.refresh_from_db()
    assert anomaly.status == Anomaly.Status.DISMISSED and anomaly.evidence["count"] == 2
    _late(hall, world.unit_b, 6, 3)  # three more backfilled records after a complaint: 5 > 2 × 1.5
    run = hall.compare()
    anomaly.refresh_from_db()
    assert anomaly.status == Anomaly.Status.OPEN and anomaly.evidence["count"] == 5
    assert "重新打开" in anomaly.status_note and run.counts["reopened"] == [anomaly.pk]


def test_a_finding_that_disappears_is_kept_but_ranked_last(world: Any) -> None:
    hall = clean_hall(world)
    _late(hall, world.unit_b, 2, 2)
    hall.compare()
    from pingyi.ledger.models import ServiceRecord

    ServiceRecord.objects.filter(unit=world.unit_b).update(
        entered_at=at(MONTH[0], 8)
    )  # corrected entry times
    hall.compare()
    anomaly = Anomaly.objects.get()
    assert anomaly.score == 0 and "未再发现" in anomaly.status_note


def test_compare_command_json(world: Any) -> None:
    hall = clean_hall(world)
    _late(hall, world.unit_a, 3, 2)
    out = StringIO()
    call_command(
        "compare", "--from", "2026-09-01", "--to", "2026-09-30", "--district", "420113", "--json", stdout=out
    )
    [run] = json.loads(out.getvalue())
    assert run["counts"]["late_entry"]["found"] == 1 and run["from"] == "2026-09-01"
    assert ComparisonRun.objects.get().trigger == ComparisonRun.Trigger.COMMAND


def test_compare_command_rejects_bad_dates(world: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期格式"):
        call_command("compare", "--from", "2026-13-01", "--to", "2026-09-30")
    with pytest.raises(CommandError, match="不能早于"):
        call_command("compare", "--from", "2026-09-30", "--to", "2026-09-01")


def test_nightly_schedule_is_ensured_once_and_compares_the_month_to_date(world: Any) -> None:
    from django_q.models import Schedule

    from pingyi.jobs import ensure_schedules
    from pingyi.oversight.tasks import nightly

    ensure_schedules()
    ensure_schedules()
    schedule = Schedule.objects.get(name="pingyi.oversight.nightly")
    assert schedule.func == "pingyi.oversight.tasks.nightly" and schedule.schedule_type == Schedule.DAILY
    nightly()
    runs = ComparisonRun.objects.filter(trigger=ComparisonRun.Trigger.NIGHTLY)
    assert {r.district.code for r in runs} == {"420113", "420114"}
    yesterday = timezone.localdate() - timedelta(days=1)
    assert all(r.status == "done" and r.period_end == yesterday for r in runs)
