"""Plant the violations Wuhan's inspectors found into the demo year, then run the comparison over it.

Runs after the ratings step and only adds rows (ratings are append-only), except that it removes the records a
unit "never entered" — records no rating, invitation or ticket refers to:
- 区物流事业发展中心 stops entering records from September 2026 (the source article's case): citizens still scan;
- 区住房保障局: colleagues of other units rate it from their own phones, one phone gives a dozen 非常满意, and
  applicants' phones on its records were replaced by cadres' numbers so that the SMS callbacks reach cadres
  (汉阳区工商质监局's 交叉互评 and swapped numbers);
- 区公安分局's 出入境证件 window serves people from September with its QR poster hidden: no scan at all.
Then the comparison runs over the demo year, so the inspector ``jijian`` opens 数据比对 and finds them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from pingyi.accounts.roles import SYSTEM
from pingyi.catalog.models import District, Staff, Unit, Window, WindowHours
from pingyi.demo import names
from pingyi.demo.seed import DEMO_END, DEMO_START, Summary, fake_phone, is_demo_workday, step
from pingyi.derived.choices import Source
from pingyi.derived.feed import days_changed
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import scales
from pingyi.oversight.models import AnomalyKind, ComparisonRun
from pingyi.oversight.services import comparison_run_period
from pingyi.ratings.models import Rating
from pingyi.ratings.posters.services import poster_issue

PLANT_FROM = date(2026, 9, 1)
SILENT_UNIT, CROSS_UNIT, HIDDEN_QR_UNIT = "区物流事业发展中心", "区住房保障局", "区公安分局"


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _days(start: date, end: date) -> list[date]:
    return [
        start + timedelta(n) for n in range((end - start).days + 1) if is_demo_workday(start + timedelta(n))
    ]


def _at(day: date, rng: random.Random) -> datetime:
    hour = rng.choice([9, 10, 11, 14, 15, 16])
    return datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=_tz())


def _rating(
    unit: Unit, window: Window | None, at: datetime, *, channel: str, level5: int = 5, **extra: object
) -> Rating:
    scale = scales.Scale(settings.PINGYI_RATING_SCALE)
    level = scales.from_five(scale, level5)
    return Rating(
        district_id=unit.district_id, unit=unit, window=window, channel=channel, scale=scale, level=level,
        level5=scales.to_five(scale, level), negative=scales.is_negative(scale, level), external_ref="demo",
        rated_at=at, received_at=at, **extra,
    )  # fmt: skip


def _stop_entering(unit: Unit) -> int:
    """Remove the unit's records from PLANT_FROM that nothing refers to: the records it never entered."""
    records = ServiceRecord.objects.filter(unit=unit, received_at__date__gte=PLANT_FROM)
    for relation in ServiceRecord._meta.related_objects:
        records = records.filter(**{f"{relation.name}__isnull": True})
    days = {timezone.localtime(at).date() for at in records.values_list("received_at", flat=True)}
    removed = records.delete()[0]
    days_changed(unit.district_id, days, source=Source.LEDGER)  # rows removed: what these days count changed
    return removed


def _colleagues(rng: random.Random, unit: Unit) -> list[Rating]:
    """Cross-ratings from other units' staff phones; one phone's streak of 非常满意; callbacks to cadres."""
    window = Window.objects.filter(unit=unit).order_by("pk").first()
    cadres = list(
        Staff.objects.filter(unit__district_id=unit.district_id)
        .exclude(unit=unit)
        .exclude(phone_index="")[:12]
    )
    days = _days(date(2026, 10, 8), date(2026, 10, 30))
    out = []
    for n in range(36):
        cadre = cadres[n % len(cadres)]
        out.append(
            _rating(
                unit,
                window,
                _at(days[n % len(days)], rng),
                channel=scales.Channel.MOBILE,
                phone_ciphertext=cadre.phone_ciphertext,
                phone_index=cadre.phone_index,
                phone_masked=cadre.phone_masked,
                flags=["staff_phone"],
            )  # fmt: skip
        )
    for n in range(12):
        out.append(
            _rating(
                unit,
                window,
                _at(days[n], rng),
                channel=scales.Channel.QR,
                device_fp="demo-device-cross-rating",
            )
        )
    # Applicants' phones on 15 records replaced by cadres' numbers: the SMS invitation reaches a cadre, who answers.
    records = list(
        ServiceRecord.objects.filter(
            unit=unit, received_at__date__gte=date(2026, 10, 8), ratings__isnull=True
        )
        .exclude(phone_index="")
        .order_by("received_at")[:15]
    )
    for n, record in enumerate(records):
        cadre = cadres[n % len(cadres)]
        record.phone_ciphertext, record.phone_index, record.phone_masked = (
            cadre.phone_ciphertext, cadre.phone_index, cadre.phone_masked,
        )  # fmt: skip
        answer = (record.finished_at or record.received_at) + timedelta(hours=2)
        out.append(
            _rating(
                unit,
                window,
                answer,
                channel=scales.Channel.SMS,
                record=record,
                staff_id=record.staff_id,
                stage=Rating.Stage.FINISHED,
                phone_ciphertext=cadre.phone_ciphertext,
                phone_index=cadre.phone_index,
                phone_masked=cadre.phone_masked,
                flags=["staff_phone"],
            )  # fmt: skip
        )
    ServiceRecord.objects.bulk_update(records, ["phone_ciphertext", "phone_index", "phone_masked"])
    return out


