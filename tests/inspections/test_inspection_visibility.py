"""Who sees what: the unit only its own inspections and only after feedback; other units and roles nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pingyi.inspections.services.findings import finding_record, findings_conclude
from pingyi.inspections.services.lifecycle import feedback_send
from pingyi.inspections.services.rectification import rectification_proof_submit
from tests.inspections.conftest import walk


def test_the_unit_sees_its_inspection_only_once_feedback_is_sent(world):
    inspection = walk(world, "findings_recorded")
    url = f"/inspections/{inspection.pk}/"
    assert world.client("unit_a").get(url).status_code == 404
    assert (
        f'data-inspection="{inspection.pk}"'
        not in world.client("unit_a").get("/inspections/").content.decode()
    )
    feedback_send(
        actor=world.users["inspector"],
        inspection=inspection,
        deadline=inspection.created_at.date().replace(year=2099),
        requirement="补录",
    )
    page = world.client("unit_a").get(url)
    assert page.status_code == 200 and "提交整改方案" in page.content.decode()
    assert world.client("unit_a").get(f"/inspections/{inspection.pk}/feedback.pdf").status_code == 200


@pytest.mark.parametrize("who", ["unit_b", "clerk", "hall_manager", "operator", "outsider"])
def test_anyone_else_gets_404_on_the_pages_and_the_files(world, who):
    inspection = walk(world, "feedback_sent")
    client = world.client(who)
    for path in ("", "feedback.pdf", "feedback.docx"):
        assert client.get(f"/inspections/{inspection.pk}/{path}").status_code == 404, path
    assert (
        client.post(f"/inspections/{inspection.pk}/rectification/plan/", {"plan_text": "x"}).status_code
        == 404
    )
    assert client.get(f"/inspections/plans/{inspection.plan_id}/").status_code == 404


def test_the_unit_admin_cannot_do_the_inspectors_steps_and_the_inspector_not_the_units(world):
    inspection = walk(world, "rectifying")
    unit = world.client("unit_a")
    assert (
        unit.post(f"/inspections/{inspection.pk}/rectification/verify/", {"accepted": "1"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        rectification_proof_submit(actor=world.users["inspector"], inspection=inspection, proof_text="x")
    with pytest.raises(PermissionDenied):
        rectification_proof_submit(actor=world.users["unit_b"], inspection=inspection, proof_text="x")


def test_the_unit_sees_confirmed_findings_but_not_the_unconfirmed_ones_or_the_draw(world):
    from pingyi.inspections.models import FindingType

    inspection = walk(world, "in_progress")
    inspector = world.users["inspector"]
    finding_record(
        actor=inspector,
        inspection=inspection,
        type=FindingType.objects.get(code="late_early"),
        description="龙某迟到早退",
        confirmed=True,
    )
    finding_record(
        actor=inspector,
        inspection=inspection,
        type=FindingType.objects.get(code="qr_hidden"),
        description="怀疑二维码被宣传册遮挡，待核实",
    )
    findings_conclude(actor=inspector, inspection=inspection, summary="现场核查")
    feedback_send(
        actor=inspector,
        inspection=inspection,
        deadline=inspection.created_at.date().replace(year=2099),
        requirement="整改",
    )
    page = world.client("unit_a").get(f"/inspections/{inspection.pk}/").content.decode()
    assert "龙某迟到早退" in page and "待核实" not in page and "过程记录" not in page
    assert "待核实" in world.client("inspector").get(f"/inspections/{inspection.pk}/").content.decode()


def test_the_navigation_shows_inspections_to_inspectors_and_unit_admins_only(world):
    for who, shown in (
        ("inspector", True),
        ("unit_a", True),
        ("hall_manager", False),
        ("clerk", False),
        ("operator", False),
    ):
        page = world.client(who).get("/").content.decode()
        assert ('data-nav="inspections"' in page) is shown, who


def test_the_scope_rules_never_hand_a_unit_the_findings_of_an_inspection_it_was_not_told_about(world):
    from pingyi.accounts.scopes import restrict
    from pingyi.inspections.models import Finding, Inspection

    walk(world, "findings_recorded")
    assert restrict(Finding.objects.all(), world.users["unit_a"]).count() == 0
    assert restrict(Finding.objects.all(), world.users["inspector"]).count() == 1
    assert restrict(Finding.objects.all(), world.users["outsider"]).count() == 0
    assert not restrict(Inspection.objects.all(), world.users["unit_b"]).exists()
