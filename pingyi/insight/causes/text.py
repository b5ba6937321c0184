"""Words in citizens' comments: jieba with our dictionary of service terms, a stopword list, and a general IDF.

jieba is offline: its dictionary and IDF table ship in the wheel; ours are in ``pingyi/insight/causes/data``. A district adds
its own words and stopwords in ``PINGYI_HOME/causes/userdict.txt`` and ``PINGYI_HOME/causes/stopwords.txt`` (same
formats; read after ours). Building the segmenter takes a second or two (docs/causes.md gives the measurement), so it
is built once per process, on first use, behind a lock; every later call returns the same object.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba
from django.conf import settings

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
# A token worth counting has a Han character or a letter, and at least two characters …
_WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z]")
# … and is not a bare quantity (一个多, 两周, 三趟, 半小时): how long or how often is in the comment, not a topic.
_QUANTITY = re.compile(
    r"^[0-9零一二三四五六七八九十百千两半几多]+(个|次|趟|遍|句|周|天|年|月|日|号|小时|分钟|多|半)*$"
)


@dataclass(frozen=True)
class Segmenter:
    """A jieba tokenizer with our words, the stopwords, and jieba's IDF table (word → idf, median for the rest)."""

    tokenizer: jieba.Tokenizer
    stopwords: frozenset[str]
    idf: dict[str, str]
    median_idf: float
    seconds: float  # how long building it took

    def words(self, text: str) -> list[str]:
        """The countable words of one comment, in order (repeats kept)."""
        return [
            word
            for word in (w.strip() for w in self.tokenizer.cut(text))
            if len(word) >= 2
            and _WORDLIKE.search(word)
            and not _QUANTITY.match(word)
            and word not in self.stopwords
            and word.lower() not in self.stopwords
        ]

    def idf_of(self, word: str) -> float:
        value = self.idf.get(word)
        return float(value) if value is not None else self.median_idf


_segmenter: Segmenter | None = None
_lock = threading.Lock()


def district_files() -> tuple[Path, Path]:
    """The district's own user dictionary and stopword list (either may be absent)."""
    base = Path(settings.HOME) / "causes"
    return base / "userdict.txt", base / "stopwords.txt"


def _read_lines(path: Path) -> Iterable[str]:
    if not path.is_file():
        return []
    return (line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines())


def _load_idf() -> tuple[dict[str, str], float]:
    """jieba's IDF table as word → idf text (converted when read: most of its 270,000 words are never asked for)."""
    path = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"
    pairs = iter(path.read_text(encoding="utf-8").split())
    idf = dict(zip(pairs, pairs, strict=False))
    values = sorted(map(float, idf.values()))
    return idf, values[len(values) // 2]


def _build() -> Segmenter:
    started = time.perf_counter()
    jieba.setLogLevel(logging.WARNING)  # jieba reports each cache load at DEBUG on stderr
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    own_dict, own_stop = district_files()
    for path in (DATA / "userdict.txt", own_dict):
        if path.is_file():
            tokenizer.load_userdict(str(path))
    stopwords = frozenset(
        word for path in (DATA / "stopwords.txt", own_stop) for word in _read_lines(path) if word
    )
    idf, median = _load_idf()
    seconds = time.perf_counter() - started
    logger.info("jieba segmenter built in %.2f s (pid %s)", seconds, os.getpid())
    return Segmenter(tokenizer, stopwords, idf, median, seconds)


def segmenter() -> Segmenter:
    """The process's segmenter, built on first use."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                _segmenter = _build()
    return _segmenter
