"""Writes to the ledger: a batch of records (API), one record (the manual entry form). Files go through imports.

Idempotency by the unit's record number (办件编号), the same on every path: a record number the unit has not entered
is created; one entered before with the same content (window, staff, item, stage, times, phone) is "unchanged" and
not written again; one entered before with different content is refused — a stored record is never overwritten by
a later upload. ``entered_at`` is always the server's time, so late entries stay visible.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pingyi.accounts.models import User
from pingyi.accounts.roles import Actor, person
from pingyi.accounts.scopes import can_edit
from pingyi.audit.services import audit_record
from pingyi.catalog.models import District, DutyShift
from pingyi.imports.kinds import RowErrors
from pingyi.ledger.models import ServiceRecord
from pingyi.ledger.staging import NEW, REFUSED, UNCHANGED, Staging
from pingyi.ledger.validation import COLUMNS, RecordValidator, StagedRow

MAX_BATCH = 10_000
# The API's field names for the validator's keys (the Chinese column labels name them on pages and in files).
API_FIELDS = {c.label: ("item_code" if c.key == "item" else c.key) for c in COLUMNS}
_STATUS = {NEW: "created", UNCHANGED: "unchanged"}


def late_after() -> timedelta:
    """A record entered more than this after it was received counts as entered late (补录)."""
    return timedelta(hours=getattr(settings, "PINGYI_LEDGER_LATE_HOURS", 24))


@dataclass
class BatchResult:
    created: int = 0
    unchanged: int = 0
    errors: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)


def _district(actor: Actor, district: District | None) -> District:
    found = district or (actor.district if isinstance(actor, User) else None)
    if found is None:
        raise ValidationError("请指定区")
    return found


def _row_dict(staged: StagedRow) -> dict[str, Any]:
    names = (
        "unit_id",
        "record_no",
        "window_id",
        "staff_id",
        "item_id",
        "stage",
        "received_at",
        "finished_at",
    )
    keys = ("phone_ciphertext", "phone_index", "phone_masked", "applicant_ciphertext", "rating_code")
    return {**dict(zip(names, staged[1:9], strict=True)), **dict(zip(keys, staged[9:], strict=True))}


def records_ingest(
    *, actor: Actor, records: list[dict[str, str]], district: District | None = None, source: str = "upload"
) -> BatchResult:
    """Validate and store a batch; every record gets its own result (created / unchanged / error)."""
    if not can_edit(actor, ServiceRecord):
        raise PermissionDenied("您的角色不能录入办件")
    if len(records) > MAX_BATCH:
        raise ValidationError(f"一次最多上传 {MAX_BATCH} 条办件")
    district = _district(actor, district)
    validator = RecordValidator(actor=actor, district=district, source=source)
    outcome = BatchResult(results=[{} for _ in records])
    staged: list[StagedRow] = []
    for index, values in enumerate(records):
        try:
            staged.append(validator.validate(index, values))
        except RowErrors as exc:
            outcome.results[index] = {
                "status": "error",
                "errors": [{"field": API_FIELDS.get(c, c), "message": m} for c, m in exc.problems],
            }
    with transaction.atomic():
        # Created, filled and dropped in one transaction: under PgBouncer's transaction pooling the next
        # transaction may run on another server session, where the temporary table does not exist; on an error
        # the rollback removes it.
        staging = Staging()
        for start in range(0, len(staged), 5000):
            staging.add(staged[start : start + 5000])
        _, problems = staging.classify(None)
        for index, message in problems:
            outcome.results[index] = {
                "status": "error",
                "errors": [{"field": "record_no", "message": message}],
            }
        counts = staging.counts()
        units = staging.unit_counts()
        outcome.created = staging.write(
            district_id=district.pk,
            source=source,
            entered_by_id=actor.pk if isinstance(actor, User) else None,
            entered_at=timezone.now(),
        )
        for index, (pk, code, state) in staging.stored().items():
            outcome.results[index] = {"status": _STATUS[state], "id": pk, "rating_code": code}
        outcome.unchanged = counts.get(UNCHANGED, 0)
        outcome.errors = len(records) - len(staged) + counts.get(REFUSED, 0)
        audit_record(
            actor=actor,
            action="ledger.records_ingest",
            district_id=district.pk,
            object_type="ledger.servicerecord",
            object_repr=f"{len(records)} 条办件",
            after={
                "source": source,
                "records": len(records),
                "created": outcome.created,
                "unchanged": outcome.unchanged,
                "errors": outcome.errors,
                "units": units,
            },
        )
        staging.drop()
    for index, values in enumerate(records):
        outcome.results[index] = {
            "index": index,
            "record_no": values.get("record_no", ""),
            **outcome.results[index],
        }
    return outcome


def manual_record_no() -> str:
    return f"SD{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10**4):04d}"


def record_create(
    *,
    actor: Actor,
    window: Any,
    staff: Any = None,
    item: Any = None,
    record_no: str = "",
    applicant: str = "",
    phone: str = "",
    received_at: datetime,
    finished_at: datetime | None = None,
    stage: str = "",
) -> ServiceRecord:
    """One record entered by hand at a window (手工录入); the same checks as a file row."""
    if not can_edit(actor, ServiceRecord):
        raise PermissionDenied("您的角色不能录入办件")
    district = window.unit.district
    if staff is None:
        shift = (
            DutyShift.objects.select_related("staff")
            .filter(
                window=window, starts_at__lte=received_at, ends_at__gt=received_at, staff__unit=window.unit
            )
            .order_by("-starts_at")
            .first()
        )
        staff = shift.staff if shift is not None else None
    validator = RecordValidator(actor=actor, district=district, source=ServiceRecord.Source.MANUAL)
    values = {
        "record_no": record_no.strip() or manual_record_no(),
        "unit": window.unit.credit_code,
        "window": f"#{window.pk}",
        "staff": staff.employee_no if staff is not None else "",
        "item": item.code if item is not None else "",
        "applicant": applicant,
        "phone": phone,
        "received_at": timezone.localtime(received_at).isoformat(),
        "finished_at": timezone.localtime(finished_at).isoformat() if finished_at else "",
        "stage": stage,
    }
    try:
        staged = validator.validate(0, values)
    except RowErrors as exc:
        raise ValidationError(
            {API_FIELDS.get(c, "__all__"): m for c, m in exc.problems}  # type: ignore[arg-type]
        ) from None
    record = ServiceRecord(
        district=district,
        source=ServiceRecord.Source.MANUAL,
        entered_by=person(actor),
        **_row_dict(staged),
    )
    try:
        with transaction.atomic():
            record.save()
            audit_record(
                actor=actor,
                action="ledger.record_create",
                obj=record,
                after={"record_no": record.record_no, "unit": record.unit_id, "window": record.window_id},
            )
    except IntegrityError:
        raise ValidationError({"record_no": f"办件编号“{values['record_no']}”已录入"}) from None
    return record
