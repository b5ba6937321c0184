"""The ledger import kind: a file of service records (see docs/ledger.md), staged in chunks, all rows or none."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from pingyi.accounts.roles import SYSTEM
from pingyi.imports.kinds import StreamingKind, register_kind
from pingyi.ledger.models import ServiceRecord
from pingyi.ledger.staging import UNCHANGED, Staging
from pingyi.ledger.validation import COLUMNS, RecordValidator, StagedRow


@register_kind
class LedgerImport(StreamingKind):
    key, label, model = "ledger", "工作台账（办件）", ServiceRecord
    columns = COLUMNS
    staging: Staging | None = None

    def prepare(self) -> None:
        self.validator = RecordValidator(
            actor=self.job.actor or SYSTEM, district=self.job.district, source=ServiceRecord.Source.IMPORT
        )

    def check_headers(self, present: set[str]) -> list[tuple[str, str]]:
        return self.validator.check_unit_column(present)

    def validate(self, row_no: int, values: dict[str, str]) -> StagedRow:
        return self.validator.validate(row_no, values)

    def stage(self, chunk: list[Any]) -> None:
        if self.staging is None:
            self.staging = Staging()
        self.staging.add(chunk)

    def check(self, limit: int) -> tuple[int, list[dict[str, Any]]]:
        if self.staging is None:
            return 0, []
        count, problems = self.staging.classify(limit)
        return count, [{"row": row, "column": "办件编号", "message": message} for row, message in problems]

    def commit_staged(self) -> tuple[int, int, dict[str, Any]]:
        assert self.staging is not None
        counts = self.staging.counts()
        units = self.staging.unit_counts()
        created = self.staging.write(
            district_id=self.job.district_id,
            source=ServiceRecord.Source.IMPORT,
            entered_by_id=self.job.actor_id,
            entered_at=timezone.now(),
        )
        return created, counts.get(UNCHANGED, 0), {"unchanged": counts.get(UNCHANGED, 0), "units": units}

    def done_message(self, created: int, updated: int) -> str:
        return f"已导入 {created + updated} 条办件：新增 {created} 条，{updated} 条与已录入的完全相同（未重复录入）"

    def close(self) -> None:
        if self.staging is not None:
            self.staging.drop()
            self.staging = None
