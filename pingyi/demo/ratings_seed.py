"""Demo year of service records and ratings, with one QR poster per window.

For each working day of the demo year every window serves people (records entered by its unit, source "demo");
about 30,000 ratings follow across channels — QR scans ~60 %, window pads ~25 %, SMS answers ~10 %, the hotline,
message board and mayor's line a little — with ≈99.9 % satisfied and the source article's 差评 among the few
negative ones. Rows are built in Python and bulk-inserted; they bypass ``rating_submit`` but follow its rules:
``level5`` from the scale, ``negative``, a tracking code for each active 差评, staff = whoever was on duty.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from pingyi.accounts.roles import SYSTEM
from pingyi.catalog.models import District, DutyShift, ServiceItem, Unit, Window
from pingyi.demo import names
from pingyi.demo.seed import DEMO_END, DEMO_START, SEED, Summary, fake_name, fake_phone, is_demo_workday, step
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import crypto, scales
from pingyi.ratings.models import QrPoster, Rating, ReasonTag, new_tracking_code
from pingyi.ratings.posters.services import poster_issue
from pingyi.ratings.tagdata import CURRENT_VERSION

RATINGS_TARGET = 30_000
PARTICIPATION = 0.72  # share of window records that get a rating (QR, pad or SMS)
PHONE_SHARE = 0.70
SMS_SHARE_OF_PHONES = 0.15  # of rated records with a phone: 0.7 × 0.15 ≈ 10.5 % of window ratings
QR_SHARE_OTHERWISE = 0.706  # the rest split QR : pad ≈ 60 : 25
ITEM_SHARE = 0.80
BUSY_UNITS = {
    "区行政审批局",
    "区市场监管局",
    "区公安分局",
    "区税务局",
    "区人社局",
    "区不动产登记中心",
    "区医保局",
}
SESSIONS = ((time(8, 30), 210), (time(14, 0), 210))  # (opens, minutes): 8:30–12:00, 14:00–17:30
HOTLINE_CHANNELS = (
    (scales.Channel.HOTLINE, 0.022),
    (scales.Channel.MESSAGE_BOARD, 0.015),
    (scales.Channel.MAYOR_LINE, 0.010),
)
# Five-level distribution of an ordinary window rating, and of a hotline / message-board one (more complaints).
WINDOW_LEVELS = ((5, 0.845), (4, 0.125), (3, 0.0293), (2, 0.0005), (1, 0.0002))
HOTLINE_LEVELS = ((5, 0.70), (4, 0.20), (3, 0.092), (2, 0.006), (1, 0.002))
# (five-level value, tags, comment) of ordinary 差评 and 基本满意.
NEGATIVE = [
    (2, ["212"], "网上预约了还要到大厅重新取号排队，等了一个多小时才叫到号。"),
    (1, ["109"], "办事指南上没写要户口本复印件，到了窗口又让回去补材料。"),
    (2, ["210"], "同样的证明上次已经交过，这次又要求再交一遍。"),
    (2, ["209"], "说好5个工作日办结，过了两周还没有消息。"),
    (2, ["213"], "窗口人员对业务不熟悉，问了三个问题都答不上来。"),
    (2, ["214"], "工作人员态度生硬，多问两句就不耐烦。"),
    (2, ["211"], "网上说可以全程网办，结果系统一直提交不了，还是得跑现场。"),
    (1, ["114"], "来回跑了三趟才办完，和承诺的“最多跑一次”不一致。"),
    (1, ["115"], "排队等了一个半小时，窗口只开了一个，效率太低。"),
    (2, [], "窗口中午提前半小时就停止取号了。"),
]
BASIC = [
    (["308"], "等候时间有点长。"),
    (["309"], "材料要求没有一次说清楚。"),
    (["312"], "进门不知道该去哪个窗口，引导不够。"),
    ([], ""),
]
PRAISE = [
    "不到10分钟就办完了，办事体验非常好。",
    "工作人员很耐心，一次就办好了。",
    "材料准备得不全，窗口主动帮忙复印，点赞！",
    "流程清楚，不用来回跑。",
    "服务热情周到。",
]
FOLLOW_UP_COMMENTS = [
    "后来接到回访电话，问题已经解决了。",
    "补充：证件已经收到，很满意。",
    "后续办理很顺利。",
]


@dataclass
class _Rec:
    obj: ServiceRecord
    window: Window
    phone: bool
    used_stages: set[str]


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _draw(rng: random.Random, table: tuple[tuple[int, float], ...]) -> int:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _office_time(rng: random.Random, day: date) -> datetime:
    opens, minutes = SESSIONS[rng.randrange(2)]
    start = datetime.combine(day, opens, tzinfo=_tz())
    return start + timedelta(minutes=rng.randrange(minutes - 10), seconds=rng.randrange(60))


class _Builder:
    """Collects records and ratings for one bulk insert."""

    def __init__(self, rng: random.Random, district: District) -> None:
        self.rng = rng
        self.district = district
        self.scale = scales.Scale(settings.PINGYI_RATING_SCALE)
        self.ratings: list[Rating] = []
        self.tags = {t.code: t.level5 for t in ReasonTag.objects.filter(version=CURRENT_VERSION)}
        self.day_end = datetime.combine(DEMO_END, time(23, 59), tzinfo=_tz())

    def _tag_codes(self, level5: int) -> list[str]:
        pool = sorted(c for c, lv in self.tags.items() if lv == level5)
        return self.rng.sample(pool, k=self.rng.choice([1, 1, 2])) if pool else []

    def rating(
        self,
        *,
        rec: _Rec | None,
        unit: Unit,
        channel: scales.Channel,
        at: datetime,
        level5: int = 0,
        tags: list[str] | None = None,
        comment: str = "",
        is_default: bool = False,
        stage: str = Rating.Stage.NONE,
        kind: str = Rating.Kind.FIRST,
        follows: Rating | None = None,
    ) -> Rating:
        """A rating as rating_submit would store it; without ``level5`` and ``tags`` they are drawn."""
        rng = self.rng
        hotline = channel in dict(HOTLINE_CHANNELS)
        five = level5 or _draw(rng, HOTLINE_LEVELS if hotline else WINDOW_LEVELS)
        if tags is None:
            if five <= 2:
                five, tags, comment = rng.choice(NEGATIVE)
            elif five == 3:
                tags, comment = rng.choice(BASIC)
            else:
                tags = self._tag_codes(five) if rng.random() < 0.08 else []
                comment = rng.choice(PRAISE) if rng.random() < 0.04 else ""
        level = scales.from_five(self.scale, five)
        negative = scales.is_negative(self.scale, level)
        record = rec.obj if rec else None
        rating = Rating(
            district=self.district,
            unit=unit,
            window=rec.window if rec and not hotline else None,
            staff_id=record.staff_id if record else None,
            item_id=record.item_id if record else None,
            # A QR scan rates the window (the poster), not a record.
            record=record if channel != scales.Channel.QR else None,
            channel=channel,
            scale=self.scale,
            level=level,
            level5=scales.to_five(self.scale, level),
            negative=negative,
            is_default=is_default,
            tag_version=CURRENT_VERSION if tags else "",
            tags=list(tags),
            comment=comment,
            tracking_code=new_tracking_code() if negative and not is_default else None,
            external_ref="demo",
            rated_at=min(at, self.day_end),
            # As if received when given: the demo year's daily seals then cover the days the ratings belong to.
            received_at=min(at, self.day_end),
            kind=kind,
            stage=stage,
            follows=follows,
        )
        if rec and rec.phone and channel == scales.Channel.SMS:
            # The answer comes from the phone the record holds.
            assert record is not None
            rating.phone_ciphertext = record.phone_ciphertext
            rating.phone_index = record.phone_index
            rating.phone_masked = record.phone_masked
        self.ratings.append(rating)
        return rating


def _article_ratings(builder: _Builder, recs: list[_Rec], units: dict[str, Unit]) -> None:
    """The source article's two 差评: 区城管局's late window and 区市场监管局's 个体户 query."""
    tz = _tz()
    urban = [
        r
        for r in recs
        if r.obj.unit_id == units["区城管局"].pk
        and r.obj.received_at.month == 10
        and r.obj.received_at.year == 2026
    ]
    market = [
        r
        for r in recs
        if r.obj.unit_id == units["区市场监管局"].pk
        and r.obj.received_at.month == 11
        and r.obj.received_at.year == 2026
    ]
    if urban:
        rec = urban[0]
        at = datetime.combine(timezone.localtime(rec.obj.received_at, tz).date(), time(9, 4, 37), tzinfo=tz)
        builder.rating(
            rec=rec, unit=units["区城管局"], channel=scales.Channel.QR, at=at, level5=2, tags=[],
            comment="墙上办公时间写的8点半，都9点了工作人员还没到岗，害我白跑一趟。",
        )  # fmt: skip
    if market:
        rec = market[0]
        builder.rating(
            rec=rec, unit=units["区市场监管局"], channel=scales.Channel.QR,
            at=rec.obj.received_at + timedelta(minutes=12), level5=1, tags=["113"],
            comment="倘若个体户分属不同街道，那我岂不是要跑遍整个区？查询打印个体工商户信息，窗口说没有权限，"
            "要去各街道市场监管所办理。",
        )  # fmt: skip


