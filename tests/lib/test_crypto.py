"""Phones are encrypted at rest, matched by blind index and shown masked."""

from __future__ import annotations

from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from pingyi.catalog.models import Staff
from pingyi.lib import crypto


def test_a_staff_phone_is_not_stored_in_clear(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM catalog_staff WHERE id = %s", [world.staff_a.pk])
        row = cursor.fetchone()
    assert not any("13800001111" in str(value) for value in row)
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert staff.phone_plain() == "13800001111"
    assert staff.phone_masked == "138****1111"


def test_equal_phones_share_a_blind_index_whatever_their_formatting(world):
    assert crypto.blind_index(crypto.normalize_phone("+86 138-0000-1111")) == world.staff_a.phone_index


def test_staff_pages_show_only_the_masked_phone(world):
    body = world.client("unit_a").get(f"/catalog/staff/{world.staff_a.pk}/").content.decode()
    assert "138****1111" in body and "13800001111" not in body


def test_revealing_a_phone_is_logged(world):
    from pingyi.audit.models import AuditEntry

    response = world.client("unit_a").post(f"/catalog/staff/{world.staff_a.pk}/phone/", {"reason": "核对"})
    assert response.content.decode() == "13800001111"
    entry = AuditEntry.objects.filter(action="personal_data.read").latest("seq")
    assert entry.object_id == str(world.staff_a.pk) and entry.actor_label == "unita"


def test_a_unit_admin_cannot_reveal_another_units_phone(world):
    response = world.client("unit_a").post(f"/catalog/staff/{world.staff_b.pk}/phone/", {"reason": "x"})
    assert response.status_code == 404


@given(st.text(max_size=200))
def test_encryption_round_trips_any_text(text):
    assert crypto.decrypt(crypto.encrypt(text)) == text


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masking_keeps_only_the_first_three_and_last_four_digits(phone):
    masked = crypto.mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]
