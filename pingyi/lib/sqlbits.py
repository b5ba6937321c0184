"""The few SQL fragments that differ between PostgreSQL and SQLite; everything else is one text for both.

Local dates and times are in ``settings.TIME_ZONE``. PostgreSQL converts with ``AT TIME ZONE``; SQLite shifts by
the zone's fixed UTC offset, which is exact for zones without daylight saving time (Asia/Shanghai, the only zone a
deployment uses). tests/oversight/test_engine.py runs the same planted cases on both databases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _offset() -> str:
    delta = ZoneInfo(settings.TIME_ZONE).utcoffset(datetime(2000, 1, 1))
    minutes = int(delta.total_seconds() // 60) if delta else 0
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes)} minutes"


def _local(col: str) -> str:
    return f"({col} AT TIME ZONE '{settings.TIME_ZONE}')"


def _whole(col: str) -> str:
    """SQLite rounds fractional seconds (23:59:59.9999995 becomes the next day): cut them off first."""
    return f"substr({col}, 1, 19)"


def local_day(col: str) -> str:
    if is_postgres():
        return f"CAST({_local(col)} AS date)"
    return f"date({_whole(col)}, '{_offset()}')"


def local_month(col: str) -> str:
    if is_postgres():
        return f"CAST(date_trunc('month', {_local(col)}) AS date)"
    return f"date({_whole(col)}, '{_offset()}', 'start of month')"


def month_of_day(col: str) -> str:
    """The first of the month of a date column (as produced by ``local_day``)."""
    if is_postgres():
        return f"CAST(date_trunc('month', {col}) AS date)"
    return f"date({col}, 'start of month')"


def local_minute(col: str) -> str:
    """Minutes since local midnight. Literal percent signs are doubled: every query runs with parameters."""
    if is_postgres():
        return f"(EXTRACT(HOUR FROM {_local(col)}) * 60 + EXTRACT(MINUTE FROM {_local(col)}))"
    shifted = f"{_whole(col)}, '{_offset()}'"
    return f"(CAST(strftime('%%H', {shifted}) AS INTEGER) * 60 + CAST(strftime('%%M', {shifted}) AS INTEGER))"


def local_hour(col: str) -> str:
    """The local hour 0..23 of a timestamp."""
    if is_postgres():
        return f"CAST(EXTRACT(HOUR FROM {_local(col)}) AS integer)"
    return f"CAST(strftime('%%H', {_whole(col)}, '{_offset()}') AS INTEGER)"


def local_weekday(col: str) -> str:
    """0 = Monday … 6 = Sunday, as catalog.WindowHours.weekday."""
    if is_postgres():
        return f"(EXTRACT(ISODOW FROM {_local(col)}) - 1)"
    return f"((CAST(strftime('%%w', {_whole(col)}, '{_offset()}') AS INTEGER) + 6) %% 7)"


def time_minute(col: str) -> str:
    """Minutes since midnight of a TIME column."""
    if is_postgres():
        return f"(EXTRACT(HOUR FROM {col}) * 60 + EXTRACT(MINUTE FROM {col}))"
    return f"(CAST(substr({col}, 1, 2) AS INTEGER) * 60 + CAST(substr({col}, 4, 2) AS INTEGER))"


def hours_between(start: str, end: str) -> str:
    if is_postgres():
        return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0)"
    return f"((julianday({end}) - julianday({start})) * 24.0)"


def minus_days(col: str, days: int) -> str:
    if is_postgres():
        return f"({col} - INTERVAL '{int(days)} days')"
    return f"datetime({col}, '-{int(days)} days')"


def bucket10(col: str) -> str:
    """A ten-minute bucket number of a timestamp."""
    if is_postgres():
        return f"FLOOR(EXTRACT(EPOCH FROM {col}) / 600)"
    return f"(CAST(strftime('%%s', {col}) AS INTEGER) / 600)"


def flag(col: str, name: str) -> str:
    """True when the JSON list ``col`` holds the string ``name`` (text match works on jsonb and on SQLite text)."""
    cast = f"CAST({col} AS text)" if is_postgres() else col
    return f"{cast} LIKE '%%\"{name}\"%%'"


def ts(value: datetime) -> datetime | str:
    """A timestamp parameter: aware datetime for PostgreSQL, Django's UTC text form for SQLite."""
    if is_postgres():
        return value
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def ts_back(value: datetime | str, days: int) -> datetime | str:
    """A timestamp parameter ``days`` earlier (as produced by ``ts``)."""
    if isinstance(value, datetime):
        return value - timedelta(days=days)
    return (datetime.fromisoformat(value) - timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")


def as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