@step
def seed_ratings(rng: random.Random, summary: Summary) -> None:
    district = District.objects.get(code=names.DISTRICT[0])
    if not ServiceRecord.objects.filter(district=district, source=ServiceRecord.Source.DEMO).exists():
        _seed_year(random.Random(f"{SEED}-ratings"), district)
    _seed_posters(district)
    _summarise(district, summary)


def _seed_year(rng: random.Random, district: District) -> None:
    tz = _tz()
    windows = list(Window.objects.filter(hall__district=district, active=True).select_related("unit", "hall"))
    units = {u.name: u for u in Unit.objects.filter(district=district)}
    items: dict[int, list[int]] = {}
    for item_id, unit_id in ServiceItem.objects.filter(district=district).values_list("id", "unit_id"):
        items.setdefault(unit_id, []).append(item_id)
    on_duty: dict[tuple[int, date], int] = {}
    for window_id, starts_at, staff_id in DutyShift.objects.filter(window__in=windows).values_list(
        "window_id", "starts_at", "staff_id"
    ):
        on_duty[(window_id, timezone.localtime(starts_at, tz).date())] = staff_id
    days = [DEMO_START + timedelta(days=n) for n in range((DEMO_END - DEMO_START).days + 1)]
    days = [d for d in days if is_demo_workday(d)]
    weights = {w.pk: 1.6 if w.unit.name in BUSY_UNITS else 1.0 for w in windows}
    window_share = 1 - sum(share for _, share in HOTLINE_CHANNELS)
    per_weight = RATINGS_TARGET * window_share / PARTICIPATION / (len(days) * sum(weights.values()))
    recs: list[_Rec] = []
    for day in days:
        for window in windows:
            mean = per_weight * weights[window.pk]
            for n in range(max(0, round(rng.gauss(mean, mean**0.5)))):
                recs.append(_record(rng, window, day, n, items, on_duty.get((window.pk, day))))
    ServiceRecord.objects.bulk_create([r.obj for r in recs], batch_size=2000)
    ServiceRecord.objects.filter(district=district, source=ServiceRecord.Source.DEMO).update(
        entered_at=F("received_at")
    )
    builder = _Builder(rng, district)
    _article_ratings(builder, recs, units)
    for rec in recs:
        _window_rating(builder, rec)
    unit_list = list(units.values())
    hotline_total = round(RATINGS_TARGET * sum(share for _, share in HOTLINE_CHANNELS))
    for channel, share in HOTLINE_CHANNELS:
        for _ in range(round(hotline_total * share / sum(s for _, s in HOTLINE_CHANNELS))):
            rec = rng.choice(recs)
            if rng.random() < 0.5 and rec.obj.finished_at and "" not in rec.used_stages:
                rec.used_stages.add("")
                at = rec.obj.finished_at + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 3))
                builder.rating(rec=rec, unit=rec.window.unit, channel=channel, at=at)
            else:
                day = rng.choice(days)
                at = datetime.combine(day, time(rng.randint(8, 20), rng.randrange(60)), tzinfo=tz)
                builder.rating(rec=None, unit=rng.choice(unit_list), channel=channel, at=at)
    _defaults(builder, recs)
    Rating.objects.bulk_create(builder.ratings, batch_size=2000)
    _follow_ups(builder, recs)


