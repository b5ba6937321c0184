"""Halls and sub-centres: imported by a superuser (a sub-centre names its parent), and created on the hall page."""

from __future__ import annotations

from helpers_files import write_csv, write_file

from pingyi.audit.models import AuditEntry
from pingyi.catalog.models import Hall
from pingyi.imports.models import ImportJob
from tests.catalog.importing import refused_with, run


def test_halls_and_their_sub_centres_are_imported(world, tmp_path):
    rows = [
        ["大厅编码", "大厅名称", "上级大厅", "地址"],
        ["H10", "西湖区市民中心", "", "文三路1号"],
        ["H11", "北山街道便民服务中心", "H10", ""],
        ["H12", "灵隐街道便民服务中心", "西湖区市民中心", ""],
        ["H02", "沌口便民服务中心（更名）", "H01", ""],
    ]
    job = run(world, "root", "halls", write_file(tmp_path / "大厅", rows, "xlsx"))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created_count, job.updated_count) == (3, 1)
    main = Hall.objects.get(district=world.district, code="H10")
    assert main.address == "文三路1号" and main.parent is None
    assert set(main.children.values_list("code", flat=True)) == {"H11", "H12"}
    assert Hall.objects.get(district=world.district, code="H02").name == "沌口便民服务中心（更名）"
    assert AuditEntry.objects.filter(action="import.halls").count() == 1


def test_a_parent_that_is_neither_stored_nor_earlier_in_the_file_is_an_error(world, tmp_path):
    rows = [["大厅编码", "大厅名称", "上级大厅"], ["H11", "北山街道", "H10"], ["H10", "西湖区市民中心", ""]]
    job = run(world, "root", "halls", write_csv(tmp_path / "h.csv", rows))
    assert refused_with(job, 2, "上级大厅", "找不到大厅“H10”")
    assert not Hall.objects.filter(code__in=["H10", "H11"]).exists()


def test_a_hall_cannot_be_its_own_parent(world, tmp_path):
    job = run(
        world,
        "root",
        "halls",
        write_csv(
            tmp_path / "h.csv", [["大厅编码", "大厅名称", "上级大厅"], ["H01", "区市民服务中心", "H01"]]
        ),
    )
    assert refused_with(job, 2, "上级大厅", "不能以自己为上级")


def test_only_a_superuser_may_import_or_create_halls(world, tmp_path):
    import pytest
    from django.core.exceptions import PermissionDenied

    path = write_csv(tmp_path / "h.csv", [["大厅编码", "大厅名称"], ["H10", "西湖区市民中心"]])
    with pytest.raises(PermissionDenied):
        run(world, "hall_manager", "halls", path)
    assert world.client("hall_manager").get("/catalog/halls/new/").status_code in {403, 404}


def test_a_superuser_creates_a_hall_and_a_sub_centre_on_the_page(world):
    client = world.client("root")
    response = client.post(
        "/catalog/halls/new/",
        {"district": world.district.pk, "code": "H20", "name": "新区市民中心", "address": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    parent = Hall.objects.get(code="H20")
    response = client.post(
        "/catalog/halls/new/",
        {"district": world.district.pk, "parent": parent.pk, "code": "H21", "name": "新区某街道便民服务中心"},
    )
    assert response.status_code == 302
    assert Hall.objects.get(code="H21").parent == parent
    assert AuditEntry.objects.filter(action="hall.create").count() == 2