def _hidden_window(rng: random.Random, unit: Unit) -> tuple[Window, list[Rating]]:
    """A window opened before the demo year whose poster hangs behind a banner from September: people, no scans."""
    hall = Window.objects.filter(unit=unit).order_by("pk").first()
    assert hall is not None
    window, created = Window.objects.get_or_create(
        hall=hall.hall, code="CRJ", defaults={"unit": unit, "name": "出入境证件窗口"}
    )
    if created:
        for weekday in range(5):
            WindowHours.objects.create(window=window, weekday=weekday, opens=time(8, 30), closes=time(12, 0))
            WindowHours.objects.create(window=window, weekday=weekday, opens=time(14, 0), closes=time(17, 30))
        poster_issue(actor=SYSTEM, window=window)
    records, ratings = [], []
    for day in _days(PLANT_FROM, DEMO_END):
        for n in range(rng.randint(4, 8)):
            record = ServiceRecord(
                district_id=unit.district_id, unit=unit, window=window, record_no=f"{unit.code}-{day:%Y%m%d}-CRJ-{n + 1:03d}",
                received_at=_at(day, rng), source=ServiceRecord.Source.DEMO, stage=ServiceRecord.Stage.FINISHED,
            )  # fmt: skip
            record.finished_at = record.received_at + timedelta(minutes=20)
            record.set_phone(fake_phone(rng))
            records.append(record)
    ServiceRecord.objects.bulk_create(records, batch_size=2000)
    ServiceRecord.objects.filter(window=window).update(entered_at=F("received_at"))
    for record in records[::4]:  # the window's pad still works
        ratings.append(
            _rating(
                unit,
                window,
                record.received_at + timedelta(minutes=8),
                channel=scales.Channel.PAD,
                record=record,
                stage=Rating.Stage.ACCEPTED,
                level5=rng.choice([5, 5, 5, 4]),
            )  # fmt: skip
        )
    return window, ratings


@step
def seed_oversight(rng: random.Random, summary: Summary) -> None:
    district = District.objects.get(code=names.DISTRICT[0])
    units = {u.name: u for u in Unit.objects.filter(district=district)}
    if not Window.objects.filter(unit=units[HIDDEN_QR_UNIT], code="CRJ").exists():
        rng = random.Random(f"{rng.random()}-oversight")
        _stop_entering(units[SILENT_UNIT])
        _, hidden = _hidden_window(rng, units[HIDDEN_QR_UNIT])
        Rating.objects.bulk_create([*_colleagues(rng, units[CROSS_UNIT]), *hidden], batch_size=2000)
    # The ratings step counted before the plants on a first run and after them on a rerun: count again.
    summary.counts["办件"] = ServiceRecord.objects.filter(district=district).count()
    summary.counts["评价"] = Rating.objects.filter(district=district).count()
    run = comparison_run_period(
        actor=SYSTEM, district=district, start=DEMO_START, end=DEMO_END, trigger=ComparisonRun.Trigger.DEMO
    )
    found = {k: c["found"] for k, c in run.counts.items() if isinstance(c, dict) and c.get("found")}
    labels = dict(AnomalyKind.choices)
    summary.lines.append(
        "  数据比对（纪检监察账号 jijian 可见）："
        + "，".join(f"{labels[k]} {n} 项" for k, n in found.items())
        + f"；用时 {run.duration_ms} 毫秒"
    )