def _record(
    rng: random.Random, window: Window, day: date, n: int, items: dict[int, list[int]], staff_id: int | None
) -> _Rec:
    received = _office_time(rng, day)
    if rng.random() < 0.7:
        finished: datetime | None = received + timedelta(minutes=rng.randint(8, 90))
    else:
        later = day + timedelta(days=rng.randint(1, 7))
        finished = datetime.combine(later, time(rng.randint(9, 16), rng.randrange(60)), tzinfo=_tz())
    if finished is not None and finished.date() > DEMO_END:
        finished = None
    unit_items = items.get(window.unit_id, [])
    record = ServiceRecord(
        district_id=window.unit.district_id,
        unit_id=window.unit_id,
        window=window,
        staff_id=staff_id,
        item_id=rng.choice(unit_items) if unit_items and rng.random() < ITEM_SHARE else None,
        record_no=f"{window.unit.code}-{day:%Y%m%d}-{window.hall.code}{window.code}-{n + 1:03d}",
        stage=ServiceRecord.Stage.FINISHED if finished else ServiceRecord.Stage.ACCEPTED,
        received_at=received,
        finished_at=finished,
        source=ServiceRecord.Source.DEMO,
    )
    phone = rng.random() < PHONE_SHARE
    if phone:
        record.set_phone(fake_phone(rng))
        record.applicant_ciphertext = crypto.encrypt(fake_name(rng))
    return _Rec(record, window, phone, set())


