"""Property tests for every code mapping of pingyi.lib.scales (domain.md §4: map explicitly, never by position)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingyi.lib import scales
from pingyi.lib.scales import Channel, CodeError, Scale

five = st.integers(min_value=1, max_value=5)
three = st.integers(min_value=1, max_value=3)
outside_five = st.integers().filter(lambda n: not 1 <= n <= 5)
outside_three = st.integers().filter(lambda n: not 1 <= n <= 3)
any_scale = st.sampled_from(list(Scale))
variants = st.sampled_from(["standard", "phone"])


@given(three)
def test_three_to_five_to_three_is_the_identity(value):
    assert scales.five_to_three(scales.three_to_five(value)) == value


@given(three)
def test_three_to_five_keeps_the_words_and_negativity(value):
    up = scales.three_to_five(value)
    assert scales.is_negative(Scale.FIVE, up) == scales.is_negative(Scale.THREE, value)
    # Same words where that round-trips (不满意 → 2, 基本满意 → 3); 满意 is the top of the scale (5).
    expected = {1: "不满意", 2: "基本满意", 3: "非常满意"}[value]
    assert scales.level(Scale.FIVE, up).label == expected


@given(five, five)
def test_five_to_three_is_monotonic(a, b):
    if a <= b:
        assert scales.five_to_three(a) <= scales.five_to_three(b)


@given(five)
def test_five_to_three_follows_wuhans_stars(value):
    # 5★ → 满意, 4–3★ → 基本满意, 2–1★ → 不满意, and 差评 stays 差评.
    assert scales.five_to_three(value) == {5: 3, 4: 2, 3: 2, 2: 1, 1: 1}[value]
    assert scales.is_negative(Scale.THREE, scales.five_to_three(value)) == scales.is_negative(
        Scale.FIVE, value
    )


@given(any_scale, five)
def test_from_five_then_to_five_is_stable(scale, value):
    level = scales.from_five(scale, value)
    back = scales.to_five(scale, level)
    assert scales.from_five(scale, back) == level
    if scale == Scale.FIVE:
        assert back == value == level


@given(five)
def test_provincial_satisfaction_is_our_five_level_value(value):
    code = scales.provincial_satisfaction(value)
    assert code == value
    assert scales.from_provincial_satisfaction(code) == value
    # 1 = 非常不满意 … 5 = 非常满意
    assert scales.level(Scale.FIVE, scales.from_provincial_satisfaction(1)).label == "非常不满意"
    assert scales.level(Scale.FIVE, scales.from_provincial_satisfaction(5)).label == "非常满意"


@given(five)
def test_gbt39046_is_reversed(code):
    value = scales.from_gbt39046(code)
    assert value + code == 6
    assert scales.to_gbt39046(value) == code
    assert scales.from_gbt39046(scales.to_gbt39046(code)) == code
    assert scales.level(Scale.FIVE, scales.from_gbt39046(1)).label == "非常满意"


@given(five)
def test_gbt39046_and_provincial_codes_disagree_except_in_the_middle(value):
    same = scales.to_gbt39046(value) == scales.provincial_satisfaction(value)
    assert same == (value == 3)


@given(variants, st.sampled_from(list(Channel)))
def test_pf_round_trips_for_every_channel_that_has_a_code(variant, channel):
    table = scales.PF_VARIANT_PHONE if variant == "phone" else scales.CHANNEL_PF
    if channel in table:
        assert (
            scales.channel_from_pf(scales.channel_to_pf(channel, variant=variant), variant=variant) == channel
        )


@given(variants, st.integers(min_value=1, max_value=7))
def test_every_pf_code_names_one_channel_and_comes_back(variant, code):
    channel = scales.channel_from_pf(code, variant=variant)
    assert scales.channel_to_pf(channel, variant=variant) == code


def test_the_two_pf_variants_differ_only_in_6_and_7():
    for code in range(1, 6):
        assert scales.channel_from_pf(code) == scales.channel_from_pf(code, variant="phone")
    assert scales.channel_from_pf(6) == Channel.SMS and scales.channel_from_pf(7) == Channel.DEFAULT
    assert scales.channel_from_pf(6, variant="phone") == Channel.PHONE
    assert scales.channel_from_pf(7, variant="phone") == Channel.SMS
    assert [scales.channel_from_pf(c) for c in (1, 2, 3, 4, 5)] == [
        Channel.PC,
        Channel.MOBILE,
        Channel.QR,
        Channel.PAD,
        Channel.TERMINAL,
    ]


@given(variants, st.integers().filter(lambda n: not 1 <= n <= 7))
def test_unknown_pf_codes_raise(variant, code):
    with pytest.raises(CodeError):
        scales.channel_from_pf(code, variant=variant)


def test_a_channel_without_a_code_in_a_variant_raises():
    with pytest.raises(CodeError):
        scales.channel_to_pf(Channel.PHONE)  # the standard table has no 电话
    with pytest.raises(CodeError):
        scales.channel_to_pf(Channel.DEFAULT, variant="phone")  # the phone variant has no 系统默认评价


@given(three)
def test_sms_reply_on_the_three_level_scale_is_reversed(level):
    reply = {3: "1", 2: "2", 1: "3"}[level]  # 1 满意 / 2 基本满意 / 3 不满意
    assert scales.from_sms_reply(Scale.THREE, reply) == level
    assert scales.from_sms_reply(Scale.THREE, f"  {reply}\n") == level
    full_width = reply.translate(str.maketrans("123", "１２３"))
    assert scales.from_sms_reply(Scale.THREE, full_width) == level


@given(five)
def test_sms_reply_on_the_five_level_scale_is_the_star_count(stars):
    assert scales.from_sms_reply(Scale.FIVE, str(stars)) == stars
    assert (
        scales.from_sms_reply(Scale.FIVE, str(stars).translate(str.maketrans("12345", "１２３４５"))) == stars
    )


@given(any_scale, st.text())
def test_sms_reply_is_a_level_of_the_scale_or_none(scale, text):
    value = scales.from_sms_reply(scale, text)
    assert value is None or value in {lv.value for lv in scales.levels(scale)}


@given(any_scale, st.sampled_from(["0", "4", "6", "10", "满意", "", "1 2"]))
def test_sms_replies_that_are_not_answers_give_none(scale, text):
    if scale == Scale.FIVE and text == "4":
        assert scales.from_sms_reply(scale, text) == 4
    else:
        assert scales.from_sms_reply(scale, text) is None


def test_the_sms_menu_matches_the_replies():
    assert scales.sms_menu(Scale.THREE) == "回复1满意，2基本满意，3不满意"
    for scale in Scale:
        for lv in scales.levels(scale):
            reply = str(lv.value) if scale == Scale.FIVE else {3: "1", 2: "2", 1: "3"}[lv.value]
            assert f"{reply}{lv.label}" in scales.sms_menu(scale)


@given(outside_five)
def test_out_of_range_five_level_codes_raise(code):
    for convert in (
        scales.five_to_three,
        scales.from_provincial_satisfaction,
        scales.provincial_satisfaction,
        scales.from_gbt39046,
        scales.to_gbt39046,
    ):
        with pytest.raises(CodeError):
            convert(code)
    with pytest.raises(CodeError):
        scales.from_five(Scale.THREE, code)
    with pytest.raises(CodeError):
        scales.level(Scale.FIVE, code)


@given(outside_three)
def test_out_of_range_three_level_codes_raise(code):
    with pytest.raises(CodeError):
        scales.three_to_five(code)
    with pytest.raises(CodeError):
        scales.to_five(Scale.THREE, code)
    with pytest.raises(CodeError):
        scales.level(Scale.THREE, code)


@given(any_scale)
def test_negative_levels_are_exactly_the_two_lowest_words(scale):
    negatives = {lv.label for lv in scales.levels(scale) if lv.negative}
    assert negatives == ({"不满意", "非常不满意"} if scale == Scale.FIVE else {"不满意"})
