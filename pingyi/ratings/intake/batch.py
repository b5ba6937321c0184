"""QR-poster ratings stored many at a time: one statement, one round trip and one commit for a batch (decision 0016).

``prepare`` turns one rating of a poster (a ``RatingInput`` and the poster's token) into the values of its row — the
checks of ``statement.check`` and the values ``checks.new_rating`` gives, without building a model instance —
and ``store`` stores a batch of them with one statement, which decides for each row what the one-row statement
(``statement``) decides for one: the poster (current: not retired, not expired) and its window and unit, the staff
on duty, the reason tags (active ones of the chosen level), the device and phone counts for the rate limits and
flags, staff phone and device, the posted hours. A row it refuses is not inserted; the others are, in the same
statement, so they are committed together (autocommit) or, inside a transaction, in one savepoint.

The batch is one JSON parameter, read by ``json_to_recordset``: the values of every column but those the statement
computes (unit, window, district, staff, flags) and, per row, what the statement needs besides (``EXTRA``). The ids
of accepted rows are drawn from the table's sequence in the statement, so each row's answer is its own.

The rows of a batch must not share a device fingerprint or a phone (``keys``): the statement counts earlier ratings
in its snapshot, which holds none of its own rows, so two ratings of one phone in a batch would not see each other.
``group`` never puts them together: the later one goes into the next batch, which sees the earlier one
committed — exactly as two one-row statements one after the other.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pingyi.catalog.models import DutyShift, Staff, Unit, Window, WindowHours
from pingyi.lib import crypto, scales
from pingyi.ratings.errors import RatingError
from pingyi.ratings.intake import rules
from pingyi.ratings.intake.checks import HOURS_CHANNELS, Recent, check_limits, intake_limits
from pingyi.ratings.intake.input import RatingInput
from pingyi.ratings.intake.prepared import execute
from pingyi.ratings.intake.statement import check
from pingyi.ratings.models import QrPoster, Rating, ReasonTag, StaffDevice, new_tracking_code

COMPUTED = ("unit_id", "window_id", "district_id", "staff_id", "flags")
# What each row carries besides its columns: its place in the batch, the poster, the moment of the rating (as
# ``statement`` computes its times from it), the levels on the five-level scale its tags may have, the phone's
# blind index as the counts look it up, and which checks apply.
EXTRA = {
    "n": "int",
    "poster_token": "text",
    "now": "timestamptz",
    "today": "date",
    "local": "timestamp",
    "weekday": "int",
    "level5s": "int[]",
    "phone_key": "text",
    "historical": "boolean",
    "hours": "boolean",
    "given_staff_id": "bigint",
}
PARAM_TYPES = {"rows": "json", "grace": "interval"}  # and the rules' settings (``rules.setting_param``), int
# Each fact of ``rules`` as this statement knows it: a column of f (a row of the batch, with what v and f found).
FACT_SQL = {
    "has_phone": "phone_key <> ''",
    "has_device": "device_fp <> ''",
    "historical": "historical",
    "counts_device": "need_dev",
    "device_10min": "dev_n",
    "phone_day": "day",
    "phone_records_30d": "records",
    "record_new": "0",  # a poster's rating is of a window, never of a record
    "phone_units_30d": "units",
    "unit_new": "CASE WHEN seen_unit THEN 0 ELSE 1 END",
    "staff_phone": "staff_phone",
    "staff_device": "staff_device",
    "phone_differs": "false",  # no record, so no record's phone
    "hours_apply": "hours",
    "outside_hours": "outside_hours",
}

_STATEMENT = """
WITH r AS (
    SELECT * FROM json_to_recordset(%(rows)s) AS r({definition})
), v AS MATERIALIZED (  -- its subqueries once per row, however often f and g read their results
    SELECT r.*, w.unit_id AS t_unit_id, w.id AS t_window_id, u.district_id AS t_district_id,
        COALESCE(r.given_staff_id, (
            SELECT d.staff_id FROM {shift} d
            WHERE r.given_staff_id IS NULL AND d.window_id = w.id AND d.starts_at <= r.rated_at
              AND d.ends_at > r.rated_at
            ORDER BY d.starts_at DESC LIMIT 1
        )) AS t_staff_id,
        jsonb_array_length(r.tags) = 0 OR (
            SELECT count(*) FROM {tag} x
            WHERE x.version = r.tag_version AND x.code IN (SELECT jsonb_array_elements_text(r.tags))
              AND x.level5 = ANY(r.level5s) AND x.active
        ) = jsonb_array_length(r.tags) AS tags_ok,
        r.device_fp <> '' AND NOT r.historical AS need_dev,
        (
            SELECT count(*) FROM {rating} x
            WHERE r.device_fp <> '' AND NOT r.historical
              AND x.device_fp = r.device_fp AND x.received_at >= r.now - interval '10 minutes'
        ) AS dev_n,
        ph.day, ph.records, ph.units, ph.seen_unit
    FROM r
    JOIN {poster} p ON p.token = r.poster_token AND p.retired_at IS NULL AND p.expires_on >= r.today
    JOIN {window} w ON w.id = p.window_id
    JOIN {unit} u ON u.id = w.unit_id
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x.received_at >= r.now - interval '24 hours') AS day,
               count(DISTINCT x.record_id) FILTER (WHERE x.rated_at >= r.rated_at - interval '720 hours') AS records,
               count(DISTINCT x.unit_id) FILTER (WHERE x.rated_at >= r.rated_at - interval '720 hours') AS units,
               count(*) FILTER (WHERE x.rated_at >= r.rated_at - interval '720 hours' AND x.unit_id = w.unit_id)
                   > 0 AS seen_unit
        FROM {rating} x
        WHERE r.phone_key <> '' AND x.phone_index = r.phone_key
          AND (x.rated_at >= r.rated_at - interval '720 hours' OR x.received_at >= r.now - interval '24 hours')
    ) ph
), f AS MATERIALIZED (
    SELECT v.*,
        v.phone_key <> '' AND EXISTS (
            SELECT 1 FROM {staff} s JOIN {unit} su ON su.id = s.unit_id
            WHERE su.district_id = v.t_district_id AND s.phone_index = v.phone_key
        ) AS staff_phone,
        v.device_fp <> '' AND EXISTS (SELECT 1 FROM {staffdevice} sd WHERE sd.device_fp = v.device_fp) AS staff_device,
        v.hours AND NOT EXISTS (
            SELECT 1 FROM {hours} h
            WHERE h.window_id = v.t_window_id AND h.weekday = v.weekday
              AND v.local BETWEEN date_trunc('minute', v.local::date + h.opens) - %(grace)s
                              AND date_trunc('minute', v.local::date + h.closes) + %(grace)s
        ) AS outside_hours
    FROM v
), g AS MATERIALIZED (  -- once per row: the id below is drawn once, for an accepted row only (the sequence is
    -- named as a constant, resolved when the statement is planned: looked up per execution, with
    -- pg_get_serial_sequence, it cost the backend ~0.1 ms per statement)
    SELECT f.*, {flag_list} AS flag_list,
    CASE WHEN f.tags_ok AND NOT ({refused}) THEN nextval({sequence}::regclass) END AS new_id
    FROM f
), ins AS (
    INSERT INTO {rating} (id, {columns})
    SELECT g.new_id, {values} FROM g WHERE g.new_id IS NOT NULL
)
SELECT g.n, g.new_id, g.t_unit_id, g.t_window_id, g.t_district_id, g.t_staff_id, g.flag_list, g.tags_ok, g.dev_n,
       g.day
