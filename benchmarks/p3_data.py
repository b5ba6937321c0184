"""P3 data: one province-sized month generated in PostgreSQL with generate_series, and its export for DuckDB.

Every value derives from the row number through multiplicative hashes (``_r(g, k)`` in [0, 1)), so a rating linked
to record g recomputes that record's unit, window and time without a join. Planted, per unit number k:
- k % 200 = 7: four records in five are entered under the next unit (the unit "enters a fifth");
- k % 300 = 11: SMS answers come from a phone other than the record's;
- k % 250 = 13: its QR ratings all come from one device, all 非常满意.
"""

# ruff: noqa: S608  (benchmark SQL built from integers and this module's constants)
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import connection

MONTH_START = date(2023, 7, 1)
TZ = "Asia/Shanghai"


def _r(expr: str, k: int) -> str:
    """A pseudo-random number in [0, 1) from an integer expression."""
    primes = [2654435761, 2246822519, 3266489917, 668265263, 374761393, 1181783497]
    return f"((({expr})::bigint * {primes[k]}::bigint + {k * 97 + 13}) % 4294967291) / 4294967291.0"


def _days() -> list[date]:
    import chinese_calendar

    days, day = [], MONTH_START
    while day.month == MONTH_START.month:
        if chinese_calendar.is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _exec(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # no parameters: the text goes as is (its % signs are operators)


def _one(sql: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _local_time(g: str, nd: int, days: str) -> str:
    """A time in office hours (8:30–12:00, 14:00–17:30) on one of the month's working days, as timestamptz."""
    minute = f"floor({_r(g, 1)} * 420)::int"
    return (
        f"(({days})[1 + floor({_r(g, 0)} * {nd})::int] + time '08:30' "
        f"+ make_interval(mins => CASE WHEN {minute} >= 210 THEN {minute} + 120 ELSE {minute} END) "
        f"+ make_interval(secs => floor({_r(g, 2)} * 60)::int)) AT TIME ZONE '{TZ}'"
    )


def generate(scale: float) -> dict[str, int]:
    n_rec, n_rat = max(2000, int(11_200_000 * scale)), max(2500, int(13_900_000 * scale))
    n_unit = max(60, int(10_000 * scale))
    days = _days()
    nd = len(days)
    day_array = "ARRAY[" + ", ".join(f"date '{d}'" for d in days) + "]"
    _exec("SET synchronous_commit = off")
    _exec("SET jit = off")
    _exec("SET work_mem = '256MB'")
    _exec("INSERT INTO catalog_district (code, name) VALUES ('440000', '广东省（基准数据）')")
    district = _one("SELECT id FROM catalog_district WHERE code = '440000'")
    n_hall = max(3, n_unit // 50)
    _exec(
        "INSERT INTO catalog_hall (district_id, code, name, address) "
        "SELECT %s, 'H' || h, '大厅' || h, '' FROM generate_series(1, %s) h",
        [district, n_hall],
    )
    hall0 = _one("SELECT min(id) FROM catalog_hall")
    _exec(
        "INSERT INTO catalog_unit (district_id, hall_id, code, name, credit_code, active) "
        "SELECT %s, %s + ((k + k / 200) %% %s), 'U' || k, '单位' || k, lpad(k::text, 18, '0'), true "
        "FROM generate_series(0, %s) k",  # planted units (k % 200 = 7) spread over halls
        [district, hall0, n_hall, n_unit - 1],
    )
    unit0 = _one("SELECT min(id) FROM catalog_unit")
    _exec(
        "INSERT INTO catalog_window (hall_id, unit_id, code, name, active) "
        "SELECT u.hall_id, u.id, u.code || '-' || s, u.name || s || '号窗口', true "
        "FROM catalog_unit u CROSS JOIN generate_series(0, 3) s ORDER BY u.id, s"
    )
    window0 = _one("SELECT min(id) FROM catalog_window")
    _exec(
        "INSERT INTO catalog_windowhours (window_id, weekday, opens, closes) "
        "SELECT w.id, d, t.opens, t.closes FROM catalog_window w CROSS JOIN generate_series(0, 4) d "
        "CROSS JOIN (VALUES (time '08:30', time '12:00'), (time '14:00', time '17:30')) t(opens, closes)"
    )
    _exec(
        "INSERT INTO catalog_staff (unit_id, employee_no, name, title, active, phone_ciphertext, phone_index, phone_masked) "
        "SELECT w.unit_id, 'E' || w.id || '-' || s, '工作人员' || w.id || s, '', true, '', 'staff' || w.id || '-' || s, '' "
        "FROM catalog_window w CROSS JOIN generate_series(0, 1) s ORDER BY w.id, s"
    )
    staff0 = _one("SELECT min(id) FROM catalog_staff")
    indexes = _drop_indexes(["ledger_servicerecord", "ratings_rating"])
    # Records: unit k from g; a planted unit (k % 200 = 7) enters only one in five, the rest go to the next unit.
    k = f"(CASE WHEN (g % {n_unit}) % 200 = 7 AND (g / {n_unit}) % 5 <> 0 THEN ((g % {n_unit}) + 1) % {n_unit} ELSE g % {n_unit} END)"
    slot = f"((g / {n_unit}) % 4)"
    when = _local_time("g", nd, day_array)
    phone = f"CASE WHEN {_r('g', 3)} < 0.7 THEN 'p' || floor({_r('g', 4)} * {n_rec * 2})::bigint ELSE '' END"
    _exec(
        f"""INSERT INTO ledger_servicerecord (district_id, unit_id, window_id, staff_id, record_no, applicant_ciphertext,
            stage, received_at, finished_at, source, entered_at, rating_code, phone_ciphertext, phone_index, phone_masked)
        SELECT {district}, {unit0} + {k}, {window0} + 4 * {k} + {slot}, {staff0} + 8 * {k} + 2 * {slot} + g % 2,
            'B' || g, '', 'finished', {when}, {when} + interval '10 minutes', 'upload', {when}, 'B' || g, '', {phone}, ''
        FROM generate_series(1, {n_rec}) g"""
    )
    rec0 = _one("SELECT min(id) FROM ledger_servicerecord")
    _ratings(n_rat, n_rec, n_unit, district, unit0, window0, staff0, rec0, nd, day_array)
    _recreate(indexes)
    cluster()
    return {"units": n_unit, "windows": 4 * n_unit, "records": n_rec, "ratings": n_rat}


def _ratings(
    n_rat: int, n_rec: int, n_unit: int, district: int, unit0: int, window0: int, staff0: int, rec0: int, nd: int,
    day_array: str,
) -> None:  # fmt: skip
    """h % 20: 0–10 QR scans, 11–15 pad ratings of records, 16–17 SMS answers, 18 hotline, 19 default ratings."""
    kind = "(h % 20)"
    # The linked record: pad ratings take records 1 … n_rat/4, SMS answers records from the second half.
    g = f"(CASE WHEN {kind} BETWEEN 11 AND 15 THEN (h / 20) * 5 + ({kind} - 11) + 1 ELSE {n_rec // 2} + (h / 20) * 2 + ({kind} - 16) + 1 END)"
    linked = f"{kind} BETWEEN 11 AND 17 AND {g} <= {n_rec}"
    rk = f"(CASE WHEN ({g} % {n_unit}) % 200 = 7 AND ({g} / {n_unit}) % 5 <> 0 THEN (({g} % {n_unit}) + 1) % {n_unit} ELSE {g} % {n_unit} END)"
    # Unlinked ratings pick unit and window by hash: h % 20 decides the channel and must not decide the unit.
    k = f"(CASE WHEN {linked} THEN {rk} ELSE floor({_r('h', 4)} * {n_unit})::int END)"
    slot = f"(CASE WHEN {linked} THEN ({g} / {n_unit}) % 4 ELSE floor({_r('h', 3)} * 4)::int END)"
    rec_when = _local_time(g, nd, day_array)
    when = f"(CASE WHEN {linked} THEN {rec_when} + interval '5 minutes' ELSE {_local_time('h', nd, day_array)} END)"
    level = (
        f"(CASE WHEN {kind} <= 10 AND {k} % 250 = 13 THEN 5 WHEN {_r('h', 5)} < 0.85 THEN 5 "
        f"WHEN {_r('h', 5)} < 0.95 THEN 4 WHEN {_r('h', 5)} < 0.995 THEN 3 WHEN {_r('h', 5)} < 0.999 THEN 2 ELSE 1 END)"
    )
    rec_phone = (
        f"(CASE WHEN {_r(g, 3)} < 0.7 THEN 'p' || floor({_r(g, 4)} * {n_rec * 2})::bigint ELSE '' END)"
    )
    phone = (
        f"(CASE WHEN {kind} IN (16, 17) AND {linked} THEN "
        f"CASE WHEN {k} % 300 = 11 THEN 'x' || h ELSE {rec_phone} END ELSE '' END)"
    )
    device = f"(CASE WHEN {kind} <= 10 THEN CASE WHEN {k} % 250 = 13 THEN 'fraud' || {k} ELSE 'd' || h END ELSE '' END)"
    channel = (
        f"(CASE WHEN {kind} <= 10 THEN 'qr' WHEN {kind} <= 15 THEN 'pad' WHEN {kind} <= 17 THEN 'sms' "
        f"WHEN {kind} = 18 THEN 'hotline' ELSE 'default' END)"
    )
    stage = f"(CASE WHEN {kind} BETWEEN 11 AND 15 AND {linked} THEN 'accepted' WHEN {kind} IN (16, 17) AND {linked} THEN 'finished' ELSE '' END)"
    empty = json.dumps([])
    _exec(
        f"""INSERT INTO ratings_rating (district_id, unit_id, window_id, staff_id, record_id, channel, scale, level, level5,
            negative, kind, stage, is_default, tag_version, tags, dimensions, comment, external_ref, device_fp,
            network_fp, flags, rated_at, received_at, phone_ciphertext, phone_index, phone_masked)
        SELECT {district}, {unit0} + k, CASE WHEN channel = 'hotline' THEN NULL ELSE {window0} + 4 * k + slot END,
            {staff0} + 8 * k + 2 * slot + h % 2, CASE WHEN linked THEN {rec0} - 1 + g ELSE NULL END, channel, 'five',
            level, level, level <= 2, 'first', CASE WHEN linked THEN stage ELSE '' END, channel = 'default', '',
            '{empty}'::jsonb, '{{}}'::jsonb, '', 'bench', device, '', '{empty}'::jsonb, at, at, '', phone, ''
        FROM (SELECT h, {k} AS k, {slot} AS slot, {g} AS g, {linked} AS linked, {channel} AS channel, {level} AS level,
                     {stage} AS stage, {device} AS device, {phone} AS phone, {when} AS at
              FROM generate_series(1, {n_rat}) h) s"""
    )


def _drop_indexes(tables: list[str]) -> list[str]:
    """Drop the plain (non-constraint) indexes of the tables; returns their definitions to rebuild after the load."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [tables],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def cluster() -> None:
    """Lay the raw rows out in time order, as an intake that appends them leaves them (the generator writes them in
    row-number order, which scatters every day over the whole table), then fresh statistics."""
    _exec("SET maintenance_work_mem = '1GB'")
    for table, stamp in (("ledger_servicerecord", "received_at"), ("ratings_rating", "rated_at")):
        index = _one(
            f"SELECT indexname FROM pg_indexes WHERE tablename = '{table}' "
            f"AND indexdef LIKE '%(district_id, {stamp})' ORDER BY indexname LIMIT 1"
        )
        _exec(f'CLUSTER {table} USING "{index}"')
    _exec("ANALYZE")


def _recreate(definitions: list[str]) -> None:
    _exec("SET maintenance_work_mem = '512MB'")
    for definition in definitions:
        _exec(definition)


EXPORTS = {
    "rec": "SELECT id, unit_id, window_id, staff_id, (received_at AT TIME ZONE '{tz}') AS received, "
    "(entered_at AT TIME ZONE '{tz}') AS entered, phone_index FROM ledger_servicerecord",
    "rat": "SELECT id, unit_id, window_id, staff_id, record_id, channel, level5, negative, is_default, kind, "
    "phone_index, device_fp, flags::text AS flags, (rated_at AT TIME ZONE '{tz}') AS rated, "
    "(received_at AT TIME ZONE '{tz}') AS received FROM ratings_rating",
    "hours": "SELECT window_id, weekday, opens, closes FROM catalog_windowhours",
    "staff": "SELECT phone_index FROM catalog_staff WHERE phone_index <> ''",
    "staffdevice": "SELECT device_fp FROM ratings_staffdevice",
    "unit": "SELECT id, hall_id FROM catalog_unit",
}


def export(work: Path) -> None:
    """The rows DuckDB reads, as CSV (timestamps in local time, as the engine reads them)."""
    with connection.cursor() as cursor:
        for name, sql in EXPORTS.items():
            with (work / f"{name}.csv").open("wb") as out:
                with cursor.connection.cursor().copy(
                    f"COPY ({sql.format(tz=TZ)}) TO STDOUT WITH (FORMAT csv, HEADER true)"
                ) as copy:
                    for chunk in copy:
                        out.write(chunk)
