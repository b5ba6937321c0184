"""The drill's data, through pingyi's own services and ORM, run on an app host (its environment, its database).

    python deploy/drill/data.py seed RECORDS      a district with one hall, unit, window, staff on duty, a QR poster,
                                                 a window device and RECORDS service records to rate; prints JSON
    python deploy/drill/data.py count ACKS.json   what is stored of the drill's ratings against what was acknowledged
    python deploy/drill/data.py jobs N            N jobs through Redis; waits until the workers have run them

Each prints one JSON object on its last line. Only the drill runs it (deploy/drill/drill.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

RECORD_PREFIX = "DRILL-"
COMMENT_PREFIX = "drill-citizen-"
PASSWORD = "drill-password-not-secret"


def seed(records: int) -> dict[str, Any]:
    from pingyi.accounts.models import Role
    from pingyi.accounts.services import user_create
    from pingyi.catalog.models import District, DutyShift, Hall, Staff, Unit, Window, WindowHours
    from pingyi.ledger.models import ServiceRecord
    from pingyi.lib.codes import credit_code_check_char
    from pingyi.ratings import formtoken
    from pingyi.ratings.channels.device.services import device_register
    from pingyi.ratings.posters.services import poster_issue

    district = District.objects.create(code="429901", name="演练区")
    hall = Hall.objects.create(district=district, code="H01", name="演练区市民服务中心")
    body = "12429901000000001"
    unit = Unit.objects.create(
        district=district,
        hall=hall,
        code="U001",
        name="演练区市场监管局",
        credit_code=body + credit_code_check_char(body),
    )
    window = Window.objects.create(hall=hall, unit=unit, code="001", name="综合受理1号窗口")
    for weekday in range(7):  # open all day, every day: no rating is flagged as outside office hours
        WindowHours.objects.create(window=window, weekday=weekday, opens=clock(0, 0), closes=clock(23, 59))
    staff = Staff(unit=unit, employee_no="D-001", name="演练员")
    staff.set_phone("13800009999")
    staff.save()
    now = timezone.now()
    DutyShift.objects.create(
        window=window, staff=staff, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3)
    )
    manager = user_create(
        actor=None, username="drill-hall", password=PASSWORD, role=Role.HALL_MANAGER, hall=hall
    )
    user_create(
        actor=None, username="drill-inspector", password=PASSWORD, role=Role.INSPECTOR, district=district
    )
    poster = poster_issue(actor=None, window=window)
    _, device_token = device_register(actor=manager, window=window, name="演练评价器", kind="pad")
    ServiceRecord.objects.bulk_create(
        ServiceRecord(
            district=district,
            unit=unit,
            window=window,
            staff=staff,
            record_no=f"{RECORD_PREFIX}{n:06d}",
            received_at=now - timedelta(minutes=50),
            finished_at=now - timedelta(minutes=20),
            source=ServiceRecord.Source.MANUAL,
        )
        for n in range(records)
    )
    return {
        "district": district.code,
        "poster": poster.token,
        "form_token": formtoken.issue(poster.token),
        "device_token": device_token,
        "record_prefix": RECORD_PREFIX,
        "records": records,
        "comment_prefix": COMMENT_PREFIX,
        "inspector": "drill-inspector",
        "password": PASSWORD,
    }


def count(acks_path: Path) -> dict[str, Any]:
    """Acknowledged against stored: lost (acknowledged, not stored) and duplicated (stored more than once)."""
    from pingyi.ratings.models import Rating

    acks = json.loads(acks_path.read_text(encoding="utf-8"))
    device = Rating.objects.filter(record__record_no__startswith=RECORD_PREFIX)
    per_record = device.values("record__record_no").annotate(n=Count("id"))
    device_ids = set(device.values_list("id", flat=True))
    citizen = Rating.objects.filter(comment__startswith=COMMENT_PREFIX)
    per_comment = citizen.values("comment").annotate(n=Count("id"))
    stored_comments = {row["comment"] for row in per_comment}
    return {
        "device": {
            "acknowledged": len(acks["device_ids"]),
            "stored": len(device_ids),
            "lost": len(set(acks["device_ids"]) - device_ids),
            "duplicated": sum(row["n"] - 1 for row in per_record if row["n"] > 1),
        },
        "citizen": {
            "acknowledged": len(acks["citizen_comments"]),
            "stored": len(stored_comments),
            "lost": len(set(acks["citizen_comments"]) - stored_comments),
            "duplicated": sum(row["n"] - 1 for row in per_comment if row["n"] > 1),
            "unanswered": len(acks["citizen_unanswered"]),
            "unanswered_stored": len(set(acks["citizen_unanswered"]) & stored_comments),
        },
    }


def jobs(n: int) -> dict[str, Any]:
    """Enqueue n jobs (through the broker: Redis) and wait for the workers' results (stored in the database)."""
    from django_q.tasks import async_task, result

    started = time.monotonic()
    ids = [async_task("math.hypot", 3, 4 + k) for k in range(n)]
    results = [result(task_id, wait=60_000) for task_id in ids]
    return {
        "enqueued": n,
        "done": sum(r is not None for r in results),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str]) -> None:
    command, argument = argv[0], argv[1]
    if command == "seed":
        answer = seed(int(argument))
    elif command == "count":
        answer = count(Path(argument))
    elif command == "jobs":
        answer = jobs(int(argument))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
