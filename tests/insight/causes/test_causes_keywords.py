"""Keywords and recurring topics: planted comments surface, stopwords and satisfied ratings never do."""

from __future__ import annotations

from datetime import date

import pytest

from pingyi.insight.causes.analysis import causes
from pingyi.insight.causes.base import Selection
from pingyi.insight.causes.text import segmenter

SUMMER = Selection(date(2026, 6, 1), date(2026, 9, 30))


def test_service_terms_of_our_dictionary_are_cut_whole_and_stopwords_dropped():
    words = segmenter().words("我们的材料没有一次性告知，非常不满意，窗口推诿")
    assert words == ["材料", "一次性告知", "窗口", "推诿"]


@pytest.fixture
def planted(world, rate):
    # 排队: five ratings over three months (a recurring topic); 一次性告知: three in July and August.
    rate(date(2026, 6, 3), comment="排队两个小时，我们非常着急", tags=["214"])
    rate(date(2026, 7, 8), comment="排队太久了，取号以后还要排队", level=3)
    rate(date(2026, 7, 9), comment="材料没有一次性告知，来回跑", level=1)
    rate(date(2026, 8, 12), comment="窗口排队的人很多，只开了一个窗口", level=3)
    rate(date(2026, 8, 13), comment="没有一次性告知需要的材料", level=2)
    rate(date(2026, 8, 20), comment="还是没有一次性告知", level=3)
    rate(date(2026, 9, 2), comment="排队排了一上午", level=2)
    # 空调: three ratings, all in one week of September (a keyword, not a recurring topic).
    rate(date(2026, 9, 14), comment="空调太冷", level=3)
    rate(date(2026, 9, 15), comment="空调坏了没人修", level=3)
    rate(date(2026, 9, 16), comment="大厅没有空调", level=2)
    # Satisfied ratings' words are not causes; default ratings are no citizen's words.
    rate(date(2026, 7, 1), comment="表扬信送给窗口", level=5)
    rate(date(2026, 7, 2), comment="锦旗一面", level=4)
    rate(date(2026, 7, 3), comment="系统默认好评文字", level=3, default=True)


def test_planted_keywords_surface_with_their_counts(world, planted):
    result = causes(world.users["inspector"], SUMMER)
    found = {k.word: k for k in result.keywords.keywords}
    assert found["排队"].ratings == 4  # counted once per rating, though one comment says it twice
    assert (found["排队"].negative, found["排队"].basic) == (2, 2)
    assert found["一次性告知"].ratings == 3
    assert found["空调"].ratings == 3
    assert result.keywords.with_comment == result.keywords.segmented == 10


def test_stopwords_single_characters_and_satisfied_comments_never_surface(world, planted):
    result = causes(world.users["inspector"], SUMMER)
    words = {k.word for k in result.keywords.keywords}
    assert not words & {"我们", "非常", "没有", "还是", "以后", "还要", "很多", "的", "了", "不满意"}
    assert all(len(w) >= 2 for w in words)
    assert not words & {"表扬信", "锦旗", "默认", "好评"}


def test_a_recurring_topic_spans_months_and_a_one_week_burst_does_not(world, planted):
    result = causes(world.users["inspector"], SUMMER)
    topics = {k.word: k for k in result.keywords.topics}
    assert topics["排队"].periods == ("2026-06", "2026-07", "2026-08", "2026-09")
    assert topics["一次性告知"].periods == ("2026-07", "2026-08")
    assert "空调" not in topics  # three ratings, one month
    assert "材料" not in topics  # two ratings only (threshold three)


def test_a_short_period_spreads_topics_over_weeks(world, planted):
    september = causes(world.users["inspector"], Selection(date(2026, 9, 1), date(2026, 9, 30)))
    assert september.keywords.weekly
    found = {k.word: k for k in september.keywords.keywords}
    assert found["空调"].periods == ("2026-W38",)
    assert not september.keywords.topics


def test_the_page_lists_keywords_and_filters_comments_by_one(world, planted):
    client = world.client("inspector")
    page = client.get("/insight/causes/", {"start": "2026-06-01", "end": "2026-09-30"}).content.decode()
    assert 'data-word="一次性告知"' in page and 'data-topic="排队"' in page
    filtered = client.get(
        "/insight/causes/", {"start": "2026-06-01", "end": "2026-09-30", "word": "空调"}
    ).content.decode()
    comments = filtered.split('data-testid="comments"')[1]
    assert "空调太冷" in comments and "空调坏了没人修" in comments and "大厅没有空调" in comments
    assert "排队" not in comments