def _window_rating(builder: _Builder, rec: _Rec) -> None:
    """Rate a record or not; among window ratings ~63 % QR, ~26 % pad, ~11 % SMS (only with a phone)."""
    rng = builder.rng
    if rng.random() >= PARTICIPATION:
        return
    record = rec.obj
    shift_end = datetime.combine(
        timezone.localtime(record.received_at, _tz()).date(), time(17, 29), tzinfo=_tz()
    )
    unit = rec.window.unit
    if rec.phone and record.finished_at and rng.random() < SMS_SHARE_OF_PHONES:
        rec.used_stages.add(Rating.Stage.FINISHED)
        at = record.finished_at + timedelta(minutes=rng.randint(30, 360))
        builder.rating(rec=rec, unit=unit, channel=scales.Channel.SMS, at=at, stage=Rating.Stage.FINISHED)
    elif rng.random() < QR_SHARE_OTHERWISE:
        rec.used_stages.add("qr")
        at = min(record.received_at + timedelta(minutes=rng.randint(3, 25)), shift_end)
        builder.rating(rec=rec, unit=unit, channel=scales.Channel.QR, at=at)
    else:
        rec.used_stages.add(Rating.Stage.ACCEPTED)
        at = min(record.received_at + timedelta(minutes=rng.randint(2, 15)), shift_end)
        builder.rating(rec=rec, unit=unit, channel=scales.Channel.PAD, at=at, stage=Rating.Stage.ACCEPTED)


def _defaults(builder: _Builder, recs: list[_Rec]) -> None:
    """A few 系统默认评价 (基本满意 after 7 days without an answer): stored, never counted as active."""
    candidates = [
        r
        for r in recs
        if r.obj.finished_at and not r.used_stages and r.obj.finished_at.date() < DEMO_END - timedelta(7)
    ]
    for rec in builder.rng.sample(candidates, k=min(40, len(candidates))):
        rec.used_stages.add(Rating.Stage.FINISHED)
        assert rec.obj.finished_at is not None
        builder.rating(
            rec=rec, unit=rec.window.unit, channel=scales.Channel.DEFAULT, at=rec.obj.finished_at + timedelta(days=7),
            level5=3, tags=[], is_default=True, stage=Rating.Stage.FINISHED,
        )  # fmt: skip


def _follow_ups(builder: _Builder, recs: list[_Rec]) -> None:
    """A few 追加评价 on records rated on the pad or by SMS, a few days later."""
    firsts = list(
        Rating.objects.filter(
            district=builder.district, external_ref="demo", kind=Rating.Kind.FIRST, is_default=False,
            channel__in=[scales.Channel.PAD, scales.Channel.SMS], record__isnull=False,
        ).select_related("record__window__unit").order_by("id")[:5000]
    )  # fmt: skip
    builder.ratings = []
    rng = builder.rng
    for first in rng.sample(firsts, k=min(30, len(firsts))):
        assert first.record is not None and first.record.window is not None
        rec = _Rec(first.record, first.record.window, False, set())
        builder.rating(
            rec=rec, unit=first.record.window.unit, channel=scales.Channel.MOBILE, at=first.rated_at + timedelta(days=rng.randint(1, 5)),
            level5=max(first.level5, 4), tags=[], comment=rng.choice(FOLLOW_UP_COMMENTS),
            kind=Rating.Kind.FOLLOW_UP, follows=first, stage=first.stage,
        )  # fmt: skip
    Rating.objects.bulk_create(builder.ratings, batch_size=2000)


def _seed_posters(district: District) -> None:
    """Version 1 of a QR poster (valid a year) for every window that has none yet."""
    for window in Window.objects.filter(hall__district=district, posters__isnull=True).order_by("pk"):
        poster_issue(actor=SYSTEM, window=window)


def _summarise(district: District, summary: Summary) -> None:
    ratings = Rating.objects.filter(district=district)
    active = ratings.filter(is_default=False)
    satisfied = active.filter(negative=False).count()
    total_active = active.count()
    summary.counts["办件"] = ServiceRecord.objects.filter(district=district).count()
    summary.counts["评价"] = ratings.count()
    rate = 100 * satisfied / total_active if total_active else 0.0
    summary.lines.append(
        f"  满意率：{rate:.2f}%（主动评价 {total_active} 条，满意 {satisfied} 条；"
        f"系统默认评价 {ratings.filter(is_default=True).count()} 条不计入）"
    )
    poster = (
        QrPoster.objects.filter(
            window__unit__district=district, window__unit__name="区市场监管局", retired_at=None
        )
        .order_by("window__hall__code", "window__code")
        .select_related("window")
        .first()
    )
    if poster is not None:
        summary.lines.append(f"  扫码评价（{poster.window.name}）：{settings.SITE_URL}/r/{poster.token}")
