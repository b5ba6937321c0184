"""The hall's big screen: its JSON (and the page's first paint) equal a recount of today's raw rows in the hall."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from pingyi.insight.cubes.rollups import rollups_refresh
from pingyi.ratings.models import Rating
from pingyi.tickets.choices import Source, State
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import ticket_open
from tests.disclosure.builders_disclosure import local_midnight, pct, plant, recount


@pytest.fixture
def today_in_hall(world, settings):
    settings.PINGYI_RANKING_MIN_SAMPLE = 2
    now = timezone.now()
    today = timezone.localdate(now)
    midnight = local_midnight(today)
    earlier = midnight + (now - midnight) / 2  # today, and never in the future
    plant(world, world.window_a, earlier, [5, 5, 4, 1])
    plant(world, world.window_a, earlier, [3], default=True)
    plant(world, world.window_b, earlier - timedelta(minutes=1), [5, 2])
    plant(world, world.window_sub, earlier, [5, 5])
    plant(world, world.window_other, earlier, [1, 1])
    plant(world, world.window_a, midnight - timedelta(hours=3), [1, 1, 1])  # yesterday
    inspector = world.users["inspector"]
    for window, opened in (
        (world.window_a, now - timedelta(minutes=5)),
        (world.window_b, now - timedelta(minutes=4)),
        (world.window_a, local_midnight(today.replace(day=1)) - timedelta(days=2)),  # last month
    ):
        ticket_open(
            actor=inspector,
            unit=window.unit,
            window=window,
            source=Source.INSPECTOR,
            summary="窗口无人",
            opened_at=opened,
        )
    ticket_open(
        actor=world.users["outsider"],
        unit=world.unit_other,
        window=world.window_other,
        source=Source.INSPECTOR,
        summary="x",
    )
    rollups_refresh()
    return today


def _json(world):
    response = Client().get(f"/public/screen/{world.hall.pk}/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_today_in_the_hall_and_its_sub_centres(world, today_in_hall):
    data = _json(world)
    today = today_in_hall
    hall = Rating.objects.filter(window__hall_id__in=[world.hall.pk, world.sub_hall.pk])
    ratings, active, satisfied, negative = recount(hall, today, today)
    assert data["date"] == today.isoformat()
    assert data["today"] == {
        "ratings": ratings,
        "active": active,
        "satisfied": satisfied,
        "negative": negative,
        "satisfaction": satisfied / active,
        "satisfaction_text": pct(satisfied, active),
    }
    assert (ratings, active, negative) == (9, 8, 2)
    start = local_midnight(today)
    hours = Counter(
        timezone.localtime(r.rated_at).hour
        for r in hall.filter(rated_at__gte=start, rated_at__lt=start + timedelta(days=1), is_default=False)
    )
    assert data["hours"] == [hours.get(h, 0) for h in range(24)]


def test_each_windows_ratings_today(world, today_in_hall):
    today = today_in_hall
    expected = []
    for window in (world.window_a, world.window_b, world.window_sub):
        ratings, active, satisfied, negative = recount(Rating.objects.filter(window=window), today, today)
        expected.append((str(window), window.name, ratings, negative, pct(satisfied, active)))
    expected.sort(key=lambda row: (-row[2], row[0]))  # most ratings first, then by code and name
    rows = [
        (w["label"], w["ratings"], w["negative"], w["satisfaction_text"]) for w in _json(world)["windows"]
    ]
    assert rows == [row[1:] for row in expected]


def test_this_months_tickets_in_the_hall(world, today_in_hall):
    first = local_midnight(today_in_hall.replace(day=1))
    tickets = Ticket.objects.filter(
        window__hall_id__in=[world.hall.pk, world.sub_hall.pk], opened_at__gte=first
    )
    data = _json(world)["tickets"]
    assert data["opened"] == tickets.count() == 2
    assert data["open_now"] == tickets.exclude(state=State.CLOSED).count()
    assert data["closed"] == tickets.filter(state=State.CLOSED).count()


def test_this_months_units_of_the_hall_ranked(world, today_in_hall):
    first = today_in_hall.replace(day=1)
    rates = {}
    for unit in (world.unit_a, world.unit_b, world.unit_sub):
        _, active, satisfied, _ = recount(Rating.objects.filter(unit=unit), first, today_in_hall)
        rates[unit.name] = (satisfied / active, pct(satisfied, active))
    expected = sorted(rates.items(), key=lambda item: -item[1][0])
    ranking = _json(world)["ranking"]
    assert [(r["rank"], r["label"], r["satisfaction_text"]) for r in ranking] == [
        (rank, name, text) for rank, (name, (_, text)) in enumerate(expected, start=1)
    ]
    assert world.unit_other.name not in {r["label"] for r in ranking}


def test_the_page_paints_the_same_numbers_before_any_script_runs(world, today_in_hall):
    data = _json(world)
    html = Client().get(f"/public/screen/{world.hall.pk}/").content.decode()
    assert f'data-k="today.ratings">{data["today"]["ratings"]}<' in html
    assert f'data-k="today.satisfaction_text">{data["today"]["satisfaction_text"]}<' in html
    assert f'data-k="tickets.opened">{data["tickets"]["opened"]}<' in html
    assert f'data-src="/public/screen/{world.hall.pk}/data.json"' in html
    assert '<meta http-equiv="refresh"' in html
    assert "<style" not in html and " style=" not in html and "<script>" not in html


def test_a_hall_is_found_by_district_and_hall_code(world):
    client = Client()
    response = client.get(f"/public/screen/{world.district.code}/{world.hall.code}/")
    assert response.status_code == 302 and response["Location"] == f"/public/screen/{world.hall.pk}/"
    other = client.get(f"/public/screen/{world.other_district.code}/{world.other_hall.code}/")
    assert other["Location"] == f"/public/screen/{world.other_hall.pk}/"
    assert client.get("/public/screen/999999/").status_code == 404
    assert client.get("/public/screen/999999/data.json").status_code == 404
