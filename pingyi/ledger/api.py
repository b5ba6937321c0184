"""POST /api/v1/ledger/records: a batch of up to 10,000 service records, each answered on its own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from pingyi.accounts.roles import signed_in
from pingyi.api.errors import ApiError
from pingyi.api.idempotency import run_idempotent
from pingyi.ledger.models import ServiceRecord
from pingyi.ledger.services import MAX_BATCH, records_ingest

router = Router(tags=["ledger"])


class RecordIn(Schema):
    record_no: str = Field("", description="办件编号：单位内唯一；同一编号重复上传且内容相同时不重复录入")
    unit: str = Field("", description="单位：统一社会信用代码、单位编码或名称（单位管理员可省略）")
    item_code: str = Field("", description="事项编码")
    window: str = Field("", description="窗口编号或名称")
    staff: str = Field("", description="经办人工号或姓名")
    applicant: str = Field("", description="申请人姓名（加密存储）")
    phone: str = Field("", description="申请人电话（加密存储）")
    received_at: str = Field("", description="受理时间，如 2023-12-13T09:05:00+08:00 或 2023-12-13 09:05")
    finished_at: str = Field("", description="办结时间")
    stage: str = Field("", description="接件、受理或办结（received / accepted / finished）")


class BatchIn(Schema):
    records: list[RecordIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class FieldError(Schema):
    field: str
    message: str


class RecordResult(Schema):
    index: int
    record_no: str
    status: str = Field(description="created / unchanged / error")
    id: int | None = None
    rating_code: str | None = Field(None, description="回执评价码：/r/<rating_code> 打开评价页")
    errors: list[FieldError] | None = None


class BatchOut(Schema):
    created: int
    unchanged: int
    errors: int
    results: list[RecordResult]


@router.post("/records", response={200: BatchOut})
def records_upload(request: HttpRequest, payload: BatchIn) -> Any:
    """Store what is valid; every record is reported as created, unchanged or error (with the field and why)."""

    def action() -> tuple[int, dict[str, Any]]:
        records = [
            {("item" if k == "item_code" else k): v for k, v in r.dict().items()} for r in payload.records
        ]
        try:
            result = records_ingest(
                actor=signed_in(request), records=records, source=ServiceRecord.Source.UPLOAD
            )
        except ValidationError as exc:
            raise ApiError(422, "invalid", exc.messages[0]) from exc
        return 200, {
            "created": result.created,
            "unchanged": result.unchanged,
            "errors": result.errors,
            "results": result.results,
        }

    return Status(*run_idempotent(request, f"user:{request.user.pk}", action))
