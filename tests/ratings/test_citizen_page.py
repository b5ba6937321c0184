"""The citizen page /r/<code> through Django's test client: every level of both scales, every refusal, JSON mode,
large text, and the callback phone that never reaches the rated."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from pingyi.catalog.models import DutyShift
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import scales
from pingyi.ratings import formtoken
from pingyi.ratings.models import QrPoster, Rating
from pingyi.ratings.posters.services import poster_issue

STATIC = Path(__file__).resolve().parents[2] / "pingyi" / "ratings" / "static" / "ratings"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def poster(world) -> QrPoster:
    now = timezone.now()
    DutyShift.objects.create(
        window=world.window_a,
        staff=world.staff_a,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=2),
    )
    return poster_issue(actor=None, window=world.window_a)


@pytest.fixture
def record(world) -> ServiceRecord:
    return ServiceRecord.objects.create(
        district=world.district,
        unit=world.unit_a,
        window=world.window_a,
        staff=world.staff_a,
        item=world.item_a,
        record_no="2026-0001",
        received_at=timezone.now() - timedelta(hours=1),
        source=ServiceRecord.Source.MANUAL,
    )


def signed(code: str, data: dict) -> dict:
    """The form as the page posts it: with the page's signed form token."""
    return {**data, formtoken.FIELD: formtoken.issue(code)}


def page(response) -> str:
    return response.content.decode()


CASES = [(s, lvl.value, lvl.label, lvl.negative) for s in scales.Scale for lvl in scales.levels(s)]


