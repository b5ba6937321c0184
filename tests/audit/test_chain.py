"""The audit chain: one entry per catalogue save, and `pingyi audit verify` catches any edit, deletion or reordering."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from helpers_files import LiveDatabase

from pingyi.audit.models import AuditEntry, ChainHead
from pingyi.audit.selectors import chain_verify
from pingyi.catalog.hours import parse_hours
from pingyi.catalog.models import ServiceItem, Staff, Unit, Window
from pingyi.catalog.services import catalog_object_save
from tests.conftest import credit

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)
TRIGGER = "audit_auditentry_append_only"


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()


def some_saves(world: Any) -> None:
    """Four catalogue saves by the hall manager: a new unit, its rename, a new window, a new staff member."""
    manager = world.users["hall_manager"]
    unit = catalog_object_save(
        actor=manager,
        instance=Unit(
            district=world.district, hall=world.hall, code="U010", name="区税务局", credit_code=credit(10)
        ),
    )
    unit.name = "区税务局（更名）"
    catalog_object_save(actor=manager, instance=unit)
    window = Window(hall=world.hall, unit=unit, code="010", name="税务窗口")
    catalog_object_save(actor=manager, instance=window, hours=parse_hours("周一至周五 09:00-12:00"))
    catalog_object_save(
        actor=manager, instance=Staff(unit=unit, employee_no="T-001", name="钱七"), phone="13600006666"
    )


def renamed(instance: Any, name: str) -> Any:
    instance.name = name
    return instance


def tamper(sql: str, *params: Any) -> None:
    """Change the log behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {TRIGGER}")


def swap_seq(a: int, b: int) -> None:
    tamper(
        "UPDATE audit_auditentry SET seq = CASE WHEN seq = %s THEN %s ELSE %s END WHERE seq IN (%s, %s)",
        a,
        -b,
        -a,
        a,
        b,
    )
    tamper("UPDATE audit_auditentry SET seq = -seq WHERE seq < 0")


# --- writing ---------------------------------------------------------------------------------------------------


def test_every_catalogue_save_writes_one_entry_and_the_chain_verifies(world):
    manager = world.users["hall_manager"]
    saves = [
        (
            "unit.create",
            lambda: catalog_object_save(
                actor=manager,
                instance=Unit(
                    district=world.district,
                    hall=world.hall,
                    code="U010",
                    name="区税务局",
                    credit_code=credit(10),
                ),
            ),
        ),
        (
            "unit.update",
            lambda: catalog_object_save(actor=manager, instance=renamed(world.unit_b, "区城市管理执法局")),
        ),
        (
            "window.update",
            lambda: catalog_object_save(
                actor=manager,
                instance=world.window_a,
                hours=parse_hours("周一至周五 09:00-12:00；周六 09:00-11:30"),
            ),
        ),
        (
            "staff.create",
            lambda: catalog_object_save(
                actor=manager,
                instance=Staff(unit=world.unit_a, employee_no="A-009", name="钱七"),
                phone="13600006666",
            ),
        ),
        (
            "serviceitem.create",
            lambda: catalog_object_save(
                actor=manager,
                instance=ServiceItem(
                    district=world.district, unit=world.unit_b, code="420113009", name="占道许可"
                ),
                m2m={"windows": [world.window_b]},
            ),
        ),
    ]
    for action, save in saves:
        count = AuditEntry.objects.count()
        instance = save()
        assert AuditEntry.objects.count() == count + 1
        entry = last_entry()
        assert (entry.action, entry.object_id, entry.actor_label) == (action, str(instance.pk), "hallmgr")
        assert ChainHead.objects.get().seq == entry.seq
        assert chain_verify().ok
    assert AuditEntry.objects.get(action="unit.update").after == {"name": "区城市管理执法局"}
    window_entry = AuditEntry.objects.get(action="window.update")
    assert (
        window_entry.after["hours"][-1] == "5:09:00-11:30" and "0:08:30-12:00" in window_entry.before["hours"]
    )
    staff_entry = AuditEntry.objects.get(action="staff.create")
    assert "13600006666" not in json.dumps(staff_entry.after) and staff_entry.after["phone_masked"].endswith(
        "6666"
    )
    assert chain_verify().checked == AuditEntry.objects.count()


