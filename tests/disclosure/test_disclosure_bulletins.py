"""Bulletins (通报): drafted, reviewed by another inspector, published, withdrawn — each step audited once."""

from __future__ import annotations

import pytest

from pingyi.audit.models import AuditEntry
from pingyi.disclosure.models import Bulletin, State
from pingyi.disclosure.selectors import masked_name, public_bulletins
from pingyi.disclosure.services import (
    BulletinError,
    bulletin_draft,
    bulletin_publish,
    bulletin_review,
    bulletin_update,
    bulletin_withdraw,
)


def _audits(bulletin: Bulletin) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="disclosure.bulletin", object_id=str(bulletin.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_bulletin_goes_from_draft_to_public_with_four_eyes(world, second_inspector, make_bulletin):
    inspector = world.users["inspector"]
    bulletin = make_bulletin(publish=False)
    assert bulletin.state == State.DRAFTED
    assert public_bulletins(world.district.pk) == []

    bulletin = bulletin_review(actor=second_inspector, bulletin_id=bulletin.pk)
    assert (bulletin.state, bulletin.reviewed_by) == (State.REVIEWED, second_inspector)
    assert public_bulletins(world.district.pk) == []

    bulletin = bulletin_publish(actor=inspector, bulletin_id=bulletin.pk)
    assert (bulletin.state, bulletin.published_by) == (State.PUBLISHED, inspector)
    assert [b.title for b in public_bulletins(world.district.pk)] == [bulletin.title]
    assert public_bulletins(world.other_district.pk) == []
    assert _audits(bulletin) == ["bulletin.draft", "bulletin.review", "bulletin.publish"]


def test_the_drafter_cannot_review_its_own_draft(world, make_bulletin):
    bulletin = make_bulletin(publish=False)
    with pytest.raises(BulletinError, match="须由起草人以外的另一名纪检监察人员审核"):
        bulletin_review(actor=world.users["inspector"], bulletin_id=bulletin.pk)
    bulletin.refresh_from_db()
    assert bulletin.state == State.DRAFTED
    assert _audits(bulletin) == ["bulletin.draft"]


def test_a_superuser_drafter_cannot_review_its_own_draft_either(world):
    root = world.users["root"]
    bulletin = bulletin_draft(
        actor=root, district=world.district, kind="monthly", title="11月通报", body="正文"
    )
    with pytest.raises(BulletinError, match="另一名纪检监察人员"):
        bulletin_review(actor=root, bulletin_id=bulletin.pk)


def test_a_draft_cannot_be_published_without_review(world, second_inspector, make_bulletin):
    bulletin = make_bulletin(publish=False)
    with pytest.raises(BulletinError, match="通报当前状态为“草稿”，不能发布"):
        bulletin_publish(actor=second_inspector, bulletin_id=bulletin.pk)
    assert public_bulletins(world.district.pk) == []


def test_steps_out_of_order_are_refused_in_chinese(world, second_inspector, make_bulletin):
    bulletin = make_bulletin()
    with pytest.raises(BulletinError, match="通报当前状态为“已发布”，不能审核"):
        bulletin_review(actor=second_inspector, bulletin_id=bulletin.pk)
    with pytest.raises(BulletinError, match="通报当前状态为“已发布”，不能发布"):
        bulletin_publish(actor=second_inspector, bulletin_id=bulletin.pk)
    with pytest.raises(BulletinError, match="通报当前状态为“已发布”，不能修改"):
        bulletin_update(
            actor=world.users["inspector"], bulletin_id=bulletin.pk, kind="typical", title="改", body="改"
        )
    bulletin_withdraw(actor=second_inspector, bulletin_id=bulletin.pk, reason="发布有误")
    with pytest.raises(BulletinError, match="通报当前状态为“已撤回”，不能撤回"):
        bulletin_withdraw(actor=second_inspector, bulletin_id=bulletin.pk, reason="再撤")


@pytest.mark.parametrize("who", ["unit_a", "hall_manager", "clerk", "operator", "outsider"])
def test_only_the_districts_inspectors_take_steps(world, make_bulletin, who):
    actor = world.users[who]
    with pytest.raises(BulletinError, match="只有纪检监察人员可以起草通报"):
        bulletin_draft(actor=actor, district=world.district, kind="typical", title="标题", body="正文")
    draft = make_bulletin(publish=False)
    with pytest.raises(BulletinError, match="只有纪检监察人员可以审核通报"):
        bulletin_review(actor=actor, bulletin_id=draft.pk)
    with pytest.raises(BulletinError, match="只有纪检监察人员可以撤回通报"):
        bulletin_withdraw(actor=actor, bulletin_id=draft.pk, reason="x")
    assert Bulletin.objects.get(pk=draft.pk).state == State.DRAFTED


def test_only_the_drafter_edits_its_draft(world, second_inspector, make_bulletin):
    bulletin = make_bulletin(publish=False)
    with pytest.raises(BulletinError, match="只有起草人可以修改草稿"):
        bulletin_update(
            actor=second_inspector, bulletin_id=bulletin.pk, kind="typical", title="改", body="改"
        )
    bulletin = bulletin_update(
        actor=world.users["inspector"],
        bulletin_id=bulletin.pk,
        kind="monthly",
        title="11月通报",
        body="改后正文",
    )
    assert (bulletin.kind, bulletin.title) == ("monthly", "11月通报")
    assert _audits(bulletin) == ["bulletin.draft", "bulletin.update"]


def test_a_withdrawn_bulletin_leaves_the_public_page(world, second_inspector, make_bulletin):
    bulletin = make_bulletin()
    assert len(public_bulletins(world.district.pk)) == 1
    with pytest.raises(BulletinError, match="请填写撤回理由"):
        bulletin_withdraw(actor=second_inspector, bulletin_id=bulletin.pk, reason="  ")
    bulletin = bulletin_withdraw(
        actor=second_inspector, bulletin_id=bulletin.pk, reason="涉及人员申诉，待复核"
    )
    assert bulletin.state == State.WITHDRAWN
    assert public_bulletins(world.district.pk) == []
    assert _audits(bulletin)[-1] == "bulletin.withdraw"


def test_names_are_masked_unless_the_bulletin_shows_them(world, sanctioned, true_ticket, make_bulletin):
    make_bulletin(accountability=[sanctioned], tickets=[true_ticket])
    (shown,) = public_bulletins(world.district.pk)
    text = "\n".join([shown.title, shown.body, *shown.lines])
    assert "龙某" in text and "政务警告" in text
    assert world.staff_b.name not in text

    make_bulletin(
        title="关于龙强违反工作纪律的通报",
        body="龙强未经批准私自调整上班时间。",
        accountability=[sanctioned],
        show_names=True,
    )
    named = public_bulletins(world.district.pk)[0]
    assert world.staff_b.name in "\n".join(named.lines)


def test_a_bulletin_that_hides_names_may_not_write_them(world, sanctioned, make_bulletin):
    with pytest.raises(BulletinError, match="不得出现人员姓名（龙强）"):
        bulletin_draft(
            actor=world.users["inspector"],
            district=world.district,
            kind="typical",
            title="通报",
            body="窗口值班人员龙强迟到早退。",
            accountability=[sanctioned],
        )
    assert not Bulletin.objects.exists()


def test_no_staff_name_of_the_district_even_unlinked_while_names_are_hidden(world, make_bulletin):
    with pytest.raises(BulletinError, match="不得出现人员姓名（张敏）"):
        make_bulletin(publish=False, body="区市场监管局窗口人员张敏服务态度生硬。")
    assert (
        make_bulletin(body="区市场监管局窗口人员张敏服务态度生硬。", show_names=True).state == State.PUBLISHED
    )


def test_a_bulletin_never_carries_a_phone_number(world, make_bulletin):
    for body in ("群众电话13912345678", "群众电话139****5678", "举报电话027-84890000"):
        with pytest.raises(BulletinError, match="不得包含电话号码"):
            make_bulletin(publish=False, body=body)


def test_links_must_be_of_the_bulletins_district(world, make_bulletin):
    from tests.inspections.conftest import walk

    inspection = walk(world, "findings_recorded")
    with pytest.raises(BulletinError, match="不属于本区"):
        bulletin_draft(
            actor=world.users["outsider"],
            district=world.other_district,
            kind="typical",
            title="通报",
            body="正文",
            inspections=[inspection],
        )


def test_an_inspection_shows_its_unit_and_confirmed_problems_not_its_people(world, make_bulletin):
    from tests.inspections.conftest import walk

    inspection = walk(world, "findings_recorded")
    make_bulletin(inspections=[inspection], body="区市场监管局未及时录入服务对象数据。")
    (shown,) = public_bulletins(world.district.pk)
    assert shown.lines == [
        f"监督检查 · {world.unit_a.name} · 随机查 · {inspection.started_on:%Y-%m-%d} · 查实问题 1 个"
    ]
    with pytest.raises(BulletinError, match="张敏"):
        make_bulletin(inspections=[inspection], body="张敏未及时录入。")


@pytest.mark.parametrize(
    ("name", "masked"), [("龙强", "龙某"), ("欧阳娜娜", "欧阳某"), ("吴", "吴某"), ("", "某")]
)
def test_masked_names_keep_only_the_surname(name, masked):
    assert masked_name(name) == masked