@pytest.mark.parametrize(
    ("scale", "level", "label", "negative"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_every_level_of_both_scales_can_be_submitted(world, poster, scale, level, label, negative):
    with override_settings(PINGYI_RATING_SCALE=scale.value):
        citizen = Client()
        form = page(citizen.get(f"/r/{poster.token}"))
        assert world.window_a.name in form and world.unit_a.name in form and "张敏" in form
        for lvl in scales.levels(scale):
            assert f'value="{lvl.value}"' in form and f"<span>{lvl.label}</span>" in form
        response = citizen.post(
            f"/r/{poster.token}", signed(poster.token, {"level": str(level), "comment": "谢谢"})
        )
    assert response.status_code == 200 and "感谢您的评价" in page(response)
    rating = Rating.objects.get()
    assert rating.scale == scale.value and rating.level == level
    assert rating.level5 == scales.to_five(scale, level) and rating.negative == negative
    assert rating.channel == "qr" and rating.window == world.window_a and rating.staff == world.staff_a
    assert rating.device_fp and rating.network_fp
    if negative:
        assert rating.tracking_code and rating.tracking_code in page(response)
        assert "1个工作日" in page(response) and "查询码" in page(response)
    else:
        assert rating.tracking_code is None and 'data-testid="tracking-code"></strong>' not in page(response)


def test_the_form_groups_all_tags_under_their_level_and_stores_tags_and_dimensions(world, poster):
    citizen = Client()
    form = page(citizen.get(f"/r/{poster.token}"))
    assert (
        form.count('class="taggroup"') == 5
        and "在办事指南之外增加新的审批条件" in form
        and "服务热情周到" in form
    )
    assert "仅用于回访核实，不会提供给被评价的工作人员" in form
    response = citizen.post(
        f"/r/{poster.token}",
        signed(
            poster.token,
            {
                "level": "1",
                "tags": ["108", "115"],
                "dim_overall": "1",
                "dim_attitude": "2",
                "dim_efficiency": "",
            },
        ),
    )
    assert response.status_code == 200
    rating = Rating.objects.get()
    assert rating.tags == ["108", "115"] and rating.tag_version == "2020"
    assert rating.dimensions == {"overall": 1, "attitude": 2}


@override_settings(PINGYI_RATING_SCALE="three")
def test_on_the_wuhan_scale_tags_follow_the_star_mapping(world, poster):
    # 5★ → 满意, 4–3★ → 基本满意, 2–1★ → 不满意: a 4★ tag belongs to 基本满意, not to 满意.
    form = page(Client().get(f"/r/{poster.token}"))
    assert form.count('class="taggroup"') == 3
    refused = Client().post(f"/r/{poster.token}", signed(poster.token, {"level": "3", "tags": ["413"]}))
    assert refused.status_code == 422 and "不属于“满意”" in page(refused)
    assert (
        Client().post(f"/r/{poster.token}", signed(poster.token, {"level": "3", "tags": ["516"]})).status_code
        == 200
    )
    assert (
        Client()
        .post(f"/r/{poster.token}", signed(poster.token, {"level": "2", "tags": ["413", "308"]}))
        .status_code
        == 200
    )
    assert (
        Client()
        .post(f"/r/{poster.token}", signed(poster.token, {"level": "1", "tags": ["108", "214"]}))
        .status_code
        == 200
    )
    assert sorted(Rating.objects.values_list("level", "level5")) == [(1, 2), (2, 3), (3, 5)]


def test_an_unknown_code_is_a_friendly_404(world):
    for code in ("Wnope", "Rnope", "hello"):
        response = Client().get(f"/r/{code}")
        assert response.status_code == 404 and "没有找到这个评价码" in page(response)
        assert "12345" in page(response)
    assert Client().post("/r/Wnope", {"level": "5"}).status_code == 404


def test_a_retired_or_expired_poster_says_where_to_rate_and_takes_nothing(world, poster):
    newer = poster_issue(actor=None, window=world.window_a)
    for state_word, token in (("已停用", poster.token),):
        response = Client().get(f"/r/{token}")
        assert response.status_code == 410 and state_word in page(response)
        assert "窗口处张贴的最新二维码" in page(response) and "12345" in page(response)
        assert newer.token not in page(response)
        assert Client().post(f"/r/{token}", signed(token, {"level": "1", "comment": "x"})).status_code == 410
    QrPoster.objects.filter(pk=newer.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    response = Client().get(f"/r/{newer.token}")
    assert response.status_code == 410 and "已过期" in page(response) and world.hall.name in page(response)
    assert Client().post(f"/r/{newer.token}", signed(newer.token, {"level": "5"})).status_code == 410
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("scale", "level"), [("five", "6"), ("five", "0"), ("three", "4"), ("five", "abc"), ("five", "")]
)
def test_a_level_outside_the_scale_is_refused_in_chinese(world, poster, scale, level):
    with override_settings(PINGYI_RATING_SCALE=scale):
        response = Client().post(
            f"/r/{poster.token}", signed(poster.token, {"level": level, "comment": "保留我"})
        )
    assert response.status_code == 422
    assert "满意程度" in page(response) and "保留我" in page(response)
    assert not Rating.objects.exists()


def test_a_tag_of_another_level_is_refused_and_the_input_kept(world, poster):
    response = Client().post(
        f"/r/{poster.token}",
        signed(poster.token, {"level": "5", "tags": ["108"], "comment": "我的意见", "phone": "13912345678"}),
    )
    body = page(response)
    assert response.status_code == 422 and "不属于“非常满意”" in body
    assert re.search(r'value="5" checked', body) and re.search(r'value="108" checked', body)
    assert "我的意见" in body and 'value="13912345678"' in body
    assert not Rating.objects.exists()


def test_a_ten_thousand_character_comment_is_refused(world, poster):
    response = Client().post(
        f"/r/{poster.token}", signed(poster.token, {"level": "4", "comment": "长" * 10_000})
    )
    assert response.status_code == 422
    limit = settings.PINGYI_RATINGS["comment_max_chars"]
    assert f"评价内容最多 {limit} 个字" in page(response) and "10000" in page(response)
    assert not Rating.objects.exists()


def test_markup_in_a_comment_is_stored_as_typed_and_shown_escaped(world, poster):
    typed = '<script>alert("x")</script><b onmouseover="y">粗</b>'
    assert (
        Client()
        .post(f"/r/{poster.token}", signed(poster.token, {"level": "2", "comment": typed}))
        .status_code
        == 200
    )
    assert Rating.objects.get().comment == typed
    listing = page(world.client("inspector").get("/ratings/"))
    assert '<script>alert("x")' not in listing and "<b onmouseover" not in listing
    assert html.escape(typed) in listing


def test_a_receipt_code_rates_its_record_once_then_takes_one_follow_up(world, record):
    citizen = Client()
    form = page(citizen.get(f"/r/{record.rating_code}"))
    assert "2026-0001" in form and world.unit_a.name in form and "张敏" in form
    response = citizen.post(f"/r/{record.rating_code}", signed(record.rating_code, {"level": "4"}))
    assert response.status_code == 200
    rating = Rating.objects.get()
    assert rating.record == record and rating.stage == "finished" and rating.channel == "mobile"
    # After the first rating (by this page, or by an SMS reply) the same code takes the reasons and a comment once.
    assert "追加评价" in page(Client().get(f"/r/{record.rating_code}"))
    follow = Client().post(
        f"/r/{record.rating_code}",
        signed(record.rating_code, {"level": "4", "tags": ["409"], "comment": "补充：业务熟练"}),
    )
    assert follow.status_code == 200
    follow_up = Rating.objects.get(kind="follow_up")
    assert follow_up.follows == rating and follow_up.comment == "补充：业务熟练" and follow_up.tags == ["409"]
    again = Client().post(f"/r/{record.rating_code}", signed(record.rating_code, {"level": "1"}))
    assert again.status_code == 409 and "该办件已评价，无需重复评价" in page(again)
    assert Client().get(f"/r/{record.rating_code}").status_code == 409
    json_again = Client().post(f"/r/{record.rating_code}", signed(record.rating_code, {"level": "1"}), **JSON)
    assert json_again.status_code == 409 and json_again.json()["error"]["code"] == "already_rated"
    assert Rating.objects.count() == 2


def test_a_filled_honeypot_is_refused_and_nothing_stored(world, poster):
    response = Client().post(
        f"/r/{poster.token}", signed(poster.token, {"level": "5", "website": "http://spam.example"})
    )
    assert response.status_code == 400 and "提交未被接受" in page(response)
    assert not Rating.objects.exists()


def test_too_many_ratings_from_one_device_get_a_chinese_429(world, poster):
    limits = {**settings.PINGYI_RATINGS, "limit_per_device_10min": 2}
    citizen = Client()
    citizen.get(f"/r/{poster.token}")  # the device cookie
    with override_settings(PINGYI_RATINGS=limits):
        assert citizen.post(f"/r/{poster.token}", signed(poster.token, {"level": "5"})).status_code == 200
        assert citizen.post(f"/r/{poster.token}", signed(poster.token, {"level": "4"})).status_code == 200
        refused = citizen.post(
            f"/r/{poster.token}", signed(poster.token, {"level": "3", "comment": "第三次"})
        )
        assert refused.status_code == 429 and "评价过于频繁" in page(refused) and "第三次" in page(refused)
        as_json = citizen.post(f"/r/{poster.token}", signed(poster.token, {"level": "3"}), **JSON)
        assert as_json.status_code == 429 and as_json.json()["error"]["code"] == "rate_limited"
    assert Rating.objects.count() == 2


def test_json_mode(world, poster):
    ok = Client().post(
        f"/r/{poster.token}", signed(poster.token, {"level": "1", "phone": "13912345678"}), **JSON
    )
    assert ok.status_code == 200 and ok["Content-Type"] == "application/json"
    data = ok.json()
    assert data["ok"] is True and data["tracking_code"] == Rating.objects.get().tracking_code
    assert "1个工作日" in data["message"]
    good = Client().post(f"/r/{poster.token}", signed(poster.token, {"level": "5"}), **JSON).json()
    assert good["ok"] is True and good["tracking_code"] is None
    bad = Client().post(f"/r/{poster.token}", signed(poster.token, {"level": "4", "tags": ["514"]}), **JSON)
    assert bad.status_code == 422
    assert bad.json() == {
        "error": {"code": "invalid", "message": "“业务精通解答专业”不属于“满意”，请重新勾选", "field": "tags"}
    }
    phone = (
        Client()
        .post(f"/r/{poster.token}", signed(poster.token, {"level": "4", "phone": "12ab"}), **JSON)
        .json()["error"]
    )
    assert phone["field"] == "phone" and "手机号码" in phone["message"]
    assert Client().post("/r/Wnope", {"level": "5"}, **JSON).json()["error"]["code"] == "not_found"
    poster_issue(actor=None, window=world.window_a)
    gone = Client().post(f"/r/{poster.token}", signed(poster.token, {"level": "5"}), **JSON)
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "retired"
    assert Rating.objects.count() == 2


def test_large_text_mode_is_a_cookie(world, poster):
    citizen = Client()
    assert '<body class="rate">' in page(citizen.get(f"/r/{poster.token}"))
    toggle = citizen.get(f"/r/{poster.token}/text-size?large=1")
    assert toggle.status_code == 302 and toggle["Location"] == f"/r/{poster.token}"
    assert citizen.cookies["pyl"].value == "1"
    body = page(citizen.get(f"/r/{poster.token}"))
    assert '<body class="rate large">' in body and "标准字号" in body
    citizen.get(f"/r/{poster.token}/text-size?large=0")
    assert '<body class="rate">' in page(citizen.get(f"/r/{poster.token}"))


def test_the_phone_is_encrypted_and_never_shown_to_the_unit_or_the_staff(world, poster):
    Client().post(
        f"/r/{poster.token}",
        signed(poster.token, {"level": "1", "phone": "139 1234 5678", "comment": "回访我"}),
    )
    rating = Rating.objects.get()
    assert "13912345678" not in rating.phone_ciphertext and rating.phone_plain() == "13912345678"
    for who in ("unit_a", "clerk"):
        listing = page(world.client(who).get("/ratings/"))
        assert "回访我" in listing
        assert "13912345678" not in listing and "139****5678" not in listing and "5678" not in listing
    assert "139****5678" in page(world.client("inspector").get("/ratings/"))


def test_the_page_is_small_and_needs_no_inline_code(world, poster):
    response = Client().get(f"/r/{poster.token}")
    body = page(response)
    assert 'style="' not in body and "<style" not in body and not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert "http://" not in body.replace(settings.SITE_URL, "") and "https://" not in body
    total = len(response.content) + (STATIC / "rate.css").stat().st_size + (STATIC / "rate.js").stat().st_size
    assert total < 30 * 1024, total


def test_a_stale_or_foreign_post_of_the_html_form_is_refused_with_the_input_kept(world, poster):
    import time

    old = formtoken.issue(poster.token, now=time.time() - formtoken.FORM_TOKEN_MAX_AGE - 1)
    for extra, headers, message in [
        ({formtoken.FIELD: old}, {}, "页面已过期"),
        ({}, {}, "页面已过期"),  # no token: a post that never saw the page
        (signed(poster.token, {}), {"HTTP_ORIGIN": "https://evil.example"}, "请在评价页面上直接提交"),
    ]:
        response = Client().post(
            f"/r/{poster.token}", {"level": "4", "comment": "保留我", **extra}, **headers
        )
        body = page(response)
        assert response.status_code == 403 and message in body and "保留我" in body
        fresh = re.search(r'name="ft" value="([^"]+)"', body)[1]
        assert formtoken.valid(poster.token, fresh)
    assert not Rating.objects.exists()
    # the page's own token, from the same origin: taken
    token = re.search(r'name="ft" value="([^"]+)"', page(Client().get(f"/r/{poster.token}")))[1]
    same_origin = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
    ok = Client().post(f"/r/{poster.token}", {"level": "4", formtoken.FIELD: token}, **same_origin)
    assert ok.status_code == 200 and Rating.objects.count() == 1


def test_a_page_signed_with_djangos_salted_hmac_still_submits(world, poster):
    """A page rendered before the form token's key was cached (signed by Django's salted_hmac) is taken."""
    import time

    issued = int(time.time()) - 600
    mac = salted_hmac("pingyi.ratings.formtoken", f"{poster.token}|{issued}", algorithm="sha256").hexdigest()[
        :32
    ]
    response = Client().post(f"/r/{poster.token}", {"level": "4", formtoken.FIELD: f"{issued}.{mac}"}, **JSON)
    assert response.status_code == 200 and response.json()["ok"] and Rating.objects.count() == 1
