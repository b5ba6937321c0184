"""The jieba segmenter: built once per process (timed), and extended by a district's own files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, time
import django
django.setup()
from pingyi.insight.causes.text import segmenter
t0 = time.perf_counter()
first = segmenter()
t1 = time.perf_counter()
again = segmenter()
t2 = time.perf_counter()
print(json.dumps({
    "build": first.seconds, "first_call": t1 - t0, "second_call": t2 - t1, "same": first is again,
    "words": first.words("办不成事找专班，窗口推诿，材料没有一次性告知"),
}))
"""


def probe(home: Path) -> dict:
    env = {**os.environ, "PINGYI_HOME": str(home), "DJANGO_SETTINGS_MODULE": "pingyi.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_segmenter_is_built_once_and_later_calls_cost_nothing(tmp_path):
    result = probe(tmp_path)
    print(
        f"jieba segmenter built in {result['build']:.2f} s; a later call took {result['second_call'] * 1e6:.0f} µs"
    )
    assert result["same"]
    assert result["build"] > 0.05  # loading jieba's dictionary is real work …
    assert result["second_call"] < 0.001  # … done once: a later request does not pay it
    assert result["words"] == ["办不成", "事找", "专班", "窗口", "推诿", "材料", "一次性告知"]


def test_a_district_adds_its_own_words_and_stopwords(tmp_path):
    (tmp_path / "causes").mkdir()
    (tmp_path / "causes" / "userdict.txt").write_text("办不成事 n\n找专班 v\n", encoding="utf-8")
    (tmp_path / "causes" / "stopwords.txt").write_text("窗口\n", encoding="utf-8")
    assert probe(tmp_path)["words"] == ["办不成事", "找专班", "推诿", "材料", "一次性告知"]
