"""Reads for the oversight pages: the anomalies a user may see and the sample rows behind one anomaly."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Q, QuerySet

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import Staff
from pingyi.ledger.models import ServiceRecord
from pingyi.oversight.models import Anomaly, AnomalyKind, ComparisonRun
from pingyi.oversight.thresholds import thresholds
from pingyi.ratings.models import Rating, StaffDevice

SAMPLE_SIZE = 10
# Labels of the evidence numbers, in the order the detail page shows them.
EVIDENCE_LABELS = {
    "records": "录入办件",
    "signals": "不依赖台账的评价（扫码、热线等）",
    "qr": "扫码评价",
    "hotline": "热线、留言板、市长专线",
    "expected": "应有办件（估算）",
    "own_ratio": "本单位前几个月 办件/评价 比",
    "peer_ratio": "同类单位 办件/评价 比（中位数）",
    "peers": "参与比较的同类单位数",
    "linked": "办件关联评价",
    "linked_top_share": "办件关联评价“非常满意”占比",
    "qr_top_share": "扫码评价“非常满意”占比",
    "z": "差异显著性 z 值",
    "top5_phone_records": "出现最多的5个号码的办件数",
    "top5_share": "前5个号码占比",
    "staff_phone_records": "留工作人员电话的办件",
    "repeated_phones": "重复号码的办件数",
    "outside_hours_records": "办公时间外的办件",
    "bursts": "10分钟内集中录入（件）",
    "ratings": "主动评价",
    "staff_phone_ratings": "来自工作人员手机号的评价",
    "staff_device_ratings": "来自工作人员设备的评价",
    "burst_flagged": "标记为集中评价的评价",
    "device_streaks": "同一设备的最高等级评价（条）",
    "differs_from_record": "回访号码与办件不同",
    "staff_phone": "回访号码为工作人员号码",
    "days": "连续工作日",
    "from": "自",
    "to": "至",
    "expected_scans": "应有扫码评价（估算）",
    "district_scan_rate": "全区扫码率（扫码/办件）",
    "negative": "差评",
    "district_negative_rate": "全区差评率",
    "expected_negative": "应有差评（估算）",
    "levels": "停止变化的等级（应有条数）",
    "history_ratings": "前几个月的评价",
    "lag_hours": "录入滞后（小时）",
    "lookback_days": "投诉前回溯天数",
    "count": "证据数",
}


def visible_anomalies(user: Someone) -> QuerySet[Anomaly]:
    return restrict(Anomaly.objects.select_related("unit", "window", "status_changed_by"), user)


def visible_runs(user: Someone) -> QuerySet[ComparisonRun]:
    return restrict(ComparisonRun.objects.select_related("started_by"), user)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}★ {v}" for k, v in value.items())
    return str(value)


def evidence_rows(anomaly: Anomaly) -> list[tuple[str, str]]:
    ev = anomaly.evidence
    return [
        (label, _shown(ev[key]))
        for key, label in EVIDENCE_LABELS.items()
        if key in ev and ev[key] is not None
    ]


def _span(anomaly: Anomaly) -> tuple[datetime, datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start, end = anomaly.evidence.get("from"), anomaly.evidence.get("to")
    first = datetime.fromisoformat(start).date() if start else anomaly.period_start
    last = datetime.fromisoformat(end).date() if end else anomaly.period_end
    return datetime.combine(first, time.min, tzinfo=tz), datetime.combine(
        last + timedelta(days=1), time.min, tzinfo=tz
    )


def _staff_phones(anomaly: Anomaly) -> QuerySet[Any]:
    return (
        Staff.objects.filter(unit__district_id=anomaly.district_id)
        .exclude(phone_index="")
        .values("phone_index")
    )


def samples(anomaly: Anomaly) -> tuple[str, list[Any]]:
    """("records" or "ratings", up to SAMPLE_SIZE rows) a person checks against the numbers."""
    lo, hi = _span(anomaly)
    records = ServiceRecord.objects.filter(unit_id=anomaly.unit_id, received_at__gte=lo, received_at__lt=hi)
    ratings = Rating.objects.filter(
        unit_id=anomaly.unit_id, rated_at__gte=lo, rated_at__lt=hi, is_default=False
    )
    kind, sub = anomaly.kind, anomaly.evidence.get("sub")
    if kind == AnomalyKind.UNDER_REPORTING:
        rows: Any = ratings.filter(record__isnull=True, kind=Rating.Kind.FIRST).order_by("rated_at")
        return "ratings", list(rows.select_related("window")[:SAMPLE_SIZE])
    if kind == AnomalyKind.SELECTIVE_REPORTING:
        rows = ratings.filter(record__isnull=False, level5=5).order_by("rated_at")
        return "ratings", list(rows.select_related("window", "record")[:SAMPLE_SIZE])
    if kind == AnomalyKind.FALSE_REPORTING:
        rows = records.filter(phone_index__in=_staff_phones(anomaly)).order_by("received_at")
        found = list(rows.select_related("window", "staff")[:SAMPLE_SIZE])
        if len(found) < SAMPLE_SIZE:
            late = records.filter(
                Q(received_at__time__lt=time(8, 0)) | Q(received_at__time__gt=time(18, 30))
            ).exclude(pk__in=[r.pk for r in found])
            found += list(late.select_related("window", "staff")[: SAMPLE_SIZE - len(found)])
        return "records", found
    if kind == AnomalyKind.RATING_FRAUD:
        devices = StaffDevice.objects.values("device_fp")
        rows = ratings.filter(Q(phone_index__in=_staff_phones(anomaly)) | Q(device_fp__in=devices))
        found = list(rows.select_related("window").order_by("rated_at")[:SAMPLE_SIZE])
        if len(found) < SAMPLE_SIZE:
            rows = ratings.exclude(device_fp="").exclude(pk__in=[r.pk for r in found]).filter(level5=5)
            found += list(rows.order_by("device_fp", "rated_at")[: SAMPLE_SIZE - len(found)])
        return "ratings", found
    if kind == AnomalyKind.PHONE_SWAP:
        linked = ratings.filter(record__isnull=False).exclude(phone_index="")
        differs = ~Q(record__phone_index="") & ~Q(phone_index=F("record__phone_index"))
        rows = linked.filter(differs | Q(phone_index__in=_staff_phones(anomaly)))
        return "ratings", list(rows.select_related("window", "record").order_by("rated_at")[:SAMPLE_SIZE])
    if kind == AnomalyKind.SILENT_WINDOW and sub == "no_scans":
        rows = records.filter(window=anomaly.window).order_by("received_at")
        return "records", list(rows.select_related("window", "staff")[:SAMPLE_SIZE])
    if kind == AnomalyKind.LATE_ENTRY:
        lag = timedelta(hours=thresholds().late_entry_lag_hours)
        rows = records.filter(entered_at__gte=F("received_at") + lag).order_by("received_at")
        return "records", list(rows.select_related("window", "staff")[:SAMPLE_SIZE])
    return "", []
