"""The count columns of a wide cube row: what each one counts, and its SQL over the narrow rows it is summed from.

A cube row (one place and one day) holds every count the measures need, for all channels together and for each
channel, so a question about any channel set reads one row per place and day:

- ``records``: service records;
- per channel ``c`` (and, without prefix, all channels): ``c_n`` ratings (default ones included), ``c_dflt`` default
  (system) ratings, ``c_neg`` active 差评, ``c_rev`` active 差评 whose ticket was revoked after appeal, ``c_l1`` …
  ``c_l5`` active ratings of each level;
- in the day cubes of district and unit grain, ``h0`` … ``h23``: active ratings per local hour (the heatmap).

A count that is zero is stored as NULL: PostgreSQL and SQLite keep NULLs in the row header, so a row carries only
the channels and levels that occurred (most rows: three or four channels, two or three levels).
"""

from __future__ import annotations

from collections.abc import Iterable

from pingyi.lib.scales import Channel

MEASURES = ("n", "dflt", "neg", "rev", "l1", "l2", "l3", "l4", "l5")
CHANNELS = tuple(c.value for c in Channel)
HOURS = tuple(f"h{h}" for h in range(24))

# What each measure counts, as a condition on a narrow row (channel, level5, is_default, negative, n, rev):
# the value summed and the condition it is summed under.
_MEASURE_SQL = {
    "n": ("n", "1 = 1"),
    "dflt": ("n", "is_default"),
    "neg": ("n", "NOT is_default AND negative"),
    "rev": ("rev", "NOT is_default AND negative"),
    **{f"l{k}": ("n", f"NOT is_default AND level5 = {k}") for k in range(1, 6)},
}


def column(measure: str, channel: str | None = None) -> str:
    """The column of a measure for one channel, or for all channels together when channel is None."""
    return f"{channel}_{measure}" if channel else measure


def rating_columns() -> list[str]:
    return [column(m, c) for c in (None, *CHANNELS) for m in MEASURES]


def pivot_exprs(with_hours: bool) -> list[tuple[str, str]]:
    """(column, aggregate) for every count column, summed from narrow rows (see ``cubes.fill``)."""
    out = [("records", "SUM(rec)")]
    for channel in (None, *CHANNELS):
        for measure in MEASURES:
            value, condition = _MEASURE_SQL[measure]
            if channel:
                condition = f"channel = '{channel}' AND {condition}"
            out.append((column(measure, channel), f"SUM({value}) FILTER (WHERE kind = 1 AND {condition})"))
    if with_hours:
        out += [(f"h{h}", f"SUM(hn) FILTER (WHERE kind = 3 AND hour = {h})") for h in range(24)]
    return out


def sums(columns: Iterable[str]) -> str:
    """``SUM(a), SUM(b), …`` (a NULL sum is read as 0 by the caller)."""
    return ", ".join(f"SUM({c})" for c in columns)


def channel_sum(measure: str, channels: tuple[str, ...]) -> str:
    """The SQL summing a measure over a set of channels (all channels: the measure's own column)."""
    if not channels:
        return f"SUM({measure})"
    known = [c for c in channels if c in CHANNELS]
    if not known:
        return "0"
    return " + ".join(f"COALESCE(SUM({column(measure, c)}), 0)" for c in known)
