"""A temporary staging table for a batch of ledger records, checked and written with set-based SQL.

Validated rows go in by chunks (COPY on PostgreSQL, executemany on SQLite), so a file of any size passes through
flat memory. Problems that involve several rows are found in SQL: a record number twice in the batch, or a record
number the unit already entered with different content. A record identical to the stored one is "unchanged" (not
written again); the rest goes into the ledger with one INSERT … SELECT. The table lives in the connection's
temporary schema, so nothing of a batch is visible to anyone before that one statement commits.
"""

# SQL here interpolates only this module's constants and the generated staging table name; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection

from pingyi.ledger.models import ServiceRecord
from pingyi.ledger.validation import StagedRow

STAGE_COLUMNS = (
    "row_no", "unit_id", "record_no", "window_id", "staff_id", "item_id", "stage", "received_at", "finished_at",
    "phone_ciphertext", "phone_index", "phone_masked", "applicant_ciphertext", "rating_code",
)  # fmt: skip
# Their PostgreSQL types, for the binary COPY (the text form costs our process twice as much per row).
STAGE_TYPES = (
    "int4", "int8", "varchar", "int8", "int8", "int8", "varchar", "timestamptz", "timestamptz",
    "text", "varchar", "varchar", "text", "varchar",
)  # fmt: skip
# A stored record is the same as a staged one when these agree (the applicant's name is encrypted with a random
# nonce and not compared; the phone is compared through its blind index).
SAME_COLUMNS = ("window_id", "staff_id", "item_id", "stage", "received_at", "finished_at", "phone_index")
NEW, UNCHANGED, REFUSED, CLASH = 0, 1, 2, 3  # REFUSED: repeated in the batch; CLASH: stored, differs
LEDGER = ServiceRecord._meta.db_table
# The ledger's references, checked per batch (the foreign keys are not database constraints, decision 0017).
REFERENCES = {
    name: ServiceRecord._meta.get_field(name.removesuffix("_id")).related_model._meta.db_table  # type: ignore[union-attr]
    for name in ("district_id", "unit_id", "window_id", "staff_id", "item_id", "entered_by_id")
}
REFERENCE_LABELS = {
    "district_id": "区", "unit_id": "单位", "window_id": "窗口", "staff_id": "经办人", "item_id": "事项",
    "entered_by_id": "录入人",
}  # fmt: skip


