"""A small catalogue for the benchmark: one district, one hall, 5 units, 20 windows with office hours, a staff
member per window and one current QR poster per window. Run inside Django (p1_app.settings)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from pingyi.catalog.models import District, Hall, Staff, Unit, Window, WindowHours
from pingyi.lib.codes import credit_code_check_char
from pingyi.ratings.models import QrPoster


def seed(units: int = 5, windows_per_unit: int = 4) -> list[str]:
    """Create the catalogue and return the poster tokens."""
    district = District.objects.create(code="429901", name="基准测试区")
    hall = Hall.objects.create(district=district, code="H01", name="基准市民服务中心")
    tokens: list[str] = []
    for u in range(units):
        body = f"12429901{u:09d}"
        unit = Unit.objects.create(
            district=district,
            hall=hall,
            code=f"U{u:03d}",
            name=f"基准单位{u}",
            credit_code=body + credit_code_check_char(body),
        )
        for w in range(windows_per_unit):
            window = Window.objects.create(hall=hall, unit=unit, code=f"{u}{w:02d}", name=f"窗口{u}-{w}")
            for weekday in range(5):
                WindowHours.objects.create(
                    window=window, weekday=weekday, opens=time(8, 30), closes=time(12, 0)
                )
                WindowHours.objects.create(
                    window=window, weekday=weekday, opens=time(14, 0), closes=time(17, 30)
                )
            staff = Staff(unit=unit, employee_no=f"S{u}{w:02d}", name=f"工作人员{u}{w}")
            staff.set_phone(f"1880000{u:02d}{w:02d}")
            staff.save()
            poster = QrPoster.objects.create(
                window=window, version=1, expires_on=timezone.localdate() + timedelta(days=365)
            )
            tokens.append(poster.token)
    return tokens
