"""The provincial exchange format: import all-or-nothing with row-level errors, export, round trip, the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from pingyi.catalog.models import District, Hall, ServiceItem, Staff, Unit
from pingyi.ledger.models import ServiceRecord
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.channels.exchange import services as exchange
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Rating
from tests.conftest import credit


def row(**changes):
    base = {
        "areaCode": "420113",
        "deptCode": "U001",
        "taskCode": "420113001",
        "projectNo": "",
        "pf": 3,
        "satisfaction": 5,
        "evalDetail": "",
        "writingEvaluation": "",
        "assessTime": "2026-03-02 10:15:00",
        "assessNumber": 1,
        "evalProcess": "",
        "proManager": "A-001",
    }
    base.update(changes)
    return base


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path, rows, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def local(text):
    return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M:%S"))


@pytest.fixture
def record(world):
    return ServiceRecord.objects.create(
        district=world.district,
        unit=world.unit_a,
        window=world.window_a,
        staff=world.staff_a,
        item=world.item_a,
        record_no="2026-0001",
        received_at=local("2026-03-02 09:00:00"),
        finished_at=local("2026-03-02 09:40:00"),
        source=ServiceRecord.Source.MANUAL,
    )


def sample_rows():
    return [
        row(),  # a QR scan passed on: unit + item + staff only
        row(pf=4, projectNo="2026-0001", evalProcess=1, satisfaction=4, evalDetail="406,409"),
        row(pf=6, projectNo="2026-0001", evalProcess=2, satisfaction=2, evalDetail="213",
            writingEvaluation="窗口人员业务不熟练，问了三遍", assessTime="2026-03-02 21:30:00"),
        row(pf=2, projectNo="2026-0001", evalProcess=2, assessNumber=2, satisfaction=4,
            assessTime="2026-03-04 08:00:00"),
        row(pf=7, taskCode="", proManager="", satisfaction=3, assessTime="2026-03-09 00:00:00"),
        row(pf=1, taskCode="", satisfaction=1, evalDetail="102,106", assessTime="2025-12-01 14:00:00"),
    ]  # fmt: skip


def test_jsonl_import_keeps_channel_time_and_stores_defaults_as_such(world, record, tmp_path):
    result = exchange.import_ratings(write_jsonl(tmp_path / "a.jsonl", sample_rows()), world.district)
    assert result.ok, result.errors
    assert result.created == 6 and result.defaults == 1
    qr = Rating.objects.get(channel=Channel.QR)
    assert qr.rated_at == local("2026-03-02 10:15:00")
    assert (
        qr.channel == Channel.QR
        and qr.staff == world.staff_a
        and qr.item == world.item_a
        and qr.record is None
    )
    pad = Rating.objects.get(channel=Channel.PAD)
    assert pad.record == record and pad.stage == "accepted" and pad.tags == ["406", "409"] and pad.level5 == 4
    sms = Rating.objects.get(channel=Channel.SMS)
    # Historical: the original time is kept and no office-hours flag is raised for 21:30.
    assert sms.rated_at == local("2026-03-02 21:30:00") and sms.flags == []
    assert sms.negative and sms.tracking_code and sms.stage == "finished"
    follow = Rating.objects.get(kind=Rating.Kind.FOLLOW_UP)
    assert follow.follows == sms and follow.channel == Channel.MOBILE
    default = Rating.objects.get(is_default=True)
    assert default.channel == Channel.DEFAULT and default.tracking_code is None and default.level5 == 3
    old = Rating.objects.get(channel=Channel.PC)
    assert old.tag_version == "2019" and old.tags == ["102", "106"] and old.level5 == 1
    assert Rating.objects.filter(is_default=False).count() == 5


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_import_in_each_encoding(world, record, tmp_path, encoding):
    path = write_csv(tmp_path / "a.csv", sample_rows(), encoding)
    result = exchange.import_ratings(path, world.district)
    assert result.ok, result.errors
    assert result.created == 6
    assert Rating.objects.get(channel=Channel.SMS).comment == "窗口人员业务不熟练，问了三遍"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"deptCode": "U999"}, "deptCode"),
        ({"areaCode": "420114"}, "areaCode"),
        ({"projectNo": "NO-SUCH"}, "projectNo"),
        ({"satisfaction": 0}, "satisfaction"),
        ({"satisfaction": 6}, "satisfaction"),
        ({"satisfaction": "好"}, "satisfaction"),
        ({"assessTime": "2026/03/02 10:15"}, "assessTime"),
        ({"assessTime": "2099-01-01 10:00:00"}, "assessTime"),
        ({"satisfaction": 1, "evalDetail": "510"}, "evalDetail"),
        ({"evalDetail": "999"}, "evalDetail"),
        ({"satisfaction": 1, "evalDetail": "101,108"}, "evalDetail"),
        ({"pf": 9}, "pf"),
        ({"assessNumber": 3}, "assessNumber"),
        ({"evalProcess": 5}, "evalProcess"),
        ({"proManager": "B-001"}, "proManager"),
        ({"taskCode": "420113002"}, "taskCode"),
    ],
)
def test_a_malformed_row_imports_nothing_and_names_row_and_field(world, record, tmp_path, bad, field):
    path = write_jsonl(tmp_path / "bad.jsonl", [row(), row(**bad), row()])
    result = exchange.import_ratings(path, world.district)
    assert not result.ok and result.created == 0
    assert [(e.row, e.field) for e in result.errors] == [(2, field)]
    assert "第 2 行" in str(result.errors[0]) and field in str(result.errors[0])
    assert not Rating.objects.exists()


def test_every_error_is_listed_and_a_duplicate_record_stage_is_one(world, record, tmp_path):
    rows = [
        row(projectNo="2026-0001", evalProcess=2),
        row(projectNo="2026-0001", evalProcess=2),  # same record and stage again
        row(projectNo="2026-0001", evalProcess=2, assessNumber=2),  # a follow-up is fine
        row(deptCode="U999"),
        row(satisfaction=0),
    ]
    result = exchange.import_ratings(write_csv(tmp_path / "dup.csv", rows), world.district)
    assert [(e.row, e.field) for e in result.errors] == [
        (3, "projectNo"),
        (5, "deptCode"),
        (6, "satisfaction"),
    ]
    assert "无需重复评价" in result.errors[0].message
    assert not Rating.objects.exists()


def test_a_record_already_rated_in_the_database_is_a_row_error(world, record, tmp_path):
    rating_submit(
        RatingInput(channel=Channel.PAD, scale=Scale.FIVE, level=5, record=record, stage="finished")
    )
    result = exchange.import_ratings(
        write_jsonl(tmp_path / "a.jsonl", [row(projectNo="2026-0001", evalProcess=2)]), world.district
    )
    assert [(e.row, e.field) for e in result.errors] == [(1, "projectNo")]
    assert Rating.objects.count() == 1


def test_the_same_file_twice_is_refused_and_a_bad_line_is_reported(world, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [row()])
    assert exchange.import_ratings(path, world.district).created == 1
    again = exchange.import_ratings(path, world.district)
    assert not again.ok and "已导入" in again.errors[0].message and Rating.objects.count() == 1
    broken = tmp_path / "b.jsonl"
    broken.write_text(json.dumps(row()) + "\n{not json\n", encoding="utf-8")
    result = exchange.import_ratings(broken, world.district)
    assert [e.row for e in result.errors] == [2] and Rating.objects.count() == 1


def test_gbt39046_codes_and_the_phone_pf_variant(world, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [row(satisfaction=1, pf=6), row(satisfaction=5, pf=7)])
    result = exchange.import_ratings(path, world.district, gbt39046=True, pf_variant="phone")
    assert result.ok, result.errors
    got = sorted(Rating.objects.values_list("channel", "level5", "is_default"))
    assert got == [(Channel.PHONE, 5, False), (Channel.SMS, 1, False)]
    per_row = write_jsonl(tmp_path / "b.jsonl", [row(satisfaction=2, satisfactionStandard="GB/T 39046")])
    assert exchange.import_ratings(per_row, world.district).ok
    assert Rating.objects.filter(level5=4).count() == 1


def test_a_three_level_deployment_stores_the_mapped_level(world, tmp_path, settings):
    settings.PINGYI_RATING_SCALE = "three"
    rows = [
        row(satisfaction=4, evalDetail="409"),
        row(satisfaction=2, evalDetail="214", assessTime="2026-03-02 10:20:00"),
    ]
    assert exchange.import_ratings(write_jsonl(tmp_path / "a.jsonl", rows), world.district).ok
    got = sorted(Rating.objects.values_list("scale", "level", "level5", "negative"))
    assert got == [("three", 1, 2, True), ("three", 2, 3, False)]


def _summary(ratings):
    return sorted(
        (r.channel, r.level5, r.rated_at, r.kind, r.stage, r.is_default, tuple(r.tags), r.tag_version, r.comment,
         r.staff.employee_no if r.staff else "", r.item.code if r.item else "",
         r.record.record_no if r.record else "")
        for r in ratings
    )  # fmt: skip


def _fresh_district():
    district = District.objects.create(code="420199", name="新区")
    hall = Hall.objects.create(district=district, code="H01", name="新区市民服务中心")
    unit = Unit.objects.create(
        district=district, hall=hall, code="U001", name="区市场监管局", credit_code=credit(1)
    )
    ServiceItem.objects.create(district=district, unit=unit, code="420113001", name="个体工商户设立登记")
    Staff.objects.create(unit=unit, employee_no="A-001", name="张敏")
    ServiceRecord.objects.create(
        district=district, unit=unit, record_no="2026-0001", received_at=local("2026-03-02 09:00:00"),
        source=ServiceRecord.Source.IMPORT,
    )  # fmt: skip
    return district


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_import_export_import_into_a_fresh_district_round_trips(world, record, tmp_path, fmt):
    assert exchange.import_ratings(write_jsonl(tmp_path / "a.jsonl", sample_rows()), world.district).ok
    rating_submit(  # a hotline rating has no pf code: skipped and counted
        RatingInput(channel=Channel.HOTLINE, scale=Scale.FIVE, level=5, unit=world.unit_a,
                    rated_at=local("2026-03-03 10:00:00"))
    )  # fmt: skip
    result = exchange.ExportResult()
    out = tmp_path / f"out.{fmt}"
    with out.open("w", encoding="utf-8", newline="") as handle:
        rows = exchange.export_rows(
            datetime(2025, 12, 1).date(), datetime(2026, 3, 9).date(), district=world.district, result=result
        )
        exchange.write_export(handle, rows, fmt)
    assert result.written == 6 and result.skipped == {"12345热线": 1}
    fresh = _fresh_district()
    again = exchange.import_ratings(out, fresh, area_code="420113")
    assert again.ok, again.errors
    assert again.created == 6 and again.defaults == 1
    original = Rating.objects.filter(district=world.district).exclude(channel=Channel.HOTLINE)
    assert _summary(Rating.objects.filter(district=fresh)) == _summary(original)


def test_export_dates_are_inclusive_local_days_and_the_phone_variant(world, tmp_path):
    rows = [
        row(assessTime="2026-03-01 23:59:59", pf=6),
        row(assessTime="2026-03-02 00:00:00", pf=6),
        row(assessTime="2026-03-02 23:59:59", pf=7),
        row(assessTime="2026-03-03 00:00:00"),
    ]
    assert exchange.import_ratings(write_jsonl(tmp_path / "a.jsonl", rows), world.district).ok
    day = datetime(2026, 3, 2).date()
    standard = list(exchange.export_rows(day, day))
    assert [(r["assessTime"], r["pf"]) for r in standard] == [
        ("2026-03-02 00:00:00", 6),
        ("2026-03-02 23:59:59", 7),
    ]
    result = exchange.ExportResult()
    phone = list(exchange.export_rows(day, day, pf_variant="phone", gbt39046=True, result=result))
    assert [(r["pf"], r["satisfaction"]) for r in phone] == [(7, 1)]  # SMS is 7; 5 is 1 in GB/T 39046
    assert result.skipped == {"系统默认评价": 1}


def test_the_cli_imports_exports_and_exits_1_on_errors(world, record, tmp_path, capsys):
    good = write_jsonl(tmp_path / "good.jsonl", sample_rows())
    out = io.StringIO()
    call_command("ratings", "import", str(good), "--district", "420113", stdout=out)
    assert "已导入 6 条评价" in out.getvalue()
    bad = write_csv(tmp_path / "bad.csv", [row(assessTime="2026-13-01 10:00:00"), row(pf=0)])
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ratings", "import", str(bad), "--district", "420113", stderr=err)
    assert exit_info.value.code == 1
    assert "第 2 行「assessTime」" in err.getvalue() and "第 3 行「pf」" in err.getvalue()
    assert Rating.objects.count() == 6
    target = tmp_path / "export.csv"
    err = io.StringIO()
    call_command("ratings", "export", "--from", "2025-12-01", "--to", "2026-03-31", "--format", "csv",
                 "-o", str(target), stderr=err)  # fmt: skip
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and "已导出 6 条评价" in err.getvalue()
    lines = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert len(lines) == 6 and set(lines[0]) == set(exchange.FIELDS)
    stdout = io.StringIO()
    call_command("ratings", "export", "--from", "2026-03-02", "--to", "2026-03-02", stdout=stdout, stderr=err)
    assert [json.loads(x)["pf"] for x in stdout.getvalue().splitlines()] == [3, 4, 6]
