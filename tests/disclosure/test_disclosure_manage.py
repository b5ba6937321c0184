"""The inspectors' bulletin pages: who sees them, drafting through the form, each step through a button."""

from __future__ import annotations

import pytest
from django.test import Client

from pingyi.disclosure.models import Bulletin, State
from tests.conftest import PASSWORD

MANAGE = "/public/bulletins/manage/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_people_are_sent_to_log_in(world):
    response = Client().get(MANAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["unit_a", "hall_manager", "clerk", "operator"])
def test_other_roles_do_not_see_the_bulletin_pages(world, make_bulletin, who):
    draft = make_bulletin(publish=False)
    client = world.client(who)
    assert client.get(MANAGE).status_code == 404
    assert client.get(f"{MANAGE}new/").status_code == 404
    assert client.get(f"{MANAGE}{draft.pk}/").status_code == 404


def test_another_districts_inspector_gets_404(world, make_bulletin):
    draft = make_bulletin(publish=False)
    client = world.client("outsider")
    assert client.get(f"{MANAGE}{draft.pk}/").status_code == 404
    assert draft.title not in client.get(MANAGE).content.decode()


def test_a_bulletin_drafted_reviewed_and_published_through_the_pages(world, second_inspector, sanctioned):
    drafter = world.client("inspector")
    response = drafter.post(
        f"{MANAGE}new/",
        {
            "kind": "typical",
            "title": "关于区城管局窗口迟到早退问题的通报",
            "body": "窗口值班人员未经批准私自调整上班时间。",
            "accountability": [sanctioned.pk],
        },
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{MANAGE}{bulletin.pk}/"
    page = drafter.get(f"{MANAGE}{bulletin.pk}/").content.decode()
    assert 'data-testid="review"' not in page  # not for the drafter
    assert "龙某" in page  # the preview shows what the public will read

    refused = drafter.post(f"{MANAGE}{bulletin.pk}/review/", follow=True).content.decode()
    assert "须由起草人以外的另一名纪检监察人员审核" in refused
    reviewer = _client(second_inspector)
    assert 'data-testid="review"' in reviewer.get(f"{MANAGE}{bulletin.pk}/").content.decode()
    reviewer.post(f"{MANAGE}{bulletin.pk}/review/")
    drafter.post(f"{MANAGE}{bulletin.pk}/publish/")
    bulletin.refresh_from_db()
    assert (bulletin.state, bulletin.reviewed_by, bulletin.published_by) == (
        State.PUBLISHED,
        second_inspector,
        world.users["inspector"],
    )
    assert bulletin.title in Client().get(f"/public/{world.district.code}/").content.decode()


def test_the_form_says_why_a_draft_is_refused(world, sanctioned):
    response = world.client("inspector").post(
        f"{MANAGE}new/",
        {
            "kind": "typical",
            "title": "通报",
            "body": "龙强迟到早退，电话13912345678",
            "accountability": [sanctioned.pk],
        },
    )
    assert response.status_code == 400
    assert "不得包含电话号码" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_withdrawing_needs_a_reason(world, make_bulletin):
    bulletin = make_bulletin()
    client = world.client("inspector")
    response = client.post(f"{MANAGE}{bulletin.pk}/withdraw/", {"reason": ""})
    assert response.status_code == 400
    client.post(f"{MANAGE}{bulletin.pk}/withdraw/", {"reason": "当事人申诉"})
    bulletin.refresh_from_db()
    assert bulletin.state == State.WITHDRAWN
    assert Client().get(f"/public/bulletins/{bulletin.pk}/").status_code == 404


def test_only_the_drafter_edits(world, second_inspector, make_bulletin):
    bulletin = make_bulletin(publish=False)
    data = {"kind": "monthly", "title": "11月评议情况通报", "body": "本月共收到评价。"}
    refused = _client(second_inspector).post(f"{MANAGE}{bulletin.pk}/edit/", data)
    assert refused.status_code == 400 and "只有起草人可以修改草稿" in refused.content.decode()
    world.client("inspector").post(f"{MANAGE}{bulletin.pk}/edit/", data)
    bulletin.refresh_from_db()
    assert (bulletin.kind, bulletin.title) == ("monthly", "11月评议情况通报")


def test_a_superuser_picks_the_district(world):
    client = Client()
    assert client.login(username="root", password=PASSWORD)
    assert 'name="district"' in client.get(f"{MANAGE}new/").content.decode()
    client.post(
        f"{MANAGE}new/", {"district": world.district.pk, "kind": "monthly", "title": "通报", "body": "正文"}
    )
    assert Bulletin.objects.get().district == world.district
    assert 'name="district"' not in world.client("inspector").get(f"{MANAGE}new/").content.decode()
