from __future__ import annotations


def test_the_inspector_sees_every_unit_of_the_district_and_no_other(world):
    response = world.client("inspector").get("/catalog/units/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "区市场监管局" in body and "区城管局" in body and "沌口市场监管所" in body
    assert "邻区市场监管局" not in body
