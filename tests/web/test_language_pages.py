"""An English reader of the alerts, inspections and tickets pages sees no Chinese but the data itself.

Each page is opened by a role that sees it, with the language switched to English, and every run of CJK
characters left after taking out the data this test planted (unit, window, staff names, the texts typed into a
finding or a ticket) is an untranslated label. The same pages in Chinese are checked too, to show the planted
data does not hide the labels.

Left out on purpose: the 检查反馈表, 督办函 and 纪检监察建议书 (Word and PDF) are official Chinese documents whatever
the reader's language, and so are the public bulletins' bodies; the citizen pages (rating, 不满意请找我, tracking)
are Chinese only (docs/decisions/0008).
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from pingyi.accountability.models import SanctionType
from pingyi.accountability.services import accountability_record, mechanism_record, suggestion_issue
from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert, AlertKind
from pingyi.alerts.services import subscription_add
from pingyi.catalog.models import District, Hall, ServiceItem, Staff, Unit, Window
from pingyi.inspections.feedback import feedback_context
from pingyi.inspections.services.plans import draw_make
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.tickets.choices import Verdict
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import ticket_act, ticket_open_for_rating
from pingyi.tickets.supervision import supervision_context
from tests.alerts.alerts_builders import NOW, Plant
from tests.inspections.conftest import walk

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Texts this test types in as the people using the system would; they stay as typed in any language.
TYPED = [
    "等了一个小时没人理",
    "王科长",
    "态度生硬",
    "11月系统录入数据与群众扫码数据存在出入，漏录服务对象",
    "系统录入 120 条，扫码评价 310 条",
    "周某",
    "经数据比对和实地核查，情况属实。",
    "全面补录台账，建立每日录入核对制度。",
    "一、补录；二、建立核对制度。",
    "2026年第四季度随机查",
    "服务态度生硬，群众差评属实",
    "测纪建〔2026〕4号",
    "窗口长时间无人",
    "请窗口负责人当日回访",
    "差评当日回访制度",
    "差评当日由科长回访",
]


def leftover_chinese(body: str, planted: list[str]) -> list[str]:
    """Each run of CJK characters in ``body`` outside ``planted``, with some context around it."""
    text = html.unescape(body)
    for value in sorted(planted, key=len, reverse=True):
        text = text.replace(value, " ")
    # The language switch names Chinese in Chinese, as language pickers do.
    text = text.replace('value="zh-hans" class="linklike">中文<', "")
    found: dict[str, str] = {}
    for m in CJK.finditer(text):
        found.setdefault(m.group(), text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " "))
    return [f"{run}  (in …{context}…)" for run, context in found.items()]


def _planted() -> list[str]:
    names: list[str] = list(TYPED)
    for model in (District, Hall, Unit, Window, Staff, ServiceItem):
        names += model.objects.values_list("name", flat=True)
    # A ticket's description is the citizen's: the reasons ticked and the comment, as the rating gave them.
    names += Ticket.objects.values_list("summary", flat=True)
    return [n for n in names if n]


@pytest.fixture
def scene(world: Any) -> dict[str, Any]:
    """An alert, an inspection being rectified and a drawn plan, a verified ticket with its accountability."""
    plant = Plant()
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), [5, 5, 2, 5, 4, 1, 5, 5, 2, 5])
    plant.save()
    alerts_evaluate(NOW, kinds=[AlertKind.NEGATIVE_SHARE])
    subscription_add(
        actor=world.users["inspector"],
        channel="email",
        address="i@example.org",
        kinds=[AlertKind.NEGATIVE_SHARE],
    )
    inspection = walk(world, "rectifying")
    draw = draw_make(actor=world.users["inspector"], plan=inspection.plan, population="all", count=1)
    rating = rating_submit(
        RatingInput(
            channel=Channel.QR,
            scale=Scale.FIVE,
            level=2,
            window=world.window_a,
            tags=["214"],
            comment="等了一个小时没人理",
            phone="13912345678",
            rated_at=timezone.now() - timedelta(minutes=5),
        )
    )
    ticket = ticket_open_for_rating(rating)
    unit_admin = world.users["unit_a"]
    ticket_act(
        actor=unit_admin,
        ticket_id=ticket.pk,
        action="visit",
        caller="王科长",
        called_at=timezone.now() - timedelta(minutes=3),
        citizen_said="态度生硬",
    )
    ticket = ticket_act(
        actor=unit_admin, ticket_id=ticket.pk, action="verify", verdict=Verdict.TRUE, evidence=""
    )
    accountability_record(
        actor=world.users["inspector"],
        unit=world.unit_a,
        staff=world.staff_a,
        person_name=world.staff_a.name,
        sanction=SanctionType.objects.get(code="OR04"),
        reason="服务态度生硬，群众差评属实",
        decided_on=timezone.localdate(),
        tickets=[ticket],
    )
    suggestion = suggestion_issue(
        actor=world.users["inspector"],
        unit=world.unit_a,
        number="测纪建〔2026〕4号",
        issues="窗口长时间无人",
        suggestions="请窗口负责人当日回访",
        reply_by=timezone.localdate() + timedelta(days=30),
        tickets=[ticket],
    )
    mechanism_record(
        actor=unit_admin,
        unit=world.unit_a,
        title="差评当日回访制度",
        description="差评当日由科长回访",
        adopted_on=timezone.localdate(),
        suggestion=suggestion,
        tickets=[ticket],
    )
    alert = Alert.objects.filter(subject_key=f"window:{world.window_a.pk}").get()
    return {"alert": alert, "inspection": inspection, "draw": draw, "ticket": ticket}


PAGES = [
    ("inspector", "/alerts/"),
    ("inspector", "/alerts/{alert}/"),
    ("inspector", "/alerts/rules/"),
    ("inspector", "/alerts/subscriptions/"),
    ("unit_a", "/alerts/"),
    ("unit_a", "/alerts/{alert}/"),
    ("hall_manager", "/alerts/"),
    ("inspector", "/inspections/"),
    ("inspector", "/inspections/{inspection}/"),
    ("inspector", "/inspections/plans/"),
    ("inspector", "/inspections/plans/{plan}/"),
    ("inspector", "/inspections/draws/{draw}/"),
    ("inspector", "/inspections/templates/"),
    ("unit_a", "/inspections/"),
    ("unit_a", "/inspections/{inspection}/"),
    ("inspector", "/tickets/"),
    ("inspector", "/tickets/{ticket}/"),
    ("unit_a", "/tickets/"),
    ("unit_a", "/tickets/{ticket}/"),
    ("operator", "/tickets/new/"),
    ("inspector", "/tickets/accountability/"),
    ("inspector", "/tickets/accountability/new/"),
    ("inspector", "/tickets/suggestions/"),
    ("inspector", "/tickets/suggestions/new/"),
    ("unit_a", "/tickets/mechanisms/"),
    ("unit_a", "/tickets/mechanisms/new/"),
]


def _url(template: str, scene: dict[str, Any]) -> str:
    return template.format(
        alert=scene["alert"].pk,
        inspection=scene["inspection"].pk,
        plan=scene["inspection"].plan_id,
        draw=scene["draw"].pk,
        ticket=scene["ticket"].pk,
    )


def _client(world: Any, who: str, language: str) -> Client:
    client = world.client(who)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_an_english_reader_sees_no_chinese_but_the_data(world, scene, who, url):
    response = _client(world, who, "en").get(_url(url, scene))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert leftover_chinese(body, _planted()) == []


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_the_same_page_in_chinese_has_labels_the_check_would_catch(world, scene, who, url):
    body = _client(world, who, "zh-hans").get(_url(url, scene)).content.decode()
    assert len(leftover_chinese(body, _planted())) >= 5


def test_an_untranslated_label_is_caught():
    page = '<html lang="en"><h1>Inspections</h1><p>区市场监管局</p><th>整改期限</th></html>'
    found = leftover_chinese(page, ["区市场监管局"])
    assert len(found) == 1 and "<th>整改期限</th>" in found[0]


def test_the_official_documents_an_english_reader_generates_stay_chinese(world, scene):
    inspection, ticket = scene["inspection"], scene["ticket"]
    with translation.override("en"):
        form = feedback_context(
            inspection, deadline=timezone.localdate(), requirement="", issued_on=timezone.localdate()
        )
        letter = supervision_context(ticket)
        page = _client(world, "inspector", "en").get(f"/inspections/{inspection.pk}/").content.decode()
    assert form["kind"] == "随机查" and form["methods"] == "数据比对、现场核查"
    assert letter["source"] == "差评"
    assert "Random inspection" in page and "Comparison, On-site check" in page