class Staging:
    def __init__(self) -> None:
        self.table = f"ledger_stage_{uuid.uuid4().hex[:12]}"
        self.postgres = connection.vendor == "postgresql"
        moment = "timestamp with time zone" if self.postgres else "datetime"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} (row_no integer NOT NULL, unit_id bigint NOT NULL, "
                "record_no varchar(64) NOT NULL, window_id bigint, staff_id bigint, item_id bigint, "
                f"stage varchar(10) NOT NULL, received_at {moment} NOT NULL, finished_at {moment}, "
                "phone_ciphertext text NOT NULL, phone_index varchar(64) NOT NULL, phone_masked varchar(20) NOT NULL, "
                "applicant_ciphertext text NOT NULL, rating_code varchar(20) NOT NULL, "
                f"state smallint NOT NULL DEFAULT {NEW})"
            )
        self.rows = 0
        self.indexed = False

    def add(self, chunk: list[StagedRow]) -> None:
        columns = ", ".join(STAGE_COLUMNS)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(STAGE_TYPES)
                    for row in chunk:
                        copy.write_row(row)
            else:
                adapt = connection.ops.adapt_datetimefield_value
                marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({columns}) VALUES ({marks})",
                    [(*r[:7], adapt(r[7]), adapt(r[8]), *r[9:]) for r in chunk],
                )
        self.rows += len(chunk)

    def _same(self, left: str, right: str) -> str:
        operator = "IS NOT DISTINCT FROM" if self.postgres else "IS"
        return " AND ".join(f"{left}.{c} {operator} {right}.{c}" for c in SAME_COLUMNS)

    def _index(self, cursor: Any) -> None:
        if not self.indexed:
            cursor.execute(f"CREATE INDEX {self.table}_key ON {self.table} (unit_id, record_no, row_no)")
            self.indexed = True

    def classify(self, limit: int | None) -> tuple[int, list[tuple[int, str]]]:
        """Mark repeated and clashing record numbers refused and identical stored ones UNCHANGED.

        Returns the number of refused rows and the first ``limit`` of them as (row number, message in Chinese).
        The usual batch (no repeats, nothing stored yet) costs two passes: a grouping and a probe of the ledger's
        unique index; only a batch with problems pays for an index on the staging table and the updates.
        """
        t = self.table
        top = f" LIMIT {int(limit)}" if limit is not None else ""
        repeats = (
            f"FROM {t} s JOIN (SELECT unit_id, record_no, MIN(row_no) AS first_row FROM {t} "
            "GROUP BY unit_id, record_no HAVING COUNT(*) > 1) d "
            "ON d.unit_id = s.unit_id AND d.record_no = s.record_no WHERE s.row_no > d.first_row"
        )
        stored = f"FROM {t} s JOIN {LEDGER} r ON r.unit_id = s.unit_id AND r.record_no = s.record_no"
        problems: list[tuple[int, str]] = []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {repeats}")
            count = cursor.fetchone()[0]
            if count:
                cursor.execute(f"SELECT s.row_no, s.record_no, d.first_row {repeats} ORDER BY s.row_no{top}")
                problems += [
                    (row, f"办件编号“{no}”与第 {first} 行重复") for row, no, first in cursor.fetchall()
                ]
                self._index(cursor)
                cursor.execute(
                    f"UPDATE {t} SET state = {REFUSED} WHERE EXISTS (SELECT 1 FROM {t} d "
                    f"WHERE d.unit_id = {t}.unit_id AND d.record_no = {t}.record_no AND d.row_no < {t}.row_no)"
                )
            cursor.execute(f"SELECT COUNT(*) {stored} WHERE s.state = {NEW}")
            if cursor.fetchone()[0]:
                same = f"EXISTS (SELECT 1 FROM {LEDGER} r WHERE r.unit_id = {t}.unit_id AND r.record_no = {t}.record_no"
                cursor.execute(
                    f"UPDATE {t} SET state = CASE WHEN {same} AND {self._same('r', t)}) THEN {UNCHANGED} "
                    f"ELSE {CLASH} END WHERE state = {NEW} AND {same})"
                )
                cursor.execute(f"SELECT COUNT(*) FROM {t} WHERE state = {CLASH}")
                clashes = cursor.fetchone()[0]
                if clashes:
                    count += clashes
                    cursor.execute(
                        f"SELECT row_no, record_no FROM {t} WHERE state = {CLASH} ORDER BY row_no{top}"
                    )
                    problems += [
                        (
                            row,
                            f"办件编号“{no}”已录入，内容与已录入的记录不同（已录入的办件不能通过批量导入修改）",
                        )
                        for row, no in cursor.fetchall()
                    ]
        problems.sort()
        return count, problems[:limit] if limit is not None else problems

    def counts(self) -> dict[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT state, COUNT(*) FROM {self.table} GROUP BY state")
            counts = dict(cursor.fetchall())
        counts[REFUSED] = counts.get(REFUSED, 0) + counts.pop(CLASH, 0)
        return counts

    def unit_counts(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT unit_id, COUNT(*) FROM {self.table} WHERE state = {NEW} GROUP BY unit_id")
            return {str(unit): n for unit, n in cursor.fetchall()}

    def _check_references(self, cursor: Any, district_id: int, entered_by_id: int | None) -> None:
        """What the database's foreign keys would check, once per batch instead of once per row (decision 0017).

        Every catalogue row the NEW rows refer to must exist; on PostgreSQL it is locked FOR KEY SHARE until the
        transaction ends, exactly the lock a foreign-key check takes, so it cannot be deleted meanwhile.
        """
        lock = " FOR KEY SHARE" if self.postgres else ""
        given = {"district_id": district_id, "entered_by_id": entered_by_id}
        for column, table in REFERENCES.items():
            if column in given:
                if given[column] is None:
                    continue
                wanted, ids = 1, "%s"
                params: list[Any] = [given[column]]
            else:
                ids, params = f"SELECT {column} FROM {self.table} WHERE state = {NEW}", []
                cursor.execute(f"SELECT COUNT(DISTINCT {column}) FROM {self.table} WHERE state = {NEW}")
                wanted = cursor.fetchone()[0]
                if not wanted:
                    continue
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT id FROM {table} WHERE id IN ({ids}){lock}) found", params
            )
            if cursor.fetchone()[0] != wanted:
                raise IntegrityError(f"{REFERENCE_LABELS[column]}已不存在（可能刚被删除），请重新导入")

    def write(self, *, district_id: int, source: str, entered_by_id: int | None, entered_at: datetime) -> int:
        """Insert every NEW row into the ledger in one statement; the caller holds the transaction."""
        copied = [c for c in STAGE_COLUMNS if c != "row_no"]
        names = ", ".join(["district_id", *copied, "source", "entered_by_id", "entered_at"])
        with connection.cursor() as cursor:
            self._check_references(cursor, district_id, entered_by_id)
            cursor.execute(
                f"INSERT INTO {LEDGER} ({names}) SELECT %s, {', '.join(copied)}, %s, %s, %s FROM {self.table} "
                f"WHERE state = {NEW} ORDER BY row_no",
                [district_id, source, entered_by_id, connection.ops.adapt_datetimefield_value(entered_at)],
            )
            return cursor.rowcount

    def stored(self) -> dict[int, tuple[int, str, int]]:
        """Row number → (record id, rating code, state) for every row now in the ledger (new and unchanged)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.row_no, r.id, r.rating_code, s.state FROM {self.table} s JOIN {LEDGER} r "
                f"ON r.unit_id = s.unit_id AND r.record_no = s.record_no WHERE s.state IN ({NEW}, {UNCHANGED})"
            )
            return {row: (pk, code, state) for row, pk, code, state in cursor.fetchall()}

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
