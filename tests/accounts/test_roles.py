"""The role predicates: every role of the shared world asked every question, with and without an anchor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from pingyi.accounts.models import Role, User
from pingyi.accounts.roles import (
    CITIZEN,
    SYSTEM,
    SystemActor,
    as_actor,
    has_role,
    inspectors_of,
    is_hall_manager,
    is_inspector,
    is_operator,
    is_superuser,
    is_system,
    is_unit_admin,
    is_window_staff,
    person,
)
from pingyi.audit.models import AuditEntry
from pingyi.audit.services import audit_record

PEOPLE = (
    "inspector",
    "hall_manager",
    "sub_manager",
    "unit_a",
    "unit_b",
    "clerk",
    "operator",
    "outsider",
    "root",
)
# Who is asked: every role of the shared world, a superuser by Django's flag only, a deactivated inspector, two
# system actors and an anonymous visitor.
EVERYONE = (*PEOPLE, "flag_root", "inactive", "system", "citizen", "anonymous")


@pytest.fixture
def whos(world: Any) -> dict[str, Any]:
    everyone: dict[str, Any] = dict(world.users)
    everyone["flag_root"] = User.objects.create(
        username="flagroot", role=Role.INSPECTOR, district=world.district, is_superuser=True
    )
    everyone["inactive"] = User.objects.create(
        username="gone", role=Role.INSPECTOR, district=world.district, is_active=False
    )
    everyone["system"], everyone["citizen"], everyone["anonymous"] = SYSTEM, CITIZEN, AnonymousUser()
    return everyone


def _anchor(world: Any, name: str | None) -> Any:
    if name is None:
        return None
    if name.endswith(".pk"):
        return getattr(world, name[:-3]).pk
    return getattr(world, name)


SUPERUSERS = {"root", "flag_root"}
Predicate = Callable[..., bool]

TABLE: list[tuple[Predicate, str | None, set[str]]] = [
    (is_superuser, None, SUPERUSERS),
    (is_inspector, None, {"inspector", "outsider", *SUPERUSERS}),
    (is_inspector, "district", {"inspector", *SUPERUSERS}),
    (is_inspector, "district.pk", {"inspector", *SUPERUSERS}),
    (is_inspector, "other_district", {"outsider", *SUPERUSERS}),
    (is_operator, None, {"operator", *SUPERUSERS}),
    (is_operator, "district", {"operator", *SUPERUSERS}),
    (is_operator, "other_district", SUPERUSERS),
    (is_unit_admin, None, {"unit_a", "unit_b"}),
    (is_unit_admin, "unit_a", {"unit_a"}),
    (is_unit_admin, "unit_b.pk", {"unit_b"}),
    (is_unit_admin, "unit_other", set()),
    (is_hall_manager, None, {"hall_manager", "sub_manager"}),
    (is_hall_manager, "hall", {"hall_manager"}),
    (is_hall_manager, "sub_hall", {"hall_manager", "sub_manager"}),  # a manager's scope includes sub-centres
    (is_hall_manager, "other_hall", set()),
    (is_window_staff, None, {"clerk"}),
    (is_window_staff, "staff_a", {"clerk"}),
    (is_window_staff, "staff_b", set()),
    (is_system, None, {"system", "citizen"}),
]


@pytest.mark.parametrize(
    ("predicate", "anchor", "expected"),
    TABLE,
    ids=[f"{p.__name__}({a or ''})" for p, a, _ in TABLE],
)
def test_each_role_answers_each_question(
    world: Any, whos: dict[str, Any], predicate: Predicate, anchor: str | None, expected: set[str]
) -> None:
    args = () if anchor is None else (_anchor(world, anchor),)
    answers = {name for name in EVERYONE if predicate(whos[name], *args)}
    assert answers == expected


def test_every_role_of_the_model_is_asked(world: Any) -> None:
    asked = {world.users[name].role for name in PEOPLE}
    assert asked == set(Role.values)


def test_only_an_active_user_is_a_person(whos: dict[str, Any]) -> None:
    assert {name for name in EVERYONE if person(whos[name]) is not None} == {*PEOPLE, "flag_root"}
    assert not is_inspector(None) and not is_superuser(None) and person(None) is None


def test_has_role_reads_the_role_of_an_active_user(whos: dict[str, Any]) -> None:
    answers = {name for name in EVERYONE if has_role(whos[name], [Role.INSPECTOR, Role.OPERATOR])}
    assert answers == {"inspector", "outsider", "operator", "flag_root"}


def test_a_system_actor_is_named_in_the_audit_log(db: Any) -> None:
    audit_record(actor=SystemActor("cli"), action="test.cli")
    audit_record(actor=as_actor(None), action="test.none")
    labels = dict(AuditEntry.objects.values_list("action", "actor_label"))
    assert labels["test.cli"] == "cli" and labels["test.none"] == "system"
    assert as_actor("nightly") == SystemActor("nightly") and str(CITIZEN) == "citizen"


def test_the_inspectors_of_a_district_are_its_active_inspector_accounts(
    world: Any, whos: dict[str, Any]
) -> None:
    names = {
        name for name in PEOPLE + ("flag_root", "inactive") if whos[name] in inspectors_of(world.district)
    }
    assert names == {"inspector", "flag_root"}
    assert set(inspectors_of(world.other_district.pk)) == {whos["outsider"]}
