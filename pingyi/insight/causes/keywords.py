"""Keywords and recurring topics of the 差评 and 基本满意 comments of a selection.

A comment is cut by jieba (our service terms added, stopwords and one-character tokens dropped); each word counts once
per rating. A word's score is TF-IDF over the selection: the number of ratings whose comment holds it, times its IDF in
jieba's general-Chinese table (unknown words, such as most of our service terms, take the table's median) — so words
many citizens wrote and ordinary text rarely uses come first. A recurring topic is a keyword written in at least
``topic_min_ratings`` ratings and in at least ``topic_min_periods`` different weeks (periods up to 62 days) or months.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from pingyi.insight.causes.base import Thresholds, Voice
from pingyi.insight.causes.text import segmenter

WEEKLY_UP_TO_DAYS = 62


@dataclass(frozen=True)
class Keyword:
    word: str
    ratings: int  # ratings whose comment holds the word
    negative: int  # of which 差评
    basic: int  # of which 基本满意
    score: float
    periods: tuple[str, ...]  # the weeks or months it was written in
    recurring: bool = False


@dataclass(frozen=True)
class KeywordResult:
    keywords: list[Keyword]  # the highest-scoring words
    topics: list[Keyword]  # the recurring ones
    with_comment: int  # ratings of the selection with a comment
    segmented: int  # of which segmented (the most recent ``max_comments``)
    weekly: bool  # periods are ISO weeks (else months)

    @property
    def truncated(self) -> bool:
        return self.segmented < self.with_comment


def _bucket(weekly: bool) -> Callable[[date], str]:
    if weekly:
        return lambda day: "{}-W{:02d}".format(*day.isocalendar()[:2])
    return lambda day: f"{day.year}-{day.month:02d}"


def _rank(group: Iterable[Voice], bucket: Callable[[date], str], th: Thresholds | None) -> list[Keyword]:
    ratings: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    periods: dict[str, set[str]] = defaultdict(set)
    for voice in group:
        for word in voice.words:
            ratings[word] += 1
            negative[word] += voice.negative
            periods[word].add(bucket(voice.day))
    if not ratings:
        return []
    seg, ranked = segmenter(), []
    for word, n in ratings.items():
        spread = tuple(sorted(periods[word]))
        recurring = th is not None and n >= th.topic_min_ratings and len(spread) >= th.topic_min_periods
        ranked.append(
            Keyword(word, n, negative[word], n - negative[word], n * seg.idf_of(word), spread, recurring)
        )
    return sorted(ranked, key=lambda k: (-k.score, -k.ratings, k.word))


def keywords(found: list[Voice], start: date, end: date, th: Thresholds) -> KeywordResult:
    """Segments the most recent ``max_comments`` comments of ``found`` (newest first), setting ``Voice.words``."""
    with_comment = [voice for voice in found if voice.comment.strip()]
    segmented = with_comment[: th.max_comments]
    if segmented:
        seg = segmenter()
        for voice in segmented:
            voice.words = frozenset(seg.words(voice.comment))
    weekly = (end - start).days < WEEKLY_UP_TO_DAYS
    ranked = _rank(segmented, _bucket(weekly), th)
    return KeywordResult(
        keywords=ranked[: th.keywords_shown],
        topics=[k for k in ranked if k.recurring][: th.keywords_shown],
        with_comment=len(with_comment),
        segmented=len(segmented),
        weekly=weekly,
    )


def item_keywords(group: list[Voice], limit: int) -> list[Keyword]:
    """The top words of one item's comments (already segmented by ``keywords``)."""
    return _rank(group, _bucket(False), None)[:limit]
