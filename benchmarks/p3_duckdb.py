"""P3's ceiling: the comparison's aggregations written directly in DuckDB over the same rows (in memory).

The same passes as pingyi.oversight.facts — records and ratings per (unit, window, staff, day), then per unit and
month, silent window-days, repeated phones, record bursts, device streaks, swapped callback phones, records entered
after a complaint — and the under-reporting ranking (records per independent rating against the hall's median).
"""

# ruff: noqa: S608
from __future__ import annotations

import time
from pathlib import Path

STAFF = "(SELECT phone_index FROM staff)"
QUERIES = {
    "rec_fact": f"""CREATE TEMP TABLE ov_rec AS
        SELECT r.unit_id, r.window_id, r.staff_id, CAST(r.received AS DATE) AS day, count(*) AS n,
          sum(CASE WHEN r.phone_index <> '' AND r.phone_index IN {STAFF} THEN 1 ELSE 0 END) AS staff_phone,
          sum(CASE WHEN r.window_id IN (SELECT window_id FROM hours) AND hs.window_id IS NULL THEN 1
                   WHEN hs.window_id IS NOT NULL AND NOT (m BETWEEN o1 - 30 AND c1 + 30 OR m BETWEEN o2 - 30 AND c2 + 30)
                   THEN 1 ELSE 0 END) AS outside,
          sum(CASE WHEN date_diff('minute', r.received, r.entered) >= 24 * 60 THEN 1 ELSE 0 END) AS entered_late
        FROM (SELECT *, hour(received) * 60 + minute(received) AS m FROM rec) r
        LEFT JOIN (SELECT window_id, weekday, min(hour(opens) * 60 + minute(opens)) o1,
                          min(hour(closes) * 60 + minute(closes)) c1, max(hour(opens) * 60 + minute(opens)) o2,
                          max(hour(closes) * 60 + minute(closes)) c2 FROM hours GROUP BY ALL) hs
          ON hs.window_id = r.window_id AND hs.weekday = isodow(r.received) - 1
        GROUP BY r.unit_id, r.window_id, r.staff_id, CAST(r.received AS DATE)""",
    "rat_fact": f"""CREATE TEMP TABLE ov_rat AS
        SELECT t.unit_id, t.window_id, t.staff_id, CAST(t.rated AS DATE) AS day,
          sum(CASE WHEN NOT is_default THEN 1 ELSE 0 END) AS active,
          sum(CASE WHEN NOT is_default AND kind = 'first' AND channel = 'qr' THEN 1 ELSE 0 END) AS qr,
          sum(CASE WHEN NOT is_default AND kind = 'first' AND channel = 'qr' AND level5 = 5 THEN 1 ELSE 0 END) AS qr_top,
          sum(CASE WHEN NOT is_default AND kind = 'first' AND record_id IS NULL
                   AND NOT (phone_index <> '' AND phone_index IN {STAFF})
                   AND NOT (device_fp <> '' AND device_fp IN (SELECT device_fp FROM staffdevice)) THEN 1 ELSE 0 END) AS unlinked,
          sum(CASE WHEN NOT is_default AND kind = 'first' AND record_id IS NOT NULL THEN 1 ELSE 0 END) AS linked,
          sum(CASE WHEN NOT is_default AND kind = 'first' AND record_id IS NOT NULL AND level5 = 5 THEN 1 ELSE 0 END) AS linked_top,
          sum(CASE WHEN NOT is_default AND channel IN ('hotline', 'message_board', 'mayor_line') THEN 1 ELSE 0 END) AS hotline,
          sum(CASE WHEN NOT is_default AND negative THEN 1 ELSE 0 END) AS neg,
          sum(CASE WHEN NOT is_default AND level5 = 1 THEN 1 ELSE 0 END) AS l1,
          sum(CASE WHEN NOT is_default AND level5 = 2 THEN 1 ELSE 0 END) AS l2,
          sum(CASE WHEN NOT is_default AND level5 = 3 THEN 1 ELSE 0 END) AS l3,
          sum(CASE WHEN NOT is_default AND level5 = 4 THEN 1 ELSE 0 END) AS l4,
          sum(CASE WHEN NOT is_default AND level5 = 5 THEN 1 ELSE 0 END) AS l5,
          sum(CASE WHEN phone_index <> '' AND phone_index IN {STAFF} THEN 1 ELSE 0 END) AS staff_phone_r,
          sum(CASE WHEN device_fp <> '' AND device_fp IN (SELECT device_fp FROM staffdevice) THEN 1 ELSE 0 END) AS staff_device,
          sum(CASE WHEN flags LIKE '%"burst"%' THEN 1 ELSE 0 END) AS burst_flag
        FROM rat t GROUP BY ALL""",
    "unit_month": """SELECT * FROM
        (SELECT unit_id, date_trunc('month', day) AS m, sum(n) n, sum(staff_phone) sp, sum(outside) o, sum(entered_late) el
         FROM ov_rec GROUP BY ALL) a FULL JOIN
        (SELECT unit_id, date_trunc('month', day) AS m, sum(active), sum(qr), sum(qr_top), sum(unlinked), sum(linked),
                sum(linked_top), sum(hotline), sum(neg), sum(l1), sum(l2), sum(l3), sum(l4), sum(l5),
                sum(staff_phone_r), sum(staff_device), sum(burst_flag)
         FROM ov_rat GROUP BY ALL) b USING (unit_id, m)""",
    "silent_days": """SELECT rc.window_id, rc.unit_id, rc.day, rc.n FROM
        (SELECT window_id, unit_id, day, sum(n) n FROM ov_rec WHERE window_id IS NOT NULL GROUP BY ALL) rc
        LEFT JOIN (SELECT window_id, day, sum(qr) qr FROM ov_rat WHERE window_id IS NOT NULL GROUP BY ALL) rt
        USING (window_id, day) WHERE coalesce(rt.qr, 0) = 0""",
    "phones": """SELECT * FROM (SELECT unit_id, phone_index, m, n, count(*) OVER (PARTITION BY phone_index, m) units
        FROM (SELECT unit_id, phone_index, date_trunc('month', received) m, count(*) n FROM rec
              WHERE phone_index <> '' GROUP BY ALL)) WHERE n >= 2 OR units >= 2""",
    "bursts": """SELECT unit_id, window_id, min(received), count(*) FROM rec WHERE window_id IS NOT NULL
        GROUP BY unit_id, window_id, epoch(received) // 600 HAVING count(*) >= 15""",
    "devices": """SELECT unit_id, date_trunc('month', rated) m, count(*), sum(CASE WHEN level5 = 5 THEN 1 ELSE 0 END)
        FROM rat WHERE device_fp <> '' AND NOT is_default AND channel IN ('qr', 'mobile', 'pc')
        GROUP BY unit_id, device_fp, m HAVING count(*) >= 8""",
    "swaps": f"""SELECT t.unit_id, date_trunc('month', t.rated) m,
          sum(CASE WHEN r.phone_index <> '' AND t.phone_index <> r.phone_index THEN 1 ELSE 0 END),
          sum(CASE WHEN t.phone_index IN {STAFF} THEN 1 ELSE 0 END)
        FROM rat t JOIN rec r ON r.id = t.record_id WHERE t.phone_index <> '' GROUP BY ALL""",
    "late": """SELECT r.unit_id, date_trunc('month', r.received), count(DISTINCT r.id)
        FROM rat c JOIN rec r ON r.unit_id = c.unit_id AND (c.window_id IS NULL OR r.window_id = c.window_id)
          AND r.received >= c.rated - INTERVAL 3 DAY AND r.received <= c.rated AND r.entered > c.received
        WHERE NOT c.is_default AND (c.negative OR c.channel IN ('hotline', 'message_board', 'mayor_line'))
          AND date_diff('minute', r.received, r.entered) >= 24 * 60 GROUP BY ALL""",
    "rank": """WITH um AS (SELECT b.unit_id, u.hall_id, coalesce(a.n, 0) n, b.s FROM
            (SELECT unit_id, sum(unlinked) s FROM ov_rat GROUP BY ALL) b
            LEFT JOIN (SELECT unit_id, sum(n) n FROM ov_rec GROUP BY ALL) a USING (unit_id)
            JOIN unit u ON u.id = b.unit_id WHERE b.s >= 10),
          peer AS (SELECT hall_id, median(n / s) ratio FROM um GROUP BY ALL)
        SELECT unit_id, s * ratio AS expected, n, s * ratio / (n + 1) AS score FROM um JOIN peer USING (hall_id)
        WHERE n < 0.5 * s * ratio AND s * ratio - n >= 10 ORDER BY score DESC""",
}


def run_duckdb(work: Path) -> tuple[float, int, float]:
    """(seconds for the comparison, under-reporting candidates ranked, seconds to load the CSV files)."""
    import duckdb

    db = duckdb.connect()
    started = time.monotonic()
    # An empty text comes back from CSV as NULL: give the text columns the engine compares their '' back.
    replace = {
        "rec": " REPLACE (coalesce(phone_index, '') AS phone_index)",
        "rat": " REPLACE (coalesce(phone_index, '') AS phone_index, coalesce(device_fp, '') AS device_fp)",
    }
    for name in ("rec", "rat", "hours", "staff", "staffdevice", "unit"):
        source = f"read_csv('{work / (name + '.csv')}', header = true)"
        db.execute(f"CREATE TABLE {name} AS SELECT *{replace.get(name, '')} FROM {source}")
    load = time.monotonic() - started
    started = time.monotonic()
    ranked = 0
    for name, sql in QUERIES.items():
        rows = db.execute(sql).fetchall() if not sql.startswith("CREATE") else db.execute(sql)
        if name == "rank":
            ranked = len(rows)  # type: ignore[arg-type]
    return time.monotonic() - started, ranked, load
