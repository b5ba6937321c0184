"""The PostgreSQL store: the door's decision in one SQL statement, with the same checks, flags and row as ``orm``.

``orm`` (the ORM path, also the SQLite one) asks the database up to nine questions per rating:
reason tags, duty roster, unit, device count, phone counts, staff phone, staff device, window hours, then INSERT.
Here Python does what needs no database (the level, dimensions, comment, phone, target and time checks — the very
functions of ``checks``), and everything else is one statement:

    WITH t (the target: the unit and window given),
         dev (device count, 10 min), ph (phone counts: day, records and units in 30 days, unit seen),
         v (district, staff on duty, the first rating a follow-up follows, whether every tag fits the level),
         f (staff phone, staff device, outside the posted hours), g (the flags of ``rules.FLAGS``, generated)
    , ins AS (INSERT INTO ratings_rating (…) SELECT … FROM g WHERE <tags fit> AND <follow-up found>
                                                        AND NOT <a limit of rules.LIMITS> RETURNING id)
    SELECT <what was decided>, ins.id FROM g LEFT JOIN ins ON true

A refusal stores nothing (the refusing conditions are the INSERT's WHERE); the returned counts say which refusal,
and Python raises it with ``checks``' own checks and messages, in ``rating_submit``'s order. A reason-tag refusal
re-runs ``checks.validate`` (ORM) to get its exact message. A second first rating of a record and stage fails
the unique constraint inside the statement: AlreadyRated, as in the portable path.

Every read is in the statement's snapshot, exactly as the portable path's reads (one after another) were each in
their own: the rate limits are as racy as before between concurrent statements, not more. No cache.

Differences that are not behaviour: ``data`` is not filled in (the portable path sets data.unit, window, staff, item
and follows as it resolves them; no caller reads them back); the returned Rating has the ids of the unit, staff,
district and followed rating, and the related objects only where the caller passed them.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from pingyi.catalog.models import DutyShift, Staff, Unit, WindowHours
from pingyi.lib import crypto, scales
from pingyi.ratings.errors import AlreadyRated, InvalidRating
from pingyi.ratings.intake import rules
from pingyi.ratings.intake.checks import (
    HOURS_CHANNELS,
    Recent,
    check_limits,
    intake_limits,
    new_rating,
    resolve,
    validate,
)
from pingyi.ratings.intake.input import RatingInput
from pingyi.ratings.intake.prepared import execute
from pingyi.ratings.models import Rating, ReasonTag, StaffDevice

# Columns the statement computes; every other column of ratings_rating is a parameter taken from a Rating built in
# Python, prepared by its field exactly as Model.save() would (so a new column is picked up, not forgotten).
COMPUTED = {
    "unit_id": "g.unit_id",
    "window_id": "g.window_id",
    "district_id": "g.district_id",
    "staff_id": "g.staff_id",
    "follows_id": "g.follows_id",
}
FLAGS_COLUMN = "flags"
# Each fact of ``rules`` as this statement knows it: a parameter, or a column of f (so of g).
FACT_SQL = {
    "has_phone": "%(need_phone)s",
    "has_device": "%(has_device)s",
    "historical": "%(historical)s",
    "counts_device": "%(need_dev)s",
    "device_10min": "dev_n",
    "phone_day": "day",
    "phone_records_30d": "records",
    "record_new": "%(record_add)s",
    "phone_units_30d": "units",
    "unit_new": "CASE WHEN seen_unit THEN 0 ELSE 1 END",
    "staff_phone": "staff_phone",
    "staff_device": "staff_device",
    "phone_differs": "%(phone_differs)s",
    "hours_apply": "%(need_hours)s",
    "outside_hours": "outside_hours",
}
MAX_TAG_RACES = 3
# The type of each parameter of the statement, written into it as a cast (the statement is prepared, so PostgreSQL
# must know every parameter's type without seeing its value).
PARAM_TYPES = {
    **dict.fromkeys(
        "need_dev need_phone need_duty need_follows has_device need_hours phone_differs historical".split(),
        "boolean",
    ),
    **dict.fromkeys("device_fp phone_index stage tag_version".split(), "text"),
    **dict.fromkeys("dev_since day_ago since duty_at".split(), "timestamptz"),
    **dict.fromkeys("unit_id window_id record_id district_id staff_id follows_id".split(), "bigint"),
    **dict.fromkeys("tag_count weekday record_add".split(), "int"),
    "tag_codes": "text[]",
    "tag_level5s": "int[]",
    "local": "timestamp",
    "local_date": "date",
    "grace": "interval",
}

_STATEMENT = """
WITH t AS (
    SELECT %(unit_id)s::bigint AS unit_id, %(window_id)s::bigint AS window_id
), dev AS (
    SELECT count(*) AS n FROM {rating}
    WHERE %(need_dev)s AND device_fp = %(device_fp)s AND received_at >= %(dev_since)s
), ph AS (
    SELECT count(*) FILTER (WHERE received_at >= %(day_ago)s) AS day,
           count(DISTINCT record_id) FILTER (WHERE rated_at >= %(since)s) AS records,
           count(DISTINCT unit_id) FILTER (WHERE rated_at >= %(since)s) AS units,
           count(*) FILTER (WHERE rated_at >= %(since)s AND unit_id = (SELECT unit_id FROM t)) > 0 AS seen_unit
    FROM {rating}
    WHERE %(need_phone)s AND phone_index = %(phone_index)s
      AND (rated_at >= %(since)s OR received_at >= %(day_ago)s)
), v AS (
    SELECT
        t.unit_id, t.window_id,
        COALESCE(%(district_id)s::bigint, (SELECT district_id FROM {unit} WHERE id = t.unit_id)) AS district_id,
        COALESCE(%(staff_id)s::bigint, (
            SELECT staff_id FROM {shift}
            WHERE %(need_duty)s AND window_id = t.window_id AND starts_at <= %(duty_at)s AND ends_at > %(duty_at)s
            ORDER BY starts_at DESC LIMIT 1
        )) AS staff_id,
        COALESCE(%(follows_id)s::bigint, (
            SELECT id FROM {rating}
            WHERE %(need_follows)s AND record_id = %(record_id)s AND stage = %(stage)s AND kind = 'first'
            ORDER BY id LIMIT 1
        )) AS follows_id,
        %(tag_count)s = 0 OR (
            SELECT count(*) FROM {tag}
            WHERE version = %(tag_version)s AND code = ANY(%(tag_codes)s::text[])
              AND level5 = ANY(%(tag_level5s)s::int[])
        ) = %(tag_count)s AS tags_ok,
        dev.n AS dev_n, ph.day, ph.records, ph.units, ph.seen_unit
    FROM t, dev, ph
), f AS MATERIALIZED (  -- materialised: its subqueries run once, not once per use in g
    SELECT v.*,
        %(need_phone)s AND EXISTS (
            SELECT 1 FROM {staff} s JOIN {unit} u ON u.id = s.unit_id
            WHERE u.district_id = v.district_id AND s.phone_index = %(phone_index)s
        ) AS staff_phone,
        %(has_device)s AND EXISTS (SELECT 1 FROM {staffdevice} WHERE device_fp = %(device_fp)s) AS staff_device,
        %(need_hours)s AND NOT EXISTS (
            SELECT 1 FROM {hours} h
            WHERE h.window_id = v.window_id AND h.weekday = %(weekday)s
              AND %(local)s::timestamp BETWEEN date_trunc('minute', %(local_date)s::date + h.opens) - %(grace)s
                                           AND date_trunc('minute', %(local_date)s::date + h.closes) + %(grace)s
        ) AS outside_hours
    FROM v
), g AS (
    SELECT f.*, {flag_list} AS flag_list
    FROM f
), ins AS (
    INSERT INTO {rating} ({columns})
    SELECT {values} FROM g
    WHERE g.tags_ok
      AND NOT (%(need_follows)s AND g.follows_id IS NULL)
      AND NOT ({refused})
    RETURNING id
)
SELECT ins.id, g.unit_id, g.window_id, g.district_id, g.staff_id, g.follows_id, g.flag_list,
       g.tags_ok, g.dev_n, g.day
