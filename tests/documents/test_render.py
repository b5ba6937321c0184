"""Rendering of official documents: PDF fetching nothing but data: URLs, dates as official documents write them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pingyi.documents.render import FetchRefused, chinese_date, pdf_from_html


def test_the_pdf_renderer_fetches_nothing_but_data_urls(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    for src in (f"file://{secret}", "http://127.0.0.1:9/x.png", "https://example.com/x.png"):
        with pytest.raises(FetchRefused):
            pdf_from_html(f'<img src="{src}"><p>中文</p>')
    assert pdf_from_html("<p>中文</p>").startswith(b"%PDF")


def test_dates_are_written_as_official_documents_write_them():
    assert chinese_date(date(2026, 11, 5), missing="—") == "2026年11月5日"
    # A moment is written as its local date (Beijing): 17:00 UTC on 30 November is 1 December there.
    moment = datetime(2026, 11, 30, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert chinese_date(moment, missing="—") == "2026年12月1日"
    assert chinese_date(None, missing="（待定）") == "（待定）"
