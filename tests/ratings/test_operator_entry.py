"""Operators enter ratings taken on the 12345 hotline, the city message board and the mayor's line."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pingyi.accounts.models import Role
from pingyi.accounts.services import user_create
from pingyi.ratings.models import Rating


def form_data(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "channel": "hotline",
        "external_ref": "12345-20260310-0001",
        "unit": world.unit_a.pk,
        "window": world.window_a.pk,
        "item": world.item_a.pk,
        "level": 2,
        "tags": ["213"],
        "comment": "窗口人员对业务不熟悉，来回跑了三趟",
        "phone": "13512345678",
        "rated_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("channel", "label"),
    [("hotline", "12345热线"), ("message_board", "城市留言板"), ("mayor_line", "市长专线")],
)
def test_an_operator_enters_a_rating_from_each_channel(world, channel, label):
    client = world.client("operator")
    form = client.get("/operator/ratings/new/")
    assert form.status_code == 200 and label in form.content.decode()
    response = client.post(
        "/operator/ratings/new/", form_data(world, channel=channel, external_ref=f"{channel}-1")
    )
    assert response.status_code == 302 and response.url == "/operator/ratings/"
    rating = Rating.objects.get()
    assert (rating.channel, rating.external_ref, rating.entered_by) == (
        channel,
        f"{channel}-1",
        world.users["operator"],
    )
    assert (rating.unit, rating.window, rating.item) == (world.unit_a, world.window_a, world.item_a)
    assert rating.level == 2 and rating.negative and rating.tags == ["213"] and rating.tracking_code
    assert rating.phone_masked == "135****5678" and "13512345678" not in rating.phone_ciphertext
    listing = client.get(response.url).content.decode()
    assert f"{channel}-1" in listing and label in listing and rating.tracking_code in listing


def test_the_rating_can_name_only_a_unit(world):
    client = world.client("operator")
    data = form_data(
        world, unit=world.unit_b.pk, window=None, item=None, tags=None, phone=None, level=5, comment=""
    )
    assert client.post("/operator/ratings/new/", data).status_code == 302
    rating = Rating.objects.get()
    assert rating.unit == world.unit_b and rating.phone_masked == ""
    assert rating.window is None and rating.level5 == 5 and rating.tracking_code is None


def test_errors_are_shown_in_chinese_on_the_form(world):
    client = world.client("operator")
    cases = [
        (form_data(world, window=world.window_b.pk), "该窗口不属于所选单位"),
        (form_data(world, item=world.item_b.pk), "该事项不属于所选单位"),
        (form_data(world, level=5), "不属于“非常满意”"),  # tag 213 is a 2★ reason
        (form_data(world, phone="12ab"), "手机号码格式不正确"),
        (form_data(world, external_ref=""), "这个字段是必填项"),
        (form_data(world, rated_at="2999-01-01T10:00"), "评价时间不能晚于当前时间"),
        (form_data(world, unit=world.unit_other.pk), "选择一个有效的选项"),  # another district's unit
    ]
    for data, message in cases:
        response = client.post("/operator/ratings/new/", data)
        page = response.content.decode()
        assert response.status_code == 200 and message in page, message
        assert 'class="errorbox"' in page and "窗口人员对业务不熟悉" in page  # the entry is kept
    assert not Rating.objects.exists()


def test_an_operator_sees_only_the_ratings_it_entered(world):
    colleague = user_create(
        actor=None,
        username="operator2",
        password="correct-horse-battery",
        role=Role.OPERATOR,
        district=world.district,
    )
    mine = world.client("operator")
    mine.post("/operator/ratings/new/", form_data(world, external_ref="MINE-1"))
    theirs = Client()
    theirs.force_login(colleague)
    theirs.post("/operator/ratings/new/", form_data(world, external_ref="THEIRS-1", phone="13611112222"))
    assert Rating.objects.count() == 2
    page = mine.get("/operator/ratings/").content.decode()
    assert "MINE-1" in page and "THEIRS-1" not in page and "共 1 条" in page
    other = theirs.get("/operator/ratings/").content.decode()
    assert "THEIRS-1" in other and "MINE-1" not in other


@pytest.mark.parametrize("who", ["unit_a", "hall_manager", "inspector", "clerk"])
def test_other_roles_cannot_reach_the_operator_pages(world, who):
    client = world.client(who)
    assert client.get("/operator/ratings/new/").status_code == 404
    assert client.post("/operator/ratings/new/", form_data(world)).status_code == 404
    assert client.get("/operator/ratings/").status_code == 404
    assert not Rating.objects.exists()


def test_anonymous_users_are_sent_to_the_login(world):
    response = Client().get("/operator/ratings/new/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_unit_admin_sees_the_rating_without_the_phone(world):
    world.client("operator").post("/operator/ratings/new/", form_data(world))
    page = world.client("unit_a").get("/ratings/").content.decode()
    assert "窗口人员对业务不熟悉" in page and "12345热线" in page
    assert "5678" not in page and "135****" not in page
    assert "窗口人员对业务不熟悉" not in world.client("unit_b").get("/ratings/").content.decode()
    inspector = world.client("inspector").get("/ratings/").content.decode()
    assert "135****5678" in inspector


def test_a_superuser_may_enter_ratings_too(world):
    client = world.client("root")
    assert client.post("/operator/ratings/new/", form_data(world, external_ref="ROOT-1")).status_code == 302
    assert "ROOT-1" in client.get("/operator/ratings/").content.decode()