FROM g
"""


class Undecided(Exception):
    """Nothing stored, and the answer left to the full path (the citizen page's view): the poster is not current
    or a reason tag was refused."""


@cache
def _columns() -> dict[str, str]:
    """Every column the statement inserts but the primary key, with its type."""
    return {
        str(f.column): str(f.cast_db_type(connection))
        for f in Rating._meta.concrete_fields
        if not f.primary_key
    }


@cache
def statement() -> str:
    """The SQL text (built once per process from the models' table and column names)."""
    columns = _columns()
    assert set(COMPUTED) <= set(columns), f"ratings_rating has no column {set(COMPUTED) - set(columns)}"
    given = [c for c in columns if c not in COMPUTED]
    definition = {**{c: columns[c] for c in given}, **EXTRA}
    quote = connection.ops.quote_name
    values = [
        "to_jsonb(g.flag_list)" if c == "flags" else f"g.t_{c}" if c in COMPUTED else f"g.{quote(c)}"
        for c in columns
    ]
    text = _STATEMENT.format(
        definition=", ".join(f"{quote(name)} {kind}" for name, kind in definition.items()),
        rating=Rating._meta.db_table,
        sequence=_id_sequence(),
        poster=QrPoster._meta.db_table,
        window=Window._meta.db_table,
        unit=Unit._meta.db_table,
        shift=DutyShift._meta.db_table,
        tag=ReasonTag._meta.db_table,
        staff=Staff._meta.db_table,
        staffdevice=StaffDevice._meta.db_table,
        hours=WindowHours._meta.db_table,
        columns=", ".join(quote(c) for c in columns),
        values=", ".join(values),
        flag_list=rules.flags_sql(FACT_SQL.__getitem__),
        refused=rules.refused_sql(FACT_SQL.__getitem__),
    )
    # every parameter cast to its type: the statement is prepared before any value is seen
    return re.sub(r"%\((\w+)\)s", lambda m: f"{m[0]}::{_param_type(m[1])}", text)


def _param_type(name: str) -> str:
    return "int" if name.startswith("s_") else PARAM_TYPES[name]


def _id_sequence() -> str:
    """The ratings table's id sequence as an SQL string literal, as the database names it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT quote_literal(pg_get_serial_sequence(%s, 'id'))", [Rating._meta.db_table])
        (literal,) = cursor.fetchone()
    assert literal, f"{Rating._meta.db_table}.id has no sequence"
    return str(literal)


@dataclasses.dataclass(frozen=True)
class Prepared:
    """One rating ready for ``store``: its row's values and what its answer needs."""

    data: RatingInput
    values: dict[str, Any]  # column or EXTRA name → value (datetimes and dates as such)
    phone_index: str  # the blind index of the phone, as the counts and limits use it ("" without one)
    keys: tuple[str, ...]  # what two ratings in one batch must not share: the device fingerprint, the phone


@dataclasses.dataclass(frozen=True)
class Stored:
    """A rating the statement stored: its id and what the statement decided for it."""

    id: int
    unit_id: int
    window_id: int
    district_id: int
    staff_id: int | None
    flags: list[str]


def _pk(obj: Any) -> Any:
    return obj.pk if obj is not None else None


def prepare(data: RatingInput, poster_token: str) -> Prepared:
    """The row of a rating of the window of the QR poster ``poster_token``; raises the errors of ``statement.check``
    (what needs no database), in ``rating_submit``'s order."""
    assert data.window is None and data.unit is None and data.record is None, "the poster is the target"
    checked = check(data, has_target=True)
    level, tags, phone = checked.level, checked.tags, checked.phone
    # checks.new_rating's values, and Model.set_phone's for the phone (which normalises it once more)
    stored_phone = crypto.normalize_phone(phone) if phone else ""
    local = timezone.localtime(checked.rated_at)
    today = local.date() if data.rated_at is None else timezone.localdate(checked.now)
    values: dict[str, Any] = {
        "phone_ciphertext": crypto.encrypt(stored_phone),
        "phone_index": checked.phone_index if stored_phone == phone else crypto.blind_index(stored_phone),
        "phone_masked": crypto.mask_phone(stored_phone),
        "channel": data.channel,
        "scale": data.scale,
        "level": level.value,
        "level5": scales.to_five(data.scale, level.value),
        "negative": level.negative,
        "kind": data.kind,
        "stage": data.stage,
        "is_default": data.is_default,
        "tag_version": data.tag_version if tags else "",
        "tags": tags,
        "dimensions": checked.dimensions,
        "comment": checked.comment,
        "tracking_code": new_tracking_code() if level.negative and not data.is_default else None,
        "external_ref": data.external_ref[:64],
        "device_fp": data.device_fp,
        "network_fp": data.network_fp,
        "rated_at": checked.rated_at,
        "received_at": timezone.now(),
        "device_id": _pk(data.device),
        "entered_by_id": _pk(data.entered_by),
        "follows_id": _pk(data.follows),
        "item_id": _pk(data.item),
        "record_id": None,
        # EXTRA
        "poster_token": poster_token,
        "now": checked.now,
        "today": today,
        "local": local.replace(tzinfo=None),
        "weekday": local.weekday(),
        "level5s": _level5s(data.scale, level.value),
        "phone_key": checked.phone_index,
        "historical": data.historical,
        "hours": not data.historical and data.channel in HOURS_CHANNELS,
        "given_staff_id": _pk(data.staff),
    }
    keys = tuple(
        key
        for key, present in (
            (f"d:{data.device_fp}", data.device_fp),
            (f"p:{checked.phone_index}", checked.phone_index),
        )
        if present
    )
    return Prepared(data, values, checked.phone_index, keys)


@cache
def _level5s(scale: scales.Scale | str, level: int) -> tuple[int, ...]:
    """The levels on the five-level scale that are ``level`` on ``scale`` (those its reason tags may have)."""
    return tuple(v for v in range(1, 6) if scales.from_five(scale, v) == level)


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value)!r}")


