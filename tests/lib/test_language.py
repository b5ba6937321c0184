"""Chinese by default; English when chosen."""

from __future__ import annotations


def test_pages_are_chinese_by_default_and_english_when_switched(world):
    client = world.client("inspector")
    body = client.get("/catalog/units/").content.decode()
    assert 'lang="zh-hans"' in body and "单位名称" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/catalog/units/"})
    body = client.get("/catalog/units/").content.decode()
    assert 'lang="en"' in body and "Unit name" in body and "单位名称" not in body


def test_a_browser_asking_for_english_still_gets_chinese_until_the_person_switches(world):
    client = world.client("inspector")
    body = client.get("/catalog/units/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in body and "单位名称" in body
