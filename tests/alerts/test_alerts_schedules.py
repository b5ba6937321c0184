"""The worker's schedules for the alerts and the `pingyi alerts evaluate` command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from pingyi.alerts.models import Alert
from pingyi.alerts.tasks import DAILY_SCHEDULE, FREQUENT_SCHEDULE, ensure_schedules


def test_schedules_are_created_once_and_a_changed_one_is_repaired(db):
    ensure_schedules()
    ensure_schedules()
    frequent, daily = Schedule.objects.get(name=FREQUENT_SCHEDULE), Schedule.objects.get(name=DAILY_SCHEDULE)
    assert (frequent.func, frequent.schedule_type, frequent.minutes) == (
        "pingyi.alerts.tasks.evaluate_frequent",
        Schedule.MINUTES,
        15,
    )
    local = timezone.localtime(daily.next_run)
    assert (daily.func, daily.schedule_type, local.hour, local.minute) == (
        "pingyi.alerts.tasks.evaluate_daily",
        Schedule.DAILY,
        6,
        30,
    )
    Schedule.objects.filter(name=DAILY_SCHEDULE).update(func="elsewhere")
    ensure_schedules()
    assert Schedule.objects.get(name=DAILY_SCHEDULE).func == "pingyi.alerts.tasks.evaluate_daily"
    assert Schedule.objects.filter(name__startswith="pingyi.alerts.").count() == 2


def test_the_command_evaluates_one_kind_and_says_what_it_did(world, plant):
    plant.ratings_at(world.window_a, timezone.now() - timedelta(hours=2), [5, 5, 2, 5, 4, 1, 5, 5, 2, 5])
    plant.save()
    out = StringIO()

    call_command(
        "alerts", "evaluate", "--kind", "negative_share", "--district", world.district.code, stdout=out
    )

    assert "negative_share: raised=2 held=0 cleared=0" in out.getvalue()
    assert Alert.objects.count() == 2
