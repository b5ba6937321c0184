"""Integrity at the door: the devices staff sign in with, so that a rating from one of them is flagged.

When a staff member, unit admin or hall manager signs in, the browser's device fingerprint
(fingerprints.device_fingerprint, from the same ``pyd`` cookie the rating page reads) is remembered in StaffDevice.
``rating_submit`` then flags ("staff_device") any rating made from that browser — colleagues rating each other from
their own phones (交叉互评) is the pattern inspectors found in Wuhan.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from pingyi.accounts.models import Role, User
from pingyi.accounts.roles import Someone, has_role
from pingyi.audit.services import audit_record
from pingyi.ratings.models import StaffDevice

# Accounts whose devices are remembered: the people who are rated or manage those who are.
STAFF_DEVICE_ROLES = frozenset({Role.STAFF, Role.UNIT_ADMIN, Role.HALL_MANAGER})


def records_devices(user: Someone) -> bool:
    return has_role(user, STAFF_DEVICE_ROLES)


def _district_id(user: User) -> int | None:
    """The district of the account's anchor, so that the district's inspectors read the entry."""
    if user.district_id:
        return user.district_id
    for anchor in (getattr(user, "hall", None), getattr(user, "unit", None)):
        if anchor is not None:
            return int(anchor.district_id)
    staff = getattr(user, "staff", None)
    return int(staff.unit.district_id) if staff is not None else None


def staff_device_record(*, user: User, device_fp: str) -> StaffDevice | None:
    """Remember that ``user`` signed in from ``device_fp``; one audit entry the first time a pair is seen.

    Returns the StaffDevice, or None when the user's role is not one whose devices are remembered.
    """
    if not device_fp or not records_devices(user):
        return None
    existing = StaffDevice.objects.filter(user=user, device_fp=device_fp).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            device = StaffDevice.objects.create(user=user, device_fp=device_fp)
            audit_record(
                actor=user,
                action="staff_device.record",
                obj=device,
                district_id=_district_id(user),
                object_repr=f"{user.get_username()} {device_fp[:8]}",
                after={"user_id": user.pk, "role": str(user.role), "device_fp": device_fp},
            )
            return device
    except IntegrityError:  # the same browser signed in twice at once; the other request recorded it
        return StaffDevice.objects.get(user=user, device_fp=device_fp)
