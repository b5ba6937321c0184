"""The ledger's references without database foreign keys (decision 0017): still checked, still protected."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from pingyi.catalog.models import Window
from pingyi.ledger.models import ServiceRecord
from pingyi.ledger.services import record_create
from pingyi.ledger.staging import Staging
from pingyi.ledger.validation import RecordValidator

VALUES = {"record_no": "BJ-9", "unit": "U001", "window": "099", "received_at": "2023-12-13 09:05"}


@pytest.mark.django_db(transaction=True)
def test_a_window_deleted_between_checking_and_writing_refuses_the_batch(world):
    window = Window.objects.create(hall=world.hall, unit=world.unit_a, code="099", name="临时窗口")
    validator = RecordValidator(actor=None, district=world.district, source=ServiceRecord.Source.IMPORT)
    staged = validator.validate(2, VALUES)
    staging = Staging()
    try:
        staging.add([staged])
        assert staging.classify(None) == (0, [])
        window.delete()  # nothing refers to it yet, so the ORM lets it go
        with pytest.raises(IntegrityError, match="窗口已不存在"), transaction.atomic():
            staging.write(
                district_id=world.district.pk, source="import", entered_by_id=None, entered_at=timezone.now()
            )
    finally:
        staging.drop()
    assert not ServiceRecord.objects.filter(record_no="BJ-9").exists()


@pytest.mark.django_db
def test_a_window_with_records_cannot_be_deleted(world):
    record_create(
        actor=world.users["unit_a"], window=world.window_a, staff=world.staff_a, received_at=timezone.now()
    )
    with pytest.raises(ProtectedError):
        world.window_a.delete()
    with pytest.raises(ProtectedError):
        world.staff_a.delete()
    assert ServiceRecord.objects.filter(window=world.window_a).count() == 1
