"""The month tables: per month, the phones and devices seen at least twice over the month's covered days.

Only keys seen twice can fire a rule (a phone on two records or at two units; a device rating a unit again), so these
tables are a small fraction of the raw rows. When days are recounted, the keys those days hold ("touched") are
recounted over the month from the raw rows, through the raw tables' phone and device indexes; a month without
covered days before is counted whole. Either way each row is a recount, never a delta.
"""

# ruff: noqa: S608  (table and column names come from this module)
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pingyi.lib import sqlbits as q
from pingyi.oversight.facts.sql import CITIZEN_DEVICE_CHANNELS, bounds, by_key, day_param, execute, in_list


@dataclass(frozen=True)
class MonthTable:
    table: str
    raw: str  # the raw table (alias x)
    key: str
    stamp: str  # the raw timestamp whose local day is the row's day
    where: str  # which raw rows count
    read: str  # the raw columns counted
    columns: dict[str, str]  # the month row's columns and how each is counted from the raw rows
    keep: str  # which groups are kept (seen twice)


PHONES = MonthTable(
    table="oversight_phonemonth",
    raw="ledger_servicerecord",
    key="phone_index",
    stamp="received_at",
    where="x.phone_index <> ''",
    read="x.phone_index, x.unit_id",
    columns={"n": "COUNT(*)", "units": "COUNT(*) OVER (PARTITION BY r.phone_index)"},
    keep="SUM(COUNT(*)) OVER (PARTITION BY r.phone_index) >= 2",  # a phone seen twice anywhere in the district
)
DEVICES = MonthTable(
    table="oversight_devicemonth",
    raw="ratings_rating",
    key="device_fp",
    stamp="rated_at",
    where=f"x.device_fp <> '' AND NOT x.is_default AND x.channel IN {in_list(CITIZEN_DEVICE_CHANNELS)}",
    read="x.device_fp, x.unit_id, x.level5",
    columns={"n": "COUNT(*)", "top": "COUNT(*) FILTER (WHERE r.level5 = 5)"},
    keep="COUNT(*) >= 2",  # a device seen twice at one unit
)
TABLES = (PHONES, DEVICES)


def month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def start_touching() -> None:
    for table in TABLES:
        execute(f"DROP TABLE IF EXISTS ov_touch_{table.key}", [])
        execute(f"CREATE TEMP TABLE ov_touch_{table.key} (k varchar(64), n integer)", [])


def stop_touching() -> None:
    for table in TABLES:
        execute(f"DROP TABLE IF EXISTS ov_touch_{table.key}", [])


def touch(table: MonthTable, district_id: int, first: date, last: date) -> None:
    """Remember the keys of the raw rows of days first..last, with how often each occurs."""
    lo, hi = bounds(first, last)
    execute(
        f"INSERT INTO ov_touch_{table.key} (k, n) SELECT x.{table.key}, COUNT(*) FROM {table.raw} x "
        f"WHERE x.district_id = %s AND x.{table.stamp} >= %s AND x.{table.stamp} < %s AND {table.where} "
        f"GROUP BY x.{table.key} ORDER BY x.{table.key}",  # stored in key order: the probes walk the index in order
        [district_id, lo, hi],
    )


def _skip_seen_once(table: MonthTable, district_id: int, month: date) -> None:
    """PostgreSQL: drop the touched keys that occur once in the month: once on the recounted days, and the raw table
    holds no other counted row of that key in the month (a probe of its key index that stops at two rows; most
    keys have one, on a page the recount just read). Such a key has nothing to count and no month row (a month row
    needs two rows; a day whose rows were edited or removed recounts its month for every key, see ``facts_store``)."""
    if not q.is_postgres():
        return
    t = f"ov_touch_{table.key}"
    execute(
        f"""DELETE FROM {t} t WHERE t.k IN (SELECT u.k FROM {t} u GROUP BY u.k HAVING SUM(u.n) < 2)
          AND (SELECT COUNT(*) FROM (SELECT 1 FROM {table.raw} x WHERE x.{table.key} = t.k AND x.district_id = %s
                 AND x.{table.stamp} >= %s AND x.{table.stamp} < %s AND {table.where} LIMIT 2) two) < 2""",
        [district_id, *bounds(month, month_end(month))],
    )


def recount(
    table: MonthTable,
    district_id: int,
    month: date,
    spans: list[tuple[date, date]],
    *,
    every_key: bool,
) -> None:
    """Replace the month's rows of the touched keys (of every key when ``every_key``) with a recount over the
    month's covered days (``spans``)."""
    touched = f" AND {table.key} IN (SELECT k FROM ov_touch_{table.key})" if not every_key else ""
    if touched:
        _skip_seen_once(table, district_id, month)
        # A temp table has no statistics otherwise; the delete and the recount probe by key.
        if q.is_postgres():
            execute(f"ANALYZE ov_touch_{table.key}", [])
    execute(
        f"DELETE FROM {table.table} WHERE district_id = %s AND month = %s{touched}",
        [district_id, day_param(month)],
    )
    if not spans:
        return
    when = [f"(x.{table.stamp} >= %s AND x.{table.stamp} < %s)" for _ in spans]
    within = f"x.district_id = %s AND ({' OR '.join(when)}) AND {table.where}"
    params: list[Any] = [district_id, day_param(month)]
    if every_key:
        source = f"SELECT {table.read} FROM {table.raw} x WHERE {within}"
    else:  # one index lookup per touched key
        keys = f"SELECT k AS {table.key} FROM ov_touch_{table.key}"
        source = by_key(table.raw, table.key, keys, table.read, within)
    params.append(district_id)
    for first, last in spans:
        params.extend(bounds(first, last))
    names = ", ".join(table.columns)
    counted = ", ".join(f"{sql} AS {name}" for name, sql in table.columns.items())
    sql = f"""INSERT INTO {table.table} (district_id, month, {table.key}, unit_id, {names})
        SELECT %s, %s, k, unit_id, {names} FROM (
          SELECT r.{table.key} AS k, r.unit_id, {counted}, CASE WHEN {table.keep} THEN 1 ELSE 0 END AS kept
          FROM ({source}) r
          GROUP BY r.{table.key}, r.unit_id) g
        WHERE kept = 1"""
    execute(sql, params)