FROM g LEFT JOIN ins ON true
"""


@cache
def _insert_fields() -> tuple[Field, ...]:
    return tuple(f for f in Rating._meta.concrete_fields if not f.primary_key)


@cache
def statement() -> str:
    """The SQL text (built once per process from the models' table and column names)."""
    fields = _insert_fields()
    columns = [str(f.column) for f in fields]
    missing = (set(COMPUTED) | {FLAGS_COLUMN}) - set(columns)
    assert not missing, f"ratings_rating has no column {missing}"
    values = [
        COMPUTED.get(c) or ("to_jsonb(g.flag_list)" if c == FLAGS_COLUMN else f"%(c_{c})s") for c in columns
    ]
    text = _STATEMENT.format(
        rating=Rating._meta.db_table,
        unit=Unit._meta.db_table,
        shift=DutyShift._meta.db_table,
        tag=ReasonTag._meta.db_table,
        staff=Staff._meta.db_table,
        staffdevice=StaffDevice._meta.db_table,
        hours=WindowHours._meta.db_table,
        columns=", ".join(connection.ops.quote_name(c) for c in columns),
        values=", ".join(values),
        flag_list=rules.flags_sql(FACT_SQL.__getitem__),
        refused=rules.refused_sql(FACT_SQL.__getitem__),
    )
    # Every parameter cast to its type: a column's for a value inserted as is (an untyped NULL in INSERT … SELECT
    # would be text), PARAM_TYPES' for the others.
    return re.sub(r"(%\((\w+)\)s)(?:::[\w\[\]]+)?", lambda m: _typed(m[1], m[2]), text)


def _typed(placeholder: str, name: str) -> str:
    if name.startswith("c_"):
        return placeholder + "::" + _column_types()[name[2:]]
    if name.startswith("s_"):  # a setting of the rules
        return f"{placeholder}::int"
    return f"{placeholder}::{PARAM_TYPES[name]}"


@cache
def _column_types() -> dict[str, str]:
    return {str(f.column): str(f.cast_db_type(connection)) for f in _insert_fields()}


def _pk(obj: Any) -> Any:
    return obj.pk if obj is not None else None


def rating_submit_fast(data: RatingInput) -> Rating:
    """``rating_submit`` in one statement on PostgreSQL: same errors, same refusals, same flags, same row."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("rating_submit_fast is PostgreSQL's; use rating_submit")
    for _ in range(MAX_TAG_RACES):
        rating = _submit_once(data)
        if rating is not None:
            return rating
    # The tags were refused by the statement and accepted by validate MAX_TAG_RACES times: a tag set being edited.
    raise InvalidRating("评价标签正在更新，请稍后再试", field="tags")


@dataclasses.dataclass(frozen=True)
class Checked:
    """A rating's answer as ``checks.validate`` accepts it, the time it was taken and its phone's blind index."""

    level: scales.Level
    tags: list[str]
    dimensions: dict[str, int]
    phone: str
    comment: str
    now: datetime
    rated_at: datetime
    phone_index: str


def check(data: RatingInput, *, has_target: bool) -> Checked:
    """What needs no database, with ``rating_submit``'s errors in its order (a reason-tag error comes first).

    The reason tags are the statement's to check; with tags, any refusal here is settled by the full ``validate``,
    which checks the tags first, as rating_submit does. ``has_target``: a unit, window, record or poster is named.
    """
    tags = list(dict.fromkeys(str(t).strip() for t in data.tags if str(t).strip()))  # as validate does
    try:
        level, _, dimensions, phone, comment = validate(dataclasses.replace(data, tags=[]) if tags else data)
    except InvalidRating:
        if tags:
            validate(data)
        raise
    if not has_target:  # no target: resolve asks nothing and raises its own error
        if tags:
            validate(data)
        resolve(data)
        raise AssertionError("unreachable: resolve refuses a rating without a target")
    now = timezone.now()
    rated_at = data.rated_at or now
    if rated_at > now + timedelta(minutes=5):
        if tags:
            validate(data)
        raise InvalidRating("评价时间不能晚于当前时间", field="rated_at")
    phone_index = crypto.blind_index(phone) if phone else ""
    return Checked(level, tags, dimensions, phone, comment, now, rated_at, phone_index)


def _submit_once(data: RatingInput) -> Rating | None:
    # resolve, by id: the record's unit, window, staff and item, else the window's unit and the staff on duty.
    record = data.record
    window_id = _pk(data.window) if data.window is not None else (record.window_id if record else None)
    unit_id = (
        _pk(data.unit)
        or (record.unit_id if record else None)
        or (data.window.unit_id if data.window else None)
    )
    staff_id = _pk(data.staff) or (record.staff_id if record else None)
    item_id = _pk(data.item) or (record.item_id if record else None)
    checked = check(data, has_target=unit_id is not None)
    level, tags, dimensions, phone, comment = (
        checked.level,
        checked.tags,
        checked.dimensions,
        checked.phone,
        checked.comment,
    )
    now, rated_at, phone_index = checked.now, checked.rated_at, checked.phone_index
    has_window = window_id is not None
    need_follows = data.kind == Rating.Kind.FOLLOW_UP and data.follows is None and record is not None
    limits = intake_limits()

    known: dict[str, Any] = {"district_id": data.unit.district_id if data.unit is not None else None}
    rating = new_rating(
        data,
        level=level,
        tags=tags,
        dimensions=dimensions,
        comment=comment,
        phone=phone,
        rated_at=rated_at,
        **known,
        unit_id=unit_id,
        window_id=window_id,
        staff_id=staff_id,
        item_id=item_id,
        record=record,
    )
    if data.window is not None:
        rating.window = data.window

    local = timezone.localtime(rated_at)
    need_dev = bool(data.device_fp) and not data.historical
    params: dict[str, Any] = {
        f"c_{f.column}": f.get_db_prep_save(f.pre_save(rating, True), connection)
        for f in _insert_fields()
        if f.column not in COMPUTED and f.column != FLAGS_COLUMN
    }
    params |= {
        "need_dev": need_dev,
        "device_fp": data.device_fp,
        "dev_since": now - timedelta(minutes=10),
        "need_phone": bool(phone_index),
        "phone_index": phone_index,
        "since": rated_at - timedelta(days=30),
        "day_ago": now - timedelta(days=1),
        "unit_id": unit_id,
        "district_id": rating.district_id,
        "staff_id": staff_id,
        "need_duty": staff_id is None and has_window,
        "window_id": window_id,
        "duty_at": data.rated_at or now,
        "follows_id": _pk(data.follows),
        "need_follows": need_follows,
        "record_id": _pk(record),
        "stage": data.stage,
        "tag_version": data.tag_version,
        "tag_codes": tags,
        "tag_level5s": [v for v in range(1, 6) if scales.from_five(data.scale, v) == level.value],
        "tag_count": len(tags),
        "has_device": bool(data.device_fp),
        "need_hours": has_window and not data.historical and data.channel in HOURS_CHANNELS,
        "weekday": local.weekday(),
        "local": local.replace(tzinfo=None),
        "local_date": local.date(),
        "grace": timedelta(minutes=limits["outside_hours_grace_minutes"]),
        "record_add": 1 if record is not None else 0,
        "phone_differs": bool(
            phone_index and record is not None and record.phone_index and record.phone_index != phone_index
        ),
        "historical": data.historical,
        **rules.setting_params(limits),
    }

    try:
        if connection.in_atomic_block:
            with (
                transaction.atomic()
            ):  # a savepoint, so that a duplicate does not break the caller's transaction
                rows = execute(statement(), params)
        else:
            rows = execute(statement(), params)  # autocommit: one statement, one round trip
    except IntegrityError as exc:
        if record is not None and data.kind == Rating.Kind.FIRST:
            raise AlreadyRated() from exc
        raise
    (row,) = rows
    new_id, unit_id, window_id, district_id, duty_staff_id, follows_id, flags, tags_ok, dev_n, phone_day = row

    if not tags_ok:
        validate(data)  # raises the tag's own message; if it does not, the tags changed meanwhile: try again
        return None
    if need_follows and follows_id is None:
        raise InvalidRating("该办件尚未评价，不能追加评价", field="kind")
    check_limits(data, Recent(device_10min=dev_n, phone_day=phone_day), phone_index)
    assert new_id is not None, "the statement inserted nothing and gave no reason"
    rating.pk = new_id
    rating.unit_id, rating.window_id = unit_id, window_id
    rating.district_id, rating.staff_id, rating.follows_id, rating.flags = (
        district_id,
        duty_staff_id,
        follows_id,
        list(flags),
    )
    rating._state.adding = False
    rating._state.db = connection.alias
    return rating