def test_a_refused_or_invalid_save_writes_nothing(world):
    count = AuditEntry.objects.count()
    world.window_b.name = "改名"
    with pytest.raises(PermissionDenied):
        catalog_object_save(actor=world.users["unit_a"], instance=world.window_b)
    with pytest.raises(ValidationError):
        catalog_object_save(
            actor=world.users["hall_manager"],
            instance=Unit(
                district=world.district,
                hall=world.hall,
                code="U011",
                name="坏代码",
                credit_code="12420113000000011X",
            ),
        )
    assert AuditEntry.objects.count() == count
    assert chain_verify().ok


# --- `pingyi audit verify`, as a real subprocess -----------------------------------------------------------------


@pytest.fixture
def live(live: LiveDatabase, world: Any) -> LiveDatabase:
    """tests/conftest.py's ``live``, after some catalogue saves."""
    some_saves(world)
    return live


def test_verify_passes_an_intact_chain(live):
    result = live.pingyi("audit", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"audit chain intact: {AuditEntry.objects.count()} entries verified"


@pytest.mark.parametrize(
    ("column", "value"),
    [("object_repr", "无关紧要的记录"), ("actor_label", "someone-else"), ("action", "unit.view")],
)
def test_verify_names_an_edited_entry(live, column, value):
    tamper(f"UPDATE audit_auditentry SET {column} = %s WHERE seq = %s", value, 11)
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1
    assert "audit chain BROKEN at entry #11: entry #11 was altered (hash mismatch)" in result.stderr


def test_verify_names_an_edited_entry_even_when_its_hash_is_recomputed_without_the_key(live):
    entry = AuditEntry.objects.get(seq=12)
    forged = hmac.new(b"guessed key", (entry.prev_hash + "{}").encode(), hashlib.sha256).hexdigest()
    tamper("UPDATE audit_auditentry SET object_repr = %s, hash = %s WHERE seq = %s", "篡改", forged, 12)
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1
    assert "audit chain BROKEN at entry #12: entry #12 was altered" in result.stderr


def test_verify_names_a_deleted_middle_entry(live):
    tamper("DELETE FROM audit_auditentry WHERE seq = %s", 5)
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1
    assert "audit chain BROKEN at entry #5: entry #5 is missing (found #6)" in result.stderr


def test_verify_names_a_deleted_last_entry(live):
    last = last_entry().seq
    tamper("DELETE FROM audit_auditentry WHERE seq = %s", last)
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1
    assert (
        f"audit chain BROKEN at entry #{last}: the chain head names #{last} but the log ends at #{last - 1}"
        in result.stderr
    )


def test_verify_names_the_first_of_two_swapped_entries(live):
    swap_seq(4, 11)
    assert AuditEntry.objects.get(seq=4).action == "unit.update"  # the rows really moved
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1
    assert "audit chain BROKEN at entry #4: entry #4 does not follow #3" in result.stderr


# --- PostgreSQL refuses changes to the log ------------------------------------------------------------------------


@postgres_only
def test_postgres_refuses_update_and_delete_of_the_log(world):
    some_saves(world)
    count, entry = AuditEntry.objects.count(), AuditEntry.objects.get(seq=3)
    attempts = [
        lambda: AuditEntry.objects.filter(seq=3).update(object_repr="篡改"),
        lambda: AuditEntry.objects.filter(seq=3).delete(),
        lambda: entry.save(),
        lambda: connection.cursor().execute("UPDATE audit_auditentry SET seq = seq + 100 WHERE seq = 3"),
        lambda: connection.cursor().execute("DELETE FROM audit_auditentry"),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="audit log is append-only"), transaction.atomic():
            attempt()
    assert AuditEntry.objects.count() == count
    assert chain_verify().ok


@postgres_only
def test_postgres_with_the_trigger_disabled_tampering_is_still_detected(live):
    tamper("UPDATE audit_auditentry SET after = NULL WHERE seq = %s", 10)
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1 and "BROKEN at entry #10" in result.stderr
    with pytest.raises(DatabaseError, match="append-only"):  # and the trigger is back on
        AuditEntry.objects.filter(seq=1).delete()


# --- the log viewer ----------------------------------------------------------------------------------------------


def listed(body: str) -> list[str]:
    """The actions in the rows of the log table, top to bottom."""
    return re.findall(r'<td class="mono">([^<]+)</td>', body)


def test_inspectors_filter_the_log(world):
    some_saves(world)
    client = world.client("inspector")
    everything = listed(client.get("/audit/").content.decode())
    assert everything[:4] == ["staff.create", "window.create", "unit.update", "unit.create"]
    # Accounts of the other district (and the district-less superuser) are not in this inspector's log.
    own = [u for u in world.users.values() if u.district_id == world.district.pk]
    assert everything.count("user.create") == len(own) < len(world.users)
    assert listed(client.get("/audit/?action=unit").content.decode()) == ["unit.update", "unit.create"]
    assert listed(client.get("/audit/?actor=hallmgr").content.decode()) == everything[:4]
    window = Window.objects.get(code="010")
    by_object = client.get(f"/audit/?object_type=catalog.window&object_id={window.pk}").content.decode()
    assert listed(by_object) == ["window.create"]
    today = timezone.localdate()
    assert listed(client.get(f"/audit/?from={today}&to={today}").content.decode()) == everything
    later = client.get(f"/audit/?from={today + timedelta(days=1)}").content.decode()
    assert listed(later) == [] and "没有符合条件的记录" in later
    assert listed(client.get(f"/audit/?to={today - timedelta(days=1)}").content.decode()) == []
    assert listed(client.get("/audit/?from=not-a-date").content.decode()) == everything


def test_the_detail_page_shows_before_and_after(world):
    some_saves(world)
    entry = AuditEntry.objects.get(action="unit.update")
    body = world.client("inspector").get(f"/audit/{entry.seq}/").content.decode()
    assert "区税务局（更名）" in body and entry.hash in body and entry.prev_hash in body


def test_the_verify_button_reports_an_intact_chain_and_then_the_break(world):
    some_saves(world)
    client = world.client("inspector")
    count = AuditEntry.objects.count()
    body = client.get("/audit/?verify=1").content.decode()
    assert f"哈希链完整：已校验 {count} 条记录。" in body
    assert "校验哈希链" in client.get("/audit/").content.decode()
    tamper("UPDATE audit_auditentry SET object_repr = %s WHERE seq = %s", "篡改", 6)
    body = client.get("/audit/?verify=1").content.decode()
    assert "哈希链在第 6 条记录处断裂：entry #6 was altered (hash mismatch)" in body
    assert "哈希链完整" not in body


@pytest.mark.parametrize("who", ["hall_manager", "sub_manager", "unit_a", "clerk", "operator"])
@pytest.mark.parametrize("url", ["/audit/", "/audit/?verify=1", "/audit/1/"])
def test_only_inspectors_see_the_log(world, who, url):
    assert world.client(who).get(url).status_code == 404


def test_the_superuser_sees_the_log_and_anonymous_visitors_are_sent_to_log_in(world, client):
    assert world.client("root").get("/audit/1/").status_code == 200
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_time_fields_in_entries_survive_the_round_trip(world):
    """A window's hours are TimeFields: the JSON the chain hashes must be what the database gives back."""
    window = Window(hall=world.hall, unit=world.unit_a, code="099", name="夜间窗口")
    catalog_object_save(
        actor=world.users["hall_manager"], instance=window, hours=parse_hours("每天 18:00-24:00")
    )
    assert last_entry().after["hours"][0] == "0:18:00-23:59"
    assert chain_verify().ok


def test_an_inspector_reads_only_its_own_districts_log(world):
    from pingyi.catalog.models import Unit
    from pingyi.catalog.services import catalog_object_save

    unit = Unit.objects.get(pk=world.unit_other.pk)
    unit.name = "邻区市场监管局（改）"
    catalog_object_save(actor=world.users["root"], instance=unit)
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.district_id == world.other_district.pk
    assert world.client("inspector").get(f"/audit/{entry.seq}/").status_code == 404
    assert world.client("outsider").get(f"/audit/{entry.seq}/").status_code == 200
    assert "邻区市场监管局（改）" not in world.client("inspector").get("/audit/").content.decode()
