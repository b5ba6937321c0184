"""The worker's schedules exist once, however often the worker starts."""

from __future__ import annotations

from django_q.models import Schedule

from pingyi.jobs import ensure_schedules


def test_ensuring_schedules_twice_creates_each_once(db):
    ensure_schedules()
    first = sorted(Schedule.objects.values_list("func", flat=True))
    ensure_schedules()
    assert sorted(Schedule.objects.values_list("func", flat=True)) == first
    assert any("seal_pending" in func for func in first)
    assert any("sms" in func for func in first)
