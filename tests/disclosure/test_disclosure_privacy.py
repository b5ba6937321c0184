"""No personal data on the public pages: plant phones, a rater, a commenter, an operator and staff, then search."""

from __future__ import annotations

import json
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from pingyi.insight.cubes.rollups import rollups_refresh
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Rating
from tests.disclosure.builders_disclosure import recount
from tests.disclosure.conftest import RATER_COMMENT, RATER_PHONE

OPERATOR_PHONE = "13655556666"
OPERATOR_COMMENT = "热线反映：窗口工作人员张敏态度生硬"


def _public_texts(world, bulletin_pk: int) -> dict[str, str]:
    client = Client()
    urls = {
        "page": f"/public/{world.district.code}/",
        "bulletin": f"/public/bulletins/{bulletin_pk}/",
        "screen": f"/public/screen/{world.hall.pk}/",
        "screen json": f"/public/screen/{world.hall.pk}/data.json",
    }
    texts = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        texts[name] = response.content.decode()
    return texts


def test_no_phone_rater_or_staff_name_reaches_the_public(world, sanctioned, true_ticket, make_bulletin):
    operator = world.users["operator"]
    rating_submit(
        RatingInput(
            channel=Channel.HOTLINE,
            scale=Scale.FIVE,
            level=2,
            window=world.window_a,
            staff=world.staff_a,
            comment=OPERATOR_COMMENT,
            phone=OPERATOR_PHONE,
            entered_by=operator,
            rated_at=timezone.now() - timedelta(minutes=20),
        )
    )
    rollups_refresh()
    bulletin = make_bulletin(accountability=[sanctioned], tickets=[true_ticket])
    secrets = {
        "rater's phone": RATER_PHONE,
        "rater's masked phone": RATER_PHONE[:3] + "****" + RATER_PHONE[-4:],
        "rater's comment": RATER_COMMENT,
        "hotline caller's phone": OPERATOR_PHONE,
        "hotline comment": OPERATOR_COMMENT,
        "operator": operator.get_username(),
        "drafter": bulletin.drafted_by.get_username(),
        "reviewer": "inspector2",
        "tracking code": true_ticket.tracking_code,
        "sanctioned staff": world.staff_b.name,
        "staff on duty": world.staff_a.name,
        "staff phone A": "13800001111",
        "staff phone B": "13900002222",
        "employee number": world.staff_b.employee_no,
    }
    texts = _public_texts(world, bulletin.pk)
    # The planted data is there to be leaked: the page does show the bulletin and the hall's figures.
    assert bulletin.title in texts["page"] and "龙某" in texts["bulletin"]
    today = timezone.localdate()
    assert (
        json.loads(texts["screen json"])["today"]["ratings"]
        == recount(Rating.objects.all(), today, today)[0]
        > 0
    )
    leaks = [
        (page, what) for page, text in texts.items() for what, secret in secrets.items() if secret in text
    ]
    assert leaks == []


def test_a_bulletin_that_shows_names_shows_only_the_sanctioned(world, sanctioned, true_ticket, make_bulletin):
    bulletin = make_bulletin(accountability=[sanctioned], tickets=[true_ticket], show_names=True)
    html = Client().get(f"/public/bulletins/{bulletin.pk}/").content.decode()
    assert world.staff_b.name in html
    for secret in (RATER_PHONE, RATER_COMMENT, true_ticket.tracking_code, world.staff_a.name, "13900002222"):
        assert secret not in html