def _params(batch: list[Prepared]) -> dict[str, Any]:
    limits = intake_limits()
    rows = [{**p.values, "n": n} for n, p in enumerate(batch)]
    return {
        "rows": json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=_json_default),
        "grace": timedelta(minutes=limits["outside_hours_grace_minutes"]),
        **rules.setting_params(limits),
    }


def store(batch: list[Prepared]) -> list[Stored | Exception]:
    """Store a batch (no two rows of one device or phone) with one statement: for each rating what was stored, or
    the error to raise for it (Undecided, RateLimited). A statement error that one row may cause (a unique
    violation) is retried row by row, so that it is that row's error alone; any other error is raised."""
    assert len({k for p in batch for k in p.keys}) == sum(len(p.keys) for p in batch), (
        "a device or phone twice"
    )
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: a failed batch does not break the caller's transaction
                rows = execute(statement(), _params(batch))
        else:
            rows = execute(statement(), _params(batch))  # autocommit: stored and committed together
    except IntegrityError as exc:
        if len(batch) == 1:
            return [exc]
        return [result for p in batch for result in store([p])]
    decided = {row[0]: row[1:] for row in rows}
    return [_outcome(p, decided.get(n)) for n, p in enumerate(batch)]


def _outcome(p: Prepared, row: tuple[Any, ...] | None) -> Stored | Exception:
    if row is None:
        return Undecided("the poster is not current")
    new_id, unit_id, window_id, district_id, staff_id, flags, tags_ok, dev_n, phone_day = row
    if not tags_ok:
        return Undecided("a reason tag was refused")
    try:
        check_limits(p.data, Recent(device_10min=dev_n, phone_day=phone_day), p.phone_index)
    except RatingError as exc:
        return exc
    assert new_id is not None, "the statement inserted nothing and gave no reason"
    return Stored(new_id, unit_id, window_id, district_id, staff_id, list(flags))


def rating_submit_poster(data: RatingInput, poster_token: str) -> Rating:
    """One rating of the window of the QR poster ``poster_token`` through ``store``, as a (saved) Rating.

    Raises Undecided, storing nothing, when the poster is not current or a tag is refused (the citizen page's view
    then gives its own answer), and the RatingErrors of ``rating_submit`` otherwise.
    """
    p = prepare(data, poster_token)
    (result,) = store([p])
    if isinstance(result, Exception):
        raise result
    return as_rating(p, result)


def as_rating(p: Prepared, stored: Stored) -> Rating:
    """The Rating that ``store`` stored for ``p`` (its columns as stored, without reading it back)."""
    columns = {c: p.values[c] for c in _columns() if c not in COMPUTED}
    rating = Rating(
        id=stored.id,
        **columns,
        unit_id=stored.unit_id,
        window_id=stored.window_id,
        district_id=stored.district_id,
        staff_id=stored.staff_id,
        flags=stored.flags,
    )
    rating._state.adding = False
    rating._state.db = connection.alias
    return rating
